// Wing & Gong's search with Lowe's memoisation.
//
// The history is a list of call and return entries in time order. The search walks it
// from the front: at a call entry it tries to linearize that operation next (the spec
// must accept it, and the resulting configuration must be new); on success it lifts the
// call and its return out of the list and starts again from the front. Reaching a return
// entry means that operation should have been linearized already: backtrack, undoing
// the last choice. The history is linearizable once no return entry is left; operations
// whose return was never seen have no return entry, so they never block and are free to
// take effect at the end, which is the same as not at all.
#include "checker/lin/detail/search.hpp"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

#include "checker/lin/detail/derived_values.hpp"
#include "checker/lin/detail/future_reads.hpp"
#include "checker/lin/detail/memo.hpp"
#include "checker/lin/lin.hpp"

namespace weir::lin::detail {
namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

inline std::uint64_t mix64(std::uint64_t x) {  // splitmix64's finaliser
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The set of linearized operations. Completed operations are numbered in call order,
// so the set is nearly always "all of 0..lo, then a few": the memo stores only the words
// from the first one that is not all ones (lo) to the last nonzero one (end), plus the
// pending operations' words. That keeps keys a few words long on a million-op history.
class LinearizedSet {
 public:
  LinearizedSet(std::uint32_t completed, std::uint32_t pending)
      : completed_(completed),
        cwords_((completed + 63) / 64),
        words_(cwords_ + (pending + 63) / 64, 0),
        zobrist_(completed + pending) {
    for (std::uint32_t i = 0; i < zobrist_.size(); ++i) zobrist_[i] = mix64(i * 0x2545f4914f6cdd1dull + 1);
    last_full_ = (completed % 64 == 0) ? ~0ull : ((1ull << (completed % 64)) - 1);
  }

  void set(std::uint32_t op) {
    hash_ ^= zobrist_[op];
    std::uint32_t w = word_of(op);
    words_[w] |= bit_of(op);
    if (op >= completed_) return;
    end_ = std::max(end_, w + 1);
    while (lo_ < cwords_ && words_[lo_] == full(lo_)) ++lo_;
  }

  void clear(std::uint32_t op) {
    hash_ ^= zobrist_[op];
    std::uint32_t w = word_of(op);
    words_[w] &= ~bit_of(op);
    if (op >= completed_) return;
    lo_ = std::min(lo_, w);
    while (end_ > 0 && words_[end_ - 1] == 0) --end_;
  }

  std::uint64_t hash() const { return hash_; }
  bool contains(std::uint32_t op) const { return (words_[word_of(op)] & bit_of(op)) != 0; }

  // Appends the canonical key: (lo, end), words[lo, end), then the pending words.
  void append_key(std::vector<std::uint64_t>& key) const {
    std::uint32_t end = std::max(end_, lo_);
    key.push_back((std::uint64_t{lo_} << 32) | end);
    key.insert(key.end(), words_.begin() + lo_, words_.begin() + end);
    key.insert(key.end(), words_.begin() + cwords_, words_.end());
  }

 private:
  std::uint32_t word_of(std::uint32_t op) const {
    return op < completed_ ? op / 64 : cwords_ + (op - completed_) / 64;
  }
  std::uint64_t bit_of(std::uint32_t op) const {
    return 1ull << ((op < completed_ ? op : op - completed_) % 64);
  }
  std::uint64_t full(std::uint32_t w) const { return w + 1 == cwords_ ? last_full_ : ~0ull; }

  std::uint32_t completed_;
  std::uint32_t cwords_;
  std::vector<std::uint64_t> words_;
  std::vector<std::uint64_t> zobrist_;
  std::uint64_t last_full_ = ~0ull;
  std::uint64_t hash_ = 0;
  std::uint32_t lo_ = 0;   // first completed word that is not all ones
  std::uint32_t end_ = 0;  // one past the last nonzero completed word
};

// The spec state: one value per object (slot), with an incrementally kept hash.
class State {
 public:
  State(std::uint32_t slots, spec::ValueId init) : values_(slots, init) {
    for (std::uint32_t s = 0; s < slots; ++s) hash_ ^= term(s, init);
  }
  spec::ValueId get(std::uint32_t slot) const { return values_[slot]; }
  void put(std::uint32_t slot, spec::ValueId v) {
    hash_ ^= term(slot, values_[slot]) ^ term(slot, v);
    values_[slot] = v;
  }
  std::uint64_t hash() const { return hash_; }
  void append_key(std::vector<std::uint64_t>& key) const {
    for (std::size_t i = 0; i < values_.size(); i += 2) {
      std::uint64_t hi = i + 1 < values_.size() ? values_[i + 1] : 0;
      key.push_back((hi << 32) | values_[i]);
    }
  }

 private:
  static std::uint64_t term(std::uint32_t slot, spec::ValueId v) {
    return mix64((std::uint64_t{slot} << 32) | v);
  }
  std::vector<spec::ValueId> values_;
  std::uint64_t hash_ = 0;
};

// The doubly linked list of call and return entries, as flat arrays.
// A circular doubly linked list over indices, as flat arrays. Knuth's dancing links: an
// unlinked element keeps its own links, so relinking in the reverse order of unlinking
// restores the list exactly, which is how the search undoes a choice.
struct Links {
  std::vector<std::uint32_t> next, prev;

  void unlink(std::uint32_t e) {
    next[prev[e]] = next[e];
    prev[next[e]] = prev[e];
  }
  void relink(std::uint32_t e) {
    next[prev[e]] = e;
    prev[next[e]] = e;
  }
};

// The list of call and return entries, in time order.
struct EntryList : Links {
  std::vector<std::uint32_t> op;
  std::vector<std::uint8_t> is_call;
  std::vector<std::uint32_t> call_of, return_of;  // per op: its entries (kNone: no return)
  std::uint32_t head = 0;

  void lift(std::uint32_t call) {  // unlink the call and its return
    unlink(call);
    if (std::uint32_t r = return_of[op[call]]; r != kNone) unlink(r);
  }
  void unlift(std::uint32_t call) {  // relink in the reverse order
    if (std::uint32_t r = return_of[op[call]]; r != kNone) relink(r);
    relink(call);
  }
};

EntryList build_entries(const std::vector<SearchOp>& ops) {
  struct Raw {
    std::uint64_t time;
    std::uint32_t op;
    std::uint8_t is_call;
  };
  std::vector<Raw> raw;
  raw.reserve(ops.size() * 2);
  for (std::uint32_t i = 0; i < ops.size(); ++i) {
    raw.push_back({ops[i].call, i, 1});
    if (ops[i].ret != kPending) raw.push_back({ops[i].ret, i, 0});
  }
  // At equal times a call comes first: the two operations overlap, which is the
  // permissive reading when the clock cannot tell them apart.
  std::sort(raw.begin(), raw.end(), [](const Raw& a, const Raw& b) {
    if (a.time != b.time) return a.time < b.time;
    if (a.is_call != b.is_call) return a.is_call > b.is_call;
    return a.op < b.op;
  });
  const auto n = static_cast<std::uint32_t>(raw.size());
  EntryList l;
  l.head = n;
  l.next.resize(n + 1);
  l.prev.resize(n + 1);
  l.op.resize(n);
  l.is_call.resize(n);
  l.call_of.assign(ops.size(), kNone);
  l.return_of.assign(ops.size(), kNone);
  for (std::uint32_t e = 0; e < n; ++e) {
    l.op[e] = raw[e].op;
    l.is_call[e] = raw[e].is_call;
    (raw[e].is_call ? l.call_of : l.return_of)[raw[e].op] = e;
  }
  for (std::uint32_t e = 0; e <= n; ++e) {
    l.next[e] = (e + 1) % (n + 1);
    l.prev[e] = (e + n) % (n + 1);
  }
  return l;
}

// Sleep sets (Godefroid's partial-order reduction) for states of several objects.
// Operations on different objects commute: linearizing x then B reaches the same
// configuration as B then x. So once x has been tried from configuration C, it sleeps in
// C·B for every B independent of it: C·B·x is C·x·B, which the search already explored
// (it is in the memo, or x was refused, which B cannot change). This removes the memo
// hits that commuting orders cause without changing any verdict: whatever configuration a
// sleeping op would lead to is already known to fail.
class SleepSets {
 public:
  explicit SleepSets(std::size_t ops) : asleep_(ops, 0) { begin_.push_back(0); }

  bool asleep(std::uint32_t op) const { return asleep_[op] != 0; }

  // Linearizing `op` (touching `slot`) from the current configuration: `tried` are the
  // call entries the scan passed before reaching it.
  template <class Slot, class Tried>
  void push(std::uint32_t slot, const Slot& slot_of, Tried&& for_each_tried) {
    const std::size_t from = begin_.back(), to = ops_.size();
    for (std::size_t i = from; i < to; ++i)
      if (slot_of(ops_[i]) != slot) ops_.push_back(ops_[i]);
    for_each_tried([&](std::uint32_t x) {
      if (!asleep_[x] && slot_of(x) != slot) ops_.push_back(x);
    });
    for (std::size_t i = from; i < to; ++i) asleep_[ops_[i]] = 0;
    // Erase the parent's segment from `asleep_` only; it stays in `ops_` for pop().
    begin_.push_back(to);
    for (std::size_t i = to; i < ops_.size(); ++i) asleep_[ops_[i]] = 1;
  }

  void pop() {
    const std::size_t top = begin_.back();
    for (std::size_t i = top; i < ops_.size(); ++i) asleep_[ops_[i]] = 0;
    ops_.resize(top);
    begin_.pop_back();
    for (std::size_t i = begin_.back(); i < ops_.size(); ++i) asleep_[ops_[i]] = 1;
  }

 private:
  std::vector<std::uint8_t> asleep_;
  std::vector<std::uint32_t> ops_;     // the segments of every frame, back to back
  std::vector<std::size_t> begin_;     // where each frame's segment starts
};

// The ops not yet linearized that the dead-end scan looks at (reads and writes), in
// call order, lifted and restored like the entry list.
class WatchList {
 public:
  static constexpr std::uint32_t kEnd = 0xffffffffu;

  WatchList(const std::vector<SearchOp>& ops, const FutureReads& future)
      : head_(static_cast<std::uint32_t>(ops.size())), watched_(ops.size(), 0) {
    // Ops are numbered completed first, each group in call order; pending ops never
    // return, so only their effect matters and the scan is no worse for seeing them last.
    links_.next.assign(ops.size() + 1, kEnd);
    links_.prev.assign(ops.size() + 1, kEnd);
    std::uint32_t last = head_;
    for (std::uint32_t i = 0; i < ops.size(); ++i) {
      if (!future.is_reader(i) && !future.resets(i)) continue;
      watched_[i] = 1;
      links_.next[last] = i;
      links_.prev[i] = last;
      last = i;
    }
    links_.next[last] = head_;
    links_.prev[head_] = last;
  }
  std::uint32_t first() const { return at(links_.next[head_]); }
  std::uint32_t after(std::uint32_t op) const { return at(links_.next[op]); }
  void lift(std::uint32_t op) {
    if (watched_[op]) links_.unlink(op);
  }
  void unlift(std::uint32_t op) {
    if (watched_[op]) links_.relink(op);
  }

 private:
  std::uint32_t at(std::uint32_t i) const { return i == head_ ? kEnd : i; }
  Links links_;
  std::uint32_t head_;
  std::vector<std::uint8_t> watched_;
};

}  // namespace

SearchResult search(const std::vector<SearchOp>& input, std::uint32_t slots, spec::ValueId init,
                    const spec::ValueTable& values, const StopSignal& stop) {
  // Number completed operations first, in call order, then pending ones.
  std::vector<SearchOp> ops(input);
  std::vector<std::uint32_t> order(ops.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    bool pa = input[a].ret == kPending, pb = input[b].ret == kPending;
    if (pa != pb) return pb;
    return input[a].call < input[b].call;
  });
  std::uint32_t completed = 0;
  for (std::uint32_t i = 0; i < order.size(); ++i) {
    ops[i] = input[order[i]];
    if (ops[i].ret != kPending) ++completed;
  }

