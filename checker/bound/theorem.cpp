#include "checker/bound/theorem.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace weir::bound {

std::optional<std::string> invalid(const BoundParams& p) {
  if (p.gateways < 1 || p.gateways > 64) return "--gateways must be 1..64";
  if (p.hops < 3 || p.hops > 16) return "--hops must be 3..16 (a chain out and back in has at least 3)";
  auto in_range = [](double v) { return std::isfinite(v) && v >= 0 && v <= kMaxMicroseconds; };
  auto check = [&](const Delay& d, const char* name) -> std::optional<std::string> {
    if (!in_range(d.min) || !in_range(d.max)) return std::string(name) + " bounds must be numbers 0..1e12 (us)";
    if (d.min > d.max) return std::string(name) + ": the minimum is above the maximum";
    return std::nullopt;
  };
  if (auto why = check(p.to_gateway, "--to-gateway")) return why;
  if (auto why = check(p.to_initiator, "--to-initiator")) return why;
  if (auto why = check(p.hop, "--hop")) return why;
  if (!in_range(p.threshold)) return "--threshold must be a number 0..1e12 (us)";
  return std::nullopt;
}

z3::expr real(z3::context& c, double v) {
  if (!std::isfinite(v)) throw std::logic_error("bound: a number that is not finite reached Z3");
  // A double is a dyadic rational: its decimal expansion ends within 1,100 places, and
  // glibc prints it exactly.
  std::string text(1500, '\0');
  const int n = std::snprintf(text.data(), text.size(), "%.1100f", v);
  text.resize(static_cast<std::size_t>(n));
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return c.real_val(text.c_str());
}

double to_double(const z3::expr& numeral) {
  const std::string num = numeral.numerator().get_decimal_string(0);
  const std::string den = numeral.denominator().get_decimal_string(0);
  // long double: a denominator of 2^1074 (the least double) is beyond a double's range.
  return static_cast<double>(std::strtold(num.c_str(), nullptr) / std::strtold(den.c_str(), nullptr));
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
