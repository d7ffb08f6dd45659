// Hand-written executions: consistent and inconsistent cuts, partial snapshots with
// out-group chains, channel states, and every kind of bad input.
#include <gtest/gtest.h>

#include "checker/cut/cut.hpp"

namespace weir::cut {
namespace {

Result judge(const std::string& text) {
  auto x = parse_execution(text, "t.jsonl");
  if (auto* err = std::get_if<ReadError>(&x)) ADD_FAILURE() << err->message();
  auto r = check(std::get<Execution>(x));
  if (auto* err = std::get_if<ReadError>(&r)) ADD_FAILURE() << err->message();
  return std::get<Result>(r);
}

std::string refusal(const std::string& text) {
  auto x = parse_execution(text, "t.jsonl");
  if (auto* err = std::get_if<ReadError>(&x)) return err->message();
  auto r = check(std::get<Execution>(x));
  if (auto* err = std::get_if<ReadError>(&r)) return err->message();
  return "accepted";
}

TEST(Cut, SnapshotBeforeDeliveringIsConsistent) {
  const Result r = judge(R"({"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "send", "msg": "m"}
{"process": "q", "kind": "snapshot", "ssid": 1}
{"process": "q", "kind": "recv", "msg": "m"}
)");
  EXPECT_TRUE(r.consistent);
  EXPECT_EQ(r.snapshots, std::vector<std::uint64_t>{1});
  EXPECT_EQ(r.events, 4u);
}

TEST(Cut, ReceiveInTheCutWhoseSendIsNotFails) {
  auto x = std::get<Execution>(parse_execution(R"({"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "send", "msg": "m"}
{"process": "q", "kind": "recv", "msg": "m"}
{"process": "q", "kind": "snapshot", "ssid": 1}
)",
                                               "t.jsonl"));
  const Result r = std::get<Result>(check(x));
  ASSERT_FALSE(r.consistent);
  ASSERT_EQ(r.violations.size(), 1u);
  const Violation& v = r.violations[0];
  EXPECT_EQ(v.kind, ViolationKind::Inconsistent);
  EXPECT_EQ(v.outside, 1u);
  EXPECT_EQ(v.inside, 2u);
  EXPECT_EQ(v.chain, (std::vector<std::uint32_t>{1, 2}));
  EXPECT_NE(explain(x, v).find("p #1 (line 2): send m comes after p's snapshot"), std::string::npos) << explain(x, v);
}

TEST(Cut, ChainThroughOutGroupProcessesIsNamed) {
  // p's post-snapshot reply reaches q through two external services.
  auto x = std::get<Execution>(parse_execution(R"({"process": "p", "kind": "snapshot", "ssid": 4}
{"process": "p", "kind": "send", "msg": "a"}
{"process": "x", "group": "out", "kind": "recv", "msg": "a"}
{"process": "x", "kind": "local"}
{"process": "x", "kind": "send", "msg": "b"}
{"process": "y", "group": "out", "kind": "recv", "msg": "b"}
{"process": "y", "kind": "send", "msg": "c"}
{"process": "q", "kind": "local"}
{"process": "q", "kind": "recv", "msg": "c"}
{"process": "q", "kind": "snapshot", "ssid": 4}
)",
                                               "t.jsonl"));
  const Result r = std::get<Result>(check(x));
  ASSERT_EQ(r.violations.size(), 1u);
  const Violation& v = r.violations[0];
  EXPECT_EQ(v.ssid, 4u);
  EXPECT_EQ(v.chain, (std::vector<std::uint32_t>{1, 2, 4, 5, 6, 8}));
  const auto hops = out_group_hops(x, v);
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(x.processes[hops[0]].name, "x");
  EXPECT_EQ(x.processes[hops[1]].name, "y");
  EXPECT_NE(explain(x, v).find("comes back through out-group x, y"), std::string::npos) << explain(x, v);
}