  // Identical pending operations are interchangeable: each may take effect at any point
  // after its call, or never, so a linearization that uses one and leaves an identical one
  // called earlier unused stays one with the two swapped. The search therefore uses twins
  // in call order (an op waits for its previous twin), which keeps the set of linearized
  // pending ops canonical: histories of real etcd shape, with hundreds of timed-out writes
  // and cas of a few values open at once, no longer explore every subset of them.
  // A pending cas(a, a) changes nothing whether it applies or not: never worth trying
  // (it waits for a twin that is never used).
  std::vector<std::uint32_t> twin_before(ops.size(), kNone);
  {
    std::map<std::tuple<std::uint8_t, std::uint32_t, spec::ValueId, spec::ValueId>, std::uint32_t> last;
    for (std::uint32_t i = completed; i < ops.size(); ++i) {
      const spec::Call& c = ops[i].input;
      if (c.kind == spec::OpKind::Cas && c.arg == c.arg2) {
        twin_before[i] = i;  // its own twin, never linearized
        continue;
      }
      auto [it, fresh] = last.try_emplace({static_cast<std::uint8_t>(c.kind), ops[i].slot, c.arg, c.arg2}, i);
      if (!fresh) {
        twin_before[i] = it->second;
        it->second = i;
      }
    }
  }

