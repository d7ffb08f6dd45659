// The harness's own verdict on a Pegasus run (scenario.hpp, zones_violation): per key, a
// register whose every put writes a value of its own. A write and the reads that return
// its value form a cluster, which any linearization places as one block: the write, then
// its reads, with no other write between. With f the earliest return in the cluster and
// s the latest call:
//   f < s, a forward zone (f, s): the block must span it, so two forward zones may not
//          overlap and no other cluster may fit wholly inside one;
//   s <= f, a backward zone [s, f]: every operation of the cluster is open at once, so
//          the block can sit anywhere in it, unless it lies inside a forward zone.
// Times follow the checker: a precedes b only if a returns before b is called, so zones
// that merely touch do not conflict.
#include <algorithm>
#include <limits>
#include <map>

#include "harness/pegasus/scenario.hpp"

namespace weir::harness::pegasus {

namespace {

using Time = std::int64_t;
constexpr Time kBeforeAll = std::numeric_limits<Time>::min(), kNever = std::numeric_limits<Time>::max();

struct Cluster {
  std::string value;  // what its write wrote; "" for the initial value
  Time f = kNever;    // the earliest return
  Time s = kBeforeAll;  // the latest call
  Time write_call = kBeforeAll;
};

Time time_of(std::uint64_t t) { return static_cast<Time>(std::min<std::uint64_t>(t, kNever - 1)); }

std::string quoted(const std::string& v) { return std::string("\"").append(v).append("\""); }
std::string write_of(const Cluster& c) { return c.value.empty() ? "the initial value" : "the put of " + quoted(c.value); }

std::optional<std::string> judge_key(const std::string& key, const std::vector<const Op*>& ops) {
  const std::string where = std::string("key ").append(key).append(": ");
  std::map<std::string, Cluster> clusters;
  for (const Op* o : ops)
    if (!o->get) {
      if (o->value.empty()) return std::nullopt;  // a put of "" makes values ambiguous: no verdict
      if (clusters.count(o->value)) return std::nullopt;  // the same value twice: likewise
      Cluster& c = clusters[o->value];
      c.value = o->value;
      c.s = c.write_call = time_of(o->call);
      c.f = o->ret ? time_of(*o->ret) : kNever;
    }
  for (const Op* o : ops) {
    if (!o->get || !o->ret) continue;  // a read that never returned constrains nothing
    if (o->value.empty()) {
      Cluster& c = clusters[""];  // the initial value: written before everything
      c.f = kBeforeAll;
      c.s = std::max(c.s, time_of(o->call));
      continue;
    }
    auto it = clusters.find(o->value);
    if (it == clusters.end()) return where + "a get returned " + quoted(o->value) + ", which no put wrote";
    Cluster& c = it->second;
    const Time call = time_of(o->call), ret = time_of(*o->ret);
    // (1) No read of a value returns before that value's put is called.
    if (ret < c.write_call)
      return where + "a get returned " + quoted(o->value) + " at " + std::to_string(ret) +
             ", before its put was called at " + std::to_string(c.write_call);
    c.f = std::min(c.f, ret);
    c.s = std::max(c.s, call);
  }
  std::vector<const Cluster*> forward, backward;
  for (const auto& [value, c] : clusters) (c.f < c.s ? forward : backward).push_back(&c);
  std::sort(forward.begin(), forward.end(), [](const Cluster* a, const Cluster* b) { return a->f < b->f; });
  // (2) Sorted by f, a forward zone overlaps an earlier one when it starts before the
  // latest end so far.
  std::vector<const Cluster*> widest;  // per prefix: the zone reaching furthest
  for (const Cluster* c : forward) {
    if (!widest.empty() && c->f < widest.back()->s)
      return where + write_of(*widest.back()) + " and " + write_of(*c) +
             " must both be the current value over the same time (their forward zones overlap)";
    widest.push_back(widest.empty() || c->s > widest.back()->s ? c : widest.back());
  }
  // (3) A backward zone [s, f] inside a forward zone (f1, s1): f1 < s and f < s1. Among
  // the zones starting before s, the one reaching furthest decides.
  for (const Cluster* b : backward) {
    auto after = std::lower_bound(forward.begin(), forward.end(), b->s,
                                  [](const Cluster* c, Time s) { return c->f < s; });
    if (after == forward.begin()) continue;
    const Cluster* outer = widest[static_cast<std::size_t>(after - forward.begin()) - 1];
    if (b->f < outer->s)
      return where + write_of(*b) + " and its reads fall wholly while " + write_of(*outer) +
             " must be the current value (a backward zone inside a forward zone)";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> zones_violation(const std::vector<Op>& ops) {
  std::map<std::string, std::vector<const Op*>> by_key;
  for (const Op& o : ops) by_key[o.key].push_back(&o);
  for (const auto& [key, key_ops] : by_key)
    if (auto why = judge_key(key, key_ops)) return why;
  return std::nullopt;
}

}  // namespace weir::harness::pegasus
