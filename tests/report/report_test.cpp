// The reports' content, read back from the pages: what is drawn, where the failure is, the
// states shown on hover, and that no input text can break out of the page.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "checker/cut/cut.hpp"
#include "checker/lin/lin.hpp"
#include "report/report.hpp"

namespace weir::report {
namespace {

// The page's data block, as the page's script reads it.
nlohmann::json data_of(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"data\">";
  const std::size_t from = html.find(open);
  EXPECT_NE(from, std::string::npos);
  const std::size_t to = html.find("</script>", from);
  return nlohmann::json::parse(html.substr(from + open.size(), to - from - open.size()));
}

lin::History history(const std::string& text, spec::SpecKind spec) {
  lin::ReadOptions o;
  o.spec = spec;
  auto r = lin::parse_history(text, "h.jsonl", o);
  if (auto* e = std::get_if<lin::ReadError>(&r)) ADD_FAILURE() << e->message();
  return std::get<lin::History>(std::move(r));
}

lin::Result checked(const lin::History& h) {
  lin::CheckOptions o;
  o.keep_order = true;
  return lin::check(h, o);
}

// Process 1 reads 1 after process 0's write of 2 returned: stale.
const char* kStale = R"({"client": 0, "call": 1, "return": 2, "f": "write", "value": 1}
{"client": 0, "call": 3, "return": 4, "f": "write", "value": 2}
{"client": 1, "call": 5, "return": 6, "f": "read", "output": 1}
)";

TEST(LinReport, AViolationShowsTheBlockedOperationAndThePrefixWithItsStates) {
  const lin::History h = history(kStale, spec::SpecKind::Register);
  const lin::Result r = checked(h);
  ASSERT_EQ(r.verdict, lin::Verdict::Violation);
  const auto d = data_of(lin_html("h.jsonl", h, r));
  ASSERT_EQ(d["ops"].size(), 3u);
  EXPECT_EQ(d["lanes"], nlohmann::json({"process 0", "process 1"}));
  EXPECT_EQ(d["failure"], 2);                    // the read
  EXPECT_EQ(d["ops"][2]["lane"], 1);
  EXPECT_EQ(d["chains"], nlohmann::json({{0, 1}}));  // both writes, in order
  EXPECT_EQ(d["ops"][0]["before"], "nil");
  EXPECT_EQ(d["ops"][0]["after"], "1");
  EXPECT_EQ(d["ops"][1]["before"], "1");
  EXPECT_EQ(d["ops"][1]["after"], "2");
  EXPECT_FALSE(d["ops"][2].contains("pos"));     // never linearized
  // Times are ranks: 1..6 -> 0..5.
  EXPECT_EQ(d["ops"][2]["call"], 4);
  EXPECT_EQ(d["ops"][2]["ret"], 5);
}

TEST(LinReport, ALinearizableHistoryShowsAWholeLinearizationPerKey) {
  const lin::History ok = history(R"({"client": 0, "call": 1, "return": 4, "f": "put", "key": "a", "value": "x"}
{"client": 1, "call": 2, "return": 3, "f": "get", "key": "a", "output": "x"}
{"client": 1, "call": 5, "return": 6, "f": "append", "key": "b", "value": "y"}
{"client": 0, "call": 7, "f": "append", "key": "b", "value": "z"}
)",
                                  spec::SpecKind::Kv);
  const lin::Result r = checked(ok);
  ASSERT_EQ(r.verdict, lin::Verdict::Ok);
  const auto d = data_of(lin_html("kv.jsonl", ok, r));
  EXPECT_EQ(d["lanes"], nlohmann::json({"key a · 0", "key a · 1", "key b · 0", "key b · 1"}));
  EXPECT_FALSE(d.contains("failure"));
  // Two keys, two chains; the get comes after the put although it returned first.
  std::set<nlohmann::json> chains(d["chains"].begin(), d["chains"].end());
  EXPECT_TRUE(chains.count(nlohmann::json({0, 1}))) << d["chains"];
  EXPECT_EQ(d["ops"][1]["before"], "x");
  EXPECT_TRUE(d["ops"][3]["ret"].is_null());  // pending: drawn to the end
  // The pending append may or may not have taken effect; if it did, after the other.
  for (const auto& c : d["chains"])
    if (c.size() == 2 && c[0] == 2) {
      EXPECT_EQ(d["ops"][3]["after"], "yz");
    }
}

