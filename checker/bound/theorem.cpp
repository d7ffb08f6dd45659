#include "checker/bound/theorem.hpp"

#include <cmath>
#include <cstdio>

namespace weir::bound {

std::optional<std::string> invalid(const BoundParams& p) {
  if (p.gateways < 1 || p.gateways > 64) return "--gateways must be 1..64";
  if (p.hops < 3 || p.hops > 16) return "--hops must be 3..16 (a chain out and back in has at least 3)";
  auto check = [](const Delay& d, const char* name) -> std::optional<std::string> {
    if (!std::isfinite(d.min) || !std::isfinite(d.max) || d.min < 0 || d.max < 0)
      return std::string(name) + " bounds must be numbers >= 0";
    if (d.min > d.max) return std::string(name) + ": the minimum is above the maximum";
    return std::nullopt;
  };
  if (auto why = check(p.to_gateway, "--to-gateway")) return why;
  if (auto why = check(p.to_initiator, "--to-initiator")) return why;
  if (auto why = check(p.hop, "--hop")) return why;
  if (!std::isfinite(p.threshold) || p.threshold < 0) return "--threshold must be a number >= 0";
  return std::nullopt;
}

z3::expr real(z3::context& c, double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.9f", v);
  return c.real_val(text);
}

BoundEncoding::BoundEncoding(z3::context& c)
    : t1(c), spread(c), measured(c), first(c), last(c), chain_start(c), chain_end(c), execution(c),
      inconsistent(c) {}

z3::expr BoundEncoding::quantity() const { return on == Acceptance::Spread ? spread : measured; }

BoundEncoding encode(z3::context& c, const BoundParams& p) {
  BoundEncoding e(c);
  e.on = p.on;
  auto name = [](const char* what, unsigned i) { return std::string(what).append(std::to_string(i)); };
  e.t1 = c.real_const("t1");
  e.first = c.real_const("first_entry");
  e.last = c.real_const("last_entry");
  z3::expr_vector t1_is(c), first_is(c), last_is(c);
  for (unsigned g = 0; g < p.gateways; ++g) {
    // The request leaves at t0 = 0; the gateway enters when it arrives; its reply takes
    // to_initiator more.
    z3::expr enter = c.real_const(name("enter_g", g).c_str());
    z3::expr reply = c.real_const(name("reply_g", g).c_str());
    e.execution.push_back(enter >= real(c, p.to_gateway.min) && enter <= real(c, p.to_gateway.max));
    e.execution.push_back(reply - enter >= real(c, p.to_initiator.min) &&
                          reply - enter <= real(c, p.to_initiator.max));
    e.execution.push_back(e.t1 >= reply && e.first <= enter && e.last >= enter);
    t1_is.push_back(e.t1 == reply);
    first_is.push_back(e.first == enter);
    last_is.push_back(e.last == enter);
    e.enter.push_back(enter);
    e.reply.push_back(reply);
  }
  e.execution.push_back(z3::mk_or(t1_is));
  e.execution.push_back(z3::mk_or(first_is));
  e.execution.push_back(z3::mk_or(last_is));
  e.spread = e.last - e.first;
  e.measured = e.t1;  // t1 - t0, with t0 = 0

  // The chain: leaves the first gateway to enter at or after its entry, takes 3..hops
  // hops, and reaches the last gateway no later than its entry.
  e.chain_start = c.real_const("chain_start");
  z3::expr total = c.real_val(0);
  for (unsigned k = 0; k < p.hops; ++k) {
    z3::expr l = c.real_const(name("hop", k).c_str());
    z3::expr used = k < 3 ? c.bool_val(true) : c.bool_const(name("hop_used", k).c_str());
    if (k > 3) e.inconsistent.push_back(z3::implies(used, e.hop_used.back()));  // hops in order
    e.inconsistent.push_back(z3::implies(used, l >= real(c, p.hop.min) && l <= real(c, p.hop.max)));
    e.inconsistent.push_back(z3::implies(!used, l == 0));
    e.hop_latency.push_back(l);
    e.hop_used.push_back(used);
    total = total + l;
  }
  e.chain_end = e.chain_start + total;
  e.inconsistent.push_back(e.chain_start >= e.first);
  e.inconsistent.push_back(e.chain_end <= e.last);
  return e;
}

}  // namespace weir::bound
