// Capybara's switch as a tc program (clsact ingress, direct action) on every port of a
// Linux router (impl/xdp). Clients reach the service at an address no server holds; the
// migration directory maps each connection (client address and port) to its owner:
//
//  - client -> service: the destination becomes the owner's address (the kernel then
//    routes it there); a frozen connection's packets are dropped, as Capybara's switch
//    holds them while a migration is under way; a connection's first packet makes its
//    entry, owned by the default server.
//  - owner -> client: the source becomes the service address (REWRITE), so the client
//    sees one address throughout; a packet from a server that does not own the
//    connection is dropped: one owner at a time, whatever a stale server still says.
//
// The migration agents update the directory (the LOAD flag's effect in Capybara);
// checksums are patched incrementally (IPv4 header, and TCP's pseudo-header).
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "impl/xdp/capybara_maps.h"

struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 1);
  __type(key, __u32);
  __type(value, struct capybara_config);
} config SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __type(key, struct capybara_flow);
  __type(value, struct capybara_entry);
} directory SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
  __uint(max_entries, CAPYBARA_STAT_COUNT);
  __type(key, __u32);
  __type(value, __u64);
} stats SEC(".maps");

static __always_inline void count(__u32 which) {
  __u64* n = bpf_map_lookup_elem(&stats, &which);
  if (n) *n += 1;
}

// Replaces the IPv4 address at `addr_off` (source or destination) and patches both
// checksums; the TCP checksum covers the address through its pseudo-header.
static __always_inline int rewrite(struct __sk_buff* skb, __u32 addr_off, __u32 tcp_check_off, __be32 from, __be32 to) {
  if (bpf_l4_csum_replace(skb, tcp_check_off, from, to, BPF_F_PSEUDO_HDR | sizeof(to)) < 0) return -1;
  if (bpf_l3_csum_replace(skb, ETH_HLEN + offsetof(struct iphdr, check), from, to, sizeof(to)) < 0) return -1;
  return bpf_skb_store_bytes(skb, addr_off, &to, sizeof(to), 0);
}

SEC("tc")
int capybara_switch(struct __sk_buff* skb) {
  void* data = (void*)(long)skb->data;
  void* end = (void*)(long)skb->data_end;
  struct ethhdr* eth = data;
  if ((void*)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP)) return TC_ACT_OK;
  struct iphdr* ip = (void*)(eth + 1);
  if ((void*)(ip + 1) > end || ip->protocol != IPPROTO_TCP || ip->ihl < 5) return TC_ACT_OK;
  if (ip->frag_off & bpf_htons(0x3fff)) return TC_ACT_OK;  // a fragment: not ours to read
  const __u32 l4 = ETH_HLEN + ip->ihl * 4;
  struct tcphdr* tcp = data + l4;
  if ((void*)(tcp + 1) > end) return TC_ACT_OK;
  __u32 zero = 0;
  struct capybara_config* c = bpf_map_lookup_elem(&config, &zero);
  if (!c) return TC_ACT_OK;
  const __u32 saddr = bpf_ntohl(ip->saddr), daddr = bpf_ntohl(ip->daddr);
  const __u16 sport = bpf_ntohs(tcp->source), dport = bpf_ntohs(tcp->dest);
  const __u32 check = l4 + offsetof(struct tcphdr, check);

  if (daddr == c->service_ip && dport == c->service_port) {
    struct capybara_flow key = {.client_ip = saddr, .client_port = sport};
    struct capybara_entry* e = bpf_map_lookup_elem(&directory, &key);
    if (!e) {
      struct capybara_entry fresh = {.owner = c->default_owner, .flags = CAPYBARA_REWRITE};
      bpf_map_update_elem(&directory, &key, &fresh, BPF_NOEXIST);
      count(CAPYBARA_STAT_NEW_FLOWS);
      e = bpf_map_lookup_elem(&directory, &key);
      if (!e) return TC_ACT_SHOT;
    }
    if (e->flags & CAPYBARA_FROZEN) {
      __sync_fetch_and_add(&e->held, 1);
      count(CAPYBARA_STAT_HELD);
      return TC_ACT_SHOT;
    }
    __sync_fetch_and_add(&e->passed, 1);
    count(CAPYBARA_STAT_TO_OWNER);
    if (rewrite(skb, ETH_HLEN + offsetof(struct iphdr, daddr), check, ip->daddr, bpf_htonl(e->owner)) < 0)
      return TC_ACT_SHOT;
    return TC_ACT_OK;
  }

  if (sport != c->service_port) return TC_ACT_OK;
  struct capybara_flow key = {.client_ip = daddr, .client_port = dport};
  struct capybara_entry* e = bpf_map_lookup_elem(&directory, &key);
  if (!e) return TC_ACT_OK;
  if (saddr != e->owner) {
    __sync_fetch_and_add(&e->stale, 1);
    count(CAPYBARA_STAT_STALE);
    return TC_ACT_SHOT;
  }
  count(CAPYBARA_STAT_FROM_OWNER);
  if (!(e->flags & CAPYBARA_REWRITE)) return TC_ACT_OK;
  if (rewrite(skb, ETH_HLEN + offsetof(struct iphdr, saddr), check, ip->saddr, bpf_htonl(c->service_ip)) < 0)
    return TC_ACT_SHOT;
  return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
