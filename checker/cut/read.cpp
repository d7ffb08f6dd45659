// The JSON Lines reader for executions: one SAX pass over the whole file (see
// checker/jsonl), each event's fields collected without a DOM and handed to the Builder,
// which keeps the rules. Every refusal names the file, the line and the cause.
#include <nlohmann/json.hpp>

#include "checker/cut/cut.hpp"
#include "checker/input/input.hpp"
#include "checker/jsonl/jsonl.hpp"

namespace weir::cut {

namespace {

using nlohmann::json;

enum class T : std::uint8_t { Missing, String, Int, Uint, Float, Other };

struct Value {
  T type = T::Missing;
  std::string text;  // String; Int/Uint/Float as written
  std::uint64_t u = 0;
  double f = 0;
  bool negative = false;
};

constexpr const char* kFields = "process, kind, msg, ssid, group, time, index, to, channels, note";

struct Fields {
  using number_integer_t = json::number_integer_t;
  using number_unsigned_t = json::number_unsigned_t;
  using number_float_t = json::number_float_t;
  using string_t = json::string_t;
  using binary_t = json::binary_t;

  enum Field { Process, KindF, Msg, Ssid, GroupF, Time, Index, To, Note, Channels, None };

  Fields(const jsonl::JsonlCursor& c, Builder& b, const std::string& file) : cursor(c), builder(b), file(file) {}

  const jsonl::JsonlCursor& cursor;
  Builder& builder;
  const std::string& file;
  Value values[Channels];
  std::vector<std::pair<Value, std::vector<Value>>> channels;
  bool has_channels = false;
  Field field = None;
  int depth = 0;  // 1: the array of events; 2: an event; 3: its channels; 4: one channel's messages
  std::size_t line = 0;
  std::vector<std::optional<std::uint64_t>> last_index;  // per process: the last "index" given
  std::size_t last_event_line = 0;  // where the previous event began
  std::optional<ReadError> error;

  bool fail(std::string cause, std::size_t at = 0) {
    error = ReadError{file, at ? at : cursor.line(), std::move(cause)};
    return false;
  }

