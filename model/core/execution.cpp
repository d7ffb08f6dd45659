#include "model/core/execution.hpp"

#include <stdexcept>

namespace weir::model::core {

std::uint32_t ExecutionRecorder::process(const std::string& name, cut::Group group) {
  const std::uint32_t p = b_.process(name);
  if (auto why = b_.state_group(p, group)) throw std::logic_error(*why);
  return p;
}

void ExecutionRecorder::add(cut::Event e) {
  if (auto why = b_.add(e)) throw std::logic_error("the model recorded a bad execution: " + *why);
}

void ExecutionRecorder::send(std::uint32_t p, std::uint64_t key, const std::string& name, std::uint64_t tag,
                             double time) {
  const std::uint32_t m = b_.message(name);
  messages_[key] = m;
  cut::Event e;
  e.process = p;
  e.kind = cut::Kind::Send;
  e.message = m;
  e.ssid = tag;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
}

void ExecutionRecorder::recv(std::uint32_t p, std::uint64_t key, double time) {
  auto it = messages_.find(key);
  if (it == messages_.end()) throw std::logic_error("the model received a message it never sent");
  cut::Event e;
  e.process = p;
  e.kind = cut::Kind::Recv;
  e.message = it->second;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
}

void ExecutionRecorder::local(std::uint32_t p, double time) {
  cut::Event e;
  e.process = p;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
}

std::uint32_t ExecutionRecorder::snapshot(std::uint32_t p, std::uint64_t ssid, double time) {
  cut::Event e;
  e.process = p;
  e.kind = cut::Kind::Snapshot;
  e.ssid = ssid;
  e.has_time = time >= 0;
  e.time = time;
  add(e);
  return static_cast<std::uint32_t>(b_.events() - 1);
}

void ExecutionRecorder::channel_state(std::uint32_t snapshot_event, std::uint32_t from,
                                      const std::vector<std::uint64_t>& keys) {
  cut::ChannelState c;
  c.from = from;
  for (std::uint64_t k : keys) c.messages.push_back(messages_.at(k));
  if (auto why = b_.channel_state(snapshot_event, std::move(c))) throw std::logic_error(*why);
}

cut::Execution ExecutionRecorder::finish() && {
  auto x = std::move(b_).finish();
  if (auto* err = std::get_if<cut::ReadError>(&x)) throw std::logic_error(err->message());
  return std::get<cut::Execution>(std::move(x));
}

}  // namespace weir::model::core
