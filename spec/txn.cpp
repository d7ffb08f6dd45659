// Multi-register transactions: the encoding, the step, and their words (txn.hpp).
#include "spec/txn.hpp"

#include "spec/spec.hpp"

#include <algorithm>

namespace weir::spec {
namespace {

constexpr char kUnit = '\x1f';    // between micro-ops, and between registers
constexpr char kRecord = '\x1e';  // between a micro-op's fields, and a key and its value
constexpr char kUnknown = '\x1d';  // a read's value that was not seen

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  std::size_t from = 0;
  for (;;) {
    const std::size_t at = text.find(sep, from);
    out.push_back(text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
    if (at == std::string_view::npos) return out;
    from = at + 1;
  }
}

struct Registers {
  std::string_view init;
  std::vector<std::pair<std::string_view, std::string_view>> written;  // sorted by key

  explicit Registers(std::string_view state) {
    const auto parts = split(state, kUnit);
    init = parts[0];
    for (std::size_t i = 1; i < parts.size(); ++i) {
      const std::size_t at = parts[i].find(kRecord);
      written.emplace_back(parts[i].substr(0, at), parts[i].substr(at + 1));
    }
  }
  std::string_view get(std::string_view key) const {
    auto it = std::lower_bound(written.begin(), written.end(), key,
                               [](const auto& kv, std::string_view k) { return kv.first < k; });
    return it != written.end() && it->first == key ? it->second : init;
  }
  void set(std::string_view key, std::string_view value) {
    auto it = std::lower_bound(written.begin(), written.end(), key,
                               [](const auto& kv, std::string_view k) { return kv.first < k; });
    if (it != written.end() && it->first == key) it->second = value;
    else written.insert(it, {key, value});
  }
  std::string encode() const {
    std::string s(init);
    for (const auto& [k, v] : written) s.append(1, kUnit).append(k).append(1, kRecord).append(v);
    return s;
  }
};

struct Micro {
  char f;
  std::string_view key, value;
  bool known() const { return value.size() != 1 || value[0] != kUnknown; }
};

std::vector<Micro> micros(std::string_view txn) {
  std::vector<Micro> out;
  if (txn.empty()) return out;
  for (std::string_view m : split(txn, kUnit)) {
    const auto f = split(m, kRecord);
    out.push_back({f[0].empty() ? 'r' : f[0][0], f.size() > 1 ? f[1] : "", f.size() > 2 ? f[2] : ""});
  }
  return out;
}

}  // namespace

std::string encode_txn(const std::vector<MicroOp>& ops) {
  std::string s;
  for (const MicroOp& m : ops) {
    if (!s.empty()) s.push_back(kUnit);
    s.push_back(m.write ? 'w' : 'r');
    s.append(1, kRecord).append(m.key).append(1, kRecord);
    if (!m.write && !m.known) s.push_back(kUnknown);
    else s.append(m.value);
  }
  return s;
}

bool txn_token_ok(std::string_view token) {
  return std::none_of(token.begin(), token.end(), [](char c) { return c == kUnit || c == kRecord || c == kUnknown; });
}

std::string initial_registers(std::string_view init) { return std::string(init); }

std::optional<std::string> apply_txn(std::string_view state, std::string_view txn, bool known) {
  Registers r(state);
  for (const Micro& m : micros(txn)) {
    if (m.f == 'w') r.set(m.key, m.value);
    else if (known && m.known() && r.get(m.key) != m.value) return std::nullopt;
  }
  return r.encode();
}

std::string explain_txn(std::string_view state, std::string_view txn) {
  Registers r(state);
  for (const Micro& m : micros(txn)) {
    if (m.f == 'w') {
      r.set(m.key, m.value);
    } else if (m.known() && r.get(m.key) != m.value) {
      return "it read " + std::string(m.key) + " as " + std::string(m.value) + " but the register holds " +
             std::string(r.get(m.key)) + " there (registers " + show_state(state) + " before it)";
    }
  }
  return "cannot be refused";
}

std::string show_txn(std::string_view txn) {
  std::string s = "[";
  for (const Micro& m : micros(txn)) {
    if (s.size() > 1) s.push_back(' ');
    s.append("[:").append(1, m.f).append(" ").append(m.key).append(" ");
    s.append(m.known() ? m.value : "?").append("]");
  }
  return s + "]";
}

std::string show_state(std::string_view state) {
  Registers r(state);
  std::string s = "{";
  for (const auto& [k, v] : r.written) {
    if (s.size() > 1) s.append(", ");
    s.append(k).append(" ").append(v);
  }
  s.append("}");
  if (r.written.empty() || r.init != "nil") s.append(" (others ").append(r.init).append(")");
  return s;
}

std::optional<ValueId> step_txn(ValueTable& values, ValueId cur, const Call& call) {
  auto after = apply_txn(values.text(cur), values.text(call.arg), call.known);
  if (!after) return std::nullopt;
  return values.intern(*after);
}

}  // namespace weir::spec
