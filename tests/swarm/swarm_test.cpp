// Shards of a run together do the run's work exactly once; their results merge into the
// verdict the run would have had.
#include "swarm/swarm.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <set>

namespace {

using namespace weir::swarm;

Shard shard_of(const std::string& text) { return std::get<Shard>(parse_shard(text)); }

TEST(SwarmShard, ParsesIOfNAndRefusesTheRest) {
  EXPECT_EQ(shard_of("0/1").count, 1u);
  EXPECT_EQ(shard_of("3/8").index, 3u);
  for (const char* bad : {"", "4", "4/4", "5/4", "0/0", "-1/4", "a/4", "1/b", "1/4x", "1/100001", " 1/4"})
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_shard(bad))) << bad;
  EXPECT_NE(std::get<std::string>(parse_shard("4/4")).find("0..3"), std::string::npos);
}

RC_GTEST_PROP(SwarmShard, SharesCoverEveryRunOnceAndDifferByAtMostOne, ()) {
  const auto total = *rc::gen::inRange<std::uint64_t>(0, 5000);
  const auto count = *rc::gen::inRange<std::uint32_t>(1, 300);
  std::uint64_t next = 0, smallest = UINT64_MAX, largest = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    const Range r = share(Shard{i, count}, total);
    RC_ASSERT(r.first == next);  // contiguous, no overlap, no gap
    RC_ASSERT(r.end >= r.first);
    next = r.end;
    smallest = std::min(smallest, r.end - r.first);
    largest = std::max(largest, r.end - r.first);
  }
  RC_ASSERT(next == total);
  RC_ASSERT(largest - smallest <= 1);
}

TEST(SwarmShard, ShareDoesNotOverflowOnHugeRuns) {
  const Range r = share(Shard{3, 4}, UINT64_MAX);
  EXPECT_EQ(r.end, UINT64_MAX);
  EXPECT_GT(r.first, UINT64_MAX / 2);
}

TEST(SwarmShard, OrderSeedsKeepTheModelsOrderForShardZeroAndDifferElsewhere) {
  EXPECT_EQ(order_seed(Shard{0, 8}, 7), 0u);
  std::set<std::uint64_t> seen;
  for (std::uint32_t i = 1; i < 8; ++i) {
    const auto s = order_seed(Shard{i, 8}, 7);
    EXPECT_NE(s, 0u);
    seen.insert(s);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_NE(order_seed(Shard{1, 8}, 7), order_seed(Shard{1, 8}, 8));
}

TEST(SwarmResult, JobLeavesOutWhatDiffersBetweenShards) {
  EXPECT_EQ(job_of({"/x/weir", "fuzz", "beaver", "--runs", "100", "--shard", "1/4", "--result=r.json", "--json",
                    "--reproducer", "f.json", "--seed", "3"}),
            "weir fuzz beaver --runs 100 --seed 3");
}

Result result(std::uint32_t index, std::uint32_t count, int exit, const std::string& outcome = "sampled") {
  Result r;
  r.job = "weir fuzz beaver --runs 8";
  r.command = r.job + " --shard " + std::to_string(index) + "/" + std::to_string(count);
  r.kind = "fuzz";
  r.shard = {index, count};
  r.exit = exit;
  r.outcome = outcome;
  r.runs = share(r.shard, 8);
  r.counts = {{"runs", 2}, {"events", 10 + index}};
  r.file = "r" + std::to_string(index) + ".json";
  return r;
}

Result with_reproducer(Result r, std::uint64_t size) {
  r.exit = 1;
  r.outcome = "violation";
  r.reproducer = Reproducer{"weir fuzz --replay", "what", size, "recorded events", {{"seed", r.shard.index}}};
  return r;
}

TEST(SwarmResult, RoundTripsThroughJsonAndRefusesWhatIsNotOne) {
  const Result r = with_reproducer(result(2, 4, 1), 17);
  auto back = parse_result(to_json(r).dump());
  ASSERT_TRUE(std::holds_alternative<Result>(back)) << std::get<std::string>(back);
  const Result& b = std::get<Result>(back);
  EXPECT_EQ(b.job, r.job);
  EXPECT_EQ(b.shard.index, 2u);
  EXPECT_EQ(b.exit, 1);
  EXPECT_EQ(b.runs->first, r.runs->first);
  EXPECT_EQ(b.counts, r.counts);
  ASSERT_TRUE(b.reproducer);
  EXPECT_EQ(b.reproducer->size, 17u);
  EXPECT_EQ(b.reproducer->content, r.reproducer->content);
  nlohmann::json j = to_json(r);
  for (auto [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"format", "other"}, {"version", 9}, {"shard", 4}, {"exit", 7}, {"job", 3}}) {
    nlohmann::json bad = j;
    bad[key] = value;
    EXPECT_TRUE(std::holds_alternative<std::string>(parse_result(bad.dump()))) << key;
  }
  EXPECT_EQ(std::get<std::string>(parse_result("{")), "not JSON");
}

