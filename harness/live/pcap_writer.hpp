// harness/live, internal: a port's frames written to a pcap file as they pass (libpcap,
// Ethernet link type), stamped with the run's virtual time in microseconds.
#pragma once

#include <cstdint>
#include <string>

#include "impl/packet/packet.hpp"

struct pcap;
struct pcap_dumper;

namespace weir::live::detail {

class PcapWriter {
 public:
  PcapWriter() = default;  // writes nothing
  explicit PcapWriter(const std::string& path);  // throws std::runtime_error when it cannot open it
  ~PcapWriter();
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  void write(packet::View frame, std::uint64_t time_us);

 private:
  pcap* dead_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
};

}  // namespace weir::live::detail