  Value* slot() {
    if (depth == 2 && field != None && field != Channels) return &values[field];
    if (depth == 4 && !channels.empty()) return &channels.back().second.emplace_back();
    return nullptr;
  }
  bool put(T t, std::string text, std::uint64_t u = 0, double f = 0, bool negative = false) {
    if (depth == 1) return fail("expected a JSON object (one event)");
    if (depth == 2 && field == Channels) return fail("\"channels\" must be an object: {\"sender\": [message ids]}");
    if (depth == 3) return fail("a channel's state must be an array of message ids");
    if (Value* v = slot()) *v = Value{t, std::move(text), u, f, negative};
    return true;
  }
  bool null() { return put(T::Other, "null"); }
  bool boolean(bool b) { return put(T::Other, b ? "true" : "false"); }
  bool number_integer(number_integer_t v) {
    return put(v < 0 ? T::Int : T::Uint, std::to_string(v), static_cast<std::uint64_t>(v < 0 ? 0 : v),
               static_cast<double>(v), v < 0);
  }
  bool number_unsigned(number_unsigned_t v) { return put(T::Uint, std::to_string(v), v, static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t& s) { return put(T::Float, s, 0, v, v < 0); }
  bool string(string_t& v) { return put(T::String, std::move(v)); }
  bool binary(binary_t&) { return put(T::Other, "binary"); }
  bool start_object(std::size_t) {
    if (depth == 1) {
      // The reader sees the file as one array, a line break as a ','; a ',' inside a line
      // would pass two events off as one line's.
      if (cursor.line() == last_event_line) return fail("two events on one line: one event per line");
      last_event_line = cursor.line();
      for (Value& v : values) v.type = T::Missing;
      channels.clear();
      has_channels = false;
      field = None;
      line = cursor.line();
    } else if (depth == 2 && field == Channels) {
      has_channels = true;
    } else if (depth == 2) {
      return fail("field values are numbers or strings; an object is allowed only for \"channels\"");
    } else {
      return fail("a channel's state must be an array of message ids");
    }
    ++depth;
    return true;
  }
  bool end_object() {
    if (--depth != 1) return true;
    return event();
  }
  bool start_array(std::size_t) {
    if (depth == 0) {  // the whole file, as the cursor presents it
      depth = 1;
      return true;
    }
    if (depth == 1) return fail("expected a JSON object (one event)");
    if (depth != 3) return fail("arrays appear only as a channel's messages inside \"channels\"");
    ++depth;
    return true;
  }
  bool end_array() {
    --depth;
    return true;
  }
  bool key(string_t& k) {
    if (depth == 3) {
      channels.emplace_back(Value{T::String, std::move(k)}, std::vector<Value>{});
      return true;
    }
    if (depth != 2) return true;
    static constexpr std::pair<const char*, Field> kNames[] = {
        {"process", Process}, {"kind", KindF}, {"msg", Msg},   {"ssid", Ssid}, {"group", GroupF},
        {"time", Time},       {"index", Index}, {"to", To},    {"note", Note}, {"channels", Channels}};
    for (const auto& [name, f] : kNames) {
      if (k == name) {
        // JSON leaves a repeated key to the reader; the last one winning would hide the first.
        if (f == Channels ? has_channels : values[f].type != T::Missing)
          return fail("the field \"" + k + "\" appears twice in one event");
        field = f;
        return true;
      }
    }
    return fail("unknown field \"" + input::excerpt(k) + "\" (an event has: " + kFields + ")");
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) {
    // Inside an event that began on an earlier line, that line is the one not closed:
    // a line break ends an event, and the parser saw it as a ','.
    if (depth >= 2 && cursor.line() != line)
      error = ReadError{file, line, "not valid JSON: the event does not end on its line"};
    else
      error = ReadError{file, cursor.line(), "not valid JSON"};
    return false;
  }

  // A process or message id: a string or a whole number.
  std::optional<std::string> id(const Value& v, const char* what, std::string& out) {
    if (v.type == T::String && !v.text.empty()) {
      out = v.text;
      return std::nullopt;
    }
    if (v.type == T::Uint) {
      out = v.text;
      return std::nullopt;
    }
    return std::string("\"") + what + "\" must be a non-empty string or a whole number >= 0, not " +
           input::excerpt(v.text);
  }

  bool event() {
    auto refuse = [&](std::string cause) { return fail(std::move(cause), line); };
    const Value& process = values[Process];
    const Value& kind = values[KindF];
    if (process.type == T::Missing) return refuse("the event has no \"process\"");
    if (kind.type == T::Missing) return refuse("the event has no \"kind\" (send, recv, local or snapshot)");
    std::string name;
    if (auto why = id(process, "process", name)) return refuse(*why);
    Event e;
    e.line = static_cast<std::uint32_t>(line);
    if (kind.type != T::String) return refuse("\"kind\" must be send, recv, local or snapshot");
    if (kind.text == "send") e.kind = Kind::Send;
    else if (kind.text == "recv") e.kind = Kind::Recv;
    else if (kind.text == "local") e.kind = Kind::Local;
    else if (kind.text == "snapshot") e.kind = Kind::Snapshot;
    else return refuse("unknown kind \"" + input::excerpt(kind.text) + "\" (send, recv, local or snapshot)");
    e.process = builder.process(name);

    const Value& group = values[GroupF];
    if (group.type != T::Missing) {
      if (group.type != T::String || (group.text != "in" && group.text != "out"))
        return refuse("\"group\" must be \"in\" or \"out\"");
      if (auto why = builder.state_group(e.process, group.text == "in" ? Group::In : Group::Out))
        return refuse(*why);
    }
    const bool messaging = e.kind == Kind::Send || e.kind == Kind::Recv;
    const Value& msg = values[Msg];
    if (messaging) {
      if (msg.type == T::Missing) return refuse("a " + kind.text + " needs \"msg\", the message id");
      std::string m;
      if (auto why = id(msg, "msg", m)) return refuse(*why);
      e.message = builder.message(m);
    } else if (msg.type != T::Missing) {
      return refuse("a " + kind.text + " event has no message: \"msg\" belongs to send and recv");
    }
    const Value& ssid = values[Ssid];
    if (ssid.type != T::Missing) {
      if (ssid.type != T::Uint) return refuse("\"ssid\" must be a whole number >= 0");
      if (e.kind == Kind::Local) return refuse("a local event has no snapshot id");
      e.ssid = ssid.u;
    } else if (e.kind == Kind::Snapshot) {
      return refuse("a snapshot needs \"ssid\", its snapshot id");
    }
    const Value& time = values[Time];
    if (time.type != T::Missing) {
      if ((time.type != T::Uint && time.type != T::Int && time.type != T::Float) || time.negative)
        return refuse("\"time\" must be a number >= 0");
      e.has_time = true;
      e.time = time.f;
    }
    const Value& index = values[Index];
    if (index.type != T::Missing) {
      if (index.type != T::Uint) return refuse("\"index\" must be a whole number >= 0");
      if (last_index.size() <= e.process) last_index.resize(e.process + 1);
      // Indices need not be consecutive (a trace may leave events out), only increasing.
      const std::optional<std::uint64_t>& last = last_index[e.process];
      if (last && *last >= index.u)
        return refuse("events out of order: process '" + name + "' has index " + index.text + " after index " +
                      std::to_string(*last));
      last_index[e.process] = index.u;
    }
    if (values[Note].type != T::Missing && values[Note].type != T::String)
      return refuse("\"note\" must be a string");
    const Value& to = values[To];
    if (to.type != T::Missing) {
      if (e.kind != Kind::Send) return refuse("\"to\" belongs to a send");
      std::string dest;
      if (auto why = id(to, "to", dest)) return refuse(*why);
      if (auto why = builder.address(e.message, builder.process(dest))) return refuse(*why);
    }
    if (has_channels && e.kind != Kind::Snapshot) return refuse("\"channels\" belongs to a snapshot");
    if (auto why = builder.add(e)) return refuse(*why);
    if (has_channels) {
      const auto at = static_cast<std::uint32_t>(builder.events() - 1);
      for (auto& [sender, msgs] : channels) {
        ChannelState c;
        c.from = builder.process(sender.text);
        c.line = static_cast<std::uint32_t>(line);
        for (const Value& v : msgs) {
          std::string m;
          if (auto why = id(v, "channels", m)) return refuse("a channel's messages are ids: " + *why);
          c.messages.push_back(builder.message(m));
        }
        if (auto why = builder.channel_state(at, std::move(c))) return refuse(*why);
      }
    }
    return true;
  }
};

}  // namespace

std::variant<Execution, ReadError> parse_execution(std::string_view text, const std::string& name) {
  Builder builder(name);
  jsonl::JsonlCursor cursor(text);
  Fields fields(cursor, builder, name);
  if (!json::sax_parse(jsonl::JsonlIterator(cursor), jsonl::JsonlIterator(), &fields)) {
    if (fields.error) return *fields.error;
    return ReadError{name, cursor.line(), "not valid JSON"};
  }
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
