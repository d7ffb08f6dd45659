#include "tests/checker/cut/support.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace weir::cut::testing {

namespace {

std::string pname(const GenRun& run, std::uint32_t p) {
  std::string s = p < run.in ? "p" : "o";
  return s.append(std::to_string(p));
}

// Vector clocks of every event, in file order (which the builders keep causal).
std::vector<std::vector<std::uint32_t>> clocks(const Execution& x) {
  const std::size_t n = x.processes.size();
  std::vector<std::vector<std::uint32_t>> vc(x.events.size());
  std::vector<std::vector<std::uint32_t>> now(n, std::vector<std::uint32_t>(n, 0));
  for (std::uint32_t i = 0; i < x.events.size(); ++i) {
    const Event& e = x.events[i];
    std::vector<std::uint32_t>& c = now[e.process];
    if (e.kind == Kind::Recv) {
      const std::vector<std::uint32_t>& s = vc[x.messages[e.message].send];
      for (std::size_t k = 0; k < n; ++k) c[k] = std::max(c[k], s[k]);
    }
    c[e.process] = e.index + 1;
    vc[i] = c;
  }
  return vc;
}

}  // namespace

GenRun gen_run(std::mt19937_64& rng, std::uint32_t in, std::uint32_t out, std::size_t steps) {
  GenRun run;
  run.in = in;
  run.out = out;
  const std::uint32_t n = in + out;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> flight;  // (msg, to)
  for (std::size_t s = 0; s < steps; ++s) {
    const std::uint32_t p = std::uniform_int_distribution<std::uint32_t>(0, n - 1)(rng);
    const int what = std::uniform_int_distribution<int>(0, 9)(rng);
    std::vector<std::size_t> mine;
    for (std::size_t k = 0; k < flight.size(); ++k)
      if (flight[k].second == p) mine.push_back(k);
    GenEvent e;
    e.process = p;
    if (what < 4 && !mine.empty()) {
      const std::size_t k = mine[std::uniform_int_distribution<std::size_t>(0, mine.size() - 1)(rng)];
      e.kind = Kind::Recv;
      e.msg = flight[k].first;
      flight.erase(flight.begin() + static_cast<std::ptrdiff_t>(k));
    } else if (what < 8) {
      e.kind = Kind::Send;
      e.msg = run.messages++;
      e.to = (p + 1 + std::uniform_int_distribution<std::uint32_t>(0, n - 2)(rng)) % n;
      flight.emplace_back(e.msg, e.to);
    }
    run.events.push_back(e);
  }
  return run;
}

std::size_t after_last_snapshot(const GenRun& run) {
  std::size_t first = 0;
  for (std::size_t k = 0; k < run.events.size(); ++k)
    if (run.events[k].kind == Kind::Snapshot) first = k + 1;
  return first;
}

void snapshot_at(GenRun& run, std::uint64_t ssid, std::size_t at, bool channels) {
  std::vector<GenEvent> snaps;
  for (std::uint32_t q = 0; q < run.in; ++q) {
    GenEvent s;
    s.process = q;
    s.kind = Kind::Snapshot;
    s.ssid = ssid;
    if (channels) {
      for (std::uint32_t p = 0; p < run.in; ++p) {
        if (p == q) continue;
        std::vector<std::uint32_t> flight;
        for (std::size_t k = 0; k < at; ++k)
          if (run.events[k].kind == Kind::Send && run.events[k].process == p && run.events[k].to == q)
            flight.push_back(run.events[k].msg);
        for (std::size_t k = 0; k < at; ++k)
          if (run.events[k].kind == Kind::Recv && run.events[k].process == q)
            std::erase(flight, run.events[k].msg);
        s.channels.emplace_back(p, std::move(flight));
      }
    }
    snaps.push_back(std::move(s));
  }
  run.events.insert(run.events.begin() + static_cast<std::ptrdiff_t>(at), snaps.begin(), snaps.end());
}

void snapshot_anywhere(GenRun& run, std::mt19937_64& rng, std::uint64_t ssid) {
  for (std::uint32_t q = 0; q < run.in; ++q) {
    std::size_t first = 0;  // after q's latest snapshot
    for (std::size_t k = 0; k < run.events.size(); ++k)
      if (run.events[k].process == q && run.events[k].kind == Kind::Snapshot) first = k + 1;
    const std::size_t at = std::uniform_int_distribution<std::size_t>(first, run.events.size())(rng);
    GenEvent s;
    s.process = q;
    s.kind = Kind::Snapshot;
    s.ssid = ssid;
    run.events.insert(run.events.begin() + static_cast<std::ptrdiff_t>(at), s);
  }
}

void move_snapshot(GenRun& run, std::uint32_t process, std::uint64_t ssid, std::size_t after) {
  for (std::size_t k = 0; k < run.events.size(); ++k) {
    const GenEvent& e = run.events[k];
    if (e.process == process && e.kind == Kind::Snapshot && e.ssid == ssid) {
      GenEvent s = e;
      run.events.erase(run.events.begin() + static_cast<std::ptrdiff_t>(k));
      if (after > k) --after;
      run.events.insert(run.events.begin() + static_cast<std::ptrdiff_t>(after + 1), std::move(s));
      return;
    }
  }
  throw std::logic_error("move_snapshot: no such snapshot");
}

