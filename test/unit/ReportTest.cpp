// The compile report: its JSON and its HTML page.
#include "compiler/emit/Report.h"

#include "TestUtil.h"

#include "llvm/Support/JSON.h"

#include <catch2/catch.hpp>

using namespace kiln;

static PlannedBank bank(const std::string &name, int64_t size, std::optional<int64_t> capacity,
                        int64_t align) {
  PlannedBank b;
  b.name = name;
  b.size = size;
  b.capacity = capacity;
  b.align = align;
  return b;
}

static PlannedBuffer buffer(const std::string &name, int bank, int64_t offset, int64_t size,
                            int64_t first, int64_t last,
                            PlannedBuffer::Kind io = PlannedBuffer::Temporary,
                            int64_t ioIndex = -1) {
  PlannedBuffer b;
  b.name = name;
  b.bank = bank;
  b.offset = offset;
  b.size = size;
  b.first = first;
  b.last = last;
  b.io = io;
  b.ioIndex = ioIndex;
  return b;
}

/// Two banks, five buffers (one with a name that needs escaping, one an
/// input), four ops.
static CompileReport smallReport() {
  CompileReport r;
  r.model = "tiny_<net>";
  r.target = "x86_64-linux";
  r.plan.lowerBound = 3072;
  r.plan.unalignedLowerBound = 3050;
  r.plan.totalTemporaries = 1024 + 2048 + 1024 + 512;
  r.weightsBytes = 123456;
  r.plan.algorithm = "greedy_by_size";
  r.plan.banks = {bank("arena", 3000, std::nullopt, 16), bank("sram", 512, 65536, 64)};
  r.plan.buffers = {buffer("conv<1>\"&out", 0, 0, 1024, 0, 1),
                    buffer("relu_1", 0, 1024, 1024, 1, 2), buffer("add", 0, 0, 1024, 2, 3),
                    buffer("scratch", 1, 0, 512, 0, 3),
                    buffer("x", 0, 2048, 952, 0, 0, PlannedBuffer::Input, 0)};
  r.plan.ops = {{"conv2d", "aten.convolution.default"},
                {"relu", "aten.relu.default"},
                {"", "kiln.copy"},
                {"add_1", "aten.add.Tensor"}};
  return r;
}

static int64_t intAt(const llvm::json::Object &o, llvm::StringRef key) {
  std::optional<int64_t> v = o.getInteger(key);
  REQUIRE(v);
  return *v;
}

static std::string stringAt(const llvm::json::Object &o, llvm::StringRef key) {
  std::optional<llvm::StringRef> v = o.getString(key);
  REQUIRE(v);
  return v->str();
}

