// Names of specs and operations as users write them on the command line and in histories.
#include "spec/spec.hpp"

namespace weir::spec {

std::optional<SpecKind> parse_spec_kind(std::string_view name) {
  if (name == "register") return SpecKind::Register;
  if (name == "cas-register") return SpecKind::CasRegister;
  if (name == "kv") return SpecKind::Kv;
  if (name == "multi-register") return SpecKind::MultiRegister;
  return std::nullopt;
}

std::string_view spec_name(SpecKind kind) {
  switch (kind) {
    case SpecKind::Register: return "register";
    case SpecKind::CasRegister: return "cas-register";
    case SpecKind::Kv: return "kv";
    case SpecKind::MultiRegister: return "multi-register";
  }
  return "?";
}

std::string_view spec_operations(SpecKind kind) {
  switch (kind) {
    case SpecKind::Register: return "read, write";
    case SpecKind::CasRegister: return "read, write, cas";
    case SpecKind::Kv: return "get, put, append";
    case SpecKind::MultiRegister: return "txn";
  }
  return "";
}

bool spec_partitions_by_key(SpecKind kind) { return kind == SpecKind::Kv; }

std::optional<OpKind> parse_op_kind(SpecKind spec, std::string_view name) {
  switch (spec) {
    case SpecKind::CasRegister:
      if (name == "cas") return OpKind::Cas;
      [[fallthrough]];
    case SpecKind::Register:
      if (name == "read") return OpKind::Read;
      if (name == "write") return OpKind::Write;
      return std::nullopt;
    case SpecKind::Kv:
      if (name == "get") return OpKind::Get;
      if (name == "put") return OpKind::Put;
      if (name == "append") return OpKind::Append;
      return std::nullopt;
    case SpecKind::MultiRegister:
      if (name == "txn") return OpKind::Txn;
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view op_name(OpKind kind) {
  switch (kind) {
    case OpKind::Read: return "read";
    case OpKind::Write: return "write";
    case OpKind::Cas: return "cas";
    case OpKind::Get: return "get";
    case OpKind::Put: return "put";
    case OpKind::Append: return "append";
    case OpKind::Txn: return "txn";
  }
  return "?";
}

bool op_reads(OpKind kind) { return kind == OpKind::Read || kind == OpKind::Get; }

}  // namespace weir::spec