TEST(LinReport, NoValueCanEndTheDataBlockEarly) {
  const lin::History h = history(
      R"({"client": 0, "call": 1, "return": 2, "f": "write", "value": "</script><script>alert(1)</script>"}
)",
      spec::SpecKind::Register);
  const std::string html = lin_html("<b>h</b>.jsonl", h, checked(h));
  EXPECT_EQ(html.find("</script><script>alert"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;h&lt;/b&gt;.jsonl"), std::string::npos);
  EXPECT_EQ(data_of(html)["ops"][0]["after"], "\"</script><script>alert(1)</script>\"");  // a register keeps the JSON token
}

// "<!--<script>" inside a script block puts the HTML parser in its double-escaped state,
// where the block's own end tag no longer ends it and nothing is drawn. Every '<' in the
// data is written \u003c, so that no value, key or process name can open any state.
TEST(LinReport, NoValueCanOpenAnHtmlCommentOrScriptStateInTheData) {
  for (const std::string v : {"<!--<script>", "<!--", "<script>", "</SCRIPT >", "<![CDATA["}) {
    const nlohmann::json value = v;
    const lin::History h = history("{\"client\": 0, \"call\": 1, \"return\": 2, \"f\": \"put\", \"key\": " + value.dump() +
                                       ", \"value\": " + value.dump() + "}\n",
                                   spec::SpecKind::Kv);
    const std::string html = lin_html(v + ".jsonl", h, checked(h));
    const std::string open = "<script type=\"application/json\" id=\"data\">";
    const std::size_t from = html.find(open) + open.size(), to = html.find("</script>", from);
    ASSERT_NE(to, std::string::npos) << v;
    EXPECT_EQ(html.substr(from, to - from).find('<'), std::string::npos) << v;
    // And the data still says exactly what was given.
    EXPECT_NE(data_of(html).dump().find(nlohmann::json(v).dump().substr(1, v.size())), std::string::npos) << v;
  }
}

TEST(LinReport, ALargeHistoryIsCutToTheFailingKeyNearTheFailure) {
  // Key "big" is fine and long; key "bad" has a stale read among many operations.
  std::string text;
  std::uint64_t t = 1;
  for (int i = 0; i < 15000; ++i, t += 2)
    text += R"({"client": 0, "call": )" + std::to_string(t) + R"(, "return": )" + std::to_string(t + 1) +
            R"(, "f": "put", "key": "big", "value": "v"})" + "\n";
  for (int i = 0; i < 12000; ++i, t += 2)
    text += R"({"client": 1, "call": )" + std::to_string(t) + R"(, "return": )" + std::to_string(t + 1) +
            R"(, "f": "put", "key": "bad", "value": ")" + std::to_string(i) + "\"}\n";
  text += R"({"client": 2, "call": )" + std::to_string(t) + R"(, "return": )" + std::to_string(t + 1) +
          R"(, "f": "get", "key": "bad", "output": "5"})" + "\n";
  const lin::History h = history(text, spec::SpecKind::Kv);
  const lin::Result r = checked(h);
  ASSERT_EQ(r.verdict, lin::Verdict::Violation);
  const std::string html = lin_html("big.jsonl", h, r);
  const auto d = data_of(html);
  EXPECT_EQ(d["ops"].size(), 12001u);  // key "bad" only
  for (const auto& l : d["lanes"]) EXPECT_EQ(l.get<std::string>().rfind("key bad", 0), 0u) << l;
  EXPECT_EQ(d["ops"][d["failure"].get<std::size_t>()]["op"], "get \"bad\" -> \"5\"");
  EXPECT_NE(html.find("only key &quot;bad&quot;, the one that fails, is drawn"), std::string::npos);
}

cut::Execution execution(const std::string& text) {
  auto r = cut::parse_execution(text, "x.jsonl");
  if (auto* e = std::get_if<cut::ReadError>(&r)) ADD_FAILURE() << e->message();
  return std::get<cut::Execution>(std::move(r));
}

TEST(CutReport, TheChainIsRedAndTheCutIsDrawnThroughTheSnapshots) {
  // a snapshots, then sends to out-group x, which sends to b before b's snapshot.
  const cut::Execution x = execution(R"({"process": "a", "kind": "snapshot", "ssid": 1}
{"process": "a", "kind": "send", "msg": "m1"}
{"process": "x", "group": "out", "kind": "recv", "msg": "m1"}
{"process": "x", "kind": "send", "msg": "m2"}
{"process": "b", "kind": "recv", "msg": "m2"}
{"process": "b", "kind": "snapshot", "ssid": 1}
{"process": "b", "kind": "send", "msg": "m3"}
{"process": "a", "kind": "recv", "msg": "m3"}
)");
  auto checked = cut::check(x);
  const cut::Result& r = std::get<cut::Result>(checked);
  ASSERT_FALSE(r.consistent);
  const std::string svg = cut_svg(x, r);
  auto count = [&](const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = svg.find(what, at)) != std::string::npos; ++at) ++n;
    return n;
  };
  EXPECT_EQ(count("marker-end=\"url(#hot)\""), 2u);    // m1 and m2: the chain
  EXPECT_EQ(count("marker-end=\"url(#arrow)\""), 1u);  // m3
  EXPECT_EQ(count("fill=\"#f9a825\""), 2u);             // two snapshot marks
  EXPECT_EQ(count("<title>the cut of snapshot 1</title>"), 1u);
  EXPECT_NE(svg.find(">out-group</text>"), std::string::npos);
  // Out-group x is drawn below both in-group processes.
  std::smatch m;
  auto y_of = [&](const std::string& name) {
    const std::regex re("<text x=\"8\" y=\"([0-9]+)\"[^>]*>" + name + "</text>");
    EXPECT_TRUE(std::regex_search(svg, m, re)) << name;
    return std::stoi(m[1]);
  };
  EXPECT_LT(y_of("a"), y_of("x"));
  EXPECT_LT(y_of("b"), y_of("x"));
  const cut::Result fine{};
  EXPECT_EQ(cut_svg(x, fine).find("url(#hot)\""), std::string::npos);  // nothing to colour
}

