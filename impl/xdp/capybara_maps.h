/* What Capybara's switch (capybara_switch.bpf.c) and its loader (impl/xdp) share: the
 * configuration, the migration directory's key and entry, the counters. C, for both.
 * Addresses and ports are in host order. */
#ifndef WEIR_IMPL_XDP_CAPYBARA_MAPS_H
#define WEIR_IMPL_XDP_CAPYBARA_MAPS_H

#ifdef __cplusplus
#include <cstdint>
typedef std::uint8_t capybara_u8;
typedef std::uint16_t capybara_u16;
typedef std::uint32_t capybara_u32;
typedef std::uint64_t capybara_u64;
#else
typedef __u8 capybara_u8;
typedef __u16 capybara_u16;
typedef __u32 capybara_u32;
typedef __u64 capybara_u64;
#endif

struct capybara_config {
  capybara_u32 service_ip;     /* the address clients connect to; no server holds it */
  capybara_u32 default_owner;  /* where a new connection goes */
  capybara_u16 service_port;
  capybara_u16 pad;
};

/* A connection, by its client's end. */
struct capybara_flow {
  capybara_u32 client_ip;
  capybara_u16 client_port;
  capybara_u16 pad;
};

#define CAPYBARA_REWRITE 0x1 /* the owner's packets leave with the service address */
#define CAPYBARA_FROZEN 0x2  /* the client's packets are dropped: a migration is under way */

struct capybara_entry {
  capybara_u32 owner;
  capybara_u32 flags;
  capybara_u64 passed; /* client packets sent to the owner */
  capybara_u64 held;   /* client packets dropped while frozen */
  capybara_u64 stale;  /* packets of a server that is not the owner, dropped */
};

enum capybara_stat {
  CAPYBARA_STAT_TO_OWNER = 0, /* client -> owner, destination rewritten */
  CAPYBARA_STAT_FROM_OWNER,   /* owner -> client, source rewritten (or not: no REWRITE) */
  CAPYBARA_STAT_HELD,         /* dropped: frozen */
  CAPYBARA_STAT_STALE,        /* dropped: from a server that does not own the connection */
  CAPYBARA_STAT_NEW_FLOWS,    /* directory entries made on a connection's first packet */
  CAPYBARA_STAT_COUNT
};

#endif
