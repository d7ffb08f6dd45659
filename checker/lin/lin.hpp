// Linearizability checking (Herlihy & Wing): is there a total order of the history's
// operations that respects real time (an operation that returned before another was
// called comes first) and that the sequential spec accepts?
//
// The search is Wing & Gong's, with Lowe's memoisation of (set of linearized
// operations, state), as in Porcupine; what makes it fast here is that a state is a few
// interned 32-bit values, the linearized set is a bitset whose hash is kept
// incrementally (Zobrist), and the memo stores only the part of the bitset that is not
// yet all ones, so long histories stay cheap. kv histories split per key (P-compositionality:
// a history is linearizable iff each key's sub-history is) and keys are checked in
// parallel, stopping at the first violation.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "spec/spec.hpp"

namespace weir::lin {

inline constexpr std::uint64_t kPending = ~std::uint64_t{0};  // return never seen
// The largest call or return time a history may give: one below kPending, which the
// readers refuse as a time so that a return at that instant is not taken for none.
inline constexpr std::uint64_t kMaxTime = kPending - 1;

// One operation: a call and, unless pending, its return. Times only need to be
// ordered: Jepsen histories use the event's position, native JSONL any clock.
struct Operation {
  std::string client;  // process id as the history names it
  std::uint64_t call = 0;
  std::uint64_t ret = kPending;
  spec::Call input;  // input and observed output
  std::size_t line = 0;  // line of the call in its file
  std::size_t return_line = 0;
};

enum class Format { Auto, Jsonl, Edn, JepsenLog };

struct History {
  spec::SpecKind spec = spec::SpecKind::Register;
  Format format = Format::Auto;  // the format it was read from
  std::shared_ptr<spec::ValueTable> values;
  spec::ValueId init = spec::kNoValue;  // initial value of the register, or of every key
  std::vector<Operation> ops;  // failed operations (Jepsen :fail) are already dropped
  std::size_t events = 0;  // events (or native lines) read
  std::size_t dropped_failed = 0;
  std::size_t dropped_pending_reads = 0;  // a read never answered constrains nothing
  std::size_t unknown_reads = 0;  // reads that returned nil, read as "any value" (--nil-reads any): set aside
  std::size_t other_events = 0;   // events of no client (Jepsen's nemesis), read and set aside
};

struct ReadError {
  std::string file;
  std::size_t line = 0;  // 0: the file as a whole
  std::string cause;
  std::string message() const;  // "file:line: cause"
};

struct ReadOptions {
  spec::SpecKind spec = spec::SpecKind::Register;
  Format format = Format::Auto;
  // Initial value as a token ("nil", "0", "\"x\""); for kv the initial value of every key.
  std::optional<std::string> init;
  // What a read that returned nil read. false (the default, Porcupine's etcd model): the
  // value nil, which is the initial value unless --init says otherwise, i.e. "the key does
  // not exist". true (Knossos's convention): a value not known, which matches any state;
  // such a read constrains nothing and is set aside (a read changes no state, so it can
  // always take its place anywhere in its interval).
  bool nil_reads_any = false;
  // Jepsen's independent keys for the register specs: every value is a [key value] tuple
  // (a cas's [key [expected new]]), and each key is a register of its own, checked apart.
  // (kv reads such tuples always; a register's value may be a pair, so here it is asked.)
  bool independent = false;
};

std::optional<Format> parse_format(std::string_view name);
std::string_view format_name(Format format);

// Reads a history from a file, or from text already in memory (`name` is used in messages).
std::variant<History, ReadError> read_history(const std::string& path, const ReadOptions& opts);
std::variant<History, ReadError> parse_history(std::string_view text, const std::string& name,
                                               const ReadOptions& opts);

enum class Verdict : std::uint8_t { Ok, Violation, Unknown };
std::string_view verdict_name(Verdict v);  // "ok", "violation", "unknown"

// Why a history is not linearizable, in terms a person can follow: the longest
// linearizable prefix the search reached, the operation whose return it could not pass,
// and for every operation that could have gone next, why not.
struct Witness {
  std::string partition;  // the key for kv split per key; empty otherwise
  std::vector<std::size_t> prefix;  // indices into History::ops, in linearization order
  std::vector<spec::ValueId> prefix_states;  // value of the touched object after each
  std::size_t partition_ops = 0;  // operations in the failing partition
  std::size_t blocked = 0;  // the op that had to be linearized by its return, and was not
  struct Candidate {
    std::size_t op = 0;
    bool refused = false;  // the spec refuses it in the reached state
    std::string why;
    // When the spec allows it: a read that could never see its value after it.
    std::optional<std::size_t> dooms;  // index into History::ops
  };
  std::vector<Candidate> candidates;  // every op that could have come next
  std::vector<std::size_t> concurrent;  // ops whose interval contains the blocking return
  std::string state;  // the reached state, described
};

struct PartitionResult {
  std::string key;  // kv key, or empty when the history is one object
  std::size_t ops = 0;
  Verdict verdict = Verdict::Unknown;  // Unknown also when skipped after another failed
  bool skipped = false;
  std::uint64_t steps = 0;  // search steps (linearization attempts)
  // With CheckOptions::keep_order, when Ok: a linearization, as indices into History::ops
  // (pending operations that took effect included, the others left out).
  std::vector<std::size_t> order;
};

struct Result {
  Verdict verdict = Verdict::Unknown;
  std::vector<PartitionResult> partitions;
  std::optional<Witness> witness;
  std::string unknown_reason;  // "timeout", "cancelled"
  double seconds = 0;
};

struct CheckOptions {
  bool partition = true;  // split by key where the spec allows it
  double timeout_seconds = 0;  // 0: no limit
  unsigned jobs = 0;  // worker threads; 0: one per core
  bool keep_order = false;  // fill PartitionResult::order (for reports)
};

Result check(const History& history, const CheckOptions& opts);

// Checks several histories with one pool of workers, so that many small files (a Jepsen
// test suite) keep every core busy. Results are in the order of `histories`.
std::vector<Result> check_all(const std::vector<const History*>& histories,
                              const CheckOptions& opts);

}  // namespace weir::lin
