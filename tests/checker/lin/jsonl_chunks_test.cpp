// Native JSONL read in chunks on several threads must mean exactly what the same text
// means read in one piece: the same operations, lines, values (one id per text across
// chunks) and the same first error.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "checker/lin/detail/history_builder.hpp"
#include "checker/lin/lin.hpp"

namespace weir::lin {
namespace {

struct Read {
  History h;
  std::optional<ReadError> error;
};

Read read(const std::string& text, unsigned threads) {
  Read r;
  ReadOptions o;
  o.spec = spec::SpecKind::Kv;
  detail::HistoryBuilder builder(r.h, "h.jsonl", o);
  r.error = detail::read_jsonl(text, r.h, builder, {threads, 1});  // chunks of any size
  return r;
}

// Kv operations on a few keys, with comments and blank lines among them, and values
// that recur far apart (so that chunks share them).
std::string history(int ops) {
  std::string s = "# generated\n";
  for (int i = 0; i < ops; ++i) {
    if (i % 7 == 3) s += "\n";
    if (i % 11 == 5) s += "  # a comment\n";
    const std::string key = "\"k" + std::to_string(i % 3) + "\"";
    const std::string times = "\"call\":" + std::to_string(2 * i) + ",\"return\":" + std::to_string(2 * i + 1);
    if (i % 2 == 0)
      s += "{\"client\":" + std::to_string(i % 4) + "," + times + ",\"f\":\"put\",\"key\":" + key +
           ",\"value\":\"v" + std::to_string(i % 5) + "\"}\n";
    else
      s += "{\"client\":" + std::to_string(i % 4) + "," + times + ",\"f\":\"get\",\"key\":" + key +
           ",\"output\":\"v" + std::to_string(i % 5) + "\"}\n";
  }
  return s;
}

TEST(JsonlChunks, SameOperationsAsOnePiece) {
  const std::string text = history(200);
  const Read one = read(text, 1);
  ASSERT_FALSE(one.error) << one.error->message();
  ASSERT_EQ(one.h.ops.size(), 200u);
  for (unsigned threads : {2u, 3u, 7u}) {
    const Read many = read(text, threads);
    ASSERT_FALSE(many.error) << many.error->message();
    ASSERT_EQ(many.h.ops.size(), one.h.ops.size()) << threads;
    EXPECT_EQ(many.h.events, one.h.events);
    // The same number of distinct values: chunks did not intern one text twice.
    EXPECT_EQ(many.h.values->size(), one.h.values->size());
    for (std::size_t i = 0; i < one.h.ops.size(); ++i) {
      const Operation& a = one.h.ops[i];
      const Operation& b = many.h.ops[i];
      ASSERT_EQ(a.line, b.line) << "op " << i << " with " << threads << " threads";
      EXPECT_EQ(a.call, b.call);
      EXPECT_EQ(a.client, b.client);
      EXPECT_EQ(one.h.values->text(a.input.key), many.h.values->text(b.input.key));
      const spec::ValueId va = a.input.kind == spec::OpKind::Get ? a.input.out : a.input.arg;
      const spec::ValueId vb = b.input.kind == spec::OpKind::Get ? b.input.out : b.input.arg;
      EXPECT_EQ(one.h.values->text(va), many.h.values->text(vb));
    }
  }
}

TEST(JsonlChunks, FirstErrorAndItsLineWhicheverChunkHasIt) {
  std::string text = history(120);
  // Two errors, both in the last third: the earlier one is reported, at its own line.
  std::size_t at = text.size() * 2 / 3;
  at = text.find('\n', at) + 1;
  const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + at, '\n'));
  text.insert(at, "{\"client\":0,\"call\":1,\"f\":\"fly\"}\n{\"client\":");
  for (unsigned threads : {1u, 2u, 5u}) {
    const Read r = read(text, threads);
    ASSERT_TRUE(r.error) << threads;
    EXPECT_EQ(r.error->line, line) << r.error->message();
    EXPECT_NE(r.error->cause.find("unknown operation \"fly\""), std::string::npos) << r.error->message();
  }
}

TEST(JsonlChunks, AnOperationMustEndOnItsLine) {
  const std::string text = "{\"client\":0,\"call\":0,\"return\":1,\"f\":\"get\",\"key\":\"a\",\"output\":\"\"}\n"
                           "{\"client\":0,\"call\":2,\"return\":3,\"f\":\"get\",\"key\":\"a\",\"output\":\"\"\n"
                           "\n"
                           "{\"client\":0,\"call\":4,\"return\":5,\"f\":\"get\",\"key\":\"a\",\"output\":\"\"}\n";
  const Read r = read(text, 1);
  ASSERT_TRUE(r.error);
  EXPECT_EQ(r.error->line, 2u) << r.error->message();
  EXPECT_NE(r.error->cause.find("does not end on its line"), std::string::npos) << r.error->message();
}

}  // namespace
}  // namespace weir::lin
