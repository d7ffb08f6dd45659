// The workload of the Capybara runs (harness/live, internal): clients and servers that
// stream checked bytes both ways at a steady rate, and the servers' migration agents.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <vector>

#include "impl/capybara/capybara.hpp"

namespace weir::live::detail {

// Byte `offset` of a connection's stream (up: client to service) is a function of the
// client's port, the direction and the offset: a lost, repeated or misplaced byte shows.
std::uint8_t stream_byte(std::uint16_t port, bool up, std::uint64_t offset);
// The first offset in [offset, offset + n) where `data` differs, or n.
std::size_t check_stream(std::uint16_t port, bool up, std::uint64_t offset, const std::uint8_t* data, std::size_t n);
void fill_stream(std::uint16_t port, bool up, std::uint64_t offset, std::uint8_t* data, std::size_t n);

// What the apps saw that breaks an invariant; shared by every thread of a run.
struct Findings {
  std::mutex m;
  std::vector<std::pair<std::string, std::string>> violations;  // invariant, what
  std::vector<std::string> log;
  void violate(std::string invariant, std::string what);
  void note(std::string line);
};

struct StreamPlan {
  std::size_t bytes = 0;      // each way
  double rate = 0;            // bytes per second, each way
};

// The clients: `n` connections to the service, streaming until done or `deadline`.
struct ClientResult {
  capybara::Flow flow;
  std::size_t sent = 0, received = 0;
  bool finished = false;
};
class Clients {
 public:
  Clients(unsigned n, StreamPlan plan, Findings& findings) : n_(n), plan_(plan), findings_(findings) {}
  // In the client namespace's thread; returns when every connection ended or at `deadline`.
  void run(std::uint32_t service, std::uint16_t port, std::chrono::steady_clock::time_point deadline);
  std::atomic<unsigned> connected{0};
  // The connections made so far, as the client sees them (its address and port).
  std::vector<capybara::Flow> flows();
  std::vector<ClientResult> results;  // after run()

 private:
  std::mutex m_;
  std::vector<capybara::Flow> flows_;
  unsigned n_;
  StreamPlan plan_;
  Findings& findings_;
};

// A server: the service's listener, its connections, its agent. Commands to migrate come
// from the driver's thread.
class Server {
 public:
  Server(std::string name, const capybara::AgentConfig& agent, capybara::Directory& directory, StreamPlan plan,
         Findings& findings)
      : name_(std::move(name)), agent_config_(agent), directory_(directory), plan_(plan), findings_(findings) {}
  // In the server namespace's thread; until stop().
  void run();
  void stop() { stopping_ = true; }
  std::atomic<bool> ready{false};
  // Moves the connection of `flow` to `target`; the outcome when the agent is done.
  std::future<capybara::Outcome> migrate(capybara::Flow flow, std::uint32_t target);
  // The bytes of each client's stream this server read and completed (port -> bytes).
  std::vector<std::pair<capybara::Flow, std::size_t>> completed();

 private:
  struct Command {
    capybara::Flow flow;
    std::uint32_t target;
    std::promise<capybara::Outcome> done;
  };
  struct Conn;
  std::string name_;
  capybara::AgentConfig agent_config_;
  capybara::Directory& directory_;
  StreamPlan plan_;
  Findings& findings_;
  std::atomic<bool> stopping_{false};
  std::mutex m_;
  std::deque<Command> commands_;
  std::vector<std::pair<capybara::Flow, std::size_t>> completed_;
};

// The application's state that travels with a connection: what it read and wrote.
packet::Bytes encode_app(std::uint64_t read, std::uint64_t written);
bool decode_app(const packet::Bytes& b, std::uint64_t& read, std::uint64_t& written);

}  // namespace weir::live::detail