TEST_CASE("report: the JSON parses back with every field", "[report]") {
  CompileReport r = smallReport();
  std::string text = renderReportJson(r);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  REQUIRE_EXPECTED(parsed);
  const llvm::json::Object *top = parsed->getAsObject();
  REQUIRE(top);
  CHECK(top->size() == 11);
  CHECK(stringAt(*top, "model") == r.model);
  CHECK(stringAt(*top, "target") == r.target);
  // The banks one after the other, sram at 3000 rounded up to its 64.
  CHECK(intAt(*top, "arena_bytes") == 3008 + 512);
  CHECK(intAt(*top, "arena_bytes") == r.plan.arenaSize());
  CHECK(intAt(*top, "lower_bound_bytes") == r.plan.lowerBound);
  CHECK(intAt(*top, "unaligned_lower_bound_bytes") == r.plan.unalignedLowerBound);
  CHECK(intAt(*top, "total_temporary_bytes") == r.plan.totalTemporaries);
  CHECK(intAt(*top, "weights_bytes") == r.weightsBytes);
  CHECK(stringAt(*top, "algorithm") == r.plan.algorithm);

  const llvm::json::Array *banks = top->getArray("banks");
  REQUIRE(banks);
  const MemoryPlan &plan = r.plan;
  REQUIRE(banks->size() == plan.banks.size());
  for (size_t i = 0; i < plan.banks.size(); ++i) {
    const llvm::json::Object *b = (*banks)[i].getAsObject();
    REQUIRE(b);
    CHECK(b->size() == 4);
    CHECK(stringAt(*b, "name") == plan.banks[i].name);
    CHECK(intAt(*b, "size") == plan.banks[i].size);
    CHECK(intAt(*b, "capacity") == plan.banks[i].capacity.value_or(-1));
    CHECK(intAt(*b, "align") == plan.banks[i].align);
  }

  const llvm::json::Array *buffers = top->getArray("buffers");
  REQUIRE(buffers);
  REQUIRE(buffers->size() == plan.buffers.size());
  const char *bankNames[] = {"arena", "arena", "arena", "sram", "arena"};
  for (size_t i = 0; i < plan.buffers.size(); ++i) {
    const llvm::json::Object *b = (*buffers)[i].getAsObject();
    REQUIRE(b);
    CHECK(b->size() == 6);
    CHECK(stringAt(*b, "name") ==
          plan.buffers[i].name + (plan.buffers[i].io == PlannedBuffer::Input ? " (input)" : ""));
    CHECK(stringAt(*b, "bank") == bankNames[i]);
    CHECK(intAt(*b, "offset") == plan.buffers[i].offset);
    CHECK(intAt(*b, "size") == plan.buffers[i].size);
    CHECK(intAt(*b, "first_op") == plan.buffers[i].first);
    CHECK(intAt(*b, "last_op") == plan.buffers[i].last);
  }
  CHECK(stringAt(*(*buffers)[4].getAsObject(), "name") == "x (input)");

  const llvm::json::Array *ops = top->getArray("ops");
  REQUIRE(ops);
  REQUIRE(ops->size() == plan.ops.size());
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const llvm::json::Object *o = (*ops)[i].getAsObject();
    REQUIRE(o);
    CHECK(o->size() == 3);
    CHECK(intAt(*o, "index") == static_cast<int64_t>(i));
    CHECK(stringAt(*o, "name") == plan.ops[i].name);
    CHECK(stringAt(*o, "op") == plan.ops[i].op);
  }
}

TEST_CASE("report: the JSON keys come in the documented order, indented by 2", "[report]") {
  std::string text = renderReportJson(smallReport());
  const char *keys[] = {"\"model\"",
                        "\"target\"",
                        "\"arena_bytes\"",
                        "\"lower_bound_bytes\"",
                        "\"total_temporary_bytes\"",
                        "\"weights_bytes\"",
                        "\"algorithm\"",
                        "\"banks\"",
                        "\"buffers\"",
                        "\"ops\""};
  size_t last = 0;
  for (const char *key : keys) {
    size_t at = text.find(std::string("\n  ") + key + ":");
    INFO(key);
    REQUIRE(at != std::string::npos);
    CHECK(at >= last);
    last = at;
  }
  CHECK(text.rfind("{\n  \"model\": \"tiny_<net>\",\n", 0) == 0);
  CHECK(text.find("{\n      \"name\": \"arena\",\n      \"size\": 3000,\n"
                  "      \"capacity\": -1,\n      \"align\": 16\n    }") != std::string::npos);
  CHECK(text.back() == '\n');
}

TEST_CASE("report: an empty report is valid JSON", "[report]") {
  std::string text = renderReportJson(CompileReport());
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  REQUIRE_EXPECTED(parsed);
  const llvm::json::Object *top = parsed->getAsObject();
  REQUIRE(top);
  REQUIRE(top->getArray("buffers"));
  CHECK(top->getArray("buffers")->empty());
}

TEST_CASE("report: invalid UTF-8 in a name still gives valid JSON", "[report]") {
  CompileReport r = smallReport();
  r.plan.buffers[0].name = "bad\xff\xfe";
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(renderReportJson(r));
  REQUIRE_EXPECTED(parsed);
}

