// Reading captures (trace.hpp): libpcap for both formats, link types normalised to
// Ethernet, files merged by time, duplicates across capture points dropped.
#include <pcap/pcap.h>

#include <algorithm>
#include <deque>
#include <filesystem>
#include <memory>
#include <queue>
#include <string_view>
#include <unordered_map>

#include "trace/detail/reassembly.hpp"
#include "trace/trace.hpp"

namespace weir::trace {

namespace {

constexpr std::uint16_t kVlan = 0x8100, kQinQ = 0x88a8;

struct PcapClose {
  void operator()(pcap_t* p) const { pcap_close(p); }
};

// One open capture and its next packet.
struct Source {
  std::string path;
  std::unique_ptr<pcap_t, PcapClose> pcap;
  int link = 0;
  std::uint64_t frame = 0;
  std::uint64_t last_ns = 0;
  std::optional<Packet> next;
};

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

// The frame as Ethernet without VLAN tags, or nothing (not a link type that carries it).
// `direction`: what a cooked capture's packet type says (PACKET_OUTGOING or not).
std::optional<packet::Bytes> normalise(int link, const std::uint8_t* data, std::size_t len, Direction& direction) {
  packet::Bytes eth;
  direction = Direction::Unknown;
  if (link == DLT_EN10MB) {
    if (len < 14) return std::nullopt;
    eth.assign(data, data + len);
  } else if (link == DLT_LINUX_SLL || link == DLT_LINUX_SLL2) {
    // SLL: 16 bytes, protocol at 14; SLL2: 20 bytes, protocol at 0.
    const std::size_t header = link == DLT_LINUX_SLL ? 16 : 20;
    if (len < header) return std::nullopt;
    const std::uint16_t proto = be16(data + (link == DLT_LINUX_SLL ? 14 : 0));
    constexpr unsigned kOutgoing = 4;  // linux/if_packet.h
    direction = (link == DLT_LINUX_SLL ? be16(data) : data[10]) == kOutgoing ? Direction::Out : Direction::In;
    eth.assign(14 + len - header, 0);
    eth[12] = static_cast<std::uint8_t>(proto >> 8);
    eth[13] = static_cast<std::uint8_t>(proto);
    std::copy(data + header, data + len, eth.begin() + 14);
  } else if (link == DLT_RAW || link == DLT_IPV4) {
    // Raw IP (a tun device, some routers): an Ethernet header with the version's type.
    if (len < 1) return std::nullopt;
    const std::uint16_t type = (data[0] >> 4) == 6 ? 0x86dd : 0x0800;
    eth.assign(14 + len, 0);
    eth[12] = static_cast<std::uint8_t>(type >> 8);
    eth[13] = static_cast<std::uint8_t>(type);
    std::copy(data, data + len, eth.begin() + 14);
  } else {
    return std::nullopt;
  }
  // VLAN tags (one, two, or a hostile stack of thousands) sit between the addresses and
  // the type: counted first, then taken out in one move (one erase per tag was quadratic).
  std::size_t tags = 0;
  while (eth.size() >= 18 + 4 * tags && (be16(&eth[12 + 4 * tags]) == kVlan || be16(&eth[12 + 4 * tags]) == kQinQ)) ++tags;
  if (tags) eth.erase(eth.begin() + 12, eth.begin() + 12 + static_cast<std::ptrdiff_t>(4 * tags));
  return eth;
}

// Reads the source's next packet into `next`; an error, or nothing (then `next` is empty at
// the end of the file).
std::optional<ReadError> advance(Source& s, std::uint32_t index, Stats& stats) {
  s.next.reset();
  for (;;) {
    pcap_pkthdr* h = nullptr;
    const u_char* data = nullptr;
    const int r = pcap_next_ex(s.pcap.get(), &h, &data);
    if (r == PCAP_ERROR_BREAK) return std::nullopt;  // the end
    if (r != 1) return ReadError{s.path, s.frame + 1, pcap_geterr(s.pcap.get())};
    ++s.frame;
    ++stats.frames;
    if (h->caplen < h->len) {
      // A snap length cut the frame: what is missing might be what we judge.
      // Kept: the protocol decoders refuse what they cannot read and count it.
    }
    Direction direction = Direction::Unknown;
    auto eth = normalise(s.link, data, h->caplen, direction);
    if (!eth) {
      ++stats.not_ethernet;
      continue;
    }
    // libpcap gives microseconds, or nanoseconds when opened for them (pcapng, nsec pcap).
    // A history's times go up to 2^64-2 ns (2^64-1 means "never"): a pcapng stamp beyond
    // that, or before 1970, is refused with its frame rather than wrapped.
    constexpr std::uint64_t kLatest = UINT64_MAX - 1;
    const auto sec = static_cast<std::uint64_t>(h->ts.tv_sec), sub = static_cast<std::uint64_t>(h->ts.tv_usec);
    if (h->ts.tv_sec < 0 || h->ts.tv_usec < 0 || sec > (kLatest - sub) / 1'000'000'000ull)
      return ReadError{s.path, s.frame, "its time stamp is before 1970 or beyond 2^64-2 ns (year 2554): not a time Weir can order"};
    const std::uint64_t ns = sec * 1'000'000'000ull + sub;
    // A file is in capture order even where its clock stepped back (several receive
    // queues, `-i any`): such a frame is taken at its predecessor's time, and counted.
    std::uint64_t at = ns;
    if (at < s.last_ns) {
      at = s.last_ns;
      ++stats.out_of_order;
    }
    s.last_ns = at;
    s.next = Packet{index, s.frame, at, std::move(*eth), direction};
    return std::nullopt;
  }
}

}  // namespace

std::string ReadError::message() const {
  return file + (frame == 0 ? std::string(": ") : std::string(", frame ") + std::to_string(frame) + ": ") + cause;
}

std::string frame_name(const std::vector<std::string>& files, std::uint32_t file, std::uint64_t frame) {
  const std::string name = file < files.size() ? std::filesystem::path(files[file]).filename().string() : "?";
  return name + "#" + std::to_string(frame);
}

std::optional<ReadError> read(const std::vector<std::string>& files, const std::function<void(const Packet&)>& on, Stats& stats,
                              const Options& o) {
  std::vector<Source> sources(files.size());
  for (std::uint32_t i = 0; i < files.size(); ++i) {
    Source& s = sources[i];
    s.path = files[i];
    char err[PCAP_ERRBUF_SIZE] = "";
    s.pcap.reset(pcap_open_offline_with_tstamp_precision(files[i].c_str(), PCAP_TSTAMP_PRECISION_NANO, err));
    if (!s.pcap) return ReadError{files[i], 0, std::string("not a capture libpcap can read (pcap or pcapng): ") + err};
    s.link = pcap_datalink(s.pcap.get());
    if (s.link != DLT_EN10MB && s.link != DLT_LINUX_SLL && s.link != DLT_LINUX_SLL2 && s.link != DLT_RAW && s.link != DLT_IPV4)
      return ReadError{files[i], 0,
                       std::string("link type ") + (pcap_datalink_val_to_name(s.link) ? pcap_datalink_val_to_name(s.link) : "?") +
                           " is not one Weir reads (Ethernet, Linux cooked SLL or SLL2, raw IP)"};
    if (auto e = advance(s, i, stats)) return e;
  }
  // The next packet overall: earliest time, then file, then frame.
  auto later = [&](std::uint32_t a, std::uint32_t b) {
    const Packet &x = *sources[a].next, &y = *sources[b].next;
    return std::tie(x.time_ns, x.file, x.frame) > std::tie(y.time_ns, y.file, y.frame);
  };
  std::priority_queue<std::uint32_t, std::vector<std::uint32_t>, decltype(later)> heap(later);
  for (std::uint32_t i = 0; i < sources.size(); ++i)
    if (sources[i].next) heap.push(i);
  // Recent packets by content, to know one seen at another point within the window: per
  // distinct content, how many of its recent sightings each file holds, so that a packet is
  // judged in time bounded by the number of files, however many identical frames there are
  // (scanning every identical sighting was quadratic: 30,000 copies took 10 s).
  struct Seen {
    std::uint64_t time_ns;
    std::uint32_t file;
    std::string_view content;  // the key in `live`
  };
  std::deque<Seen> recent;
  std::unordered_map<std::string, std::vector<std::pair<std::uint32_t, std::uint64_t>>> live;  // content -> (file, count)
  const bool dedupe = files.size() > 1 && o.dedupe_window_ns > 0;
  detail::Reassembler reassembler;
  while (!heap.empty()) {
    const std::uint32_t i = heap.top();
    heap.pop();
    Packet p = std::move(*sources[i].next);
    // A broken frame after this one ends the read, once this one is delivered.
    const std::optional<ReadError> broken = advance(sources[i], i, stats);
    if (!broken && sources[i].next) heap.push(i);
    // A fragment cut short by the snap length cannot be joined: it goes on as it is (its
    // headers may still be read, as with any truncated frame), counted.
    if (detail::is_fragment(p.bytes) && !detail::captured_whole(p.bytes)) ++stats.truncated_fragments;
    else if (detail::is_fragment(p.bytes)) {
      // Held until the datagram is whole, then delivered once at the frame that completed it.
      ++stats.fragments;
      auto whole = reassembler.add(p.file, p.time_ns, p.bytes);
      stats.reassembled = reassembler.reassembled();
      stats.unreassembled = reassembler.given_up();
      if (!whole) {
        if (broken) return broken;
        continue;
      }
      p.bytes = std::move(*whole);
    }
    if (dedupe) {
      while (!recent.empty() && recent.front().time_ns + o.dedupe_window_ns < p.time_ns) {
        const auto it = live.find(std::string(recent.front().content));
        auto& counts = it->second;
        for (auto c = counts.begin(); c != counts.end(); ++c)
          if (c->first == recent.front().file && --c->second == 0) {
            counts.erase(c);
            break;
          }
        if (counts.empty()) live.erase(it);
        recent.pop_front();
      }
      auto [it, fresh] = live.try_emplace(std::string(reinterpret_cast<const char*>(p.bytes.data()), p.bytes.size()));
      auto& counts = it->second;
      const bool seen_elsewhere =
          std::any_of(counts.begin(), counts.end(), [&](const auto& c) { return c.first != p.file && c.second > 0; });
      if (seen_elsewhere) {
        ++stats.duplicates;
        if (broken) return broken;
        continue;
      }
      auto mine = std::find_if(counts.begin(), counts.end(), [&](const auto& c) { return c.first == p.file; });
      if (mine == counts.end()) counts.emplace_back(p.file, 1);
      else ++mine->second;
      recent.push_back({p.time_ns, p.file, std::string_view(it->first)});
    }
    on(p);
    if (broken) return broken;
  }
  stats.unreassembled = reassembler.given_up();  // those still open at the end too
  return std::nullopt;
}

}  // namespace weir::trace
