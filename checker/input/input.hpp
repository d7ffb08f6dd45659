// checker/input: one input read whole, the same way for every reader: a regular file, a
// pipe or FIFO, or "-" for standard input.
//
// A regular file is mapped, not copied: a million-operation history is 85 MB, and reading
// it into a fresh buffer costs more page faults than parsing the mapped cache. A pipe is
// read to its end. What is neither (a directory, a device) is refused with the cause,
// before anything is read: /dev/zero would otherwise be read until memory runs out.
#pragma once

#include <string>
#include <string_view>
#include <variant>

namespace weir::input {

class Text {
 public:
  Text() = default;
  Text(Text&& o) noexcept;
  Text& operator=(Text&& o) noexcept;
  Text(const Text&) = delete;
  Text& operator=(const Text&) = delete;
  ~Text();

  std::string_view view() const { return map_ ? std::string_view(map_, map_size_) : std::string_view(owned_); }

 private:
  friend std::variant<Text, std::string> read(const std::string& path);
  const char* map_ = nullptr;  // a mapped regular file, or null
  std::size_t map_size_ = 0;
  std::string owned_;  // what a pipe gave
};

// The name standard input goes by on the command line.
inline constexpr std::string_view kStdin = "-";

// How messages name an input: "<stdin>" for "-", else the path.
inline std::string display_name(const std::string& path) { return path == kStdin ? "<stdin>" : path; }

// Reads `path` ("-": standard input), or says why not ("a directory, not a file").
std::variant<Text, std::string> read(const std::string& path);

// Whether `path` names a regular file: only beside one may a side file be written.
bool is_regular_file(const std::string& path);

// A piece of the input quoted back in a message, cut to `max` bytes with "..." so that a
// 50 MB line is not echoed whole (the cut never splits a UTF-8 character).
std::string excerpt(std::string_view text, std::size_t max = 80);

}  // namespace weir::input
