// The Wireshark dissector (tools/wireshark/weir.lua) under tshark: Beaver's snapshot id
// in the encapsulation, the in-group id read from ToS/TTL (only for the group's
// addresses), Pegasus's header by name, on a capture made here and on a bundled example.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "impl/core/beaver.hpp"
#include "impl/core/pegasus.hpp"
#include "tests/cli/cli_support.hpp"
#include "tests/impl/pcap_files.hpp"

namespace weir {
namespace {

const std::string kLua = std::string(WEIR_EXAMPLES) + "/../tools/wireshark/weir.lua";

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

// tshark's fields, one line per frame, comma-separated.
std::vector<std::string> fields(const std::string& pcap, const std::string& wanted) {
  const test::CliRun r =
      test::run_program("tshark", "-X lua_script:" + kLua + " -r " + pcap + " -T fields -E separator=, " + wanted);
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_EQ(r.err.find("Lua: Error"), std::string::npos) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

TEST(Wireshark, TheDissectorShowsBeaverAndPegasusFieldsByName) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
  const test::Scratch dir("weir-wireshark");
  packet::Ipv4 client;
  client.src = 0xc0a80201;
  client.dst = 0x0a000064;
  const packet::Bytes inner = packet::encode_udp({}, client, packet::Udp{20000, 80}, packet::Bytes{'h', 'i'});
  packet::Ipv4 outer;
  outer.src = 0x0a000001;
  outer.dst = 0x0a010001;
  // In-group: b0 (10.1.0.3) at id 5000 tells another backend; the same bytes from outside
  // the group carry no id.
  core::beaver::Backend b0({0x0a010003, 0x0a010000, 0xffff0000, 5000});
  packet::Ipv4 ig;
  ig.src = 0x0a010003;
  ig.dst = 0x0a010004;
  const packet::Bytes in_group = b0.send(packet::encode_udp({}, ig, packet::Udp{40000, 7000}, packet::Bytes{'x'}));
  packet::Ipv4 outside = ig;
  outside.src = 0x0b000003;
  core::beaver::Backend stranger({0x0b000003, 0x0a010000, 0xffff0000, 5000});
  const packet::Bytes from_outside = stranger.send(packet::encode_udp({}, outside, packet::Udp{40000, 7000}, packet::Bytes{'x'}));
  core::pegasus::Topology t;
  t.switch_ip = 0x0a000001;
  t.servers = {0x0a000101};
  t.clients = {0x0a000201, 0x0a000202};
  core::pegasus::Client pc(1, t);
  const packet::Bytes put = pc.issue(core::pegasus::Client::Kind::Put, 77, packet::Bytes{'v'});
  test::write_pcap(dir.path / "weir.pcap",
                   {packet::beaver::encapsulate({}, outer, 9000, 929, inner), in_group, from_outside, put});
  const auto got = fields((dir.path / "weir.pcap").string(),
                          "-e frame.number -e beaver.ssid -e beaver.ingroup_id -e pegasus.op -e pegasus.keyhash -e pegasus.client_id");
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], "1,929,,,,");  // the snapshot id; the outer source 10.0.0.1 is not in-group
  EXPECT_EQ(got[1], "2,,5000,,,");
  EXPECT_EQ(got[2], "3,,,,,");
  EXPECT_EQ(got[3], "4,,,1,77,1");  // PUT of key 77 by client 1
  // The bundled stale-read capture: frame 19 is client 1's get of k0 (request id 5).
  const auto example = fields(std::string(WEIR_EXAMPLES) + "/traces/pegasus-stale-read.pcap",
                              "-e frame.number -e pegasus.op -e pegasus.keyhash -e pegasus.client_id");
  ASSERT_GE(example.size(), 19u);
  EXPECT_EQ(example[18], "19,0,0,1");
}

}  // namespace
TEST(Wireshark, TheDissectorShowsCapybarasStagesAndState) {
  if (!have_tshark()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps.sh installs it)";
  const auto lines = fields(std::string(WEIR_EXAMPLES) + "/traces/capybara-no-reverse-rewrite.pcap",
                            "-Y capybara -e capybara.stage -e capybara.load -e capybara.client_port -e capybara.unsent");
  ASSERT_EQ(lines.size(), 6u);  // PREPARE, PREPARE_ACK, CONNECTION_STATE, each in and out of the switch
  EXPECT_EQ(lines[0], "1,0,59496,");
  EXPECT_EQ(lines[2], "2,1,59496,");  // LOAD
  EXPECT_EQ(lines[4], "3,0,59496,606");
}

}  // namespace weir
