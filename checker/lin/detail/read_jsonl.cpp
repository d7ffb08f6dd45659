// Weir's native history format: JSON Lines, one operation per line.
//   {"client": 1, "call": 10, "return": 14, "f": "write", "value": 3}
//   {"client": 2, "call": 11, "return": 12, "f": "read", "output": 3}
//   {"client": 3, "call": 13, "f": "cas", "value": [3, 4]}          (no return: pending)
//   {"client": 1, "call": 15, "return": 20, "f": "cas", "value": [3, 5], "output": false}
//   {"client": 0, "call": 1, "return": 2, "f": "append", "key": "k", "value": "x"}
// `call` and `return` are integers on any clock shared by all clients. A missing or null
// `return` is an operation whose outcome is unknown. Blank lines and lines starting with
// '#' are skipped. An operation that failed (did not happen) is simply not written.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "checker/lin/detail/history_builder.hpp"

namespace weir::lin::detail {
namespace {

using nlohmann::json;

// Values go through the same conversion as EDN ones, so that 3 in JSON and 3 in EDN intern
// to the same value.
Edn to_edn(const json& j) {
  Edn e;
  switch (j.type()) {
    case json::value_t::null: e.kind = Edn::Kind::Nil; break;
    case json::value_t::boolean: e.kind = Edn::Kind::Bool; e.text = j.get<bool>() ? "true" : "false"; break;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: e.kind = Edn::Kind::Int; e.text = j.dump(); break;
    case json::value_t::number_float: e.kind = Edn::Kind::Float; e.text = j.dump(); break;
    case json::value_t::string: e.kind = Edn::Kind::String; e.text = j.get<std::string>(); break;
    case json::value_t::array:
      e.kind = Edn::Kind::Vector;
      for (const json& item : j) e.items.push_back(to_edn(item));
      break;
    default: e.kind = Edn::Kind::Symbol; e.text = j.dump(); break;
  }
  return e;
}

std::optional<std::uint64_t> time_of(const json& j) {
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer() && j.get<std::int64_t>() >= 0) return j.get<std::uint64_t>();
  return std::nullopt;
}

}  // namespace

std::optional<ReadError> read_jsonl(std::string_view text, History& h, HistoryBuilder& builder) {
  std::size_t line_no = 0;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return builder.error(line_no, "not valid JSON");
    if (!j.is_object()) return builder.error(line_no, "expected a JSON object (one operation)");
    ++h.events;

    Operation op;
    op.line = op.return_line = line_no;
    auto client = j.find("client");
    if (client == j.end()) return builder.error(line_no, "missing \"client\"");
    if (client->is_string()) op.client = client->get<std::string>();
    else if (client->is_number_integer()) op.client = client->dump();
    else return builder.error(line_no, "\"client\" must be an integer or a string");

    auto call = j.find("call");
    if (call == j.end()) return builder.error(line_no, "missing \"call\" time");
    auto call_time = time_of(*call);
    if (!call_time) return builder.error(line_no, "\"call\" must be a non-negative integer");
    op.call = *call_time;
    auto ret = j.find("return");
    if (ret != j.end() && !ret->is_null()) {
      auto ret_time = time_of(*ret);
      if (!ret_time) return builder.error(line_no, "\"return\" must be a non-negative integer or null");
      if (*ret_time < op.call)
        return builder.error(line_no, "returns at " + std::to_string(*ret_time) +
                                          ", before its call at " + std::to_string(op.call));
      op.ret = *ret_time;
    }
    op.input.known = op.ret != kPending;

    auto f = j.find("f");
    if (f == j.end() || !f->is_string()) return builder.error(line_no, "missing \"f\" (operation name)");
    auto kind = spec::parse_op_kind(h.spec, f->get_ref<const std::string&>());
    if (!kind)
      return builder.error(line_no, "unknown operation \"" + f->get<std::string>() + "\" for spec " +
                                        std::string(spec::spec_name(h.spec)) + " (expected " +
                                        std::string(spec::spec_operations(h.spec)) + ")");
    op.input.kind = *kind;
    if (h.spec == spec::SpecKind::Kv) {
      auto key = j.find("key");
      if (key == j.end() || !(key->is_string() || key->is_number_integer()))
        return builder.error(line_no, "kv operation needs a \"key\" (string)");
      op.input.key = builder.value_of(to_edn(*key));
    }
    auto value = j.find("value");
    switch (*kind) {
      case spec::OpKind::Write:
      case spec::OpKind::Put:
      case spec::OpKind::Append:
        if (value == j.end()) return builder.error(line_no, f->get<std::string>() + " needs a \"value\"");
        if (*kind != spec::OpKind::Write && !value->is_string())
          return builder.error(line_no, f->get<std::string>() + " \"value\" must be a string");
        op.input.arg = builder.value_of(to_edn(*value));
        break;
      case spec::OpKind::Cas:
        if (value == j.end() || !value->is_array() || value->size() != 2)
          return builder.error(line_no, "cas needs \"value\": [expected, new]");
        op.input.arg = builder.value_of(to_edn((*value)[0]));
        op.input.arg2 = builder.value_of(to_edn((*value)[1]));
        break;
      case spec::OpKind::Read:
      case spec::OpKind::Get:
        break;
    }
    auto output = j.find("output");
    if (op.input.known) {
      if (spec::op_reads(*kind)) {
        if (output == j.end())
          return builder.error(line_no, f->get<std::string>() + " returned but has no \"output\"");
        if (h.spec == spec::SpecKind::Kv && !output->is_string() && !output->is_null())
          return builder.error(line_no, "get \"output\" must be a string");
        op.input.out = builder.value_of(to_edn(*output));
      } else if (*kind == spec::OpKind::Cas) {
        if (output != j.end() && !output->is_boolean())
          return builder.error(line_no, "cas \"output\" must be true or false");
        op.input.ok = output == j.end() || output->get<bool>();
      }
    }
    if (!op.input.known && spec::op_reads(*kind)) {
      ++h.dropped_pending_reads;  // a read never answered constrains nothing
      continue;
    }
    h.ops.push_back(std::move(op));
  }

  // A client is one sequential process: its operations must not overlap in time.
  std::vector<std::size_t> order(h.ops.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (h.ops[a].client != h.ops[b].client) return h.ops[a].client < h.ops[b].client;
    return h.ops[a].call < h.ops[b].call;
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    const Operation& prev = h.ops[order[i - 1]];
    const Operation& cur = h.ops[order[i]];
    if (prev.client != cur.client || prev.ret <= cur.call) continue;
    std::size_t line = std::max(prev.line, cur.line);
    return builder.error(line, "client " + cur.client + " has overlapping operations (lines " +
                                   std::to_string(std::min(prev.line, cur.line)) + " and " +
                                   std::to_string(line) + "); " +
                                   (prev.ret == kPending
                                        ? "after an operation with no return, a client is gone"
                                        : "a client runs one operation at a time"));
  }
  return std::nullopt;
}

}  // namespace weir::lin::detail
