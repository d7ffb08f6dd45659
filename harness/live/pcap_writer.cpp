#include "harness/live/pcap_writer.hpp"

#include <pcap/pcap.h>

#include <stdexcept>

namespace weir::live::detail {

PcapWriter::PcapWriter(const std::string& path) {
  dead_ = pcap_open_dead(DLT_EN10MB, 65535);
  if (!dead_) throw std::runtime_error("libpcap: cannot make a capture handle");
  dumper_ = pcap_dump_open(dead_, path.c_str());
  if (!dumper_) {
    const std::string why = pcap_geterr(dead_);
    pcap_close(dead_);
    dead_ = nullptr;
    throw std::runtime_error(path + ": " + why);
  }
}

PcapWriter::~PcapWriter() {
  if (dumper_) pcap_dump_close(dumper_);
  if (dead_) pcap_close(dead_);
}

void PcapWriter::write(packet::View frame, std::uint64_t time_us) {
  if (!dumper_) return;
  pcap_pkthdr h{};
  h.ts.tv_sec = static_cast<time_t>(time_us / 1'000'000);
  h.ts.tv_usec = static_cast<suseconds_t>(time_us % 1'000'000);
  h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &h, frame.data());
}

}  // namespace weir::live::detail