TEST(CutReport, NamesWithMarkupOrControlCharactersStayText) {
  // An SVG is XML: "<", "&" and quotes must be escaped, and the control characters XML 1.0
  // cannot carry at all (a raw \x01 in a process name) must not reach the file.
  const cut::Execution x = execution("{\"process\": \"a<b>&\\u0001'\\\"\", \"kind\": \"snapshot\", \"ssid\": 1}\n"
                                     "{\"process\": \"c\", \"kind\": \"snapshot\", \"ssid\": 1}\n");
  auto checked = cut::check(x);
  const std::string svg = cut_svg(x, std::get<cut::Result>(checked));
  EXPECT_EQ(svg.find('\x01'), std::string::npos);
  EXPECT_NE(svg.find(">a&lt;b&gt;&amp;?&#39;&quot;</text>"), std::string::npos) << svg;
  EXPECT_EQ(xml_text("x\ty\nz\x1f\x7f"), "x\ty\nz?\x7f");  // tab and newline are text; DEL is allowed in XML 1.0
}

// XML 1.0 cannot carry U+FFFE or U+FFFF either, nor bytes that are not UTF-8: each is one
// '?', and every other character (U+FFFD, astral ones) passes as it is.
TEST(CutReport, NoncharactersAndBrokenUtf8NeverReachTheXml) {
  EXPECT_EQ(xml_text("a\xef\xbf\xbe" "b\xef\xbf\xbf" "c"), "a?b?c");
  EXPECT_EQ(xml_text("\xef\xbf\xbd\xf0\x9f\x98\x80"), "\xef\xbf\xbd\xf0\x9f\x98\x80");
  EXPECT_EQ(xml_text("x\xff\xc3"), "x??");
  EXPECT_EQ(xml_text("\xed\xa0\x80"), "???") << "a UTF-16 surrogate is not a character";
  EXPECT_EQ(xml_text("\xe0\x80\xaf"), "???") << "an overlong '/' is not UTF-8";
  EXPECT_EQ(xml_text("\xf4\x90\x80\x80"), "????") << "past U+10FFFF";
  EXPECT_EQ(xml_text("\xf4\x8f\xbf\xbd"), "\xf4\x8f\xbf\xbd") << "U+10FFFD is a character";
  const cut::Execution x = execution("{\"process\": \"p\\ufffeq\\uffff\", \"kind\": \"snapshot\", \"ssid\": 1}\n"
                                     "{\"process\": \"c\", \"kind\": \"snapshot\", \"ssid\": 1}\n");
  const std::string svg = cut_svg(x, std::get<cut::Result>(cut::check(x)));
  EXPECT_EQ(svg.find("\xef\xbf\xbe"), std::string::npos);
  EXPECT_EQ(svg.find("\xef\xbf\xbf"), std::string::npos);
  EXPECT_NE(svg.find(">p?q?</text>"), std::string::npos) << svg;
}

TEST(ExploreReport, ActorsAreColumnsInTheOrderTheyFirstActWithTheClockLast) {
  Counterexample cx;
  cx.title = "m";
  cx.violated = "bad";
  cx.initial = "s0";
  cx.steps = {{"tick", "s1", "clock", ""}, {"a to b", "s2", "a", "b"}, {"b alone", "s3", "b", ""}};
  const auto d = data_of(explore_html(cx));
  EXPECT_EQ(d["actors"], nlohmann::json({"a", "b", "clock"}));
  EXPECT_EQ(d["steps"].size(), 3u);
  EXPECT_EQ(d["steps"][1]["to"], "b");
  EXPECT_EQ(d["violated"], "bad");
}

}  // namespace
}  // namespace weir::report