TEST(Cut, OutGroupEventsAreNotJudged) {
  // Out-group processes record nothing; their own order is not a cut.
  EXPECT_TRUE(judge(R"({"process": "x", "group": "out", "kind": "send", "msg": "a"}
{"process": "p", "kind": "recv", "msg": "a"}
{"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "send", "msg": "b"}
{"process": "x", "kind": "recv", "msg": "b"}
)")
                  .consistent);
}

TEST(Cut, LaterSnapshotsDoNotExcuseEarlierOnes) {
  // Snapshot 1 is consistent; snapshot 2 is not (q delivers p's post-2 message first).
  const Result r = judge(R"({"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "q", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "snapshot", "ssid": 2}
{"process": "p", "kind": "send", "msg": "m"}
{"process": "q", "kind": "recv", "msg": "m"}
{"process": "q", "kind": "snapshot", "ssid": 2}
)");
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].ssid, 2u);
  EXPECT_EQ(r.snapshots, (std::vector<std::uint64_t>{1, 2}));
}

TEST(Cut, MissingSnapshotIsIncomplete) {
  const Result r = judge(R"({"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "q", "kind": "local"}
)");
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].kind, ViolationKind::Incomplete);
  EXPECT_EQ(r.violations[0].process, 1u);
}

TEST(Cut, ChannelStateMustHoldExactlyWhatWasInFlight) {
  const std::string run = R"({"process": "p", "kind": "send", "msg": "m1", "to": "q"}
{"process": "p", "kind": "send", "msg": "m2", "to": "q"}
{"process": "q", "kind": "recv", "msg": "m1"}
{"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "send", "msg": "m3", "to": "q"}
)";
  EXPECT_TRUE(judge(run + R"({"process": "q", "kind": "snapshot", "ssid": 1, "channels": {"p": ["m2"]}}
)")
                  .consistent);
  const Result missing = judge(run + R"({"process": "q", "kind": "snapshot", "ssid": 1, "channels": {"p": []}}
)");
  ASSERT_EQ(missing.violations.size(), 1u);
  EXPECT_EQ(missing.violations[0].kind, ViolationKind::ChannelState);
  EXPECT_EQ(missing.violations[0].missing.size(), 1u);
  const Result extra = judge(run + R"({"process": "q", "kind": "snapshot", "ssid": 1, "channels": {"p": ["m2", "m3"]}}
)");
  ASSERT_EQ(extra.violations.size(), 1u);
  EXPECT_EQ(extra.violations[0].extra.size(), 1u);
  EXPECT_TRUE(extra.violations[0].missing.empty());
}

// A snapshot that records channel states must record one for every in-group process that
// sends to it: a missing one is a recording that never ended (the marker never came back).
TEST(Cut, AChannelWhoseRecordingNeverEndedIsReported) {
  const std::string run = R"({"process": "p", "kind": "send", "msg": "m1", "to": "q"}
{"process": "r", "kind": "send", "msg": "m2", "to": "q"}
{"process": "x", "group": "out", "kind": "send", "msg": "m3", "to": "q"}
{"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "r", "kind": "snapshot", "ssid": 1}
)";
  EXPECT_TRUE(judge(run + R"({"process": "q", "kind": "snapshot", "ssid": 1, "channels": {"p": ["m1"], "r": ["m2"]}}
)")
                  .consistent);  // the out-group sender x records nothing and needs no channel
  const std::string unclosed = run + R"({"process": "q", "kind": "snapshot", "ssid": 1, "channels": {"p": ["m1"]}}
)";
  const Result open = judge(unclosed);
  ASSERT_EQ(open.violations.size(), 1u);
  EXPECT_EQ(open.violations[0].kind, ViolationKind::UnclosedChannel);
  const Execution x = std::get<Execution>(parse_execution(unclosed, "t.jsonl"));
  EXPECT_EQ(x.processes[open.violations[0].from].name, "r");
  EXPECT_NE(explain(x, open.violations[0]).find("never ended"), std::string::npos);
  // A snapshot that records no channel states at all is not judged on them.
  EXPECT_TRUE(judge(run + R"({"process": "q", "kind": "snapshot", "ssid": 1}
)")
                  .consistent);
}