TEST(SwarmMerge, AllHoldingShardsHoldWithTheirCountsAddedAndTheirRunsCovered) {
  const auto m = std::get<Merged>(merge({result(0, 4, 0), result(1, 4, 0), result(2, 4, 0), result(3, 4, 0)}));
  EXPECT_EQ(m.exit, 0);
  EXPECT_EQ(m.outcome, "sampled");
  EXPECT_EQ(m.counts.at("runs"), 8u);
  EXPECT_EQ(m.counts.at("events"), 10u + 11 + 12 + 13);
  ASSERT_TRUE(m.runs);
  EXPECT_EQ(m.runs->first, 0u);
  EXPECT_EQ(m.runs->end, 8u);
  EXPECT_TRUE(m.missing.empty());
}

TEST(SwarmMerge, TheWorstExitWinsAndTheShortestReproducerIsKept) {
  auto m = std::get<Merged>(merge({result(0, 4, 0), with_reproducer(result(1, 4, 0), 30), result(2, 4, 3, "bounded"),
                                   with_reproducer(result(3, 4, 0), 12)}));
  EXPECT_EQ(m.exit, 1);
  ASSERT_NE(m.reproducer(), nullptr);
  EXPECT_EQ(m.reproducer()->shard.index, 3u);
  m = std::get<Merged>(merge({result(0, 2, 3, "bounded"), result(1, 2, 0)}));
  EXPECT_EQ(m.exit, 3);
  m = std::get<Merged>(merge({result(0, 2, 2), with_reproducer(result(1, 2, 0), 3)}));
  EXPECT_EQ(m.exit, 2);
  m = std::get<Merged>(merge({result(0, 2, 4), result(1, 2, 2)}));
  EXPECT_EQ(m.exit, 4);
}

TEST(SwarmMerge, MissingShardsMakeHoldsUnknownAndDuplicatesAreNamedAndCountedOnce) {
  auto m = std::get<Merged>(merge({result(0, 4, 0), result(2, 4, 0)}));
  EXPECT_EQ(m.exit, 3);
  EXPECT_EQ(m.outcome, "incomplete");
  EXPECT_EQ(m.missing, (std::vector<std::uint32_t>{1, 3}));
  EXPECT_FALSE(m.runs);  // seeds 0..1 and 4..5 were run, not 0..5
  // A violation found stays one, whatever is missing.
  EXPECT_EQ(std::get<Merged>(merge({with_reproducer(result(0, 4, 0), 5)})).exit, 1);
  Result again = result(1, 2, 0);
  again.file = "copy.json";
  m = std::get<Merged>(merge({result(0, 2, 0), result(1, 2, 0), again}));
  EXPECT_EQ(m.exit, 0);
  ASSERT_EQ(m.duplicated.count(1), 1u);
  EXPECT_EQ(m.duplicated.at(1), (std::vector<std::string>{"r1.json", "copy.json"}));
  EXPECT_EQ(m.counts.at("runs"), 4u);
}

TEST(SwarmMerge, ADfsShardThatSearchedEverythingDecidesOverBoundedSiblings) {
  auto dfs = [](std::uint32_t i, int exit, const std::string& outcome) {
    Result r = result(i, 3, exit, outcome);
    r.kind = "dfs";
    r.runs.reset();
    return r;
  };
  auto m = std::get<Merged>(merge({dfs(0, 3, "bounded"), dfs(1, 0, "complete"), dfs(2, 3, "bounded")}));
  EXPECT_EQ(m.exit, 0);
  EXPECT_EQ(m.outcome, "complete");
  EXPECT_FALSE(m.notes.empty());
  EXPECT_EQ(std::get<Merged>(merge({dfs(0, 3, "bounded"), dfs(1, 3, "bounded")})).exit, 3);
  EXPECT_EQ(std::get<Merged>(merge({dfs(1, 0, "complete")})).exit, 0);  // missing siblings change nothing
  // A vacuous search (a goal never reached) is no proof.
  EXPECT_EQ(std::get<Merged>(merge({dfs(0, 3, "vacuous"), dfs(1, 3, "bounded"), dfs(2, 3, "bounded")})).exit, 3);
}

TEST(SwarmMerge, RefusesShardsOfDifferentRunsOrCountsOrOverlappingRuns) {
  Result other = result(1, 4, 0);
  other.job = "weir fuzz beaver --runs 9";
  EXPECT_NE(std::get<std::string>(merge({result(0, 4, 0), other})).find("another run"), std::string::npos);
  EXPECT_NE(std::get<std::string>(merge({result(0, 4, 0), result(1, 3, 0)})).find("one of 4"), std::string::npos);
  Result overlapping = result(1, 4, 0);
  overlapping.runs = Range{1, 4};
  EXPECT_NE(std::get<std::string>(merge({result(0, 4, 0), overlapping})).find("overlap"), std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(merge({})));
}

}  // namespace
