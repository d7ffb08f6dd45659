#include "checker/bound/bound.hpp"

#include <chrono>
#include <cstdio>


namespace weir::bound {

namespace {

double value(const z3::model& m, const z3::expr& e) { return to_double(m.eval(e, true)); }

Schedule extract(const z3::model& m, const BoundEncoding& e) {
  Schedule s;
  for (std::size_t g = 0; g < e.enter.size(); ++g) {
    s.enter.push_back(value(m, e.enter[g]));
    s.reply.push_back(value(m, e.reply[g]));
  }
  s.t1 = value(m, e.t1);
  s.spread = value(m, e.spread);
  const double first = value(m, e.first), last = value(m, e.last);
  for (unsigned g = 0; g < s.enter.size(); ++g) {
    if (s.enter[g] == first && s.enter[s.first_gateway] != first) s.first_gateway = g;
    if (s.enter[g] == last) s.last_gateway = g;
  }
  if (s.first_gateway == s.last_gateway)  // entered together: any other gateway ends it
    s.last_gateway = s.first_gateway == 0 ? 1 : 0;
  s.chain_start = value(m, e.chain_start);
  s.chain_end = value(m, e.chain_end);
  for (std::size_t k = 0; k < e.hop_latency.size(); ++k)
    if (m.eval(e.hop_used[k], true).is_true()) s.hops.push_back(value(m, e.hop_latency[k]));
  return s;
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string fmt(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", v);
  return text;
}

// A schedule that breaks a cut although its quantity is below `threshold`, if any.
std::optional<Schedule> schedule_below(z3::context& c, const BoundEncoding& e, const BoundParams& p,
                                       const z3::expr& threshold) {
  z3::solver s(c);
  s.add(e.execution);
  s.add(e.inconsistent);
  // Bounds in whole units: ask for a schedule in whole units too, so that it can also be
  // played in the Beaver model, whose time is steps (such a schedule exists whenever any
  // does: the extremes of the bounds are whole).
  auto whole = [](double v) { return v == static_cast<double>(static_cast<long long>(v)); };
  if (whole(p.to_gateway.min) && whole(p.to_gateway.max) && whole(p.to_initiator.min) && whole(p.to_initiator.max) &&
      whole(p.hop.min) && whole(p.hop.max)) {
    for (const z3::expr& x : e.enter) s.add(z3::is_int(x));
    for (const z3::expr& x : e.reply) s.add(z3::is_int(x));
    s.add(z3::is_int(e.chain_start));
    for (const z3::expr& x : e.hop_latency) s.add(z3::is_int(x));
  }
  s.add(e.quantity() < threshold);
  if (s.check() != z3::sat) return std::nullopt;
  return extract(s.get_model(), e);
}

}  // namespace

Verdict check(const BoundParams& p) {
  const auto t0 = std::chrono::steady_clock::now();
  Verdict v;
  if (p.gateways < 2) {  // one gateway: every chain back in is tagged (Theorem 1)
    v.seconds = since(t0);
    return v;
  }
  z3::context c;
  const BoundEncoding e = encode(c, p);
  v.counterexample = schedule_below(c, e, p, real(c, p.threshold));
  v.holds = !v.counterexample;
  v.seconds = since(t0);
  return v;
}

Synthesis synthesize(const BoundParams& p, double step) {
  const auto t0 = std::chrono::steady_clock::now();
  Synthesis r;
  r.step = step;
  if (p.gateways < 2) {
    r.any_threshold_is_safe = true;
    r.seconds = since(t0);
    return r;
  }
  z3::context c;
  const BoundEncoding e = encode(c, p);
  // The least quantity any inconsistent schedule shows: accepting strictly below it is
  // safe, and it is attained, so anything above it is not.
  z3::optimize o(c);
  for (const z3::expr& x : e.execution) o.add(x);
  for (const z3::expr& x : e.inconsistent) o.add(x);
  const z3::optimize::handle h = o.minimize(e.quantity());
  if (o.check() != z3::sat) {
    r.any_threshold_is_safe = true;
    r.seconds = since(t0);
    return r;
  }
  // One step above, in exact arithmetic: largest + step as doubles would round a tiny
  // step away and find no schedule.
  const z3::expr lower = o.lower(h);
  r.largest_safe = to_double(lower);
  r.counterexample = schedule_below(c, e, p, (lower + real(c, step)).simplify());
  r.seconds = since(t0);
  return r;
}

cut::Execution execution(const BoundParams&, const Schedule& s) {
  cut::Recorder x("bound");
  const std::uint32_t n0 = x.process("n0", cut::Group::In);
  const std::uint32_t n1 = x.process("n1", cut::Group::In);
  const std::uint32_t client = x.process("c0", cut::Group::Out);
  std::vector<std::uint32_t> outs;  // the out-group hops between n0's reply and the last gateway
  for (std::size_t k = 1; k + 1 < s.hops.size(); ++k)
    outs.push_back(x.process(std::string("x").append(std::to_string(k)), cut::Group::Out));
  double t = s.chain_start;
  // Through the first gateway, after it entered: tagged 1, so n0 records before delivering.
  x.send(client, 0, "req0", 0, t);
  t += s.hops[0];
  x.snapshot(n0, 1, t);
  x.recv(n0, 0, t);
  x.send(n0, 1, "reply", 1, t);
  std::uint64_t key = 1;
  for (std::size_t k = 0; k < outs.size(); ++k) {
    t += s.hops[k + 1];
    x.recv(outs[k], key, t);
    const bool last = k + 1 == outs.size();
    x.send(outs[k], key + 1, last ? "req1" : std::string("fwd").append(std::to_string(k + 1)), 0, t);
    ++key;
  }
  // Through the last gateway no later than it entered: untagged, so n1 delivers it and
  // records only later, on the initiator's order.
  t += s.hops.back();
  double end = t;
  for (double r : s.reply) end = std::max(end, r);
  x.recv(n1, key, t);
  x.snapshot(n1, 1, end);
  return std::move(x).finish();
}

std::vector<std::string> narrate(const BoundParams& p, const Schedule& s) {
  std::vector<std::string> lines;
  for (unsigned g = 0; g < s.enter.size(); ++g)
    lines.push_back("gateway g" + std::to_string(g) + " enters at " + fmt(s.enter[g]) + ", its reply reaches the initiator at " +
                    fmt(s.reply[g]));
  lines.push_back("the initiator measures t1 - t0 = " + fmt(s.t1) + " (spread of entries " + fmt(s.spread) +
                  ", tau_min " + fmt(tau_min(p)) + ")");
  std::string chain = "a chain leaves g" + std::to_string(s.first_gateway) + " at " + fmt(s.chain_start) + ", takes " +
                      std::to_string(s.hops.size()) + " hops (";
  for (std::size_t k = 0; k < s.hops.size(); ++k) chain.append(k ? " + " : "").append(fmt(s.hops[k]));
  chain.append(") and reaches g").append(std::to_string(s.last_gateway)).append(" at ").append(fmt(s.chain_end));
  chain.append(", no later than it enters (").append(fmt(s.enter[s.last_gateway])).append("): it passes untagged");
  lines.push_back(chain);
  return lines;
}

}  // namespace weir::bound
