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
#include <thread>
#include <unordered_map>

#include "checker/lin/detail/edn.hpp"
#include "checker/lin/detail/history_builder.hpp"
#include "checker/input/input.hpp"
#include "checker/jsonl/jsonl.hpp"
#include "spec/txn.hpp"

namespace weir::lin::detail {
namespace {


// One scalar as it appeared: its JSON type and value. Numbers keep their value; their
// text is made only when the number is a register value.
struct Scalar {
  enum class Type { Missing, Null, Bool, Int, Uint, Float, String, Array, Object } type = Type::Missing;
  std::string text;                 // string contents, float text, "true"/"false"
  std::uint64_t u = 0;              // Uint
  std::int64_t i = 0;               // Int
  std::vector<Scalar> items;        // arrays of scalars (cas values)
  bool scalar() const { return type != Type::Array && type != Type::Object && type != Type::Missing; }
  bool is_time() const { return type == Type::Uint || (type == Type::Int && i >= 0); }
  std::uint64_t time() const { return type == Type::Uint ? u : static_cast<std::uint64_t>(i); }
  std::string as_text() const {
    if (type == Type::Uint) return std::to_string(u);
    if (type == Type::Int) return std::to_string(i);
    if (type == Type::Null) return "nil";
    return text;
  }
};

// A SAX handler that checker/jsonl replays each line to: the
// array's elements are operations; each one's fields are collected without building a
// DOM, and `on_op` is called when its object closes.
template <class OnOp>
struct OpFields final : jsonl::Handler {
  Scalar client, call, ret, f, key_field, value, output;
  const jsonl::Lines& lines;
  OnOp on_op;
  std::size_t line = 0;  // of the operation being read
  int depth = 0;         // 1: in the array of operations; 2: in an operation
  Scalar* field = nullptr;  // the operation's field being read
  std::optional<ReadError> error;  // why on_op or the parser stopped
  std::string bad_shape;  // a non-object where an operation should be, a field twice

  OpFields(const jsonl::Lines& l, OnOp f) : lines(l), on_op(std::move(f)) {}