TEST(Cut, ReceiveBeforeItsSendInTheFileIsFine) {
  // Per-process logs concatenated: q's log first.
  EXPECT_FALSE(judge(R"({"process": "q", "kind": "recv", "msg": "m"}
{"process": "q", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "send", "msg": "m"}
)")
                   .consistent);
  EXPECT_TRUE(judge(R"({"process": "q", "kind": "snapshot", "ssid": 1}
{"process": "q", "kind": "recv", "msg": "m"}
{"process": "p", "kind": "snapshot", "ssid": 1}
{"process": "p", "kind": "send", "msg": "m"}
)")
                  .consistent);
}

// Ids at the top of the 64-bit range are ids like the others (issue 13: "ssid + 1" wrapped
// to 0 and an inconsistent cut passed; ids that jumped to the top and back crashed).
TEST(Cut, TheLargestSnapshotIdIsJudgedLikeAnyOther) {
  const Result r = judge(R"({"process": "p", "kind": "snapshot", "ssid": 18446744073709551615}
{"process": "p", "kind": "send", "msg": "m"}
{"process": "q", "kind": "recv", "msg": "m"}
{"process": "q", "kind": "snapshot", "ssid": 18446744073709551615}
)");
  EXPECT_FALSE(r.consistent);
  ASSERT_EQ(r.violations.size(), 1u);
  EXPECT_EQ(r.violations[0].kind, ViolationKind::Inconsistent);
  EXPECT_EQ(r.violations[0].ssid, 18446744073709551615u);
  EXPECT_EQ(r.violations[0].chain.size(), 2u);
  const Result ok = judge(R"({"process": "p", "kind": "snapshot", "ssid": 18446744073709551614}
{"process": "p", "kind": "snapshot", "ssid": 18446744073709551615}
{"process": "p", "kind": "send", "msg": "m"}
{"process": "q", "kind": "snapshot", "ssid": 18446744073709551614}
{"process": "q", "kind": "snapshot", "ssid": 18446744073709551615}
{"process": "q", "kind": "recv", "msg": "m"}
)");
  EXPECT_TRUE(ok.consistent);
}

TEST(Cut, EveryMissingIdIsIncompleteOnceNamingTheFirstProcessWithoutIt) {
  // Each process records its own id only: every id misses every other process.
  std::string text;
  for (int p = 0; p < 50; ++p)
    text += R"({"process": "p)" + std::to_string(p) + R"(", "kind": "snapshot", "ssid": )" + std::to_string(p) + "}\n";
  const Result r = judge(text);
  ASSERT_EQ(r.violations.size(), 50u);
  for (std::uint64_t n = 0; n < 50; ++n) {
    EXPECT_EQ(r.violations[n].kind, ViolationKind::Incomplete);
    EXPECT_EQ(r.violations[n].ssid, n);
    EXPECT_EQ(r.violations[n].process, n == 0 ? 1u : 0u);  // the first process that lacks it
  }
}

TEST(CutInput, LargeNumericMessageIdsAreHashedNotTabled) {
  // One send and receive named 67108863 and 999999999 would have cost a 256 MB table.
  auto x = parse_execution(R"({"process": "p", "kind": "send", "msg": 999999999}
{"process": "p", "kind": "send", "msg": "67108863"}
{"process": "q", "kind": "recv", "msg": "999999999"}
{"process": "q", "kind": "recv", "msg": 67108863}
{"process": "q", "kind": "recv", "msg": 5}
{"process": "p", "kind": "send", "msg": 5}
)", "t.jsonl");
  ASSERT_TRUE(std::holds_alternative<Execution>(x)) << std::get<ReadError>(x).message();
  EXPECT_EQ(std::get<Execution>(x).messages.size(), 3u);  // a number and its string are one id
}

TEST(CutInput, MessageIdsAreSpelledAsTheFileWroteThem) {
  // Counters are kept as numbers and other ids as text; both read back as written, and a
  // number and its decimal string stay one id, past nine digits and past 32 bits too.
  auto x = parse_execution(R"({"process": "p", "kind": "send", "msg": 7}
{"process": "p", "kind": "send", "msg": "007"}
{"process": "p", "kind": "send", "msg": "m1"}
{"process": "p", "kind": "send", "msg": 12345678901}
{"process": "p", "kind": "send", "msg": "4294967296"}
{"process": "q", "kind": "recv", "msg": "7"}
{"process": "q", "kind": "recv", "msg": "12345678901"}
{"process": "q", "kind": "recv", "msg": 4294967296}
{"process": "q", "kind": "recv", "msg": 8}
{"process": "p", "kind": "send", "msg": "8"}
)", "t.jsonl");
  ASSERT_TRUE(std::holds_alternative<Execution>(x)) << std::get<ReadError>(x).message();
  const Execution& e = std::get<Execution>(x);
  std::vector<std::string> ids;
  for (std::uint32_t m = 0; m < e.messages.size(); ++m) ids.push_back(e.message_id(m));
  EXPECT_EQ(ids, (std::vector<std::string>{"7", "007", "m1", "12345678901", "4294967296", "8"}));
  for (const Message& m : e.messages) EXPECT_NE(m.send, kNone);
}