  EntryList list = build_entries(ops);
  LinearizedSet linearized(completed, static_cast<std::uint32_t>(ops.size()) - completed);
  State state(slots, init);
  DerivedValues derived(values);
  auto concat = [&](spec::ValueId a, spec::ValueId b) { return derived.concat(a, b); };
  auto txn = [&](spec::ValueId cur, const spec::Call& c) { return derived.txn(cur, c); };
  Memo memo;
  FutureReads future(ops, values);
  auto is_linearized = [&](std::uint32_t op) { return linearized.contains(op); };
  // After `op` changed its object to `after`: can every read still to come that the scan
  // reaches see its value? The reads nearest the front are the ones that refute a wrong
  // order soonest; looking further costs more than it prunes. The scan walks a list of
  // its own, of the ops not yet linearized that it cares about (reads and writes, in call
  // order), kept like the entry list, so it does not step over returns and appends.
  WatchList watch(ops, future);
  constexpr int kLookahead = 32;
  auto dead_end = [&](std::uint32_t op, spec::ValueId after) {
    // The read rules are about one value per object; a multi-register state is not one.
    if (ops[op].input.kind == spec::OpKind::Txn) return false;
    const std::uint32_t slot = ops[op].slot;
    const std::uint64_t len = derived.length(after);
    int seen = 0;
    for (std::uint32_t r = watch.first(); r != WatchList::kEnd && seen < kLookahead; r = watch.after(r), ++seen) {
      if (r == op || ops[r].slot != slot) continue;
      if (future.is_reader(r) && !future.may_see(op, after, len, r, is_linearized)) return true;
      // Reads called after another write to the object are nearly always explained by
      // it; checking them would cost more than it prunes.
      if (future.resets(r)) return false;
    }
    return false;
  };

