// checker/jsonl: the line walker over simdjson and the ordered pipeline, and the readers
// built on them across chunk boundaries.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "checker/cut/cut.hpp"
#include "checker/jsonl/jsonl.hpp"
#include "checker/jsonl/pipeline.hpp"

namespace weir::jsonl {
namespace {

// Records the SAX events it is given, as text.
struct Log final : Handler {
  std::string log;
  bool null() override { return add("null"); }
  bool boolean(bool b) override { return add(b ? "true" : "false"); }
  bool number_integer(std::int64_t v) override { return add("int:" + std::to_string(v)); }
  bool number_unsigned(std::uint64_t v) override { return add("uint:" + std::to_string(v)); }
  bool number_float(double, const std::string& s) override { return add("float:" + s); }
  bool string(std::string_view s) override { return add("str:" + std::string(s)); }
  bool key(std::string_view k) override { return add("key:" + std::string(k)); }
  bool start_object() override { return add("{"); }
  bool end_object() override { return add("}"); }
  bool start_array() override { return add("["); }
  bool end_array() override { return add("]"); }
  bool line_error(LineError e) override {
    add(e == LineError::Invalid ? "INVALID" : e == LineError::Unclosed ? "UNCLOSED" : "SECOND");
    return false;
  }
  bool add(const std::string& s) {
    log += (log.empty() ? "" : " ") + s;
    return true;
  }
};

std::string walk(const std::string& text, std::size_t* line = nullptr) {
  Log h;
  Lines lines;
  sax_lines(text, text.data() + text.size(), lines, h);
  if (line) *line = lines.line;
  return h.log;
}

TEST(JsonlLines, EachLineIsOneValueAndTheTextOneArray) {
  EXPECT_EQ(walk("{\"a\": 1}\n\n  # a comment\n{\"b\": [-2, 1.50, \"x\\u00e9\", null, true]}\r\n"),
            "[ { key:a uint:1 } { key:b [ int:-2 float:1.50 str:x\xc3\xa9 null true ] } ]");
  // Past 64 bits a whole number is a float, as nlohmann read it.
  EXPECT_EQ(walk("{\"n\": 99999999999999999999999}"), "[ { key:n float:99999999999999999999999 } ]");
}

TEST(JsonlLines, WhatIsNotOneValuePerLineIsNamed) {
  std::size_t line = 0;
  EXPECT_EQ(walk("{\"a\": 1}\n{\"a\": 1}, {\"b\": 2}\n", &line), "[ { key:a uint:1 } { key:a uint:1 } SECOND");
  EXPECT_EQ(line, 2u);
  EXPECT_EQ(walk("{\"a\": 1} x"), "[ { key:a uint:1 } INVALID");
  EXPECT_EQ(walk("{\"a\": 1,\n\"b\": 2}\n", &line), "[ { key:a uint:1 UNCLOSED");
  EXPECT_EQ(line, 1u);
  EXPECT_EQ(walk("{\"a\" 1}"), "[ { INVALID");
  EXPECT_EQ(walk("\"unterminated"), "[ INVALID");
  EXPECT_EQ(walk("{\"a\": \"\xff\"}"), "[ INVALID");  // not UTF-8
}

TEST(JsonlLines, NumbersAreReadAtEveryWidth) {
  // Each number's value, as the handler gets it (a float's value, not only its text).
  struct Values final : Handler {
    std::string log;
    bool null() override { return add("null"); }
    bool boolean(bool) override { return add("bool"); }
    bool number_integer(std::int64_t v) override { return add("int:" + std::to_string(v)); }
    bool number_unsigned(std::uint64_t v) override { return add("uint:" + std::to_string(v)); }
    bool number_float(double v, const std::string& s) override {
      char buf[64];
      std::snprintf(buf, sizeof buf, "float:%.17g(%s)", v, s.c_str());
      return add(buf);
    }
    bool string(std::string_view) override { return add("str"); }
    bool key(std::string_view) override { return true; }
    bool start_object() override { return true; }
    bool end_object() override { return true; }
    bool start_array() override { return true; }
    bool end_array() override { return true; }
    bool line_error(LineError) override { return !add("INVALID"); }
    bool add(const std::string& s) {
      log += (log.empty() ? "" : " ") + s;
      return true;
    }
  };
  auto values = [](const std::string& text) {
    Values h;
    Lines lines;
    sax_lines(text, text.data() + text.size(), lines, h);
    return h.log;
  };
  EXPECT_EQ(values("{\"a\": 0, \"b\": -1, \"c\": 9223372036854775807, \"d\": 9223372036854775808, "
                   "\"e\": 18446744073709551615, \"f\": -9223372036854775808}"),
            "uint:0 int:-1 uint:9223372036854775807 uint:9223372036854775808 uint:18446744073709551615 "
            "int:-9223372036854775808");
  // A long float that simdjson 3.0.1's get_number() reads as 0.
  EXPECT_EQ(values("{\"t\": 18446743201294352.000, \"u\": 3.2e-05}"),
            "float:18446743201294352(18446743201294352.000) float:3.1999999999999999e-05(3.2e-05)");
  // Whole numbers past 64 bits are floats; a float past a double's range is not JSON we read.
  EXPECT_EQ(values("{\"n\": 18446744073709551616}"), "float:1.8446744073709552e+19(18446744073709551616)");
  EXPECT_EQ(values("{\"n\": -9223372036854775809}"), "float:-9.2233720368547758e+18(-9223372036854775809)");
  EXPECT_EQ(values("{\"n\": 1e400}"), "INVALID");
}

TEST(JsonlLines, ALineNearTheEndOfReadableMemoryIsReadFromACopy) {
  // The same line, once with bytes after it and once at the very end of its buffer.
  const std::string line = "{\"process\": \"p1\", \"kind\": \"send\", \"msg\": 7}";
  const std::string roomy = line + "\n" + std::string(200, ' ');
  Log a, b;
  Lines la, lb;
  sax_lines(roomy, roomy.data() + roomy.size(), la, a);
  const std::string tight = line;  // nothing readable after it
  sax_lines(tight, tight.data() + tight.size(), lb, b);
  EXPECT_EQ(a.log, b.log);
  EXPECT_EQ(a.log, "[ { key:process str:p1 key:kind str:send key:msg uint:7 } ]");
}

TEST(JsonlPipeline, ConsumesInOrderWithABoundedWindowAndStopsWhenAsked) {
  std::atomic<int> in_flight{0}, most{0};
  std::vector<std::size_t> seen;
  ordered_pipeline<std::size_t>(
      200, 3, 4,
      [&](std::size_t i) {
        const int now = ++in_flight;
        for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
        }
        return i * i;
      },
      [&](std::size_t i, std::size_t& r) {
        --in_flight;
        EXPECT_EQ(r, i * i);
        seen.push_back(i);
        return true;
      });
  ASSERT_EQ(seen.size(), 200u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i);
  EXPECT_LE(most.load(), 4 + 1);  // the window, and one being handed over
  std::size_t consumed = 0;
  ordered_pipeline<int>(
      1000, 2, 4, [](std::size_t) { return 1; },
      [&](std::size_t i, int&) {
        ++consumed;
        return i < 9;
      });
  EXPECT_EQ(consumed, 10u);
}

TEST(JsonlCutChunks, LineChunksEndAtLineEndsAndCoverTheText) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "{\"n\": " + std::to_string(i) + "}\n";
  text += "{\"last\": true}";  // no final newline
  const auto chunks = line_chunks(text, 100);
  std::string joined;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    joined.append(chunks[k]);
    if (k + 1 < chunks.size()) {
      EXPECT_EQ(chunks[k].back(), '\n');
    }
  }
  EXPECT_EQ(joined, text);
  EXPECT_GE(chunks.size(), 100u);  // about 11 KB in pieces of 100 bytes and a line
}