TEST(CutInput, TimesKeptApartFromTheEventsComeBackWhereTheyWere) {
  // Untimed events first, then timed and untimed mixed: each time stays on its own event,
  // through the reader, the Builder's order rule and the writer.
  const std::string text = R"({"process":"p","kind":"send","msg":1}
{"process":"q","kind":"local"}
{"process":"p","kind":"local","time":2.5}
{"process":"q","kind":"recv","msg":1,"time":7}
{"process":"p","kind":"local"}
{"process":"p","kind":"local","time":3}
)";
  auto x = parse_execution(text, "t.jsonl");
  ASSERT_TRUE(std::holds_alternative<Execution>(x)) << std::get<ReadError>(x).message();
  const Execution& e = std::get<Execution>(x);
  std::vector<std::string> seen;
  for (std::uint32_t i = 0; i < e.events.size(); ++i)
    seen.push_back(e.events[i].has_time ? std::to_string(e.time(i)) : "-");
  EXPECT_EQ(seen, (std::vector<std::string>{"-", "-", "2.500000", "7.000000", "-", "3.000000"}));
  auto again = parse_execution(to_jsonl(e), "again.jsonl");
  ASSERT_TRUE(std::holds_alternative<Execution>(again)) << std::get<ReadError>(again).message();
  EXPECT_EQ(to_jsonl(std::get<Execution>(again)), to_jsonl(e));
  EXPECT_NE(to_jsonl(e).find("\"time\":7"), std::string::npos);
}

