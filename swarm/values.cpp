// What a user's value may be before it lands in a file a cluster runs. A generated script or
// manifest is submitted as it is, often on a shared cluster, so a value is either refused
// (names, by the engine's own rules; control characters, bytes that are not UTF-8, and the
// characters YAML or a terminal would take as a line break, anywhere) or quoted for the one
// context it lands in (swarm/detail/script.hpp). Every generator asks here first: slurm_files
// and k8s_files return a cause instead of files when a value is refused.
#include "swarm/detail/values.hpp"

#include <cstdio>
#include <regex>

namespace weir::swarm::detail {

std::optional<std::string> unsafe_text(const std::string& v) {
  const auto* s = reinterpret_cast<const unsigned char*>(v.data());
  const std::size_t n = v.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = s[i];
    if (c < 0x20 || c == 0x7f) return "holds a control character (byte " + std::to_string(c) + " at " + std::to_string(i) + ")";
    if (c < 0x80) {
      ++i;
      continue;
    }
    // One UTF-8 sequence: its length from the lead byte, its code point checked for the
    // shortest form, the surrogates and the ceiling (RFC 3629).
    const int len = c >= 0xf0 ? (c <= 0xf4 ? 4 : 0) : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
    if (len == 0 || i + static_cast<std::size_t>(len) > n)
      return "is not UTF-8 (byte " + std::to_string(c) + " at " + std::to_string(i) + ")";
    char32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
    for (int k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return "is not UTF-8 (byte " + std::to_string(s[i + k]) + " at " + std::to_string(i + k) + ")";
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
      return "is not UTF-8 (byte " + std::to_string(c) + " at " + std::to_string(i) + ")";
    // C1 controls (U+0085 is a line break to YAML 1.1), the line and paragraph separators,
    // and the two noncharacters XML and YAML refuse.
    if ((cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || cp == 0xfffe || cp == 0xffff)
      return "holds a control or non-character code point (U+" + [cp] {
        char b[8];
        std::snprintf(b, sizeof b, "%04X", static_cast<unsigned>(cp));
        return std::string(b);
      }() + " at byte " + std::to_string(i) + ")";
    i += static_cast<std::size_t>(len);
  }
  return std::nullopt;
}

std::string comment_text(const std::string& v) {
  // A comment ends at a line break; printable ASCII cannot make one in sh or in YAML.
  std::string out;
  for (unsigned char c : v) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
      continue;
    }
    char b[8];
    std::snprintf(b, sizeof b, "\\x%02x", c);
    out += b;
  }
  return out;
}

std::optional<std::string> check_value(const std::string& option, const std::string& v) {
  if (auto why = unsafe_text(v)) return option + " " + *why;
  return std::nullopt;
}

std::optional<std::string> check_path(const std::string& option, const std::string& v) {
  if (v.empty()) return option + " is empty";
  if (auto why = check_value(option, v)) return why;
  // A word that starts with '-' is an option to mkdir, exec or kubectl, whatever its quotes.
  if (v[0] == '-') return option + " starts with '-' (write ./" + v + " for a path)";
  return std::nullopt;
}

std::optional<std::string> check_slurm_name(const std::string& option, const std::string& v) {
  // Slurm takes most bytes in a name, but its #SBATCH parser splits at blanks and strips
  // quotes; letters, digits and ._- mean the same in every context the name lands in.
  static const std::regex name("[A-Za-z0-9._-]{1,128}");
  if (auto why = check_value(option, v)) return why;
  if (!std::regex_match(v, name)) return option + " must be 1-128 letters, digits, '.', '_' or '-'";
  return std::nullopt;
}

std::optional<std::string> check_slurm_partitions(const std::string& option, const std::string& v) {
  static const std::regex partitions("[A-Za-z0-9._-]+(,[A-Za-z0-9._-]+)*");
  if (auto why = check_value(option, v)) return why;
  if (!std::regex_match(v, partitions)) return option + " must be partition names (letters, digits, '.', '_', '-') separated by ','";
  return std::nullopt;
}

std::optional<std::string> check_slurm_time(const std::string& option, const std::string& v) {
  // sbatch(1) --time: minutes, minutes:seconds, hours:minutes:seconds, days-hours,
  // days-hours:minutes, days-hours:minutes:seconds, or UNLIMITED / INFINITE.
  static const std::regex time("[0-9]+|[0-9]+:[0-9]+|[0-9]+:[0-9]+:[0-9]+|[0-9]+-[0-9]+(:[0-9]+(:[0-9]+)?)?|UNLIMITED|INFINITE");
  if (auto why = check_value(option, v)) return why;
  if (!std::regex_match(v, time))
    return option + " is not one of Slurm's time formats (M, M:S, H:M:S, D-H, D-H:M, D-H:M:S, UNLIMITED)";
  return std::nullopt;
}

std::optional<std::string> check_sbatch_path(const std::string& option, const std::string& v) {
  // The results folder lands in #SBATCH --output=, which sbatch reads with its own rules:
  // blanks end the value, quotes are stripped, '%' and '\' are its file-name patterns, and
  // no shell expands '$' or '`' there (the same path in the script's lines would differ).
  if (auto why = check_path(option, v)) return why;
  if (v.find_first_of(" \t\"'\\%#$`;") != std::string::npos)
    return option + " holds a blank, a quote, '\\', '%', '#', '$', '`' or ';', which sbatch's --output would not read as the shell does";
  return std::nullopt;
}

std::optional<std::string> check_k8s_name(const std::string& option, const std::string& v, std::size_t room) {
  // A Job's name is a DNS label (RFC 1123) so that its pods' hostnames are too; `room`
  // leaves space for what Weir appends ("-merge").
  static const std::regex label("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  if (auto why = check_value(option, v)) return why;
  if (v.size() > 63 - room || !std::regex_match(v, label))
    return option + " must be a DNS label: at most " + std::to_string(63 - room) +
           " lower-case letters, digits or '-', starting and ending with a letter or digit";
  return std::nullopt;
}

std::optional<std::string> check_k8s_subdomain(const std::string& option, const std::string& v) {
  static const std::regex subdomain("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  if (auto why = check_value(option, v)) return why;
  if (v.size() > 253 || !std::regex_match(v, subdomain))
    return option + " must be a DNS subdomain: at most 253 lower-case letters, digits, '-' or '.'";
  return std::nullopt;
}

std::optional<std::string> check_quantity(const std::string& option, const std::string& v) {
  // Kubernetes's quantity: a decimal number and an optional suffix (m, k, M, Gi, ...).
  static const std::regex quantity("[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?");
  if (!std::regex_match(v, quantity)) return option + " is not a Kubernetes quantity (e.g. 1, 500m, 2)";
  return std::nullopt;
}

std::optional<std::string> check_words(const std::vector<std::string>& command) {
  for (std::size_t i = 0; i < command.size(); ++i)
    if (auto why = check_value("word " + std::to_string(i + 1) + " of the command", command[i])) return why;
  return std::nullopt;
}

}  // namespace weir::swarm::detail
