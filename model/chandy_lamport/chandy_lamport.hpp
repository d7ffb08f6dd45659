// Chandy & Lamport's snapshot ("Distributed Snapshots: Determining Global States of
// Distributed Systems", TOCS 1985), the baseline Beaver is measured against.
//
// N processes, a FIFO channel each way between every two. A process records its state
// either when it initiates (process 0) or when the first marker reaches it; on recording
// it sends a marker on every outgoing channel before anything else. From its recording
// until the marker arrives on an incoming channel, it records the messages that arrive
// on that channel: the channel's state. FIFO is what makes this right: a message sent
// after the sender recorded travels behind its marker, so it cannot be received before
// the receiver records, and every message sent before travels ahead of it.
//
// Invariants, judged as the run goes by ghost fields the protocol never reads (each
// message knows whether its sender had recorded when it was sent):
//   - the cut is consistent: no process receives, before it records, a message sent
//     after its sender recorded;
//   - channel states are exact: a recorded channel holds no message sent after the
//     sender recorded, and when the marker arrives no message sent before it is still in
//     flight behind it.
// The same runs also come out as executions for `weir check cut` (execution()), which
// must agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checker/cut/cut.hpp"
#include "model/core/mutants.hpp"

namespace weir::model::chandy_lamport {

enum class Mutant : std::uint8_t { None, NonFifo };

using MutantInfo = core::MutantInfo<Mutant>;
const std::vector<MutantInfo>& mutants();
inline std::optional<Mutant> parse_mutant(std::string_view name) { return core::find_mutant(mutants(), name); }

struct Options {
  unsigned processes = 3;
  unsigned messages = 2;  // application messages each process may send, to anyone
  Mutant mutant = Mutant::None;
};

std::optional<std::string> invalid(const Options& o);

class ChandyLamport {
 public:
  struct Msg {
    std::uint8_t seq = 0;  // the sender's count of sends (markers too): the message's name
    bool marker = false;
    bool post = false;     // ghost: sent after the sender recorded
    bool operator==(const Msg&) const = default;
  };
  struct Proc {
    bool recorded = false;
    std::uint8_t sent = 0;      // application messages sent
    std::uint8_t seq = 0;       // every send, markers included
    std::uint16_t closed = 0;   // incoming channels whose marker has arrived (by sender)
    bool operator==(const Proc&) const = default;
  };
  struct State {
    std::vector<Proc> procs;
    std::vector<std::vector<Msg>> channels;  // from * N + to, oldest first
    bool bad_cut = false;      // ghost verdicts, set where they happen
    bool bad_channel = false;
    bool operator==(const State&) const = default;
  };
  enum class Kind : std::uint8_t { Initiate, Send, Deliver };
  struct Action {
    Kind kind = Kind::Initiate;
    std::uint8_t from = 0, to = 0;
    std::uint8_t pos = 0;  // Deliver: position in the channel (0 unless channels reorder)
  };

  explicit ChandyLamport(const Options& o) : o_(o) {}

  std::vector<State> init_states() const;
  void actions(const State& s, std::vector<Action>& out) const;
  std::optional<State> next(const State& s, const Action& a) const;
  std::uint64_t fingerprint(const State& s) const;
  const char* violated(const State& s) const;
  // Goals (see checker/explore/explore.hpp) and what each transition reaches.
  std::vector<std::string> goals() const;
  std::uint32_t reached(const State& from, const Action& a, const State& to) const;
  std::string describe(const State& s) const;
  std::string describe(const State& s, const Action& a) const;
  // Who acts in a step and the actor a message goes between (empty: none), for the
  // counterexample's sequence diagram.
  std::pair<std::string, std::string> parties(const State& s, const Action& a) const;

  // The run along a path as an execution: every send, receive and recording, with the
  // channel states recorded so far; processes that have not recorded yet record at the
  // end (as the markers still in flight would make them), and channels still being recorded
  // are closed as their markers will close them.
  cut::Execution execution(std::uint32_t init, const std::vector<std::uint32_t>& path) const;

 private:
  struct Recorder;
  void step(State& s, const Action& a, Recorder* r) const;
  void record(State& s, unsigned p, Recorder* r) const;
  unsigned n() const { return o_.processes; }
  Options o_;
};

}  // namespace weir::model::chandy_lamport

namespace weir::model::registry {
struct ModelInfo;
}
namespace weir::model::chandy_lamport {
// The model's entry in the registry (model/registry): options, mutants, invariants, goals.
const registry::ModelInfo& descriptor();

}  // namespace weir::model::chandy_lamport
