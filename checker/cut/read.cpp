// The JSON Lines reader for executions. Chunks of whole lines are parsed on every core
// (simdjson, checker/jsonl), each event's fields collected without a DOM; the events are
// then handed to the Builder, which keeps the rules, in file order on one thread. Every
// refusal names the file, the line and the cause.
#include <thread>
#include <unordered_map>

#include "checker/cut/cut.hpp"
#include "checker/input/input.hpp"
#include "checker/jsonl/jsonl.hpp"
#include "checker/jsonl/pipeline.hpp"

namespace weir::cut {

namespace {


enum class T : std::uint8_t { Missing, String, Int, Uint, Float, Other };

struct Value {
  T type = T::Missing;
  std::string text;  // String, Int, Float as written; null, true, false; empty for Uint (u is it)
  std::uint64_t u = 0;
  double f = 0;
  bool negative = false;
};

// An event's line takes at least 30 bytes ({"process":"p","kind":"local"}).
constexpr std::size_t kSmallestEvent = 30;

constexpr const char* kFields = "process, kind, msg, ssid, group, time, index, to, channels, note";

// One event's fields as read, before any rule is applied.
struct Record {
  enum Field { Process, KindF, Msg, Ssid, GroupF, Time, Index, To, Note, Channels, None };
  std::size_t line = 0;  // within its chunk
  Value values[Channels];
  std::vector<std::pair<Value, std::vector<Value>>> channels;
  bool has_channels = false;
};

// An event with every rule of its own line applied (checker/cut/cut.hpp's fields, typed);
// what needs the events before it (the Builder's rules) waits for Judge.
struct Parsed {
  std::uint32_t line = 0;  // within its chunk
  Kind kind = Kind::Local;
  std::uint8_t group = 0;  // 0: not given, 1: in, 2: out
  bool has_time = false, has_index = false, numeric_msg = false, has_channels = false;
  std::uint32_t process = kNone;   // into Chunk::names
  std::uint32_t to = kNone;        // into Chunk::names
  std::uint32_t msg_name = kNone;  // into Chunk::ids, for an id that is not a whole number
  std::uint64_t msg = 0;           // a whole-number id
  std::uint64_t ssid = 0, index = 0;
  double time = 0;
  std::uint32_t record = kNone;    // into Chunk::channel_records
};

// A chunk's events as parsed, and why parsing stopped, if it did (at `error_line`,
// counted within the chunk).
struct Chunk {
  std::vector<Parsed> events;
  std::vector<std::string> names;  // process names, each once
  // names by hash, open addressing: an event's process is looked up on every line, and a
  // node-based map spends more in its nodes than in the few bytes of a name.
  std::vector<std::uint32_t> slots = std::vector<std::uint32_t>(64, kNone);

