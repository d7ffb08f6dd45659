// Checking whole histories: split into independent partitions (per key for kv), check
// them on a pool of workers, stop a history's other partitions at its first violation.
#include <algorithm>
#include <chrono>
#include <thread>
#include <unordered_map>

#include "checker/lin/detail/search.hpp"
#include "checker/lin/detail/witness.hpp"
#include "checker/lin/lin.hpp"

namespace weir::lin {
namespace {

using Clock = std::chrono::steady_clock;

struct Partition {
  std::string key;
  std::vector<detail::SearchOp> ops;
  std::uint32_t slots = 1;
};

std::vector<Partition> split(const History& h, bool by_key) {
  std::vector<Partition> parts;
  // kv, and registers with Jepsen's independent keys: one object per key.
  const bool kv = h.spec == spec::SpecKind::Kv ||
                  std::any_of(h.ops.begin(), h.ops.end(), [](const Operation& op) { return op.input.key != spec::kNoValue; });
  std::unordered_map<spec::ValueId, std::uint32_t> index;  // key -> partition, or slot
  if (!kv || !by_key) parts.emplace_back();
  for (std::uint32_t i = 0; i < h.ops.size(); ++i) {
    const Operation& op = h.ops[i];
    detail::SearchOp s{op.call, op.ret, op.input, 0, i};
    if (kv) {
      auto [it, fresh] = index.emplace(op.input.key, static_cast<std::uint32_t>(index.size()));
      if (by_key) {
        if (fresh) parts.emplace_back().key = h.values->text(op.input.key);
        parts[it->second].ops.push_back(s);
        continue;
      }
      s.slot = it->second;  // one object: every key is a slot of the state
    }
    parts[0].ops.push_back(s);
  }
  if (kv && !by_key) parts[0].slots = std::max<std::uint32_t>(1, static_cast<std::uint32_t>(index.size()));
  return parts;
}

struct HistoryRun {
  const History* history = nullptr;
  std::vector<Partition> parts;
  std::atomic<bool> failed{false};
  std::atomic<bool> witness_taken{false};
  std::atomic<std::size_t> left{0};
  // The failing partition and its longest linearization; the witness is built from
  // them once the workers are done, because it interns values into the shared table.
  std::size_t failed_part = 0;
  std::vector<std::uint32_t> best_prefix;
  Result result;
  Clock::time_point done;
};

struct Task {
  HistoryRun* run;
  std::size_t part;
};

void run_task(const Task& task, const Clock::time_point deadline, bool keep_order) {
  HistoryRun& run = *task.run;
  const Partition& part = run.parts[task.part];
  PartitionResult& pr = run.result.partitions[task.part];
  if (run.failed.load()) {
    pr.skipped = true;
  } else {
    detail::StopSignal stop{&run.failed, deadline};
    detail::SearchResult r =
        detail::search(part.ops, part.slots, run.history->init, *run.history->values, stop);
    pr.steps = r.steps;
    switch (r.outcome) {
      case detail::SearchOutcome::Linearizable:
        pr.verdict = Verdict::Ok;
        if (keep_order)
          for (std::uint32_t i : r.best_prefix) pr.order.push_back(part.ops[i].origin);
        break;
      case detail::SearchOutcome::NotLinearizable:
        pr.verdict = Verdict::Violation;
        run.failed.store(true);
        if (!run.witness_taken.exchange(true)) {
          run.failed_part = task.part;
          run.best_prefix = std::move(r.best_prefix);
        }
        break;
      case detail::SearchOutcome::TimedOut: pr.verdict = Verdict::Unknown; break;
      case detail::SearchOutcome::Stopped: pr.skipped = true; break;
    }
  }
  if (run.left.fetch_sub(1) == 1) run.done = Clock::now();
}

}  // namespace

std::vector<Result> check_all(const std::vector<const History*>& histories, const CheckOptions& opts) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline =
      opts.timeout_seconds > 0
          ? start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(opts.timeout_seconds))
          : Clock::time_point::max();

  std::vector<std::unique_ptr<HistoryRun>> runs;
  std::vector<Task> tasks;
  for (const History* h : histories) {
    auto run = std::make_unique<HistoryRun>();
    run->history = h;
    run->parts = split(*h, opts.partition);
    run->left = run->parts.size();
    run->done = start;
    run->result.partitions.resize(run->parts.size());
    for (std::size_t p = 0; p < run->parts.size(); ++p) {
      run->result.partitions[p].key = run->parts[p].key;
      run->result.partitions[p].ops = run->parts[p].ops.size();
      tasks.push_back({run.get(), p});
    }
    runs.push_back(std::move(run));
  }
  // Largest first, so that one big partition does not start last and run alone.
  std::stable_sort(tasks.begin(), tasks.end(), [](const Task& a, const Task& b) {
    return a.run->parts[a.part].ops.size() > b.run->parts[b.part].ops.size();
  });

  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < tasks.size();) run_task(tasks[i], deadline, opts.keep_order);
  };
  unsigned jobs = opts.jobs ? opts.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, tasks.size()));
  std::vector<std::thread> pool;
  for (unsigned j = 1; j < jobs; ++j) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();

  std::vector<Result> results;
  for (auto& run : runs) {
    Result& r = run->result;
    if (run->witness_taken) {
      const Partition& part = run->parts[run->failed_part];
      r.witness = detail::build_witness(*run->history, part.ops, part.slots, run->best_prefix);
      r.witness->partition = part.key;
    }
    bool violation = false, unknown = false;
    for (const PartitionResult& p : r.partitions) {
      violation |= p.verdict == Verdict::Violation;
      unknown |= p.verdict == Verdict::Unknown && !p.skipped;
    }
    r.verdict = violation ? Verdict::Violation : unknown ? Verdict::Unknown : Verdict::Ok;
    if (r.verdict == Verdict::Unknown) r.unknown_reason = "timeout";
    r.seconds = std::chrono::duration<double>(run->done - start).count();
    results.push_back(std::move(r));
  }
  return results;
}

Result check(const History& history, const CheckOptions& opts) {
  return std::move(check_all({&history}, opts).front());
}

}  // namespace weir::lin
