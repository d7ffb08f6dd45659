// The three history readers (native JSONL, Jepsen EDN, Jepsen log lines) and the
// linearizability check behind them.
#include <string_view>

#include "checker/lin/lin.hpp"
#include "tests/fuzz/fuzz.hpp"

namespace weir::fuzz {
namespace {

// A search that fuzzed input makes exponential is cut short: only verdicts both runs
// reached are compared.
constexpr double kSearchSeconds = 0.5;

lin::Result judge(const lin::History& h, unsigned jobs) {
  lin::CheckOptions o;
  o.jobs = jobs;
  o.timeout_seconds = kSearchSeconds;
  return lin::check(h, o);
}

void history(const std::uint8_t* data, std::size_t size, lin::Format format) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (spec::SpecKind spec :
       {spec::SpecKind::Register, spec::SpecKind::CasRegister, spec::SpecKind::Kv, spec::SpecKind::MultiRegister}) {
    lin::ReadOptions o;
    o.spec = spec;
    o.format = format;
    auto first = lin::parse_history(text, "fuzz", o);
    auto again = lin::parse_history(text, "fuzz", o);
    require(first.index() == again.index(), "reading the same input twice: once refused, once read");
    if (auto* e = std::get_if<lin::ReadError>(&first)) {
      require(e->message() == std::get<lin::ReadError>(again).message(), "two different refusals of one input");
      require(!e->cause.empty(), "a refusal without a cause");
      require(e->cause.size() <= 1100, "a refusal that quotes the input whole");
      continue;
    }
    const lin::History& h = std::get<lin::History>(first);
    require(h.ops.size() == std::get<lin::History>(again).ops.size(), "two readings of one input differ");
    for (const lin::Operation& op : h.ops)
      require(op.ret == lin::kPending || (op.ret >= op.call && op.ret <= lin::kMaxTime), "an operation's times");
    const lin::Result one = judge(h, 1), two = judge(h, 2);
    if (one.verdict != lin::Verdict::Unknown && two.verdict != lin::Verdict::Unknown)
      require(one.verdict == two.verdict, "the verdict depends on --jobs");
    require(one.verdict != lin::Verdict::Violation || one.witness, "a violation without a witness");
  }
}

}  // namespace

int lin_jsonl(const std::uint8_t* data, std::size_t size) {
  history(data, size, lin::Format::Jsonl);
  return 0;
}

int lin_edn(const std::uint8_t* data, std::size_t size) {
  history(data, size, lin::Format::Edn);
  return 0;
}

int lin_jepsen_log(const std::uint8_t* data, std::size_t size) {
  history(data, size, lin::Format::JepsenLog);
  return 0;
}

}  // namespace weir::fuzz