Execution build(const GenRun& run) {
  Builder b("<generated>");
  for (std::uint32_t p = 0; p < run.in + run.out; ++p) {
    const std::uint32_t id = b.process(pname(run, p));
    if (auto why = b.state_group(id, p < run.in ? Group::In : Group::Out)) throw std::logic_error(*why);
  }
  for (std::uint32_t m = 0; m < run.messages; ++m) b.message(std::string("m").append(std::to_string(m)));
  for (std::size_t k = 0; k < run.events.size(); ++k) {
    const GenEvent& g = run.events[k];
    Event e;
    e.process = g.process;
    e.kind = g.kind;
    e.message = g.kind == Kind::Send || g.kind == Kind::Recv ? g.msg : kNone;
    e.ssid = g.ssid;
    e.line = static_cast<std::uint32_t>(k + 1);
    if (g.kind == Kind::Send)
      if (auto why = b.address(g.msg, g.to)) throw std::logic_error(*why);
    if (auto why = b.add(e)) throw std::logic_error(*why);
    for (const auto& [from, msgs] : g.channels) {
      ChannelState c;
      c.from = from;
      c.messages = msgs;
      c.line = e.line;
      if (auto why = b.channel_state(static_cast<std::uint32_t>(b.events() - 1), std::move(c)))
        throw std::logic_error(*why);
    }
  }
  auto done = std::move(b).finish();
  if (auto* err = std::get_if<ReadError>(&done)) throw std::logic_error(err->message());
  return std::get<Execution>(std::move(done));
}

std::string to_jsonl(const GenRun& run) {
  std::string s;
  for (const GenEvent& e : run.events) {
    s.append("{\"process\": \"").append(pname(run, e.process)).append("\"");
    s.append(", \"group\": \"").append(e.process < run.in ? "in" : "out").append("\"");
    switch (e.kind) {
      case Kind::Send:
        s.append(", \"kind\": \"send\", \"msg\": ").append(std::to_string(e.msg));
        s.append(", \"to\": \"").append(pname(run, e.to)).append("\"");
        break;
      case Kind::Recv: s.append(", \"kind\": \"recv\", \"msg\": ").append(std::to_string(e.msg)); break;
      case Kind::Local: s.append(", \"kind\": \"local\""); break;
      case Kind::Snapshot:
        s.append(", \"kind\": \"snapshot\", \"ssid\": ").append(std::to_string(e.ssid));
        if (!e.channels.empty()) {
          s.append(", \"channels\": {");
          for (std::size_t c = 0; c < e.channels.size(); ++c) {
            s.append(c ? ", \"" : "\"").append(pname(run, e.channels[c].first)).append("\": [");
            for (std::size_t k = 0; k < e.channels[c].second.size(); ++k)
              s.append(k ? ", " : "").append(std::to_string(e.channels[c].second[k]));
            s.append("]");
          }
          s.append("}");
        }
        break;
    }
    s.append("}\n");
  }
  return s;
}

OracleVerdict oracle(const Execution& x) {
  OracleVerdict v;
  const auto vc = clocks(x);
  std::set<std::uint64_t> ids;
  for (const Event& e : x.events)
    if (e.kind == Kind::Snapshot) ids.insert(e.ssid);
  for (std::uint64_t n : ids) {
    // Where each in-group process cuts (index of its snapshot event), if it does.
    std::vector<std::uint32_t> cut(x.processes.size(), kNone), at(x.processes.size(), kNone);
    bool complete = true;
    for (std::uint32_t p = 0; p < x.processes.size(); ++p) {
      if (x.processes[p].group != Group::In || x.processes[p].events.empty()) continue;
      for (std::uint32_t e : x.processes[p].events)
        if (x.events[e].kind == Kind::Snapshot && x.events[e].ssid == n) cut[p] = x.events[e].index, at[p] = e;
      complete &= cut[p] != kNone;
    }
    if (!complete) {
      v.incomplete.insert(n);
      continue;
    }
    // Inconsistent when some event before q's snapshot has in its past an event of p after
    // p's snapshot: p's clock entry there exceeds cut[p] + 1.
    for (std::uint32_t q = 0; q < x.processes.size(); ++q) {
      if (cut[q] == kNone || cut[q] == 0) continue;
      const std::uint32_t last = x.processes[q].events[cut[q] - 1];
      for (std::uint32_t p = 0; p < x.processes.size(); ++p)
        if (cut[p] != kNone && p != q && vc[last][p] > cut[p] + 1) v.inconsistent.insert(n);
    }
    // Channel states: recomputed from the definition.
    for (std::uint32_t q = 0; q < x.processes.size(); ++q) {
      if (at[q] == kNone || x.events[at[q]].channels == kNone) continue;
      for (const ChannelState& c : x.channel_states[x.events[at[q]].channels]) {
        std::set<std::uint32_t> want, got(c.messages.begin(), c.messages.end());
        for (std::uint32_t m = 0; m < x.messages.size(); ++m) {
          const Message& msg = x.messages[m];
          if (msg.send == kNone || x.events[msg.send].process != c.from) continue;
          if (x.events[msg.send].index >= cut[c.from]) continue;
          bool received_before = false, to_q = msg.to == q;
          for (std::uint32_t e : x.processes[q].events) {
            const Event& r = x.events[e];
            if (r.kind == Kind::Recv && r.message == m) {
              to_q = true;
              received_before |= r.index < cut[q];
            }
          }
          if (to_q && !received_before) want.insert(m);
        }
        if (want != got) v.bad_channels.insert(n);
      }
    }
  }
  return v;
}

bool happened_before(const Execution& x, std::uint32_t a, std::uint32_t b) {
  const auto vc = clocks(x);
  const Event& ea = x.events[a];
  return a != b && vc[b][ea.process] >= ea.index + 1;
}

}  // namespace weir::cut::testing
