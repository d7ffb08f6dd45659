// Turns Jepsen-style events (invoke, then ok / fail / info per process) into operations.
//
// :ok completes the process's open invocation; :fail means it did not happen, so it is
// dropped; :info, or an invocation never completed, may have happened at any time after
// its call, or not at all: the operation stays pending. After :info Jepsen gives the
// process a new id, so a process has at most one open invocation.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "checker/lin/detail/edn.hpp"
#include "checker/lin/lin.hpp"

namespace weir::lin::detail {

enum class EventType { Invoke, Ok, Fail, Info };
std::optional<EventType> parse_event_type(std::string_view keyword);

class HistoryBuilder {
 public:
  HistoryBuilder(History& history, std::string file, const ReadOptions& opts);

  // `key` is the event's :key, when it has one. Returns an error for an event that
  // cannot belong to a well-formed history.
  std::optional<ReadError> event(const std::string& process, EventType type,
                                 const std::string& f, const Edn& value, const Edn* key,
                                 std::size_t line);
  // Leaves open invocations pending and drops reads that never returned.
  std::optional<ReadError> finish();

  // An event of no client (Jepsen's nemesis): counted, nothing else.
  void other_event() { ++h_.other_events; }
  bool nil_reads_any() const { return nil_reads_any_; }
  bool independent() const { return independent_; }

  // Value conversions shared with the native reader.
  spec::ValueId value_of(const Edn& v) const;
  // A :txn's value ([[:w :x 1] [:r :y nil]]) as the spec's transaction; `completed`:
  // the reads carry what they returned (a nil one is unknown under --nil-reads any);
  // otherwise (an invocation) reads are not known yet.
  std::optional<std::string> txn_of(const Edn& v, bool completed, spec::Call& call) const;
  // Every refusal goes through here; a cause that quotes a huge input is cut short.
  ReadError error(std::size_t line, std::string cause) const;

 private:
  std::optional<ReadError> fill_input(spec::Call& call, const Edn& value, const Edn* key,
                                      std::size_t line);
  std::optional<ReadError> fill_output(spec::Call& call, const Edn& value, std::size_t line);

  History& h_;
  std::string file_;
  std::uint64_t clock_ = 0;
  std::unordered_map<std::string, std::size_t> open_;  // process -> index into h_.ops
  std::vector<std::size_t> failed_;  // ops completed with :fail
  std::vector<std::size_t> unknown_reads_;  // reads that returned nil, under --nil-reads any
  bool nil_reads_any_ = false;
  bool independent_ = false;  // register specs: values are [key value] tuples
};

// Readers, one per format: each appends to `builder`'s history.
std::optional<ReadError> read_edn(std::string_view text, HistoryBuilder& builder);
std::optional<ReadError> read_jepsen_log(std::string_view text, HistoryBuilder& builder);
// Native JSONL is read in chunks of whole lines on up to `threads` threads (0: one per
// core), each at least `min_chunk_bytes` long.
struct JsonlChunking {
  unsigned threads = 0;
  std::size_t min_chunk_bytes = std::size_t{8} << 20;
};
std::optional<ReadError> read_jsonl(std::string_view text, History& history, HistoryBuilder& builder,
                                    const JsonlChunking& chunking = {});

}  // namespace weir::lin::detail