  void begin_op() {
    for (Scalar* s : {&client, &call, &ret, &f, &key_field, &value, &output}) {
      s->type = Scalar::Type::Missing;
      s->items.clear();
    }
    field = nullptr;
    line = lines.line;
  }
  bool not_an_object() {
    line = lines.line;
    bad_shape = "expected a JSON object (one operation)";
    return false;
  }
  Scalar* target(Scalar::Type t) {
    if (depth == 3 && field && field->type == Scalar::Type::Array) {
      field->items.emplace_back().type = t;
      return &field->items.back();
    }
    // One level further, for a txn's micro-ops: [["w", "x", 1], ["r", "y", 2]].
    if (depth == 4 && field && field->type == Scalar::Type::Array && !field->items.empty() &&
        field->items.back().type == Scalar::Type::Array) {
      field->items.back().items.emplace_back().type = t;
      return &field->items.back().items.back();
    }
    if (depth == 2 && field) {
      field->type = t;
      return field;
    }
    return nullptr;
  }
  bool put(Scalar::Type t, std::string text) {
    if (depth == 1) return not_an_object();
    if (Scalar* s = target(t)) s->text = std::move(text);
    return true;
  }
  bool null() override { return put(Scalar::Type::Null, {}); }
  bool boolean(bool v) override { return put(Scalar::Type::Bool, v ? "true" : "false"); }
  bool number_integer(std::int64_t v) override {
    if (depth == 1) return not_an_object();
    if (Scalar* s = target(Scalar::Type::Int)) s->i = v;
    return true;
  }
  bool number_unsigned(std::uint64_t v) override {
    if (depth == 1) return not_an_object();
    if (Scalar* s = target(Scalar::Type::Uint)) s->u = v;
    return true;
  }
  bool number_float(double, const std::string& s) override { return put(Scalar::Type::Float, s); }
  bool string(std::string_view v) override { return put(Scalar::Type::String, std::string(v)); }
  bool start_object() override {
    if (depth == 1) {
      begin_op();
    } else {
      container(Scalar::Type::Object);
    }
    ++depth;
    return true;
  }
  // A container as a field's value, or as an item of an array field ([null, [9], 5] is
  // three items, one of them an array: not a cas value).
  void container(Scalar::Type t) {
    if (depth == 2 && field) field->type = t;
    else if (depth == 3 && field && field->type == Scalar::Type::Array) field->items.emplace_back().type = t;
    else if (Scalar* s = depth == 4 ? target(t) : nullptr) s->type = t;  // refused as a micro-op's part
  }
  bool end_object() override {
    if (--depth != 1) return true;
    error = on_op(*this);
    return !error;
  }
  bool start_array() override {
    if (depth == 1) return not_an_object();
    container(Scalar::Type::Array);
    ++depth;
    return true;
  }
  bool end_array() override {
    --depth;
    return true;
  }
  bool key(std::string_view k) override {
    if (depth != 2) return true;
    field = k == "client" ? &client : k == "call" ? &call : k == "return" ? &ret : k == "f" ? &f
          : k == "key" ? &key_field : k == "value" ? &value : k == "output" ? &output : nullptr;
    // JSON leaves a repeated key to the reader; the last one winning would hide the first.
    if (field && field->type != Scalar::Type::Missing) {
      line = lines.line;
      bad_shape = "the field \"" + std::string(k) + "\" appears twice in one operation";
      return false;
    }
    return true;
  }
  bool line_error(jsonl::LineError e) override {
    line = lines.line;
    switch (e) {
      case jsonl::LineError::SecondValue: bad_shape = "two operations on one line: one operation per line"; break;
      case jsonl::LineError::Unclosed: unclosed = true; break;
      case jsonl::LineError::Invalid: break;
    }
    return false;
  }
  bool unclosed = false;
};

// Reads the operations of `text` (whole lines) into `h`, numbering lines from 1. Uses
// `builder` only to name the file in errors, so chunks can be read in parallel.
std::optional<ReadError> read_chunk(std::string_view text, const char* readable_end, History& h,
                                    const HistoryBuilder& builder) {
  using T = Scalar::Type;
  // Values intern exactly as the same value written in EDN would.
  auto value_id = [&](const Scalar& v) -> spec::ValueId {
    if (h.spec == spec::SpecKind::Kv) return h.values->intern(v.type == T::Null ? std::string_view() : v.text);
    if (v.type == T::String) {
      Edn quoted;  // printed by the one EDN printer, escapes and all
      quoted.kind = Edn::Kind::String;
      quoted.text = v.text;
      return h.values->intern(quoted.print());
    }
    return h.values->intern(v.as_text());
  };

  static const std::string too_late =
      " is beyond the largest time Weir represents, " + std::to_string(kMaxTime) + " (the next one means \"no return\")";
  auto on_op = [&](const auto& fields) -> std::optional<ReadError> {
    const std::size_t line_no = fields.line;
    ++h.events;
    Operation op;
    op.line = op.return_line = line_no;
    if (fields.client.type == T::Missing) return builder.error(line_no, "missing \"client\"");
    if (fields.client.type != T::String && fields.client.type != T::Int && fields.client.type != T::Uint)
      return builder.error(line_no, "\"client\" must be an integer or a string");
    op.client = fields.client.as_text();
    if (fields.call.type == T::Missing) return builder.error(line_no, "missing \"call\" time");
    if (!fields.call.is_time()) return builder.error(line_no, "\"call\" must be a non-negative integer");
    op.call = fields.call.time();
    if (op.call > kMaxTime) return builder.error(line_no, "\"call\" " + std::to_string(op.call) + too_late);
    if (fields.ret.type != T::Missing && fields.ret.type != T::Null) {
      if (!fields.ret.is_time()) return builder.error(line_no, "\"return\" must be a non-negative integer or null");
      op.ret = fields.ret.time();
      if (op.ret > kMaxTime) return builder.error(line_no, "\"return\" " + std::to_string(op.ret) + too_late);
      if (op.ret < op.call)
        return builder.error(line_no, "returns at " + std::to_string(op.ret) + ", before its call at " +
                                          std::to_string(op.call));
    }
    op.input.known = op.ret != kPending;

    if (fields.f.type != T::String) return builder.error(line_no, "missing \"f\" (operation name)");
    const std::string& fname = fields.f.text;
    auto kind = spec::parse_op_kind(h.spec, fname);
    if (!kind)
      return builder.error(line_no, "unknown operation \"" + input::excerpt(fname) + "\" for spec " +
                                        std::string(spec::spec_name(h.spec)) + " (expected " +
                                        std::string(spec::spec_operations(h.spec)) + ")");
    op.input.kind = *kind;
    if (h.spec == spec::SpecKind::Kv) {
      if (fields.key_field.type != T::String && fields.key_field.type != T::Int && fields.key_field.type != T::Uint)
        return builder.error(line_no, "kv operation needs a \"key\" (string)");
      op.input.key = h.values->intern(fields.key_field.as_text());
    } else if (builder.independent()) {
      // Independent registers: the key is a value like any other (an EDN token).
      if (!fields.key_field.scalar())
        return builder.error(line_no, "with --independent an operation needs a \"key\"");
      op.input.key = value_id(fields.key_field);
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
        if (value.type != T::Array || value.items.size() != 2 || !value.items[0].scalar() || !value.items[1].scalar())
          return builder.error(line_no, "cas needs \"value\": [expected, new], two single values");
        op.input.arg = value_id(value.items[0]);
        op.input.arg2 = value_id(value.items[1]);
        break;
      case spec::OpKind::Read:
      case spec::OpKind::Get:
        break;
      case spec::OpKind::Txn: {
        // As it ran: reads carry their values once it returned ("return" given).
        if (value.type != T::Array) return builder.error(line_no, "txn needs \"value\": [[f, key, value], ...]");
        std::vector<spec::MicroOp> micro;
        op.input.reads_only = true;
        for (const Scalar& m : value.items) {
          if (m.type != T::Array || m.items.size() != 3 || !m.items[0].scalar() || !m.items[1].scalar() ||
              !m.items[2].scalar())
            return builder.error(line_no, "a txn micro-op is [f, key, value], three single values");
          const std::string fn = m.items[0].as_text();
          if (m.items[0].type != T::String || (fn != "r" && fn != "w" && fn != "read" && fn != "write"))
            return builder.error(line_no, "a txn micro-op is \"r\" (read) or \"w\" (write), got " + input::excerpt(fn));
          spec::MicroOp mo;
          mo.write = fn[0] == 'w';
          mo.key = std::string(h.values->text(value_id(m.items[1])));
          mo.value = std::string(h.values->text(value_id(m.items[2])));
          if (!spec::txn_token_ok(mo.key) || !spec::txn_token_ok(mo.value))
            return builder.error(line_no, "a txn key or value holds a control character");
          mo.known = mo.write || (op.input.known && !(m.items[2].type == T::Null && builder.nil_reads_any()));
          if (mo.write) op.input.reads_only = false;
          micro.push_back(std::move(mo));
        }
        op.input.arg = h.values->intern(spec::encode_txn(micro));
        break;
      }
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
        if (output.type == T::Null && op.input.known && builder.nil_reads_any()) {
          ++h.unknown_reads;  // Knossos's nil: any value, so no constraint
          return std::nullopt;
        }
        op.input.out = value_id(output);
      } else if (*kind == spec::OpKind::Cas) {
        if (output.type != T::Missing && output.type != T::Bool)
          return builder.error(line_no, "cas \"output\" must be true or false");
        op.input.ok = output.type == T::Missing || output.text == "true";
      }
    }
    if (!op.input.known && spec::op_reads(*kind)) {
      ++h.dropped_pending_reads;  // a read never answered constrains nothing
      return std::nullopt;
    }
    h.ops.push_back(std::move(op));
    return std::nullopt;
  };

