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
#include <unordered_map>
#include <nlohmann/json.hpp>

#include "checker/lin/detail/history_builder.hpp"

namespace weir::lin::detail {
namespace {

using nlohmann::json;

// One scalar as it appeared: its JSON type and text.
struct Scalar {
  enum class Type { Missing, Null, Bool, Int, Uint, Float, String, Array, Object } type = Type::Missing;
  std::string text;                 // number digits, string contents, "true"/"false"
  std::vector<Scalar> items;        // arrays of scalars (cas values)
  bool is_time() const { return type == Type::Uint || (type == Type::Int && text[0] != '-'); }
};

// nlohmann's SAX interface: one operation's fields, without building a DOM (a
// million-line history spends most of its time here otherwise).
struct OpFields {
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;
  Scalar client, call, ret, f, key_field, value, output;
  int depth = 0;
  Scalar* field = nullptr;  // the top-level field being read
  bool top_is_object = false;

  void reset() {
    for (Scalar* s : {&client, &call, &ret, &f, &key_field, &value, &output}) {
      s->type = Scalar::Type::Missing;
      s->items.clear();
    }
    depth = 0;
    field = nullptr;
    top_is_object = false;
  }
  bool put(Scalar::Type t, std::string text) {
    if (depth == 2 && field && field->type == Scalar::Type::Array) {
      field->items.push_back({t, std::move(text), {}});
    } else if (depth == 1 && field) {
      field->type = t;
      field->text = std::move(text);
    }
    return true;
  }
  bool null() { return put(Scalar::Type::Null, "nil"); }
  bool boolean(bool v) { return put(Scalar::Type::Bool, v ? "true" : "false"); }
  bool number_integer(number_integer_t v) { return put(Scalar::Type::Int, std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) { return put(Scalar::Type::Uint, std::to_string(v)); }
  bool number_float(number_float_t, const string_t& s) { return put(Scalar::Type::Float, s); }
  bool string(string_t& v) { return put(Scalar::Type::String, std::move(v)); }
  bool binary(binary_t&) { return put(Scalar::Type::Object, "?"); }
  bool start_object(std::size_t) {
    if (depth == 0) top_is_object = true;
    else if (depth == 1 && field) field->type = Scalar::Type::Object;
    ++depth;
    return true;
  }
  bool end_object() {
    --depth;
    return true;
  }
  bool start_array(std::size_t) {
    if (depth == 1 && field) field->type = Scalar::Type::Array;
    ++depth;
    return true;
  }
  bool end_array() {
    --depth;
    return true;
  }
  bool key(string_t& k) {
    if (depth != 1) return true;
    field = k == "client" ? &client : k == "call" ? &call : k == "return" ? &ret : k == "f" ? &f
          : k == "key" ? &key_field : k == "value" ? &value : k == "output" ? &output : nullptr;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    return false;
  }
};

std::uint64_t to_u64(const Scalar& s) { return std::stoull(s.text); }

}  // namespace

std::optional<ReadError> read_jsonl(std::string_view text, History& h, HistoryBuilder& builder) {
  std::size_t line_no = 0;
  OpFields fields;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') continue;
    fields.reset();
    if (!json::sax_parse(line, &fields)) return builder.error(line_no, "not valid JSON");
    if (!fields.top_is_object) return builder.error(line_no, "expected a JSON object (one operation)");
    ++h.events;
    using T = Scalar::Type;
    // Values intern exactly as the same value written in EDN would.
    auto value_id = [&](const Scalar& v) -> spec::ValueId {
      if (h.spec == spec::SpecKind::Kv) return h.values->intern(v.type == T::Null ? std::string_view() : v.text);
      if (v.type == T::String) {
        std::string quoted = "\"";
        for (char c : v.text) {
          if (c == '"' || c == '\\') quoted += '\\';
          quoted += c;
        }
        return h.values->intern(quoted.append("\""));
      }
      return h.values->intern(v.text);
    };

    Operation op;
    op.line = op.return_line = line_no;
    if (fields.client.type == T::Missing) return builder.error(line_no, "missing \"client\"");
    if (fields.client.type != T::String && fields.client.type != T::Int && fields.client.type != T::Uint)
      return builder.error(line_no, "\"client\" must be an integer or a string");
    op.client = fields.client.text;
    if (fields.call.type == T::Missing) return builder.error(line_no, "missing \"call\" time");
    if (!fields.call.is_time()) return builder.error(line_no, "\"call\" must be a non-negative integer");
    op.call = to_u64(fields.call);
    if (fields.ret.type != T::Missing && fields.ret.type != T::Null) {
      if (!fields.ret.is_time()) return builder.error(line_no, "\"return\" must be a non-negative integer or null");
      op.ret = to_u64(fields.ret);
      if (op.ret < op.call)
        return builder.error(line_no, "returns at " + std::to_string(op.ret) + ", before its call at " +
                                          std::to_string(op.call));
    }
    op.input.known = op.ret != kPending;

    if (fields.f.type != T::String) return builder.error(line_no, "missing \"f\" (operation name)");
    const std::string& fname = fields.f.text;
    auto kind = spec::parse_op_kind(h.spec, fname);
    if (!kind)
      return builder.error(line_no, "unknown operation \"" + fname + "\" for spec " +
                                        std::string(spec::spec_name(h.spec)) + " (expected " +
                                        std::string(spec::spec_operations(h.spec)) + ")");
    op.input.kind = *kind;
    if (h.spec == spec::SpecKind::Kv) {
      if (fields.key_field.type != T::String && fields.key_field.type != T::Int && fields.key_field.type != T::Uint)
        return builder.error(line_no, "kv operation needs a \"key\" (string)");
      op.input.key = h.values->intern(fields.key_field.text);
    }
    const Scalar& value = fields.value;
    switch (*kind) {
      case spec::OpKind::Write:
      case spec::OpKind::Put:
      case spec::OpKind::Append:
        if (value.type == T::Missing) return builder.error(line_no, fname + " needs a \"value\"");
        if (*kind != spec::OpKind::Write && value.type != T::String)
          return builder.error(line_no, fname + " \"value\" must be a string");
        if (value.type == T::Array || value.type == T::Object)
          return builder.error(line_no, fname + " \"value\" must be a single value");
        op.input.arg = value_id(value);
        break;
      case spec::OpKind::Cas:
        if (value.type != T::Array || value.items.size() != 2)
          return builder.error(line_no, "cas needs \"value\": [expected, new]");
        op.input.arg = value_id(value.items[0]);
        op.input.arg2 = value_id(value.items[1]);
        break;
      case spec::OpKind::Read:
      case spec::OpKind::Get:
        break;
    }
    const Scalar& output = fields.output;
    if (op.input.known) {
      if (spec::op_reads(*kind)) {
        if (output.type == T::Missing)
          return builder.error(line_no, fname + " returned but has no \"output\"");
        if (output.type == T::Array || output.type == T::Object)
          return builder.error(line_no, fname + " \"output\" must be a single value");
        if (h.spec == spec::SpecKind::Kv && output.type != T::String && output.type != T::Null)
          return builder.error(line_no, "get \"output\" must be a string");
        op.input.out = value_id(output);
      } else if (*kind == spec::OpKind::Cas) {
        if (output.type != T::Missing && output.type != T::Bool)
          return builder.error(line_no, "cas \"output\" must be true or false");
        op.input.ok = output.type == T::Missing || output.text == "true";
      }
    }
    if (!op.input.known && spec::op_reads(*kind)) {
      ++h.dropped_pending_reads;  // a read never answered constrains nothing
      continue;
    }
    h.ops.push_back(std::move(op));
  }

  // A client is one sequential process: its operations must not overlap in time.
  std::unordered_map<std::string_view, std::uint32_t> client_ids;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> order;  // (client, call), index
  order.reserve(h.ops.size());
  std::vector<std::uint32_t> index(h.ops.size());
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    auto id = client_ids.emplace(h.ops[i].client, static_cast<std::uint32_t>(client_ids.size())).first->second;
    order.emplace_back((std::uint64_t{id} << 32) | i, h.ops[i].call);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if ((a.first >> 32) != (b.first >> 32)) return (a.first >> 32) < (b.first >> 32);
    return a.second < b.second;
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if ((order[i - 1].first >> 32) != (order[i].first >> 32)) continue;
    const Operation& prev = h.ops[order[i - 1].first & 0xffffffffu];
    const Operation& cur = h.ops[order[i].first & 0xffffffffu];
    if (prev.ret <= cur.call) continue;
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
