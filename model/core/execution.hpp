// An execution, as checker/cut reads it, recorded while a snapshot model replays a path:
// the model calls these as its actors send, receive and record, and the result goes to
// the same cut checker that judges executions from real systems.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "checker/cut/cut.hpp"

namespace weir::model::core {

class ExecutionRecorder {
 public:
  explicit ExecutionRecorder(std::string name) : b_(std::move(name)) {}

  std::uint32_t process(const std::string& name, cut::Group group);
  // A message is known to the model by a key of its own; `name` is how the file shows it.
  void send(std::uint32_t p, std::uint64_t key, const std::string& name, std::uint64_t tag, double time);
  void recv(std::uint32_t p, std::uint64_t key, double time);
  void local(std::uint32_t p, double time);
  std::uint32_t snapshot(std::uint32_t p, std::uint64_t ssid, double time);  // the event's index
  void channel_state(std::uint32_t snapshot_event, std::uint32_t from, const std::vector<std::uint64_t>& keys);
  // A refusal here is a bug in the model, not bad input: it throws std::logic_error.
  cut::Execution finish() &&;

 private:
  void add(cut::Event e);
  cut::Builder b_;
  std::unordered_map<std::uint64_t, std::uint32_t> messages_;
};

}  // namespace weir::model::core
