#include "cli/report_files.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace weir::cli {

std::string report_path(const std::string& option, std::size_t inputs, std::size_t index, const std::string& input,
                        const char* extension) {
  if (inputs <= 1) return option;
  // "runs/a/history.edn" -> "3-history.edn.html": the position keeps two inputs of one
  // name apart.
  std::string stem = std::filesystem::path(input).filename().string();
  if (stem.empty() || stem == "-") stem = "stdin";
  return (std::filesystem::path(option) / (std::to_string(index + 1) + "-" + stem + extension)).string();
}

bool write_file(const std::string& path, const std::string& text, const std::string& what) {
  const std::filesystem::path p(path);
  std::error_code ec;
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (out) {
    out << text;
    out.flush();
  }
  if (out) return true;
  std::cerr << path << ": cannot write " << what << ": " << std::strerror(errno) << "\n";
  return false;
}

}  // namespace weir::cli