// An execution of several megabytes, so that it is read in many chunks.
std::string big_execution(std::size_t events) {
  std::string t;
  for (std::size_t i = 0; i < events; i += 2) {
    t += "{\"process\": \"p" + std::to_string(i % 7) + "\", \"kind\": \"send\", \"msg\": " + std::to_string(i) + "}\n";
    t += "{\"process\": \"q" + std::to_string(i % 5) + "\", \"kind\": \"recv\", \"msg\": " + std::to_string(i) + "}\n";
  }
  return t;
}

TEST(JsonlCutChunks, AnExecutionReadInChunksIsTheSameAndErrorsKeepTheirLine) {
  const std::string text = big_execution(120000);  // about 6 MB: several chunks
  ASSERT_GT(text.size(), 4u << 20);
  auto r = cut::parse_execution(text, "big.jsonl");
  ASSERT_TRUE(std::holds_alternative<cut::Execution>(r)) << std::get<cut::ReadError>(r).message();
  const cut::Execution& x = std::get<cut::Execution>(r);
  EXPECT_EQ(x.events.size(), 120000u);
  EXPECT_EQ(x.processes.size(), 12u);
  EXPECT_EQ(x.messages.size(), 60000u);
  EXPECT_EQ(x.events[99999].line, 100000u);
  // A bad line far into the file: its own line number, not its chunk's.
  std::string bad = text;
  std::size_t at = 0;
  for (int l = 1; l < 100000; ++l) at = bad.find('\n', at) + 1;
  bad.insert(at, "{\"process\": \"p1\", \"kind\": \"teleport\"}\n");
  auto e = cut::parse_execution(bad, "big.jsonl");
  ASSERT_TRUE(std::holds_alternative<cut::ReadError>(e));
  EXPECT_EQ(std::get<cut::ReadError>(e).message(),
            "big.jsonl:100000: unknown kind \"teleport\" (send, recv, local or snapshot)");
  // A Builder's rule broken before a parse error in a later chunk is the one reported.
  std::string both = text;
  std::size_t early = 0;
  for (int l = 1; l < 10; ++l) early = both.find('\n', early) + 1;
  both.insert(early, "{\"process\": \"p1\", \"kind\": \"send\", \"msg\": 0}\n");  // message 0 sent twice
  both += "not json\n";
  auto f = cut::parse_execution(both, "big.jsonl");
  ASSERT_TRUE(std::holds_alternative<cut::ReadError>(f));
  EXPECT_EQ(std::get<cut::ReadError>(f).line, 10u) << std::get<cut::ReadError>(f).message();
}

}  // namespace
}  // namespace weir::jsonl
