#include "checker/input/input.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace weir::input {
namespace {

// What a file that is not a regular file or a pipe is, for the refusal.
const char* refused_kind(const struct stat& st, int fd) {
  if (S_ISDIR(st.st_mode)) return "a directory, not a file";
  if (S_ISBLK(st.st_mode)) return "a block device, not a file";
  // A terminal is read like a pipe (a user typing, or pasting, a history); any other
  // character device (/dev/zero, /dev/urandom) may never end.
  if (S_ISCHR(st.st_mode) && !::isatty(fd)) return "a character device, not a file or a pipe";
  return nullptr;
}

// The descriptor a path names when it is one of the process's own (/dev/stdin, /dev/fd/N,
// /proc/self/fd/N). Opening such a path anew reopens a FIFO, which blocks for ever once
// its writer is gone; the descriptor already open has the data.
int own_descriptor(const std::string& path) {
  if (path == kStdin || path == "/dev/stdin") return STDIN_FILENO;
  for (std::string_view prefix : {std::string_view("/dev/fd/"), std::string_view("/proc/self/fd/")}) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) continue;
    int fd = 0;
    for (std::size_t i = prefix.size(); i < path.size(); ++i) {
      if (path[i] < '0' || path[i] > '9' || fd > 100000) return -1;
      fd = fd * 10 + (path[i] - '0');
    }
    return fd;
  }
  return -1;
}

}  // namespace

Text::Text(Text&& o) noexcept
    : map_(std::exchange(o.map_, nullptr)), map_size_(std::exchange(o.map_size_, 0)), owned_(std::move(o.owned_)) {}

Text& Text::operator=(Text&& o) noexcept {
  if (this != &o) {
    if (map_) ::munmap(const_cast<char*>(map_), map_size_);
    map_ = std::exchange(o.map_, nullptr);
    map_size_ = std::exchange(o.map_size_, 0);
    owned_ = std::move(o.owned_);
  }
  return *this;
}

Text::~Text() {
  if (map_) ::munmap(const_cast<char*>(map_), map_size_);
}

std::variant<Text, std::string> read(const std::string& path) {
  const int own = own_descriptor(path);
  const int fd = own >= 0 ? ::fcntl(own, F_DUPFD_CLOEXEC, 0) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::string("cannot open: ") + std::strerror(errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int e = errno;
    ::close(fd);
    return std::string("cannot read: ") + std::strerror(e);
  }
  if (const char* why = refused_kind(st, fd)) {
    ::close(fd);
    return std::string(why);
  }
  Text t;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p != MAP_FAILED) {
      ::close(fd);
      ::madvise(p, size, MADV_SEQUENTIAL);
      t.map_ = static_cast<const char*>(p);
      t.map_size_ = size;
      return t;
    }
    // Some file systems cannot map: read it like a pipe.
  }
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      return std::string("cannot read: ") + std::strerror(e);
    }
    t.owned_.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return t;
}

bool is_regular_file(const std::string& path) {
  struct stat st {};
  return path != kStdin && ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string excerpt(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // a continuation byte
  return std::string(text.substr(0, n)).append("...");
}

}  // namespace weir::input
