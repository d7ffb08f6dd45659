// Beaver's timing theorem as Z3 constraints (Yu et al., OSDI'24, Theorem 2).
//
// With several gateways, Beaver marks optimistically: the initiator asks every gateway to
// enter snapshot n, and they enter at different times. A causal chain that leaves the
// group through an in-group node that already recorded n and comes back through a gateway
// that has not entered yet arrives untagged, and the cut breaks. The shortest such chain
// runs gateway -> in-group -> out-group -> gateway, so if the spread between the first and
// the last entry is below tau_min (that chain's least latency), no chain can do it. The
// initiator cannot see entry times: it measures t1 - t0, from sending its first request
// to receiving the last gateway's reply, which is at least the spread plus the fastest
// request and reply, and accepts when that is below a threshold.
//
// Times are in microseconds (any unit, as long as all agree); t0 = 0, when the initiator
// sends every request.
#pragma once

#include <z3++.h>

#include <optional>
#include <string>
#include <vector>

namespace weir::bound {

struct Delay {
  double min = 0, max = 0;
};

// What the initiator compares with the threshold.
enum class Acceptance : std::uint8_t { Spread, Measured };

struct BoundParams {
  unsigned gateways = 2;
  Delay to_gateway{0, 10};    // initiator -> gateway, one way
  Delay to_initiator{0, 10};  // gateway -> initiator, one way
  Delay hop{11, 1000};        // one hop of an external chain (3 hops: 33 at least)
  unsigned hops = 3;          // chains of 3..hops hops are considered
  double threshold = 33;      // accept when the measured quantity is below it
  Acceptance on = Acceptance::Measured;
};

// Every delay bound and threshold is a finite number 0..kMaxMicroseconds (11.6 days);
// Z3 is given each one exactly, as the rational the double holds.
inline constexpr double kMaxMicroseconds = 1e12;
std::optional<std::string> invalid(const BoundParams& p);
inline double tau_min(const BoundParams& p) { return 3 * p.hop.min; }

// The bounded execution: every gateway's entry and reply, the quantity the initiator
// measures, and an external chain that starts at the first gateway to enter, once it has,
// and reaches the last one no later than it enters (a tie is a race the packet may win).
// `inconsistent` holds iff that chain exists; acceptance is added by the caller.
struct BoundEncoding {
  explicit BoundEncoding(z3::context& c);
  std::vector<z3::expr> enter, reply;  // per gateway
  z3::expr t1, spread, measured, first, last;
  std::vector<z3::expr> hop_latency;  // hop k's latency (0 when unused)
  std::vector<z3::expr> hop_used;     // Booleans; the first three always
  z3::expr chain_start, chain_end;
  z3::expr_vector execution;     // the delays within their bounds, t1, first and last
  z3::expr_vector inconsistent;  // the chain
  z3::expr quantity() const;     // what acceptance compares (spread or measured)
  Acceptance on = Acceptance::Measured;
};

BoundEncoding encode(z3::context& c, const BoundParams& p);

// A real number for Z3: exactly the rational a finite double holds (printed in full in
// decimal; nine digits used to turn 1e-12 into 0). Throws std::logic_error on nan or inf,
// which invalid() refuses first.
z3::expr real(z3::context& c, double v);
// A Z3 rational numeral as the nearest double (numerator / denominator, not a fixed
// number of decimals, so neither 1e-12 nor 1e12 is rounded away).
double to_double(const z3::expr& numeral);

}  // namespace weir::bound