  jsonl::Lines lines;
  OpFields fields(lines, on_op);
  if (!jsonl::sax_lines(text, readable_end, lines, fields)) {
    if (fields.error) return fields.error;
    if (!fields.bad_shape.empty()) return builder.error(fields.line, fields.bad_shape);
    return builder.error(fields.line, fields.unclosed ? "not valid JSON: the operation does not end on its line"
                                                      : "not valid JSON");
  }

  return std::nullopt;
}

// A client is one sequential process: its operations must not overlap in time.
std::optional<ReadError> check_clients(const History& h, const HistoryBuilder& builder) {
  // Group the ops by client (a counting sort keeps file order within a client), then
  // order each client's ops by call: a history written in time order needs no sorting.
  std::unordered_map<std::string_view, std::uint32_t> client_ids;
  std::vector<std::uint32_t> client_of(h.ops.size());
  std::vector<std::uint32_t> count;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    auto [it, fresh] = client_ids.emplace(h.ops[i].client, static_cast<std::uint32_t>(client_ids.size()));
    if (fresh) count.push_back(0);
    client_of[i] = it->second;
    ++count[it->second];
  }
  std::vector<std::uint32_t> begin(count.size() + 1, 0);
  for (std::size_t c = 0; c < count.size(); ++c) begin[c + 1] = begin[c] + count[c];
  std::vector<std::uint32_t> order(h.ops.size());
  std::vector<std::uint32_t> fill(begin.begin(), begin.end() - 1);
  for (std::uint32_t i = 0; i < h.ops.size(); ++i) order[fill[client_of[i]]++] = i;
  auto by_call = [&](std::uint32_t a, std::uint32_t b) { return h.ops[a].call < h.ops[b].call; };
  for (std::size_t c = 0; c < count.size(); ++c) {
    auto first = order.begin() + begin[c], last = order.begin() + begin[c + 1];
    if (!std::is_sorted(first, last, by_call)) std::stable_sort(first, last, by_call);
    for (auto it = first; it != last && it + 1 != last; ++it) {
      const Operation& prev = h.ops[*it];
      const Operation& cur = h.ops[*(it + 1)];
      if (prev.ret <= cur.call) continue;
      std::size_t line = std::max(prev.line, cur.line);
      return builder.error(line, "client " + cur.client + " has overlapping operations (lines " +
                                     std::to_string(std::min(prev.line, cur.line)) + " and " +
                                     std::to_string(line) + "); " +
                                     (prev.ret == kPending
                                          ? "after an operation with no return, a client is gone"
                                          : "a client runs one operation at a time"));
    }
  }
  return std::nullopt;
}

