// Words for the sequential specs: why a step was refused, and what a call was.
// The steps themselves are `step_with` in spec.hpp.
#include "spec/spec.hpp"
#include "spec/txn.hpp"

namespace weir::spec {

namespace {

std::string quoted(std::string_view t) {
  std::string s;
  s.reserve(t.size() + 2);
  s.push_back('"');
  s.append(t);
  s.push_back('"');
  return s;
}

std::string show(const ValueTable& values, SpecKind spec, ValueId v) {
  if (v == kNoValue) return "?";
  std::string_view t = values.text(v);
  if (spec == SpecKind::Kv) return quoted(t);
  return std::string(t);
}

std::string show_kv(const ValueTable& values, ValueId v) { return show(values, SpecKind::Kv, v); }

}  // namespace

std::string explain_refusal(const ValueTable& values, SpecKind spec, ValueId cur,
                            const Call& call) {
  const std::string holds = spec == SpecKind::Kv ? "key " + show_kv(values, call.key) + " holds " + show(values, spec, cur)
                            : call.key != kNoValue
                                ? "register " + std::string(values.text(call.key)) + " holds " + show(values, spec, cur)
                                : "the register holds " + show(values, spec, cur);
  switch (call.kind) {
    case OpKind::Txn:
      return explain_txn(values.text(cur), values.text(call.arg));
    case OpKind::Read:
    case OpKind::Get:
      return std::string(op_name(call.kind)) + " returned " + show(values, spec, call.out) +
             " but " + holds;
    case OpKind::Cas:
      if (call.ok)
        return "cas expected " + show(values, spec, call.arg) + " and succeeded, but " + holds;
      return "cas expected " + show(values, spec, call.arg) + " and failed, but " + holds;
    default:
      return "cannot be refused";
  }
}

std::string show_value(const ValueTable& values, SpecKind spec, ValueId v) {
  if (v == kNoValue) return "?";
  if (spec == SpecKind::MultiRegister) return show_state(values.text(v));
  return std::string(values.text(v));
}

std::string describe(const ValueTable& values, const Call& call) {
  if (call.kind == OpKind::Txn) return "txn " + show_txn(values.text(call.arg)) + (call.known ? "" : " (pending)");
  const bool kv_op = call.kind == OpKind::Get || call.kind == OpKind::Put || call.kind == OpKind::Append;
  const SpecKind spec = kv_op ? SpecKind::Kv : SpecKind::Register;
  std::string s(op_name(call.kind));
  auto add = [&](std::string_view sep, const std::string& part) { s.append(sep).append(part); };
  if (kv_op) add(" ", show_kv(values, call.key));
  // A register of Jepsen's independent keys: named first, as Jepsen's [key value] tuple does.
  else if (call.key != kNoValue) s.insert(0, "key " + std::string(values.text(call.key)) + ": ");
  switch (call.kind) {
    case OpKind::Read:
    case OpKind::Get:
      add(" -> ", call.known ? show(values, spec, call.out) : std::string("?"));
      break;
    case OpKind::Write:
    case OpKind::Put:
    case OpKind::Append:
      add(" ", show(values, spec, call.arg));
      break;
    case OpKind::Cas:
      add(" ", show(values, spec, call.arg));
      add(" -> ", show(values, spec, call.arg2));
      s.append(call.known ? (call.ok ? " ok" : " failed") : " ?");
      break;
    case OpKind::Txn:
      break;
  }
  if (!call.known) s.append(" (pending)");
  return s;
}

}  // namespace weir::spec
