// Beaver's backend agent in eBPF (impl/xdp), the kernel's half of impl/core's Backend:
//
//  - XDP ingress: a gateway's packet (UDP from port 12345 to the backend port, the
//    snapshot id in the first 4 bytes of its payload) is decapsulated, 46 bytes off the
//    front, and its id adopted when newer (compared whole: gateways stamp all 32 bits).
//    An in-group packet (source in the group prefix) carries the id's low 14 bits in
//    ToS and TTL (TTL's low two bits are a 3-hop budget); it moves the id forward when
//    1..8191 ahead modulo 2^14. Each change of id is a snapshot: it goes into a ring
//    buffer before the packet goes up, so user space records the snapshot before the
//    application can see the packet (record, then deliver).
//  - tc egress: in-group traffic leaves with the id stamped into ToS and TTL and the IPv4
//    header checksum updated.
//
// Planted bugs (config.mutant) mirror impl/core's: no-checksum-fix, untagged-internal,
// ttl-underflow.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "impl/xdp/beaver_maps.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct beaver_config);
} config SEC(".maps");

// The node's snapshot id (one entry, updated atomically from every CPU).
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, __u32);
} ssid SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 1 << 16);
} events SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, BEAVER_STAT_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} stats SEC(".maps");

static __always_inline void count(__u32 which) {
  __u64* n = bpf_map_lookup_elem(&stats, &which);
  if (n) *n += 1;
}

// Moves the id to `to` if that is newer than what it holds; the change, if any, is
// reported. Lost races retry a few times: another CPU moved it meanwhile.
static __always_inline void adopt(__u32 to, __u8 via, int whole) {
  __u32 zero = 0;
  __u32* id = bpf_map_lookup_elem(&ssid, &zero);
  if (!id) return;
  for (int tries = 0; tries < 4; ++tries) {
    const __u32 cur = *id;
    __u32 next;
    if (whole) {
      if (to <= cur) return;
      next = to;
    } else {
      const __u32 ahead = (to - cur) & (BEAVER_SSID_SPACE - 1);
      if (ahead == 0 || ahead > BEAVER_HALF_WINDOW) return;
      next = cur + ahead;
    }
    if (__sync_val_compare_and_swap(id, cur, next) != cur) continue;
    struct beaver_event* e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (e) {
      e->from = cur;
      e->to = next;
      e->via = via;
      e->time_ns = bpf_ktime_get_ns();
      bpf_ringbuf_submit(e, 0);
    } else {
      count(BEAVER_STAT_EVENTS_LOST);
    }
    count(BEAVER_STAT_ADOPTED);
    return;
  }
}

SEC("xdp")
int beaver_ingress(struct xdp_md* ctx) {
  void* data = (void*)(long)ctx->data;
  void* end = (void*)(long)ctx->data_end;
  __u32 zero = 0;
  const struct beaver_config* c = bpf_map_lookup_elem(&config, &zero);
  if (!c) return XDP_PASS;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
  struct iphdr* ip = (void*)(eth + 1);
  if ((void*)(ip + 1) > end || ip->ihl < 5) return XDP_PASS;
  const __u32 ip_len = ip->ihl * 4;
  if (ip->protocol == IPPROTO_UDP) {
    struct udphdr* udp = (void*)ip + ip_len;
    if ((void*)(udp + 1) + 4 <= end && udp->source == bpf_htons(BEAVER_ENCAP_SOURCE_PORT) &&
        udp->dest == bpf_htons(c->backend_port)) {
      const __u32 id = bpf_ntohl(*(__u32*)(udp + 1));
      adopt(id, BEAVER_VIA_GATEWAY, 1);
      count(BEAVER_STAT_DECAPSULATED);
      // Outer Ethernet, IPv4 (with its options), UDP and the id: the client's frame stays.
      if (bpf_xdp_adjust_head(ctx, (int)(sizeof(struct ethhdr) + ip_len + sizeof(struct udphdr) + 4)) != 0) {
        count(BEAVER_STAT_MALFORMED);
        return XDP_DROP;
      }
      return XDP_PASS;
    }
  }
  if ((bpf_ntohl(ip->saddr) & c->group_mask) == c->group_prefix) {
    adopt(ip->tos + ((__u32)(ip->ttl >> 2) << 8), BEAVER_VIA_IN_GROUP, 0);
    count(BEAVER_STAT_IN_GROUP);
  }
  return XDP_PASS;
}

SEC("tc")
int beaver_egress(struct __sk_buff* skb) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  __u32 zero = 0;
  const struct beaver_config* c = bpf_map_lookup_elem(&config, &zero);
  const __u32* id = bpf_map_lookup_elem(&ssid, &zero);
  if (!c || !id) return TC_ACT_OK;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return TC_ACT_OK;
  struct iphdr* ip = (void*)(eth + 1);
  if ((void*)(ip + 1) > end) return TC_ACT_OK;
  if ((bpf_ntohl(ip->daddr) & c->group_mask) != c->group_prefix || c->mutant == BEAVER_MUTANT_UNTAGGED_INTERNAL)
    return TC_ACT_OK;
  const __u32 low = *id & (BEAVER_SSID_SPACE - 1);
  __u8 ttl = (__u8)(((low >> 8) << 2) | 3);  // three hops of budget in TTL's low bits
  if (c->mutant == BEAVER_MUTANT_TTL_UNDERFLOW) ttl &= ~3;
  // The two 16-bit words that change: version/IHL with ToS, and TTL with protocol.
  const __u16 old_tos = *(__u16*)ip, old_ttl = *((__u16*)ip + 4);
  ip->tos = (__u8)low;
  ip->ttl = ttl;
  const __u16 new_tos = *(__u16*)ip, new_ttl = *((__u16*)ip + 4);
  count(BEAVER_STAT_STAMPED);
  if (c->mutant == BEAVER_MUTANT_NO_CHECKSUM_FIX) return TC_ACT_OK;
  const __u32 check = sizeof(struct ethhdr) + __builtin_offsetof(struct iphdr, check);
  bpf_l3_csum_replace(skb, check, old_tos, new_tos, 2);
  bpf_l3_csum_replace(skb, check, old_ttl, new_ttl, 2);
  return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