  static std::uint64_t hash(std::string_view n) {
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a: names are a few bytes
    for (unsigned char ch : n) h = (h ^ ch) * 1099511628211ull;
    return h;
  }
  std::uint32_t name(std::string_view n) {
    const std::size_t mask = slots.size() - 1;
    std::size_t i = hash(n) & mask;
    for (; slots[i] != kNone; i = (i + 1) & mask)
      if (names[slots[i]] == n) return slots[i];
    const auto at = static_cast<std::uint32_t>(names.size());
    names.emplace_back(n);
    slots[i] = at;
    if (names.size() * 2 > slots.size()) {  // keep it at most half full
      std::vector<std::uint32_t> grown(slots.size() * 2, kNone);
      for (std::uint32_t k = 0; k < names.size(); ++k) {
        std::size_t j = hash(names[k]) & (grown.size() - 1);
        while (grown[j] != kNone) j = (j + 1) & (grown.size() - 1);
        grown[j] = k;
      }
      slots.swap(grown);
    }
    return at;
  }
  std::vector<std::string> ids;    // message ids that are not whole numbers
  std::vector<Record> channel_records;  // the few events that record channel states
  std::size_t lines = 0;
  std::optional<std::string> error;
  std::size_t error_line = 0;

};

// A process or message id: a string or a whole number.
std::optional<std::string> id(const Value& v, const char* what) {
  if ((v.type == T::String && !v.text.empty()) || v.type == T::Uint) return std::nullopt;
  return std::string("\"") + what + "\" must be a non-empty string or a whole number >= 0, not " + input::excerpt(v.text);
}

// The rules of one line's fields: the event typed, or the cause.
std::optional<std::string> digest(Record& r, Chunk& c) {
  using F = Record::Field;
  const Value(&values)[Record::Channels] = r.values;
  Parsed e;
  e.line = static_cast<std::uint32_t>(r.line);
  const Value& process = values[F::Process];
  const Value& kind = values[F::KindF];
  if (process.type == T::Missing) return "the event has no \"process\"";
  if (kind.type == T::Missing) return "the event has no \"kind\" (send, recv, local or snapshot)";
  if (auto why = id(process, "process")) return why;
  if (kind.type != T::String) return "\"kind\" must be send, recv, local or snapshot";
  if (kind.text == "send") e.kind = Kind::Send;
  else if (kind.text == "recv") e.kind = Kind::Recv;
  else if (kind.text == "local") e.kind = Kind::Local;
  else if (kind.text == "snapshot") e.kind = Kind::Snapshot;
  else return "unknown kind \"" + input::excerpt(kind.text) + "\" (send, recv, local or snapshot)";
  e.process = c.name(process.type == T::Uint ? std::to_string(process.u) : process.text);
  const Value& group = values[F::GroupF];
  if (group.type != T::Missing) {
    if (group.type != T::String || (group.text != "in" && group.text != "out")) return "\"group\" must be \"in\" or \"out\"";
    e.group = group.text == "in" ? 1 : 2;
  }
  const bool messaging = e.kind == Kind::Send || e.kind == Kind::Recv;
  const Value& msg = values[F::Msg];
  if (messaging) {
    if (msg.type == T::Missing) return "a " + kind.text + " needs \"msg\", the message id";
    if (auto why = id(msg, "msg")) return why;
    if (msg.type == T::Uint) {
      e.numeric_msg = true;
      e.msg = msg.u;
    } else {
      e.msg_name = static_cast<std::uint32_t>(c.ids.size());
      c.ids.push_back(msg.text);
    }
  } else if (msg.type != T::Missing) {
    return "a " + kind.text + " event has no message: \"msg\" belongs to send and recv";
  }
  const Value& ssid = values[F::Ssid];
  if (ssid.type != T::Missing) {
    if (ssid.type != T::Uint) return "\"ssid\" must be a whole number >= 0";
    if (e.kind == Kind::Local) return "a local event has no snapshot id";
    e.ssid = ssid.u;
  } else if (e.kind == Kind::Snapshot) {
    return "a snapshot needs \"ssid\", its snapshot id";
  }
  const Value& time = values[F::Time];
  if (time.type != T::Missing) {
    if ((time.type != T::Uint && time.type != T::Int && time.type != T::Float) || time.negative)
      return "\"time\" must be a number >= 0";
    e.has_time = true;
    e.time = time.f;
  }
  const Value& index = values[F::Index];
  if (index.type != T::Missing) {
    if (index.type != T::Uint) return "\"index\" must be a whole number >= 0";
    e.has_index = true;
    e.index = index.u;
  }
  if (values[F::Note].type != T::Missing && values[F::Note].type != T::String) return "\"note\" must be a string";
  const Value& to = values[F::To];
  if (to.type != T::Missing) {
    if (e.kind != Kind::Send) return "\"to\" belongs to a send";
    if (auto why = id(to, "to")) return why;
    e.to = c.name(to.type == T::Uint ? std::to_string(to.u) : to.text);
  }
  if (r.has_channels) {
    if (e.kind != Kind::Snapshot) return "\"channels\" belongs to a snapshot";
    for (auto& [sender, msgs] : r.channels)
      for (const Value& v : msgs)
        if (auto why = id(v, "channels")) return "a channel's messages are ids: " + *why;
    e.has_channels = true;
    e.record = static_cast<std::uint32_t>(c.channel_records.size());
    c.channel_records.push_back(std::move(r));
  }
  c.events.push_back(e);
  return std::nullopt;
}

// The SAX handler that collects a chunk's events (checker/jsonl replays each line to it);
// it refuses what is wrong in a line's shape, and leaves the rules to Judge.
struct Collect final : jsonl::Handler {
  using Field = Record::Field;

  Collect(const jsonl::Lines& l, Chunk& c) : lines(l), chunk(c) {}

  const jsonl::Lines& lines;
  Chunk& chunk;
  Record cur;
  Field field = Record::None;
  int depth = 0;  // 1: the array of events; 2: an event; 3: its channels; 4: one channel's messages

  bool fail(std::string cause) {
    chunk.error = std::move(cause);
    chunk.error_line = lines.line;
    return false;
  }