// Moves a chunk's operations, read with their own value table and line numbers from 1,
// to the end of `h`.
void append_chunk(History& h, History& chunk, std::size_t line_offset) {
  std::vector<spec::ValueId> ids(chunk.values->size());
  for (spec::ValueId v = 0; v < ids.size(); ++v) ids[v] = h.values->intern(chunk.values->text(v));
  auto map = [&](spec::ValueId& v) {
    if (v != spec::kNoValue) v = ids[v];
  };
  h.ops.reserve(h.ops.size() + chunk.ops.size());
  for (Operation& op : chunk.ops) {
    map(op.input.key);
    map(op.input.arg);
    map(op.input.arg2);
    map(op.input.out);
    op.line += line_offset;
    op.return_line += line_offset;
    h.ops.push_back(std::move(op));
  }
  h.events += chunk.events;
  h.dropped_pending_reads += chunk.dropped_pending_reads;
  h.unknown_reads += chunk.unknown_reads;
}

}  // namespace

std::optional<ReadError> read_jsonl(std::string_view text, History& h, HistoryBuilder& builder,
                                    const JsonlChunking& chunking) {
  // A large file is read in chunks of whole lines, one per core: JSON parsing is most of
  // the time. The first chunk goes straight into `h`; the others into histories of
  // their own, whose values are then interned into h's table, in file order.
  const std::size_t cores = std::max(1u, chunking.threads ? chunking.threads : std::thread::hardware_concurrency());
  const std::size_t n = std::min(cores, std::max<std::size_t>(1, text.size() / std::max<std::size_t>(1, chunking.min_chunk_bytes)));
  std::vector<std::string_view> parts;
  for (std::size_t i = 0, begin = 0; i < n && begin < text.size(); ++i) {
    std::size_t end = i + 1 == n ? text.size() : text.find('\n', text.size() * (i + 1) / n);
    end = end == std::string_view::npos ? text.size() : std::max(end + 1, begin);
    parts.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  std::vector<History> others(parts.empty() ? 0 : parts.size() - 1);
  std::vector<std::optional<ReadError>> errors(parts.size());
  std::vector<std::size_t> lines(parts.size());
  auto read_part = [&](std::size_t i, History& into) {
    lines[i] = static_cast<std::size_t>(std::count(parts[i].begin(), parts[i].end(), '\n'));
    // At most one operation per line; the first chunk's history will take all of them.
    into.ops.reserve(into.ops.size() + (lines[i] + 1) * (i == 0 ? parts.size() : 1));
    errors[i] = read_chunk(parts[i], text.data() + text.size(), into, builder);
  };
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    others[i - 1].spec = h.spec;
    others[i - 1].values = std::make_shared<spec::ValueTable>();
    pool.emplace_back([&, i] { read_part(i, others[i - 1]); });
  }
  if (!parts.empty()) read_part(0, h);
  for (std::thread& t : pool) t.join();

  std::size_t line_offset = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (errors[i]) {
      errors[i]->line += line_offset;
      return errors[i];  // the first error in the file
    }
    if (i > 0) append_chunk(h, others[i - 1], line_offset);
    line_offset += lines[i];
  }
  return check_clients(h, builder);
}

}  // namespace weir::lin::detail
