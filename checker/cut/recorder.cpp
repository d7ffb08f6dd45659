// Recording executions as programs run: the Builder's rules, refusals thrown.
#include "checker/cut/cut.hpp"

#include <stdexcept>

namespace weir::cut {

std::uint32_t Recorder::process(const std::string& name, Group group) {
  const std::uint32_t p = b_.process(name);
  if (auto why = b_.state_group(p, group)) throw std::logic_error(*why);
  return p;
}

void Recorder::add(Event e) {
  if (auto why = b_.add(e)) throw std::logic_error("the model recorded a bad execution: " + *why);
}

void Recorder::send(std::uint32_t p, std::uint64_t key, const std::string& name, std::uint64_t tag,
                             double time, std::uint32_t to) {
  const std::uint32_t m = b_.message(name);
  messages_[key] = m;
  if (to != kNone)
    if (auto why = b_.address(m, to)) throw std::logic_error(*why);
  Event e;
  e.process = p;
  e.kind = Kind::Send;
  e.message = m;
  e.ssid = tag;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
}

void Recorder::recv(std::uint32_t p, std::uint64_t key, double time) {
  auto it = messages_.find(key);
  if (it == messages_.end()) throw std::logic_error("the model received a message it never sent");
  Event e;
  e.process = p;
  e.kind = Kind::Recv;
  e.message = it->second;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
}

void Recorder::local(std::uint32_t p, double time) {
  Event e;
  e.process = p;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
}

std::uint32_t Recorder::snapshot(std::uint32_t p, std::uint64_t ssid, double time) {
  Event e;
  e.process = p;
  e.kind = Kind::Snapshot;
  e.ssid = ssid;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
  return static_cast<std::uint32_t>(b_.events() - 1);
}

void Recorder::channel_state(std::uint32_t snapshot_event, std::uint32_t from,
                                      const std::vector<std::uint64_t>& keys) {
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
