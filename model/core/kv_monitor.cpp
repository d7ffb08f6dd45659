#include "model/core/kv_monitor.hpp"

#include <algorithm>

namespace weir::model::core {

void KvMonitor::normalize() {
  std::sort(configs_.begin(), configs_.end());
  configs_.erase(std::unique(configs_.begin(), configs_.end()), configs_.end());
}

void KvMonitor::close_under_effect() {
  // A worklist over the configurations found so far: each may be extended by any open
  // operation that has not taken effect in it. Sets are tiny (a few open operations).
  for (std::size_t i = 0; i < configs_.size(); ++i) {
    const Config from = configs_[i];
    for (unsigned c = 0; c < kMaxClients; ++c) {
      const Open& op = open_[c];
      if (!op.active || byte(from, kMaxKeys + c) != 0) continue;
      Config to = from;
      if (op.kind == Kind::Write) {
        to = with_byte(with_byte(to, op.key, op.arg), kMaxKeys + c, 1);
      } else {
        to = with_byte(to, kMaxKeys + c, 2 + byte(from, op.key));
      }
      if (std::find(configs_.begin(), configs_.end(), to) == configs_.end()) configs_.push_back(to);
    }
  }
  normalize();
}

void KvMonitor::call(unsigned c, Kind kind, unsigned key, std::uint8_t arg) {
  open_[c] = {true, kind, static_cast<std::uint8_t>(key), arg};
  // The new operation has not taken effect in any configuration yet (its byte is 0: a
  // return cleared it), so closing adds the ones in which it has.
  close_under_effect();
}

void KvMonitor::ret(unsigned c, std::uint8_t out) {
  const Open op = open_[c];
  open_[c] = {};
  std::erase_if(configs_, [&](Config x) {
    const unsigned state = byte(x, kMaxKeys + c);
    if (state == 0) return true;  // it must have taken effect before returning
    return op.kind == Kind::Read && state != 2u + out;
  });
  // The operation is done: forget it. The remaining set stays closed, since linearizing
  // another open operation never undoes this one.
  for (Config& x : configs_) x = with_byte(x, kMaxKeys + c, 0);
  normalize();
}

std::uint64_t KvMonitor::hash() const {
  std::uint64_t h = 0x84222325cbf29ce4ull;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ull; h ^= h >> 29; };
  for (const Open& op : open_)
    mix((op.active ? 1u : 0u) | (static_cast<unsigned>(op.kind) << 1) | (op.key << 8) | (op.arg << 16));
  mix(configs_.size());
  for (Config x : configs_) mix(x);
  return h;
}

}  // namespace weir::model::core
