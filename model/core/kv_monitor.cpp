#include "model/core/kv_monitor.hpp"

#include <algorithm>

namespace weir::model::core {

KvMonitor::KvMonitor() {
  static const std::shared_ptr<const Data> initial = [] {
    auto d = std::make_shared<Data>();
    seal(*d);
    return d;
  }();
  d_ = initial;
}

void KvMonitor::seal(Data& d) {
  std::sort(d.configs.begin(), d.configs.end());
  d.configs.erase(std::unique(d.configs.begin(), d.configs.end()), d.configs.end());
  std::uint64_t h = 0x84222325cbf29ce4ull;
  auto mix = [&h](std::uint64_t v) {
    h = (h ^ v) * 0x100000001b3ull;
    h ^= h >> 29;
  };
  for (const Open& op : d.open)
    mix((op.active ? 1u : 0u) | (static_cast<unsigned>(op.kind) << 1) | (op.key << 8) | (op.arg << 16));
  mix(d.configs.size());
  for (Config x : d.configs) mix(x);
  d.hash = h;
}

void KvMonitor::close_under_effect(Data& d) {
  // A worklist over the configurations found so far: each may be extended by any open
  // operation that has not taken effect in it. Sets are tiny (a few open operations).
  for (std::size_t i = 0; i < d.configs.size(); ++i) {
    const Config from = d.configs[i];
    for (unsigned c = 0; c < kMaxClients; ++c) {
      const Open& op = d.open[c];
      if (!op.active || byte(from, kMaxKeys + c) != 0) continue;
      Config to = from;
      if (op.kind == Kind::Write) {
        to = with_byte(with_byte(to, op.key, op.arg), kMaxKeys + c, 1);
      } else {
        to = with_byte(to, kMaxKeys + c, 2 + byte(from, op.key));
      }
      if (std::find(d.configs.begin(), d.configs.end(), to) == d.configs.end()) d.configs.push_back(to);
    }
  }
}

void KvMonitor::call(unsigned c, Kind kind, unsigned key, std::uint8_t arg) {
  auto d = std::make_shared<Data>(*d_);
  d->open[c] = {true, kind, static_cast<std::uint8_t>(key), arg};
  // The new operation has not taken effect in any configuration yet (its byte is 0: a
  // return cleared it), so closing adds the ones in which it has.
  close_under_effect(*d);
  seal(*d);
  d_ = std::move(d);
}

void KvMonitor::ret(unsigned c, std::uint8_t out) {
  auto d = std::make_shared<Data>(*d_);
  const Open op = d->open[c];
  d->open[c] = {};
  std::erase_if(d->configs, [&](Config x) {
    const unsigned state = byte(x, kMaxKeys + c);
    if (state == 0) return true;  // it must have taken effect before returning
    return op.kind == Kind::Read && state != 2u + out;
  });
  // The operation is done: forget it. The remaining set stays closed, since linearizing
  // another open operation never undoes this one.
  for (Config& x : d->configs) x = with_byte(x, kMaxKeys + c, 0);
  seal(*d);
  d_ = std::move(d);
}

}  // namespace weir::model::core
