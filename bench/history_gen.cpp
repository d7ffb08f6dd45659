#include "bench/history_gen.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace weir::bench {
namespace {

// A cas's argument as Jepsen writes it: "[1 4]".
std::string cas_text(int a, int b) {
  return std::string("[").append(std::to_string(a)).append(" ").append(std::to_string(b)).append("]");
}

struct File {
  std::FILE* f;
  explicit File(const std::string& path) : f(std::fopen(path.c_str(), "w")) {
    if (!f) throw std::runtime_error("cannot write " + path);
  }
  ~File() { std::fclose(f); }
};

}  // namespace

void write_kv_jsonl(const std::string& path, std::uint64_t ops, int clients, int keys, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::string> store(static_cast<std::size_t>(keys));
  struct Open {
    bool busy = false, applied = false;
    std::uint64_t call = 0;
    int f = 0, key = 0;
    std::string value, output;
  };
  std::vector<Open> open(static_cast<std::size_t>(clients));
  File out(path);
  std::uint64_t now = 0, started = 0, finished = 0, serial = 0;
  while (finished < ops) {
    Open& c = open[rng() % open.size()];
    ++now;
    if (!c.busy) {
      if (started == ops) continue;
      ++started;
      c = Open{};
      c.busy = true;
      c.call = now;
      c.key = static_cast<int>(rng() % static_cast<std::uint64_t>(keys));
      const int r = static_cast<int>(rng() % 10);
      c.f = r < 5 ? 0 : r < 9 ? 1 : 2;  // get, put, append
      c.value = std::string(c.f == 2 ? "+" : "v").append(std::to_string(c.f == 2 ? serial % 97 : serial));
      ++serial;
    } else if (!c.applied) {  // the linearization point
      std::string& v = store[static_cast<std::size_t>(c.key)];
      if (c.f == 0) c.output = v;
      else if (c.f == 1) v = c.value;
      else v += c.value;
      c.applied = true;
    } else {
      static const char* names[] = {"get", "put", "append"};
      std::fprintf(out.f, "{\"client\":%td,\"call\":%lu,\"return\":%lu,\"f\":\"%s\",\"key\":\"k%d\"",
                   &c - open.data(), static_cast<unsigned long>(c.call), static_cast<unsigned long>(now),
                   names[c.f], c.key);
      if (c.f == 0) std::fprintf(out.f, ",\"output\":\"%s\"}\n", c.output.c_str());
      else std::fprintf(out.f, ",\"value\":\"%s\"}\n", c.value.c_str());
      c.busy = false;
      ++finished;
    }
  }
}

namespace {

// A worker of an etcd-shaped log invokes read, write or cas of values 0..4: draws the
// operation (f: 0 read, 1 write, 2 cas) and its values, writes the :invoke line, and
// returns its argument as written.
std::string invoke_etcd(File& out, std::mt19937_64& rng, int process, int& f, int& a, int& b) {
  static const char* names[] = {"read", "write", "cas"};
  f = static_cast<int>(rng() % 3);
  a = static_cast<int>(rng() % 5);
  b = static_cast<int>(rng() % 5);
  std::string arg = f == 0 ? std::string("nil") : std::to_string(a);
  if (f == 2) arg = cas_text(a, b);
  std::fprintf(out.f, "INFO  jepsen.util - %d\t:invoke\t:%s\t%s\n", process, names[f], arg.c_str());
  return arg;
}

}  // namespace

void write_etcd_log(const std::string& path, int ops, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  File out(path);
  std::fprintf(out.f, "INFO  jepsen.core - Running test etcd\nINFO  jepsen.db - setting up etcd\n");
  const int workers = 5;
  struct Worker {
    int process;
    bool busy = false, applied = false, effective = false;
    int f = 0, a = 0, b = 0;
    std::string result;
  };
  std::vector<Worker> w;
  for (int i = 0; i < workers; ++i) w.push_back(Worker{i, false, false, false, 0, 0, 0, {}});
  int reg = -1;  // nil
  int started = 0, finished = 0;
  auto show = [](int v) { return v < 0 ? std::string("nil") : std::to_string(v); };
  static const char* names[] = {"read", "write", "cas"};
  while (finished < ops) {
    Worker& c = w[rng() % w.size()];
    if (!c.busy) {
      if (started == ops) continue;
      ++started;
      c.busy = true;
      c.applied = false;
      c.result = invoke_etcd(out, rng, c.process, c.f, c.a, c.b);
    } else if (!c.applied) {
      c.applied = true;
      c.effective = true;
      if (c.f == 0) c.result = show(reg);
      else if (c.f == 1) reg = c.a;
      else if (reg == c.a) reg = c.b;
      else c.effective = false;
    } else {
      const bool timeout = rng() % 20 == 0;
      const char* type = timeout ? ":info" : (c.f == 2 && !c.effective) ? ":fail" : ":ok";
      std::fprintf(out.f, "INFO  jepsen.util - %d\t%s\t:%s\t%s\n", c.process, type, names[c.f],
                   timeout ? ":timed-out" : c.result.c_str());
      if (timeout) c.process += workers;  // Jepsen: a crashed worker comes back as a new process
      c.busy = false;
      ++finished;
    }
  }
}

void write_etcd_hard_log(const std::string& path, int ops, int timeout_percent, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  File out(path);
  const int workers = 5;
  struct Worker {
    int process;
    bool busy = false;
    int f = 0, a = 0, b = 0;
  };
  struct Limbo {
    int f, a, b;
  };
  std::vector<Worker> w;
  for (int i = 0; i < workers; ++i) w.push_back(Worker{i, false, 0, 0, 0});
  std::vector<Limbo> limbo;  // timed out: takes effect later, or never
  int reg = -1;
  int started = 0, finished = 0;
  auto show = [](int v) { return v < 0 ? std::string("nil") : std::to_string(v); };
  auto apply = [&](int f, int a, int b) {
    if (f == 1) reg = a;
    else if (f == 2 && reg == a) reg = b;
  };
  static const char* names[] = {"read", "write", "cas"};
  while (finished < ops) {
    // Now and then an operation in limbo lands (a quarter never do).
    if (!limbo.empty() && rng() % 8 == 0) {
      const std::size_t i = rng() % limbo.size();
      if (rng() % 4 != 0) apply(limbo[i].f, limbo[i].a, limbo[i].b);
      limbo.erase(limbo.begin() + static_cast<std::ptrdiff_t>(i));
    }
    Worker& c = w[rng() % w.size()];
    if (!c.busy) {
      if (started == ops) continue;
      ++started;
      c.busy = true;
      invoke_etcd(out, rng, c.process, c.f, c.a, c.b);
      continue;
    }
    ++finished;
    c.busy = false;
    if (c.f != 0 && static_cast<int>(rng() % 100) < timeout_percent) {
      std::fprintf(out.f, "INFO  jepsen.util - %d\t:info\t:%s\t:timed-out\n", c.process, names[c.f]);
      limbo.push_back({c.f, c.a, c.b});
      c.process += workers;
      continue;
    }
    // Takes effect now, atomically, and answers.
    std::string result = c.f == 0 ? show(reg) : std::to_string(c.a);
    bool ok = true;
    if (c.f == 2) {
      ok = reg == c.a;
      result = cas_text(c.a, c.b);
    }
    apply(c.f, c.a, c.b);
    std::fprintf(out.f, "INFO  jepsen.util - %d\t%s\t:%s\t%s\n", c.process, ok ? ":ok" : ":fail", names[c.f], result.c_str());
  }
}

}  // namespace weir::bench