/// The part of `html` between `open` and the next `close`.
static std::string between(const std::string &html, const std::string &open,
                           const std::string &close) {
  size_t begin = html.find(open);
  REQUIRE(begin != std::string::npos);
  begin += open.size();
  size_t end = html.find(close, begin);
  REQUIRE(end != std::string::npos);
  return html.substr(begin, end - begin);
}

static size_t count(const std::string &text, const std::string &what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

TEST_CASE("report: the HTML embeds the JSON and escapes names", "[report]") {
  CompileReport r = smallReport();
  // A name that would close the data's <script> element if it were not escaped.
  r.plan.buffers[1].name = "x</script><b>";
  std::string json = renderReportJson(r);
  std::string html = renderReportHtml(r);

  // The embedded data is the JSON text with every '<' written as \u003c, and
  // parses back to the same value.
  std::string embedded =
      between(html, "<script type=\"application/json\" id=\"kiln-report\">\n", "</script>");
  std::string expected;
  for (char c : json)
    expected += c == '<' ? std::string("\\u003c") : std::string(1, c);
  CHECK(embedded == expected);
  llvm::Expected<llvm::json::Value> a = llvm::json::parse(embedded);
  llvm::Expected<llvm::json::Value> b = llvm::json::parse(json);
  REQUIRE_EXPECTED(a);
  REQUIRE_EXPECTED(b);
  bool same = *a == *b;
  CHECK(same);
  CHECK(embedded.find('<') == std::string::npos);
  // Only the two script elements close a script.
  CHECK(count(html, "</script") == 2);

  // Names are escaped wherever they appear as text.
  CHECK(html.find("conv&lt;1&gt;&quot;&amp;out") != std::string::npos);
  CHECK(html.find("conv<1>") == std::string::npos);
  CHECK(html.find("x&lt;/script&gt;&lt;b&gt;") != std::string::npos);
  CHECK(html.find("<b>") == std::string::npos);
  CHECK(html.find("tiny_&lt;net&gt;") != std::string::npos);
  CHECK(html.find("tiny_<net>") == std::string::npos);

  // One picture, drawn in the page; self-contained.
  CHECK(count(html, "<svg") == 1);
  CHECK(html.find("<noscript>") != std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("<script src") == std::string::npos);
  // No static rectangles: the script draws them (check_report_html.py).
  CHECK(html.find("<rect") == std::string::npos);

  // The summary and the op table.
  CHECK(html.find("<title>Kiln report: tiny_&lt;net&gt; for x86_64-linux</title>") !=
        std::string::npos);
  CHECK(html.find("1.146") != std::string::npos); // 3520 / 3072
  CHECK(html.find("greedy_by_size") != std::string::npos);
  CHECK(html.find("aten.convolution.default") != std::string::npos);
  CHECK(html.find("(added by the compiler)") != std::string::npos);
  CHECK(html.find("<td><code>sram</code></td>") != std::string::npos);
}

TEST_CASE("report: rendering is deterministic", "[report]") {
  CompileReport r = smallReport();
  CHECK(renderReportJson(r) == renderReportJson(r));
  CHECK(renderReportHtml(r) == renderReportHtml(r));
  CompileReport empty;
  CHECK(renderReportHtml(empty) == renderReportHtml(empty));
  CHECK(renderReportHtml(empty).find("<svg") != std::string::npos);
}

TEST_CASE("report: 5,000 buffers and ops render", "[report]") {
  CompileReport r;
  r.model = "big";
  r.target = "host";
  r.plan.banks = {bank("arena", 7 * 4096, std::nullopt, 16)};
  for (int i = 0; i < 5000; ++i) {
    r.plan.ops.push_back({"n" + std::to_string(i), "aten.add.Tensor"});
    r.plan.buffers.push_back(
        buffer("b" + std::to_string(i), 0, (i % 7) * 4096, 4096, i, std::min(i + 6, 4999)));
  }
  std::string html = renderReportHtml(r);
  CHECK(html.size() < 4 * 1024 * 1024);
  CHECK(count(html, "<tr") > 5000);
}
