/* What the Beaver backend's eBPF programs (beaver_backend.bpf.c) and their loader
 * (impl/xdp) share: the configuration, the snapshot events and the counters. C, for both. */
#ifndef WEIR_IMPL_XDP_BEAVER_MAPS_H
#define WEIR_IMPL_XDP_BEAVER_MAPS_H

#ifdef __cplusplus
#include <cstdint>
typedef std::uint8_t beaver_u8;
typedef std::uint16_t beaver_u16;
typedef std::uint32_t beaver_u32;
typedef std::uint64_t beaver_u64;
#else
typedef __u8 beaver_u8;
typedef __u16 beaver_u16;
typedef __u32 beaver_u32;
typedef __u64 beaver_u64;
#endif

#define BEAVER_ENCAP_SOURCE_PORT 12345
#define BEAVER_SSID_SPACE 16384u
#define BEAVER_HALF_WINDOW 8191u

enum beaver_mutant {
  BEAVER_MUTANT_NONE = 0,
  BEAVER_MUTANT_NO_CHECKSUM_FIX = 1,
  BEAVER_MUTANT_UNTAGGED_INTERNAL = 2,
  BEAVER_MUTANT_TTL_UNDERFLOW = 3,
};

struct beaver_config {
  beaver_u32 group_prefix, group_mask; /* host order */
  beaver_u16 backend_port;
  beaver_u8 mutant;
  beaver_u8 pad;
};

enum beaver_via { BEAVER_VIA_GATEWAY = 0, BEAVER_VIA_IN_GROUP = 1 };

struct beaver_event {
  beaver_u32 from, to;
  beaver_u64 time_ns; /* CLOCK_MONOTONIC */
  beaver_u8 via;
  beaver_u8 pad[7];
};

enum beaver_stat {
  BEAVER_STAT_DECAPSULATED = 0,
  BEAVER_STAT_IN_GROUP,
  BEAVER_STAT_ADOPTED,
  BEAVER_STAT_STAMPED,
  BEAVER_STAT_MALFORMED,
  BEAVER_STAT_EVENTS_LOST,
  BEAVER_STAT_COUNT
};

#endif
