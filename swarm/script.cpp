#include "swarm/detail/script.hpp"

#include <cstdint>

namespace weir::swarm::detail {

std::string quote(const std::string& word) {
  bool plain = !word.empty();
  for (char c : word)
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      std::string_view("_./:=,+-@%").find(c) != std::string_view::npos);
  if (plain) return word;
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string words(const std::vector<std::string>& command) {
  std::string s;
  for (const std::string& w : command) s.append(s.empty() ? "" : " ").append(quote(w));
  return s;
}

std::string shard_command(const std::vector<std::string>& command, const std::string& weir,
                          const std::string& results, const std::string& index_var, std::uint32_t count) {
  const std::string n = std::to_string(count);
  const std::string i = "${" + index_var + "}";
  // Each shard's reproducer in the shared directory too: a shard's own disk may be gone.
  const char* reproducer = !command.empty() && command[0] == "fuzz" ? "--reproducer" : "--counterexample";
  return quote(weir) + " " + words(command) + " --shard \"" + i + "/" + n + "\" --result " + quote(results) +
         "/shard-\"" + i + "\"-of-" + n + ".json " + reproducer + " " + quote(results) + "/reproducer-\"" + i +
         "\"-of-" + n + ".json";
}

std::string merge_command(const std::string& weir, const std::string& results, std::uint32_t count) {
  const std::string q = quote(results);
  return quote(weir) + " merge --result " + q + "/merged.json " + q + "/shard-*-of-" + std::to_string(count) + ".json";
}

}  // namespace weir::swarm::detail