  Value* slot() {
    if (depth == 2 && field != Record::None && field != Record::Channels) return &cur.values[field];
    if (depth == 4 && !cur.channels.empty()) return &cur.channels.back().second.emplace_back();
    return nullptr;
  }
  // Fills the field's value in place (its string keeps its capacity from event to event).
  // A whole number >= 0 keeps no text: digest() writes it where it needs it.
  bool put(T t, std::string_view text, std::uint64_t u = 0, double f = 0, bool negative = false) {
    if (depth == 1) return fail("expected a JSON object (one event)");
    if (depth == 2 && field == Record::Channels) return fail("\"channels\" must be an object: {\"sender\": [message ids]}");
    if (depth == 3) return fail("a channel's state must be an array of message ids");
    if (Value* v = slot()) {
      v->type = t;
      v->text.assign(text);
      v->u = u;
      v->f = f;
      v->negative = negative;
    }
    return true;
  }
  bool null() override { return put(T::Other, "null"); }
  bool boolean(bool b) override { return put(T::Other, b ? "true" : "false"); }
  bool number_integer(std::int64_t v) override {
    if (v >= 0) return number_unsigned(static_cast<std::uint64_t>(v));
    return put(T::Int, std::to_string(v), 0, static_cast<double>(v), true);
  }
  bool number_unsigned(std::uint64_t v) override { return put(T::Uint, {}, v, static_cast<double>(v)); }
  bool number_float(double v, const std::string& s) override { return put(T::Float, s, 0, v, v < 0); }
  bool string(std::string_view v) override { return put(T::String, v); }
  bool start_object() override {
    if (depth == 1) {
      for (Value& v : cur.values) v.type = T::Missing;
      cur.channels.clear();
      cur.has_channels = false;
      field = Record::None;
      cur.line = lines.line;
    } else if (depth == 2 && field == Record::Channels) {
      cur.has_channels = true;
    } else if (depth == 2) {
      return fail("field values are numbers or strings; an object is allowed only for \"channels\"");
    } else {
      return fail("a channel's state must be an array of message ids");
    }
    ++depth;
    return true;
  }
  bool end_object() override {
    if (--depth != 1) return true;
    if (auto why = digest(cur, chunk)) return fail(std::move(*why));
    return true;
  }
  bool start_array() override {
    if (depth == 0) {  // the whole chunk, as checker/jsonl presents it
      depth = 1;
      return true;
    }
    if (depth == 1) return fail("expected a JSON object (one event)");
    if (depth != 3) return fail("arrays appear only as a channel's messages inside \"channels\"");
    ++depth;
    return true;
  }
  bool end_array() override {
    --depth;
    return true;
  }
  bool key(std::string_view k) override {
    if (depth == 3) {
      cur.channels.emplace_back(Value{T::String, std::string(k)}, std::vector<Value>{});
      return true;
    }
    if (depth != 2) return true;
    Field f = Record::None;
    switch (k.size()) {  // one comparison per key, not one per field name
      case 2: f = k == "to" ? Record::To : f; break;
      case 3: f = k == "msg" ? Record::Msg : f; break;
      case 4: f = k == "kind" ? Record::KindF : k == "ssid" ? Record::Ssid : k == "time" ? Record::Time : k == "note" ? Record::Note : f; break;
      case 5: f = k == "group" ? Record::GroupF : k == "index" ? Record::Index : f; break;
      case 7: f = k == "process" ? Record::Process : f; break;
      case 8: f = k == "channels" ? Record::Channels : f; break;
    }
    if (f == Record::None)
      return fail("unknown field \"" + input::excerpt(k) + "\" (an event has: " + kFields + ")");
    // JSON leaves a repeated key to the reader; the last one winning would hide the first.
    if (f == Record::Channels ? cur.has_channels : cur.values[f].type != T::Missing)
      return fail("the field \"" + std::string(k) + "\" appears twice in one event");
    field = f;
    return true;
  }
  bool line_error(jsonl::LineError e) override {
    switch (e) {
      case jsonl::LineError::SecondValue: return fail("two events on one line: one event per line");
      case jsonl::LineError::Unclosed: return fail("not valid JSON: the event does not end on its line");
      case jsonl::LineError::Invalid: break;
    }
    return fail("not valid JSON");
  }
};

// The Builder's rules, event by event in file order, where an event needs the ones
// before it.
struct Judge {
  Judge(Builder& b, const std::string& f) : builder(b), file(f) {}
  Builder& builder;
  const std::string& file;
  std::vector<std::optional<std::uint64_t>> last_index;  // per process: the last "index" given
  std::vector<std::uint32_t> process_of;  // the chunk's names, as the Builder numbers them
  std::optional<ReadError> error;