  struct Frame {
    std::uint32_t op;
    spec::ValueId before;
    bool observes_only;
    bool unseen_effect;  // a pending write or cas: what it did no one has seen yet
  };
  std::vector<Frame> stack;
  stack.reserve(ops.size());
  std::vector<std::uint64_t> key;
  const bool reduce = slots > 1;  // one object: every pair of operations conflicts
  // Pending writes just in time. A pending write or cas took effect, if at all, at a
  // point of the search's choosing; what it did matters only to an operation that looks at
  // the value. Followed at once by a blind write (write, put), its effect is overwritten
  // unseen, and the same order without it is a linearization too (a pending op may never
  // have happened). So right after such an op the search does not try a blind write: a
  // pending write is placed only where the next op reads it. On one object only (with
  // several, the sleep sets reason about which ops are enabled, and this would change
  // that); the flag is part of the memo's key, since it changes what may come next.
  const bool just_in_time = !reduce;
  auto unseen_effect = [&](const SearchOp& o) {
    return o.ret == kPending && (o.input.kind == spec::OpKind::Write || o.input.kind == spec::OpKind::Put ||
                                 o.input.kind == spec::OpKind::Cas);
  };
  auto blind_write = [](const SearchOp& o) {
    return o.input.kind == spec::OpKind::Write || o.input.kind == spec::OpKind::Put;
  };
  SleepSets sleep(reduce ? ops.size() : 0);
  auto slot_of = [&](std::uint32_t op) { return ops[op].slot; };

  SearchResult result;
  std::vector<std::uint32_t>& best = result.best_prefix;
  std::size_t common = 0;  // length of the prefix that `stack` and `best` share
  // Keeps `best` the longest linearizable prefix seen: the stack, and `extra` after it.
  auto note_best = [&](const std::uint32_t* extra) {
    const std::size_t len = stack.size() + (extra ? 1 : 0);
    if (len <= best.size()) return;
    best.resize(len);
    for (std::size_t i = common; i < stack.size(); ++i) best[i] = stack[i].op;
    common = stack.size();
    if (extra) best.back() = *extra;
  };

