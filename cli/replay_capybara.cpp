// `weir replay --impl capybara`: live TCP migration between network namespaces (harness/
// live run_capybara): clients stream checked bytes both ways while their connections
// move from server to server through the agents (impl/capybara) and the switch's tc
// program (impl/xdp). Each run is judged by the model's invariants, on the streams and on
// the captures (trace/capybara); per migration it reports the frozen time and the bytes
// the state carried.
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>

#include "cli/cli.hpp"
#include "cli/replay.hpp"
#include "cli/report_files.hpp"
#include "trace/capybara.hpp"

namespace weir::cli::replay {

namespace {
namespace fs = std::filesystem;

std::string where(const capybara::Flow& f) { return trace::capybara::endpoint(f.client_ip, f.client_port); }

std::string server(std::uint32_t ip) { return std::string("s").append(std::to_string((ip >> 8 & 0xff) - 10)); }

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

nlohmann::json to_json(const live::CapybaraRun& r) {
  nlohmann::json j = {{"seconds", r.seconds}, {"log", r.log}, {"notes", r.notes}, {"pcaps", r.pcaps}};
  j["migrations"] = nlohmann::json::array();
  for (const auto& m : r.migrations) {
    const char* result = m.outcome.result == capybara::Outcome::Result::Moved     ? "moved"
                         : m.outcome.result == capybara::Outcome::Result::Refused ? "refused"
                                                                                  : "failed";
    nlohmann::json x = {{"number", m.number}, {"connection", where(m.flow)}, {"from", server(m.from)}, {"to", server(m.to)},
                        {"result", result}, {"send_queue", m.outcome.send_queue}, {"unsent", m.outcome.unsent},
                        {"recv_queue", m.outcome.recv_queue}, {"state_bytes", m.state_bytes},
                        {"agent_us", m.outcome.acked_ns > m.outcome.prepared_ns ? (m.outcome.acked_ns - m.outcome.prepared_ns) / 1000.0 : 0.0}};
    if (m.frozen_us) x["frozen_us"] = *m.frozen_us;
    if (!m.outcome.error.empty()) x["error"] = m.outcome.error;
    j["migrations"].push_back(x);
  }
  j["streams"] = nlohmann::json::array();
  for (const auto& s : r.streams) {
    nlohmann::json owners = nlohmann::json::array();
    for (std::uint32_t o : s.owners) owners.push_back(server(o));
    j["streams"].push_back({{"connection", where(s.flow)}, {"up", s.up}, {"down", s.down}, {"owners", owners}});
  }
  j["violations"] = nlohmann::json::array();
  for (const auto& v : r.violations) j["violations"].push_back({{"invariant", v.invariant}, {"what", v.what}, {"frame", v.frame}});
  return j;
}

}  // namespace

int capybara(const Args& a, unsigned servers) {
  const auto m = weir::capybara::parse_mutant(a.mutant);
  if (!m) {
    std::string names;
    for (const auto& i : weir::capybara::mutants()) names.append(names.empty() ? "" : ", ").append(i.name);
    std::cerr << "weir: replay capybara: --mutant " << a.mutant << ": not one of none, " << names << "\n";
    return kBadInput;
  }
  if (servers < 2) {
    std::cerr << "weir: replay capybara: --servers " << servers << ": a migration needs at least 2\n";
    return kBadInput;
  }
  live::CapybaraScenario s;
  s.servers = servers;
  s.clients = a.clients.value_or(2);
  s.migrations = a.migrations;
  s.bytes = a.bytes;
  s.duration_s = a.duration > 0 ? a.duration : 2.0;
  s.mutant = *m;
  s.drain = std::chrono::microseconds(a.drain_us);
  s.refuse_every = a.refuse_every;
  const unsigned runs = a.runs_given ? static_cast<unsigned>(a.runs) : 1;
  const std::string dir = work_dir(a.record);
  if (dir.empty()) return kInternal;
  s.work_dir = fs::absolute(dir);
  auto cleanup = [&] {
    if (a.record.empty()) fs::remove_all(dir);
  };
  if (!a.json)
    std::cout << "capybara live: " << s.clients << " connection(s) streaming " << s.bytes << " bytes each way over "
              << s.duration_s << " s, " << s.migrations << " migration(s) among " << s.servers << " servers per run, "
              << runs << " run(s), mutant " << a.mutant << "\n";
  std::vector<double> frozen;
  nlohmann::json all = nlohmann::json::array();
  unsigned moved = 0, attempted = 0, refused = 0;
  for (unsigned run = 1; run <= runs; ++run) {
    auto ran = live::run_capybara(s);
    if (auto* why = std::get_if<std::string>(&ran)) {
      std::cerr << "weir: replay --impl capybara: the machine would not run it: " << *why << "\n";
      cleanup();
      return kUnknown;
    }
    const live::CapybaraRun& r = std::get<live::CapybaraRun>(ran);
    all.push_back(to_json(r));
    for (const auto& mg : r.migrations) {
      ++attempted;
      if (mg.outcome.result == weir::capybara::Outcome::Result::Moved) ++moved;
      if (mg.outcome.result == weir::capybara::Outcome::Result::Refused) ++refused;
      if (mg.frozen_us) frozen.push_back(*mg.frozen_us);
    }
    if (!a.json && (run == 1 || !r.violations.empty())) {
      std::cout << "run " << run << ":\n";
      for (const std::string& line : r.log) std::cout << "  " << line << "\n";
      for (const auto& mg : r.migrations) {
        std::cout << "  #" << mg.number << " " << where(mg.flow) << " " << server(mg.from) << " -> " << server(mg.to) << ": ";
        if (mg.outcome.result == weir::capybara::Outcome::Result::Moved)
          std::cout << "moved, frozen " << (mg.frozen_us ? std::to_string(static_cast<long>(*mg.frozen_us)) + " us" : "?")
                    << ", state " << mg.state_bytes << " bytes (send queue " << mg.outcome.send_queue << ", unsent "
                    << mg.outcome.unsent << ", receive queue " << mg.outcome.recv_queue << ")\n";
        else if (mg.outcome.result == weir::capybara::Outcome::Result::Refused)
          std::cout << "refused by the target\n";
        else
          std::cout << "failed: " << mg.outcome.error << "\n";
      }
      for (const auto& st : r.streams) {
        std::cout << "  " << where(st.flow) << ": service read " << st.up << ", client read " << st.down << " bytes; owners";
        for (std::uint32_t o : st.owners) std::cout << " " << server(o);
        std::cout << "\n";
      }
      for (const std::string& n : r.notes) std::cout << "  note: " << n << "\n";
    }
    if (!r.violations.empty()) {
      if (a.json) {
        std::cout << nlohmann::json({{"verdict", "violation"}, {"run", run}, {"runs", all}}).dump(2) << "\n";
      } else {
        for (const auto& v : r.violations)
          std::cout << "  VIOLATION (" << v.invariant << "): " << v.what << (v.frame.empty() ? "" : " [" + v.frame + "]") << "\n";
        if (!a.record.empty()) std::cout << "  captures kept in " << dir << " (client.pcap, switch.pcap; weir trace check --protocol capybara)\n";
      }
      const bool written = a.record.empty() || write_file(dir + "/summary.json", all.back().dump(2) + "\n", "the run's summary");
      cleanup();
      return written ? kViolation : kBadInput;
    }
  }
  if (!a.record.empty() && !write_file(dir + "/summary.json", nlohmann::json({{"runs", all}}).dump(2) + "\n", "the runs' summary")) {
    cleanup();
    return kBadInput;
  }
  cleanup();
  if (attempted > 0 && moved == 0) {
    // Nothing moved: the invariants held, but of a run that never migrated.
    if (a.json) std::cout << nlohmann::json({{"verdict", "unknown"}, {"runs", all}}).dump(2) << "\n";
    else std::cout << "  unknown: none of the " << attempted << " migrations completed (see above); nothing was tested\n";
    return kUnknown;
  }
  if (a.json) {
    std::cout << nlohmann::json({{"verdict", "holds"}, {"runs", all}}).dump(2) << "\n";
    return kHolds;
  }
  std::cout << "  holds: " << runs << " run(s), " << moved << " of " << attempted << " migrations moved"
            << (refused ? " (" + std::to_string(refused) + " refused by their target)" : std::string()) << "; every byte arrived once and in order both ways, no reset, the client saw only the "
               "service address, one owner at a time";
  if (!frozen.empty())
    std::cout << std::fixed << std::setprecision(0) << "; frozen time (us) min " << percentile(frozen, 0) << ", median "
              << percentile(frozen, 0.5) << ", p99 " << percentile(frozen, 0.99) << ", max " << percentile(frozen, 1);
  std::cout << "\n";
  return kHolds;
}

}  // namespace weir::cli::replay