  void start(const Chunk& c) { process_of.assign(c.names.size(), kNone); }
  std::uint32_t process(const Chunk& c, std::uint32_t local) {
    if (process_of[local] == kNone) process_of[local] = builder.process(c.names[local]);
    return process_of[local];
  }

  bool event(const Parsed& p, const Chunk& c, std::size_t line) {
    auto refuse = [&](std::string cause) {
      error = ReadError{file, line, std::move(cause)};
      return false;
    };
    Event e;
    e.line = static_cast<std::uint32_t>(line);
    e.kind = p.kind;
    e.process = process(c, p.process);
    if (p.group)
      if (auto why = builder.state_group(e.process, p.group == 1 ? Group::In : Group::Out)) return refuse(*why);
    if (p.kind == Kind::Send || p.kind == Kind::Recv)
      e.message = p.numeric_msg ? builder.message(p.msg) : builder.message(c.ids[p.msg_name]);
    e.ssid = p.ssid;
    e.has_time = p.has_time;
    if (p.has_index) {
      if (last_index.size() <= e.process) last_index.resize(e.process + 1);
      // Indices need not be consecutive (a trace may leave events out), only increasing.
      const std::optional<std::uint64_t>& last = last_index[e.process];
      if (last && *last >= p.index)
        return refuse("events out of order: process '" + c.names[p.process] + "' has index " + std::to_string(p.index) +
                      " after index " + std::to_string(*last));
      last_index[e.process] = p.index;
    }
    if (p.to != kNone)
      if (auto why = builder.address(e.message, process(c, p.to))) return refuse(*why);
    if (auto why = builder.add(e, p.time)) return refuse(*why);
    if (p.has_channels) {
      const auto at = static_cast<std::uint32_t>(builder.events() - 1);
      for (const auto& [sender, msgs] : c.channel_records[p.record].channels) {
        ChannelState cs;
        cs.from = builder.process(sender.text);
        cs.line = static_cast<std::uint32_t>(line);
        for (const Value& v : msgs) cs.messages.push_back(v.type == T::Uint ? builder.message(v.u) : builder.message(v.text));
        if (auto why = builder.channel_state(at, std::move(cs))) return refuse(*why);
      }
    }
    return true;
  }
};

}  // namespace

std::variant<Execution, ReadError> parse_execution(std::string_view text, const std::string& name) {
  Builder builder(name);
  // A bound on the count lets the execution be laid out once.
  builder.reserve(text.size() / kSmallestEvent + 1);
  Judge judge(builder, name);
  // Chunks of about a megabyte: enough lines to keep a core busy, few enough events in
  // flight (a window of them) that the parsed form never rivals the execution in size.
  const std::vector<std::string_view> chunks = jsonl::line_chunks(text, std::size_t{1} << 20);
  const char* readable_end = text.data() + text.size();
  // A worker per core, and this thread building the execution as chunks come (one fewer
  // worker measured slower on two cores: the parse is the larger part).
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::size_t line_base = 0;
  std::optional<ReadError> error;
  jsonl::ordered_pipeline<Chunk>(
      chunks.size(), threads, 2 * threads,
      [&](std::size_t i) {
        Chunk c;
        // Room for every event the chunk can hold, so the events are never moved as they
        // come (growing by doubling copied each one twice, a tenth of the parse).
        c.events.reserve(chunks[i].size() / kSmallestEvent + 1);
        jsonl::Lines lines;
        Collect collect(lines, c);
        // A chunk read to its end counted its lines on the way.
        const bool whole = jsonl::sax_lines(chunks[i], readable_end, lines, collect);
        c.lines = whole ? lines.line : jsonl::count_lines(chunks[i]);
        return c;
      },
      [&](std::size_t, Chunk& c) {
        judge.start(c);
        for (const Parsed& p : c.events) {
          if (!judge.event(p, c, line_base + p.line)) {
            error = judge.error;
            return false;
          }
        }
        if (c.error) {
          error = ReadError{name, line_base + c.error_line, *c.error};
          return false;
        }
        line_base += c.lines;
        return true;
      });
  if (error) return *error;
  if (builder.events() == 0) return ReadError{name, 0, "no events: an execution has at least one line"};
  return std::move(builder).finish();
}

std::variant<Execution, ReadError> read_execution(const std::string& path) {
  const std::string name = input::display_name(path);
  auto text = input::read(path);
  if (auto* why = std::get_if<std::string>(&text)) return ReadError{name, 0, *why};
  return parse_execution(std::get<input::Text>(text).view(), name);
}

}  // namespace weir::cut
