// Recording executions as programs run: the Builder's rules, refusals thrown.
#include "checker/cut/cut.hpp"

#include <stdexcept>

namespace weir::cut {

std::uint32_t Recorder::process(const std::string& name, Group group) {
  const std::uint32_t p = b_.process(name);
  if (auto why = b_.state_group(p, group)) throw std::logic_error(*why);
  return p;
}

std::uint32_t Recorder::add(std::uint32_t p, Kind kind, std::uint32_t message, std::uint64_t ssid, double time) {
  Event e;
  e.process = p;
  e.kind = kind;
  e.message = message;
  e.ssid = ssid;
  e.has_time = time >= 0;
  if (auto why = b_.add(e, time)) throw std::logic_error("the model recorded a bad execution: " + *why);
  return static_cast<std::uint32_t>(b_.events() - 1);
}

void Recorder::send(std::uint32_t p, std::uint64_t key, const std::string& name, std::uint64_t tag, double time,
                    std::uint32_t to) {
  const std::uint32_t m = b_.message(name);
  messages_[key] = m;
  if (to != kNone)
    if (auto why = b_.address(m, to)) throw std::logic_error(*why);
  add(p, Kind::Send, m, tag, time);
}

void Recorder::recv(std::uint32_t p, std::uint64_t key, double time) {
  auto it = messages_.find(key);
  if (it == messages_.end()) throw std::logic_error("the model received a message it never sent");
  add(p, Kind::Recv, it->second, 0, time);
}

std::uint32_t Recorder::snapshot(std::uint32_t p, std::uint64_t ssid, double time) {
  return add(p, Kind::Snapshot, kNone, ssid, time);
}

void Recorder::channel_state(std::uint32_t snapshot_event, std::uint32_t from, const std::vector<std::uint64_t>& keys) {
  ChannelState c;
  c.from = from;
  for (std::uint64_t k : keys) c.messages.push_back(messages_.at(k));
  if (auto why = b_.channel_state(snapshot_event, std::move(c))) throw std::logic_error(*why);
}

Execution Recorder::finish() && {
  auto x = std::move(b_).finish();
  if (auto* err = std::get_if<ReadError>(&x)) throw std::logic_error(err->message());
  return std::get<Execution>(std::move(x));
}

}  // namespace weir::cut