TEST(CutInput, BadInputNamesFileLineAndCause) {
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"{\"process\": \"p\", \"kind\": \"recv\", \"msg\": \"m\"}\n", "t.jsonl:1: a receive with no send"},
      {"{\"process\": \"p\", \"kind\": \"send\", \"msg\": \"m\"}\n{\"process\": \"p\", \"kind\": \"send\", \"msg\": \"m\"}\n",
       "t.jsonl:2: message 'm' is sent twice (first (line 1))"},
      {"{\"process\": \"p\", \"kind\": \"recv\", \"msg\": \"b\"}\n{\"process\": \"p\", \"kind\": \"send\", \"msg\": \"a\"}\n"
       "{\"process\": \"q\", \"kind\": \"recv\", \"msg\": \"a\"}\n{\"process\": \"q\", \"kind\": \"send\", \"msg\": \"b\"}\n",
       "t.jsonl:1: events out of order: the receive of message 'b' must happen before its own send"},
      {"{\"process\": \"p\", \"kind\": \"local\", \"index\": 3}\n{\"process\": \"p\", \"kind\": \"local\", \"index\": 2}\n",
       "t.jsonl:2: events out of order: process 'p' has index 2 after index 3"},
      {"{\"process\": \"p\", \"kind\": \"local\", \"time\": 5}\n{\"process\": \"p\", \"kind\": \"local\", \"time\": 4.5}\n",
       "t.jsonl:2: events out of order: time goes back on process 'p' (4.5 after 5)"},
      {"{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 2}\n{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 1}\n",
       "t.jsonl:2: snapshot ids must increase along a process: 'p' takes snapshot 1 after snapshot 2"},
      {"{\"process\": \"x\", \"group\": \"out\", \"kind\": \"snapshot\", \"ssid\": 1}\n",
       "t.jsonl:1: out-group process 'x' records a snapshot"},
      {"{\"process\": \"p\", \"kind\": \"local\"}\n{\"process\": \"p\", \"group\": \"out\", \"kind\": \"local\"}\n",
       "t.jsonl:2: process 'p' is in-group from its first event"},
      {"{\"process\": \"p\", \"kind\": \"local\", \"sisd\": 1}\n", "t.jsonl:1: unknown field \"sisd\""},
      {"{\"process\": \"p\", \"kind\": \"jump\"}\n", "t.jsonl:1: unknown kind \"jump\""},
      {"{\"process\": \"p\", \"kind\": \"send\"}\n", "t.jsonl:1: a send needs \"msg\""},
      {"{\"process\": \"p\", \"kind\": \"snapshot\"}\n", "t.jsonl:1: a snapshot needs \"ssid\""},
      {"{\"kind\": \"local\"}\n", "t.jsonl:1: the event has no \"process\""},
      {"{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": -1}\n", "t.jsonl:1: \"ssid\" must be a whole number"},
      {"{\"process\": \"p\", \"kind\": \"local\"}\n{\"process\": \"p\", \"kind\": \"local\"\n",
       "t.jsonl:2: not valid JSON"},
      {"{\"process\": \"p\", \"kind\": \"local\"}\n[1, 2]\n", "t.jsonl:2: expected a JSON object"},
      {"# only a comment\n", "t.jsonl: no events"},
      {"{\"process\": \"p\", \"kind\": \"send\", \"msg\": \"m\", \"to\": \"q\"}\n{\"process\": \"r\", \"kind\": \"recv\", \"msg\": \"m\"}\n",
       "t.jsonl:2: message 'm' is sent to 'q' but received by 'r'"},
      {"{\"process\": \"p\", \"kind\": \"local\"}\n{\"process\": \"q\", \"kind\": \"snapshot\", \"ssid\": 1, \"channels\": {\"p\": [\"m\"]}}\n",
       "t.jsonl:2: the channel state lists message 'm', which no event sends"},
      // Hostile input (issue 13): each of these was read as something else before.
      {"{\"process\": \"q\", \"kind\": \"snapshot\", \"ssid\": 1, \"channels\": {\"ghost\": []}}\n",
       "t.jsonl:1: a channel state from 'ghost', which no event names"},
      {"{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 1, \"ssid\": 2}\n",
       "t.jsonl:1: the field \"ssid\" appears twice in one event"},
      {"{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 1, \"channels\": {}, \"channels\": {}}\n",
       "t.jsonl:1: the field \"channels\" appears twice in one event"},
      {"{\"process\": \"p\", \"kind\": \"local\"}, {\"process\": \"q\", \"kind\": \"local\"}\n",
       "t.jsonl:1: two events on one line"},
      {"{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 18446744073709551615}\n"
       "{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 0}\n",
       "t.jsonl:2: snapshot ids must increase along a process: 'p' takes snapshot 0 after snapshot 18446744073709551615"},
      {"{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 18446744073709551615}\n"
       "{\"process\": \"p\", \"kind\": \"snapshot\", \"ssid\": 18446744073709551615}\n",
       "t.jsonl:2: snapshot ids must increase along a process: 'p' takes snapshot 18446744073709551615 twice"},
      {"{\"process\": \"p\", \"kind\": \"local\", \"index\": 18446744073709551615}\n"
       "{\"process\": \"p\", \"kind\": \"local\", \"index\": 0}\n",
       "t.jsonl:2: events out of order: process 'p' has index 0 after index 18446744073709551615"},
      {"{\"process\": \"p\", \"kind\": \"wat" + std::string(100000, 'x') + "\"}\n",
       "t.jsonl:1: unknown kind \"watxxxx"},
      {"{\"process\": \"p\", \"kind\": \"local\", \"channels\": {}}\n", "t.jsonl:1: \"channels\" belongs to a snapshot"},
  };
  for (const Case& c : cases) {
    const std::string got = refusal(c.text);
    EXPECT_EQ(got.rfind(c.want, 0), 0u) << "input:\n" << c.text.substr(0, 300) << "got: " << got << "\nwant: " << c.want;
    EXPECT_LT(got.size(), 400u) << "a message quotes the input whole: " << got.substr(0, 300);
  }
}

}  // namespace
}  // namespace weir::cut
