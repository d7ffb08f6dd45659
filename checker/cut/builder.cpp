// The rules every execution keeps, whoever builds it.
#include <algorithm>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "checker/cut/cut.hpp"
#include "checker/input/input.hpp"

namespace weir::cut {

namespace {

struct NameHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using NameMap = std::unordered_map<std::string, std::uint32_t, NameHash, std::equal_to<>>;

std::string number(double t) {
  std::string s = std::to_string(t);
  while (s.size() > 1 && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

std::string quoted(const std::string& name) {
  std::string s = "'";
  s.append(input::excerpt(name)).append("'");
  return s;
}

// A message id that is a canonical decimal (the same id as a string or a number), as a
// number, when it has at most nine digits (so below kDecimalIds, and below kNamedId).
constexpr std::uint64_t kDecimalIds = 1000000000;
static_assert(kDecimalIds < kNamedId);
std::optional<std::uint64_t> decimal_id(std::string_view id) {
  if (id.empty() || id.size() > 9 || (id[0] == '0' && id.size() > 1)) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : id) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

// Message ids in traces are mostly counters: a decimal id is looked up in a flat table
// instead of hashed, as long as the table stays within a few words per message read; any
// other id, and a number beyond that (67108863 in a small file), is hashed, so memory
// stays proportional to the input.
struct Builder::Names {
  NameMap processes;
  NameMap messages;
  std::vector<std::uint32_t> numbered;  // message by its number, kNone where unseen
  std::size_t hashed_numbers = 0;  // decimal ids that went to `messages` instead
};

std::string ReadError::message() const {
  std::string s = file;
  if (line > 0) s.append(":").append(std::to_string(line));
  s.append(": ").append(cause);
  return s;
}

Builder::Builder(std::string file) : names_(std::make_shared<Names>()) { x_.file = std::move(file); }

std::uint32_t Builder::process(std::string_view name) {
  auto it = names_->processes.find(name);
  if (it != names_->processes.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(x_.processes.size());
  names_->processes.emplace(std::string(name), id);
  x_.processes.push_back(Process{std::string(name), Group::In, {}});
  last_ssid_.emplace_back();
  last_time_.push_back(0);
  group_fixed_.push_back(0);
  return id;
}

std::optional<std::string> Builder::state_group(std::uint32_t p, Group g) {
  Process& proc = x_.processes[p];
  if (!group_fixed_[p]) {
    proc.group = g;
    group_fixed_[p] = 1;
    return std::nullopt;
  }
  if (proc.group == g) return std::nullopt;
  std::string why = "process " + quoted(proc.name);
  why.append(" is ").append(proc.group == Group::In ? "in" : "out");
  why.append("-group from its first event, but this event puts it ").append(g == Group::In ? "in" : "out");
  return why;
}

std::uint32_t Builder::message(std::string_view id) {
  const std::optional<std::uint64_t> n = decimal_id(id);
  std::vector<std::uint32_t>& table = names_->numbered;
  if (n && *n < table.size() && table[*n] != kNone) return table[*n];
  if (!n || names_->hashed_numbers > 0) {
    auto it = names_->messages.find(id);
    if (it != names_->messages.end()) return it->second;
  }
  if (n && *n < room()) return numbered_message(*n);
  const auto m = static_cast<std::uint32_t>(x_.messages.size());
  names_->hashed_numbers += n.has_value();
  names_->messages.emplace(std::string(id), m);
  Message msg;
  if (n) {
    msg.id = static_cast<std::uint32_t>(*n);
  } else {
    msg.id = kNamedId + static_cast<std::uint32_t>(x_.message_names.size());
    x_.message_names.emplace_back(id);
  }
  x_.messages.push_back(msg);
  return m;
}

std::size_t Builder::room() const { return 8 * (x_.messages.size() + 1024); }

std::uint32_t Builder::numbered_message(std::uint64_t n) {
  const auto m = static_cast<std::uint32_t>(x_.messages.size());
  std::vector<std::uint32_t>& table = names_->numbered;
  if (table.size() <= n) table.resize(std::max<std::size_t>(n + 1, std::min(table.size() * 2, room())), kNone);
  table[n] = m;
  Message msg;
  msg.id = static_cast<std::uint32_t>(n);
  x_.messages.push_back(msg);
  return m;
}

void Builder::reserve(std::size_t events) {
  x_.events.reserve(events);
  x_.messages.reserve(events / 2 + 1);  // a message is a send and a receive
  names_->numbered.reserve(events / 2 + 1);  // counters: as many as messages, grown in place
}

std::uint32_t Builder::message(std::uint64_t number) {
  const std::vector<std::uint32_t>& table = names_->numbered;
  if (number < table.size() && table[number] != kNone) return table[number];
  // A new counter id, the common case, goes straight into the table: no text is made.
  // Once some decimal id went to the hash map, only message(text) knows where to look.
  if (names_->hashed_numbers == 0 && number < room() && number < kDecimalIds) return numbered_message(number);
  return message(std::to_string(number));
}

std::optional<std::string> Builder::add(Event e, double time) {
  const std::uint32_t p = e.process;
  Process& proc = x_.processes[p];
  group_fixed_[p] = 1;  // the first event fixes the group
  const auto at = static_cast<std::uint32_t>(x_.events.size());
  auto where = [&](std::uint32_t event) {
    std::string s;
    const Event& o = x_.events[event];
    if (o.line > 0) s.append(" (line ").append(std::to_string(o.line)).append(")");
    return s;
  };
  if (e.has_time) {
    if (!proc.events.empty() && time < last_time_[p]) {
      std::string why = "events out of order: time goes back on process " + quoted(proc.name);
      why.append(" (").append(number(time)).append(" after ").append(number(last_time_[p])).append(")");
      return why;
    }
  }
  switch (e.kind) {
    case Kind::Send: {
      Message& m = x_.messages[e.message];
      if (m.send != kNone) return "message " + quoted(x_.message_id(e.message)) + " is sent twice (first" + where(m.send) + ")";
      m.send = at;
      break;
    }
    case Kind::Recv: {
      Message& m = x_.messages[e.message];
      if (m.recv != kNone && x_.events[m.recv].process != p)
        return "message " + quoted(x_.message_id(e.message)) + " is received by " + quoted(proc.name) + " and by " +
               quoted(x_.processes[x_.events[m.recv].process].name) + where(m.recv);
      if (m.to != kNone && m.to != p)
        return "message " + quoted(x_.message_id(e.message)) + " is sent to " + quoted(x_.processes[m.to].name) + " but received by " +
               quoted(proc.name);
      if (m.recv == kNone) m.recv = at;
      break;
    }
    case Kind::Snapshot: {
      if (proc.group == Group::Out)
        return "out-group process " + quoted(proc.name) + " records a snapshot (only in-group processes record)";
      if (last_ssid_[p] && *last_ssid_[p] >= e.ssid) {
        std::string why = "snapshot ids must increase along a process: " + quoted(proc.name);
        why.append(" takes snapshot ").append(std::to_string(e.ssid));
        if (*last_ssid_[p] == e.ssid) return why + " twice";
        return why.append(" after snapshot ").append(std::to_string(*last_ssid_[p]));
      }
      last_ssid_[p] = e.ssid;
      break;
    }
    case Kind::Local: break;
  }
  e.index = static_cast<std::uint32_t>(proc.events.size());
  e.channels = kNone;
  if (e.has_time) {
    last_time_[p] = time;
    if (x_.times.empty()) x_.times.reserve(x_.events.capacity());
    x_.times.resize(at, 0);  // the untimed events before it
    x_.times.push_back(time);
  } else if (!x_.times.empty()) {
    x_.times.push_back(0);
  }
  proc.events.push_back(at);
  x_.events.push_back(e);
  return std::nullopt;
}

std::optional<std::string> Builder::address(std::uint32_t message, std::uint32_t to) {
  Message& m = x_.messages[message];
  if (m.recv != kNone && x_.events[m.recv].process != to)
    return "message " + quoted(x_.message_id(message)) + " is sent to " + quoted(x_.processes[to].name) + " but received by " +
           quoted(x_.processes[x_.events[m.recv].process].name);
  m.to = to;
  return std::nullopt;
}

std::optional<std::string> Builder::channel_state(std::uint32_t snapshot_event, ChannelState c) {
  Event& s = x_.events[snapshot_event];
  if (s.channels == kNone) {
    s.channels = static_cast<std::uint32_t>(x_.channel_states.size());
    x_.channel_states.emplace_back();
  }
  for (const ChannelState& o : x_.channel_states[s.channels])
    if (o.from == c.from) return "the channel from " + quoted(x_.processes[c.from].name) + " is recorded twice";
  if (c.from == s.process) return "a process has no channel to itself";
  x_.channel_states[s.channels].push_back(std::move(c));
  return std::nullopt;
}

std::variant<Execution, ReadError> Builder::finish() && {
  // Every receive needs its send; report the earliest line that lacks one.
  std::uint32_t first_bad = kNone;
  for (const Message& m : x_.messages)
    if (m.send == kNone && m.recv != kNone && (first_bad == kNone || m.recv < first_bad)) first_bad = m.recv;
  if (first_bad != kNone) {
    const Event& e = x_.events[first_bad];
    return ReadError{x_.file, e.line,
                     "a receive with no send: no event sends message " + quoted(x_.message_id(e.message))};
  }
  std::vector<std::uint8_t> destination(x_.processes.size(), 0);
  for (const Message& m : x_.messages)
    if (m.to != kNone) destination[m.to] = 1;
  for (const auto& states : x_.channel_states) {
    for (const ChannelState& c : states) {
      // A name that only a channel state uses would otherwise become a process of its own.
      if (!group_fixed_[c.from] && !destination[c.from])
        return ReadError{x_.file, c.line,
                         "a channel state from " + quoted(x_.processes[c.from].name) +
                             ", which no event names: a channel's sender is a process of the execution"};
      if (x_.processes[c.from].group == Group::Out)
        return ReadError{x_.file, c.line,
                         "a channel state from out-group process " + quoted(x_.processes[c.from].name) +
                             ", which records nothing: only channels between in-group processes have a state"};
      for (std::uint32_t m : c.messages) {
        const Message& msg = x_.messages[m];
        if (msg.send == kNone)
          return ReadError{x_.file, c.line, "the channel state lists message " + quoted(x_.message_id(m)) + ", which no event sends"};
        if (x_.events[msg.send].process != c.from)
          return ReadError{x_.file, c.line,
                           "the channel state from " + quoted(x_.processes[c.from].name) + " lists message " +
                               quoted(x_.message_id(m)) + ", which " + quoted(x_.processes[x_.events[msg.send].process].name) +
                               " sends"};
      }
    }
  }
  return std::move(x_);
}

}  // namespace weir::cut
