// The Pegasus model: the correct protocol passes exhaustively, and every planted bug is
// caught, with a counterexample that replays to the same violation.
#include <gtest/gtest.h>

#include "checker/explore/explore.hpp"
#include "model/pegasus/pegasus.hpp"

namespace weir::model::pegasus {
namespace {

static_assert(explore::Model<Model>);

// Two clients, three servers, the hot key, one operation each, a network that loses and
// duplicates: small enough for a test, big enough for every bug to show.
Options small() {
  Options o;
  o.clients = 2;
  o.servers = 3;
  o.ops = 1;
  o.retries = 0;
  return o;
}

TEST(Pegasus, CorrectProtocolHolds) {
  const explore::Result r = explore::bfs(make_model(small()), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete) << r.invariant;
  EXPECT_GT(r.stats.unique, 1000u);  // it did explore: reads, writes, losses, duplicates
}

// The configuration, which is also the command's default: two operations per
// client, loss and duplication.
TEST(Pegasus, DefaultsHoldExhaustively) {
#ifdef WEIR_SANITIZED
  GTEST_SKIP() << "1.4 million states: the Release build runs it; the others check the same code on smaller ones";
#endif
  const Options o;
  ASSERT_EQ(o.ops, 2u);
  ASSERT_TRUE(o.lossy && o.duplicating);
  const explore::Result r = explore::bfs(make_model(o), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete) << r.invariant;
  EXPECT_GT(r.stats.unique, 1000000u);
}

TEST(Pegasus, RetriesOnANetworkThatDoesNotDuplicate) {
  Options o = small();
  o.duplicating = false;
  o.retries = 1;  // the request may reach the switch twice: one version all the same
  const explore::Result r = explore::bfs(make_model(o), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete) << r.invariant;
  EXPECT_GT(r.stats.unique, 10000u);
}

// Every reduction the model makes (instant client hops, broadcast forwarding, inert
// messages, the monitor) keeps the search finding what the plain model finds: the same
// configuration without duplication uses none of broadcast's and retries' shortcuts.
TEST(Pegasus, ThreeClientsOneOperationHold) {
  Options o = small();
  o.clients = 3;
  o.servers = 2;
  const explore::Result r = explore::bfs(make_model(o), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete) << r.invariant;
}

struct Expect {
  Mutant mutant;
  const char* invariant;
  // restamp-retries needs a client's second operation to show; two servers and three
  // versions keep its search short.
  unsigned ops = 1, servers = 3, max_versions = 0;
};

TEST(Pegasus, ReplicatingAndUnreplicatingKeysHold) {
  Options o = small();
  o.keys = 2;       // key 1 starts unreplicated and may be replicated
  o.reconfigs = 2;  // key 0 may be unreplicated and replicated again
  const explore::Result r = explore::bfs(make_model(o), {});
  EXPECT_EQ(r.outcome, explore::Outcome::Complete) << r.invariant;
  EXPECT_GT(r.stats.unique, 10000u);
}

class PegasusMutant : public testing::TestWithParam<Expect> {};

TEST_P(PegasusMutant, IsCaughtWithAReplayableCounterexample) {
  Options o = small();
  o.mutant = GetParam().mutant;
  o.ops = GetParam().ops;
  o.servers = GetParam().servers;
  o.max_versions = GetParam().max_versions;
  const Model model = make_model(o);
  const explore::Result r = explore::bfs(model, {});
  ASSERT_EQ(r.outcome, explore::Outcome::Violation);
  EXPECT_EQ(r.invariant, GetParam().invariant);
  const auto states = explore::replay(model, r.init_index, r.path);
  ASSERT_EQ(states.size(), r.path.size() + 1);
  ASSERT_NE(model.violated(states.back()), nullptr);
  EXPECT_STREQ(model.violated(states.back()), GetParam().invariant);
}

INSTANTIATE_TEST_SUITE_P(
    Mutants, PegasusMutant,
    testing::Values(Expect{Mutant::NoVersionCheck, "a server's versions never decrease"},
                    Expect{Mutant::CompleteOnForward, "every server in rset holds a version >= ver_completed"},
                    Expect{Mutant::ReadAnyServer, "the clients' history is linearizable (kv)"},
                    Expect{Mutant::NoDedup, "no server applies a write twice"},
                    Expect{Mutant::RestampRetries, "the clients' history is linearizable (kv)", 2, 2, 3},
                    Expect{Mutant::UnsafeUnreplicate, "the clients' history is linearizable (kv)"},
                    // A bug planted by hand slipped through every check before this invariant.
                    Expect{Mutant::FrozenCompleted,
                           "ver_completed of a key is at least the version of every write of it whose reply reached "
                           "a client"}),
    [](const testing::TestParamInfo<Expect>& i) {
      for (const MutantInfo& m : mutants())
        if (m.mutant == i.param.mutant) {
          std::string name(m.name);
          std::erase(name, '-');
          return name;
        }
      return std::string("unknown");
    });

TEST(Pegasus, MutantNamesParse) {
  for (const MutantInfo& m : mutants()) EXPECT_EQ(parse_mutant(m.name), m.mutant);
  EXPECT_FALSE(parse_mutant("no-such-bug"));
  EXPECT_TRUE(invalid(Options{.clients = 0}));
  EXPECT_FALSE(invalid(Options{}));
}

}  // namespace
}  // namespace weir::model::pegasus

namespace weir::model::pegasus {
namespace {

// Progress needs a server to answer every copy of a client's open request: a reply can be
// lost, and the client's retry is then its only way on. (The model's loss is "never
// delivered", under which a server that stays silent on a copy still looks live, so this
// class of bug is pinned here, at the handler.)
TEST(PegasusServer, AnswersEveryCopyOfAnOpenRequest) {
  const Options o;  // 2 clients, the switch, then the servers
  const Pegasus p(o);
  const ActorId sw = 2, server = 3;
  Actor a{};
  Msg m;
  m.kind = Msg::Kind::Request;
  m.client = 0;
  m.req = 0;
  m.op = OpKind::Write;
  m.value = 1;
  m.ver = 1;
  for (int copy = 0; copy < 3; ++copy) {
    Pegasus::Out out;
    p.on_msg(server, a, sw, m, 0, out);
    ASSERT_EQ(out.sends.size(), 1u) << "copy " << copy;
    EXPECT_EQ(out.sends[0].first, sw);
    EXPECT_EQ(out.sends[0].second.kind, Msg::Kind::Reply);
    EXPECT_EQ(out.sends[0].second.ver, 1);
  }
  EXPECT_FALSE(a.applied_twice);
}

}  // namespace
}  // namespace weir::model::pegasus