  std::uint32_t remaining = completed;  // completed ops not yet linearized
  std::uint32_t e = list.head;
  // Where to start in a new configuration: an enabled op that changes nothing and is
  // legal here, if there is one, since trying it first decides the configuration;
  // otherwise the front of the list.
  // The entries it skips are not tried here, so they must not fall asleep below it.
  std::uint32_t jumped_to = kNone;
  auto first_choice = [&]() -> std::uint32_t {
    jumped_to = kNone;
    for (std::uint32_t t = list.next[list.head]; t != list.head && list.is_call[t]; t = list.next[t]) {
      const SearchOp& o = ops[list.op[t]];
      if (!spec::observes_only(o.input) || (reduce && sleep.asleep(list.op[t]))) continue;
      if (spec::step_with(concat, txn, state.get(o.slot), o.input)) return jumped_to = t;
    }
    return list.next[list.head];
  };
  e = first_choice();
  std::uint64_t iterations = 0;
  bool backtrack = false;  // the current configuration is known to fail: undo
  while (remaining > 0) {
    if ((++iterations & 0xfff) == 0) {
      if (stop.cancel && stop.cancel->load(std::memory_order_relaxed)) {
        result.outcome = SearchOutcome::Stopped;
        return result;
      }
      if (std::chrono::steady_clock::now() >= stop.deadline) {
        result.outcome = SearchOutcome::TimedOut;
        return result;
      }
    }
    if (!backtrack && e != list.head && list.is_call[e]) {
      const std::uint32_t op = list.op[e];
      if ((reduce && sleep.asleep(op)) || (twin_before[op] != kNone && !linearized.contains(twin_before[op]))) {
        e = list.next[e];
        continue;
      }
      const SearchOp& o = ops[op];
      if (just_in_time && !stack.empty() && stack.back().unseen_effect && blind_write(o)) {
        e = list.next[e];
        continue;
      }
      const spec::ValueId before = state.get(o.slot);
      ++result.steps;
      auto after = spec::step_with(concat, txn, before, o.input);
      // A pending op that would change nothing here (a cas whose expected value is not
      // there, a write of the value already held) is the same as one that never happened:
      // not worth a configuration. (Using it up would only let a later identical twin go
      // first, and the earlier one can stand wherever that one would.)
      if (after && *after == before && o.ret == kPending) after.reset();
      if (after && *after != before && dead_end(op, *after)) {
        // The spec accepts the step, so the stack plus it is still a linearizable
        // prefix: the witness starts from the longest one, and shows the read it dooms.
        note_best(&op);
        after.reset();
      }
      if (after) {
        linearized.set(op);
        state.put(o.slot, *after);
        const bool unseen = just_in_time && unseen_effect(o);
        const std::uint64_t hash = linearized.hash() ^ (state.hash() * 0x9e3779b97f4a7c15ull);
        memo.prefetch(hash);
        key.clear();
        linearized.append_key(key);
        state.append_key(key);
        // What may follow an unseen effect is a subset of what may follow otherwise: the
        // configuration without the flag, known to fail, fails with it too.
        bool fresh;
        if (unseen) {
          fresh = !memo.contains(hash, key.data(), static_cast<std::uint32_t>(key.size()));
          key.push_back(1);
          if (fresh) fresh = memo.insert(hash ^ 0x5bd1e9955bd1e995ull, key.data(), static_cast<std::uint32_t>(key.size()));
        } else {
          fresh = memo.insert(hash, key.data(), static_cast<std::uint32_t>(key.size()));
        }
        if (fresh) {
          stack.push_back({op, before, spec::observes_only(o.input), unseen});
          if (reduce)
            sleep.push(o.slot, slot_of, [&](auto&& add) {
              if (e == jumped_to) return;  // nothing was tried before it
              for (std::uint32_t t = list.next[list.head]; t != e; t = list.next[t]) add(list.op[t]);
            });
          list.lift(e);
          watch.lift(op);
          if (o.ret != kPending) --remaining;
          e = first_choice();
          continue;
        }
        state.put(o.slot, before);
        linearized.clear(op);
        // An enabled, legal op that changes nothing can go first in any linearization
        // from here; its configuration is known to fail, so this one fails too.
        if (spec::observes_only(o.input)) {
          backtrack = true;
          continue;
        }
      }
      e = list.next[e];
      continue;
    }
    // A return entry: its operation should already be linearized. Undo the last choice.
    backtrack = false;
    note_best(nullptr);
    if (stack.empty()) {
      result.outcome = SearchOutcome::NotLinearizable;
      for (std::uint32_t& b : best) b = order[b];
      return result;
    }
    const Frame top = stack.back();
    stack.pop_back();
    if (reduce) sleep.pop();
    common = std::min(common, stack.size());
    linearized.clear(top.op);
    state.put(ops[top.op].slot, top.before);
    const std::uint32_t call = list.call_of[top.op];
    list.unlift(call);
    watch.unlift(top.op);
    if (ops[top.op].ret != kPending) ++remaining;
    e = list.next[call];
    // Same reason: the failed branch began with an op that could have gone first in any
    // linearization from here, so there is none; keep undoing.
    backtrack = top.observes_only;
  }
  result.outcome = SearchOutcome::Linearizable;
  // The stack is now a whole linearization (the pending operations it took included).
  best.resize(stack.size());
  for (std::size_t i = 0; i < stack.size(); ++i) best[i] = order[stack[i].op];
  return result;
}

}  // namespace weir::lin::detail
