#include "checker/lin/detail/history_builder.hpp"

#include <algorithm>

#include "checker/input/input.hpp"
#include "spec/txn.hpp"

namespace weir::lin::detail {

using spec::OpKind;
using spec::SpecKind;

namespace {

// What a register cannot hold. NaN equals nothing, itself included (EDN and Clojure
// agree), so a read of it could never be judged: refused, with the cause.
std::optional<std::string> not_a_value(const Edn& v) {
  if (v.kind == Edn::Kind::Float && v.text == "##NaN")
    return std::string("##NaN is not a value a register can hold: NaN equals nothing, not even itself");
  for (const Edn& item : v.items)
    if (auto why = not_a_value(item)) return why;
  return std::nullopt;
}

}  // namespace

std::optional<EventType> parse_event_type(std::string_view keyword) {
  if (keyword == "invoke") return EventType::Invoke;
  if (keyword == "ok") return EventType::Ok;
  if (keyword == "fail") return EventType::Fail;
  if (keyword == "info") return EventType::Info;
  return std::nullopt;
}

HistoryBuilder::HistoryBuilder(History& history, std::string file, const ReadOptions& opts)
    : h_(history), file_(std::move(file)), nil_reads_any_(opts.nil_reads_any),
      independent_(opts.independent && opts.spec != SpecKind::Kv && opts.spec != SpecKind::MultiRegister) {
  h_.spec = opts.spec;
  if (!h_.values) h_.values = std::make_shared<spec::ValueTable>();
}

ReadError HistoryBuilder::error(std::size_t line, std::string cause) const {
  if (cause.size() > 1000) cause = input::excerpt(cause, 1000);
  return {file_, line, std::move(cause)};
}

spec::ValueId HistoryBuilder::value_of(const Edn& v) const {
  // kv values are raw strings, because append concatenates them; a nil reads as "".
  if (h_.spec == SpecKind::Kv) {
    if (v.kind == Edn::Kind::String || v.kind == Edn::Kind::Symbol) return h_.values->intern(v.text);
    if (v.kind == Edn::Kind::Nil) return h_.values->intern("");
    return h_.values->intern(v.print());
  }
  return h_.values->intern(v.print());
}

std::optional<std::string> HistoryBuilder::txn_of(const Edn& v, bool completed, spec::Call& call) const {
  if (v.kind != Edn::Kind::Vector && v.kind != Edn::Kind::List)
    return "txn value must be a vector of [f key value] micro-ops, got " + input::excerpt(v.print());
  std::vector<spec::MicroOp> ops;
  call.reads_only = true;
  for (const Edn& m : v.items) {
    if ((m.kind != Edn::Kind::Vector && m.kind != Edn::Kind::List) || m.items.size() != 3)
      return "a txn micro-op is [f key value], got " + input::excerpt(m.print());
    const Edn& f = m.items[0];
    const std::string fname = f.kind == Edn::Kind::Keyword || f.kind == Edn::Kind::String ? f.text : f.print();
    if (fname != "r" && fname != "w" && fname != "read" && fname != "write")
      return "a txn micro-op is :r (read) or :w (write), got " + input::excerpt(f.print());
    if (auto why = not_a_value(m.items[1])) return why;
    if (auto why = not_a_value(m.items[2])) return why;
    spec::MicroOp op;
    op.write = fname[0] == 'w';
    op.key = m.items[1].print();
    op.value = m.items[2].print();
    if (!spec::txn_token_ok(op.key) || !spec::txn_token_ok(op.value))
      return "a txn key or value holds a control character: " + input::excerpt(m.print());
    // A read's value is known once the transaction completed, unless it is Knossos's nil.
    op.known = op.write || (completed && !(nil_reads_any_ && m.items[2].kind == Edn::Kind::Nil));
    if (op.write) call.reads_only = false;
    ops.push_back(std::move(op));
  }
  call.arg = h_.values->intern(spec::encode_txn(ops));
  return std::nullopt;
}

std::optional<ReadError> HistoryBuilder::fill_input(spec::Call& call, const Edn& value,
                                                    const Edn* key, std::size_t line) {
  if (call.kind == OpKind::Txn) {
    if (auto why = txn_of(value, false, call)) return error(line, *why);
    return std::nullopt;
  }
  const Edn* v = &value;
  if (h_.spec == SpecKind::Kv) {
    // Either a :key field, or Jepsen's independent tuple [key value].
    if (!key) {
      if (value.kind != Edn::Kind::Vector || value.items.size() != 2)
        return error(line, "kv operation has no :key (and its value is not a [key value] tuple)");
      key = &value.items[0];
      v = &value.items[1];
    }
    call.key = value_of(*key);
  } else if (independent_) {
    if ((value.kind != Edn::Kind::Vector && value.kind != Edn::Kind::List) || value.items.size() != 2)
      return error(line, "with --independent a value is a [key value] tuple, got " + input::excerpt(value.print()));
    call.key = value_of(value.items[0]);
    v = &value.items[1];
  }
  switch (call.kind) {
    case OpKind::Write:
    case OpKind::Put:
    case OpKind::Append:
      if (v->kind == Edn::Kind::Nil && call.kind == OpKind::Append)
        return error(line, "append needs a value");
      // kv values are strings, as in the native format: a number here is not read as one.
      if (h_.spec == SpecKind::Kv && v->kind != Edn::Kind::String)
        return error(line, std::string(spec::op_name(call.kind)) + " value must be a string, got " +
                               input::excerpt(v->print()));
      if (auto why = not_a_value(*v)) return error(line, *why);
      call.arg = value_of(*v);
      break;
    case OpKind::Cas:
      if ((v->kind != Edn::Kind::Vector && v->kind != Edn::Kind::List) || v->items.size() != 2)
        return error(line, "cas value must be [expected new], got " + input::excerpt(v->print()));
      for (const Edn& item : v->items)
        if (auto why = not_a_value(item)) return error(line, *why);
      call.arg = value_of(v->items[0]);
      call.arg2 = value_of(v->items[1]);
      break;
    case OpKind::Read:
    case OpKind::Get:
    case OpKind::Txn:
      break;
  }
  return std::nullopt;
}

std::optional<ReadError> HistoryBuilder::fill_output(spec::Call& call, const Edn& value,
                                                     std::size_t line) {
  if (!spec::op_reads(call.kind)) return std::nullopt;  // writes and cas return no value
  const Edn* v = &value;
  if ((h_.spec == SpecKind::Kv || independent_) && value.kind == Edn::Kind::Vector && value.items.size() == 2)
    v = &value.items[1];  // Jepsen's independent [key value] tuple
  else if (independent_)
    return error(line, "with --independent a value is a [key value] tuple, got " + input::excerpt(value.print()));
  else if (value.kind != Edn::Kind::Nil && value.kind != Edn::Kind::String &&
           h_.spec == SpecKind::Kv)
    return error(line, "get returned " + input::excerpt(value.print()) + ", not a string");
  if (auto why = not_a_value(*v)) return error(line, *why);
  call.out = value_of(*v);
  return std::nullopt;
}

std::optional<ReadError> HistoryBuilder::event(const std::string& process, EventType type,
                                               const std::string& f, const Edn& value,
                                               const Edn* key, std::size_t line) {
  ++h_.events;
  const std::uint64_t now = clock_++;
  auto open = open_.find(process);
  if (type == EventType::Invoke) {
    if (open != open_.end())
      return error(line, "process " + input::excerpt(process) + " invokes :" + input::excerpt(f) + " while its :" +
                             std::string(spec::op_name(h_.ops[open->second].input.kind)) +
                             " from line " + std::to_string(h_.ops[open->second].line) +
                             " has not completed");
    auto kind = spec::parse_op_kind(h_.spec, f);
    if (!kind)
      return error(line, "unknown operation :" + input::excerpt(f) + " for spec " +
                             std::string(spec::spec_name(h_.spec)) + " (expected " +
                             std::string(spec::spec_operations(h_.spec)) + ")");
    Operation op;
    op.client = process;
    op.call = now;
    op.line = line;
    op.input.kind = *kind;
    if (auto err = fill_input(op.input, value, key, line)) return err;
    open_.emplace(process, h_.ops.size());
    h_.ops.push_back(std::move(op));
    return std::nullopt;
  }
  if (open == open_.end())
    return error(line, "process " + input::excerpt(process) + " completes :" + input::excerpt(f) + " that it never invoked");
  const std::size_t open_index = open->second;
  Operation& op = h_.ops[open_index];
  if (f != spec::op_name(op.input.kind))
    return error(line, "process " + input::excerpt(process) + " completes :" + input::excerpt(f) + " but invoked :" +
                           std::string(spec::op_name(op.input.kind)) + " on line " +
                           std::to_string(op.line));
  open_.erase(open);
  op.return_line = line;
  switch (type) {
    case EventType::Ok: {
      op.ret = now;
      op.input.known = true;
      op.input.ok = true;
      if (op.input.kind == OpKind::Txn) {
        // The completion carries the reads' values: it is the transaction as it ran.
        if (auto why = txn_of(value, true, op.input)) return error(line, *why);
        return std::nullopt;
      }
      const bool independent =
          (h_.spec == SpecKind::Kv || independent_) && value.kind == Edn::Kind::Vector && value.items.size() == 2;
      const Edn& read = independent ? value.items[1] : value;
      if (nil_reads_any_ && spec::op_reads(op.input.kind) && read.kind == Edn::Kind::Nil) {
        unknown_reads_.push_back(open_index);  // matches any state: set aside in finish()
        return std::nullopt;
      }
      return fill_output(op.input, value, line);
    }
    case EventType::Fail:
      op.ret = now;
      failed_.push_back(open_index);  // removed in finish(): it did not happen
      return std::nullopt;
    case EventType::Info:
      op.ret = kPending;
      op.input.known = false;
      return std::nullopt;
    case EventType::Invoke:
      break;
  }
  return std::nullopt;
}

std::optional<ReadError> HistoryBuilder::finish() {
  for (auto& [process, index] : open_) {
    h_.ops[index].ret = kPending;
    h_.ops[index].input.known = false;
  }
  open_.clear();
  std::vector<bool> drop(h_.ops.size(), false);
  for (std::size_t i : failed_) drop[i] = true;
  h_.dropped_failed += failed_.size();
  failed_.clear();
  for (std::size_t i : unknown_reads_) drop[i] = true;
  h_.unknown_reads += unknown_reads_.size();
  unknown_reads_.clear();
  std::size_t kept = 0;
  for (std::size_t i = 0; i < h_.ops.size(); ++i) {
    if (drop[i]) continue;
    if (h_.ops[i].ret == kPending && spec::op_reads(h_.ops[i].input.kind)) {
      ++h_.dropped_pending_reads;
      continue;
    }
    if (kept != i) h_.ops[kept] = std::move(h_.ops[i]);
    ++kept;
  }
  h_.ops.resize(kept);
  return std::nullopt;
}

}  // namespace weir::lin::detail
