// The arena planner: hand-computed cases, then properties over thousands of
// random buffer sets, every plan checked by the independent checker.
#include "passes/memory/ArenaPlanner.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

using namespace kiln;

namespace {

BufferRequest buffer(const std::string &name, int64_t size, int64_t first,
                     int64_t last, int64_t align = 1) {
  BufferRequest b;
  b.name = name;
  b.size = size;
  b.align = align;
  b.first = first;
  b.last = last;
  return b;
}

MemoryBank bank(const std::string &name, std::optional<int64_t> capacity,
                int64_t align = 1) {
  MemoryBank b;
  b.name = name;
  b.capacity = capacity;
  b.align = align;
  return b;
}

const std::vector<MemoryBank> kArena = {bank("arena", std::nullopt, 1)};

/// Plans into `banks`, requiring success and a plan the checker accepts.
ArenaPlan planOrFail(const std::vector<BufferRequest> &buffers,
                     const std::vector<MemoryBank> &banks = kArena) {
  PlanResult result = planArena(buffers, banks);
  INFO(result.error);
  REQUIRE(result.plan);
  REQUIRE(checkPlan(buffers, banks, *result.plan) == "");
  return *result.plan;
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

} // namespace

//===----------------------------------------------------------------------===//
// Hand-computed cases
//===----------------------------------------------------------------------===//

TEST_CASE("planner: no buffers", "[planner]") {
  std::vector<MemoryBank> banks = {bank("sram", 1024, 16),
                                   bank("dram", std::nullopt, 64)};
  ArenaPlan plan = planOrFail({}, banks);
  CHECK(plan.placements.empty());
  CHECK(plan.bankSizes == std::vector<int64_t>{0, 0});
  CHECK(plan.totalSize() == 0);
  CHECK(lowerBound({}) == 0);
  CHECK(totalBytes({}) == 0);
  for (const std::string &name : placementAlgorithms())
    CHECK(planWith(name, {}, 16).totalSize() == 0);
}

TEST_CASE("planner: one buffer", "[planner]") {
  std::vector<BufferRequest> buffers = {buffer("x", 100, 0, 3)};
  ArenaPlan plan = planOrFail(buffers, {bank("arena", std::nullopt, 16)});
  CHECK(plan.placements[0].bank == 0);
  CHECK(plan.placements[0].offset == 0);
  // 100 rounded up to the bank's alignment.
  CHECK(plan.bankSizes == std::vector<int64_t>{112});
}

TEST_CASE("planner: disjoint lifetimes share offset 0", "[planner]") {
  std::vector<BufferRequest> buffers = {buffer("a", 64, 0, 1),
                                        buffer("b", 64, 2, 3)};
  ArenaPlan plan = planOrFail(buffers);
  CHECK(plan.placements[0].offset == 0);
  CHECK(plan.placements[1].offset == 0);
  CHECK(plan.totalSize() == 64);
  for (const std::string &name : placementAlgorithms())
    CHECK(planWith(name, buffers, 1).totalSize() == 64);
}

TEST_CASE("planner: conflicting buffers do not overlap", "[planner]") {
  // Intervals are inclusive: [0, 2] and [2, 4] meet at op 2.
  std::vector<BufferRequest> buffers = {buffer("a", 64, 0, 2),
                                        buffer("b", 32, 2, 4)};
  ArenaPlan plan = planOrFail(buffers);
  CHECK(plan.totalSize() == 96);
  // Greedy by size: the larger buffer goes first, at 0.
  CHECK(plan.placements[0].offset == 0);
  CHECK(plan.placements[1].offset == 64);
  CHECK(lowerBound(buffers) == 96);
}

TEST_CASE("planner: alignment", "[planner]") {
  // The 64-aligned buffer cannot start at 10 or 16: it goes to 64.
  std::vector<BufferRequest> buffers = {buffer("a", 10, 0, 1),
                                        buffer("b", 8, 0, 1, 64)};
  for (const std::string &name : placementAlgorithms()) {
    ArenaPlan plan = planWith(name, buffers, 1);
    CHECK(checkPlan(buffers, kArena, plan) == "");
    CHECK(plan.placements[1].offset % 64 == 0);
  }
  // The bank's alignment applies to every buffer, and rounds the bank size.
  std::vector<MemoryBank> banks = {bank("arena", std::nullopt, 32)};
  std::vector<BufferRequest> three = {
      buffer("a", 10, 0, 1), buffer("b", 9, 0, 1), buffer("c", 8, 0, 1, 64)};
  ArenaPlan plan = planOrFail(three, banks);
  for (const Placement &p : plan.placements)
    CHECK(p.offset % 32 == 0);
  CHECK(plan.placements[2].offset % 64 == 0);
  CHECK(plan.bankSizes[0] % 32 == 0);
  CHECK(plan.totalSize() == 96);
}

TEST_CASE("planner: best fit reuses a gap", "[planner]") {
  //   a 100 bytes, ops 0-1
  //   b  30 bytes, ops 0-3
  //   c  40 bytes, ops 0-1
  //   d  20 bytes, ops 2-3
  // Greedy by size: a at 0, c at 100, b at 140 (above a and c); d conflicts
  // with b only and reuses the gap [0, 140) that a and c leave: offset 0.
  std::vector<BufferRequest> buffers = {
      buffer("a", 100, 0, 1), buffer("b", 30, 0, 3), buffer("c", 40, 0, 1),
      buffer("d", 20, 2, 3)};
  ArenaPlan plan = planWith("greedy-by-size", buffers, 1);
  REQUIRE(checkPlan(buffers, kArena, plan) == "");
  CHECK(plan.placements[0].offset == 0);
  CHECK(plan.placements[2].offset == 100);
  CHECK(plan.placements[1].offset == 140);
  CHECK(plan.placements[3].offset == 0);
  CHECK(plan.totalSize() == 170);
  CHECK(lowerBound(buffers) == 170);
}

TEST_CASE("planner: best fit picks the smaller of two gaps", "[planner]") {
  // Sizes make the greedy-by-size order a, b, c, d, e, x:
  //   a 50 [0, 9] at 0
  //   b 40 [0, 0] at 50
  //   c 30 [0, 9] at 90
  //   d 20 [0, 0] at 120
  //   e 18 [0, 9] at 140
  // x (16 bytes, ops 1-9) conflicts with a, c, e only: the gaps are
  // [50, 90) (40 bytes) and [120, 140) (20 bytes); best fit takes 120.
  std::vector<BufferRequest> buffers = {
      buffer("a", 50, 0, 9), buffer("b", 40, 0, 0), buffer("c", 30, 0, 9),
      buffer("d", 20, 0, 0), buffer("e", 18, 0, 9), buffer("x", 16, 1, 9)};
  ArenaPlan plan = planWith("greedy-by-size", buffers, 1);
  REQUIRE(checkPlan(buffers, kArena, plan) == "");
  CHECK(plan.placements[0].offset == 0);
  CHECK(plan.placements[1].offset == 50);
  CHECK(plan.placements[2].offset == 90);
  CHECK(plan.placements[3].offset == 120);
  CHECK(plan.placements[4].offset == 140);
  CHECK(plan.placements[5].offset == 120);
  CHECK(plan.totalSize() == 158);
}

TEST_CASE("planner: lower bound and total bytes", "[planner]") {
  // Live bytes: op 0: 10+20 = 30; op 1: 10+20+5 = 35; op 2: 20+5+40 = 65;
  // op 3: 40; op 4: 0; op 5: 7.
  std::vector<BufferRequest> buffers = {
      buffer("a", 10, 0, 1), buffer("b", 20, 0, 2), buffer("c", 5, 1, 2),
      buffer("d", 40, 2, 3), buffer("e", 7, 5, 5)};
  CHECK(lowerBound(buffers) == 65);
  CHECK(totalBytes(buffers) == 82);
  // Sparse op indices, and padding does not count.
  std::vector<BufferRequest> sparse = {buffer("x", 3, 100, 1000, 64),
                                       buffer("y", 5, 1000, 5000, 64),
                                       buffer("z", 11, 5001, 5001)};
  CHECK(lowerBound(sparse) == 11);
  CHECK(totalBytes(sparse) == 19);
  ArenaPlan plan = planOrFail(sparse);
  CHECK(plan.totalSize() == 67); // z and y at 0, x at 64
}

TEST_CASE("planner: banks", "[planner]") {
  std::vector<BufferRequest> buffers = {
      buffer("a", 100, 0, 1), buffer("b", 60, 1, 2), buffer("c", 30, 2, 3)};
  // Peak: op 1 (160) and op 2 (90).
  REQUIRE(lowerBound(buffers) == 160);

  SECTION("everything fits in the fast bank") {
    std::vector<MemoryBank> banks = {bank("sram", 160),
                                     bank("dram", std::nullopt)};
    ArenaPlan plan = planOrFail(buffers, banks);
    for (const Placement &p : plan.placements)
      CHECK(p.bank == 0);
    CHECK(plan.bankSizes == std::vector<int64_t>{160, 0});
  }

  SECTION("the largest buffer fills the fast bank, the rest spills") {
    std::vector<MemoryBank> banks = {bank("sram", 128),
                                     bank("dram", std::nullopt, 16)};
    ArenaPlan plan = planOrFail(buffers, banks);
    // a (100) in sram at 0; b conflicts with a and does not fit above it:
    // dram at 0. c conflicts with b only: sram at 0.
    CHECK(plan.placements[0].bank == 0);
    CHECK(plan.placements[1].bank == 1);
    CHECK(plan.placements[2].bank == 0);
    CHECK(plan.bankSizes == std::vector<int64_t>{100, 64});
  }

  SECTION("too small: the exact shortfall") {
    std::vector<MemoryBank> banks = {bank("sram", 128), bank("dram", 50)};
    // Every order puts a (100) in sram; b (60) fits in neither; with dram
    // unbounded it goes to dram at 0 and ends at 60: 10 bytes short.
    PlanResult result = planArena(buffers, banks);
    CHECK(!result.plan);
    CHECK(result.shortfall == 10);
    CHECK(result.error == "the model needs 10 more bytes than the memory banks "
                          "hold (sram: 128 bytes, dram: 50 bytes)");
    // The shortfall is exact: 10 more bytes are enough, 9 are not.
    CHECK(planArena(buffers, {bank("sram", 128), bank("dram", 60)}).plan);
    CHECK(!planArena(buffers, {bank("sram", 128), bank("dram", 59)}).plan);
  }

  SECTION("one bounded bank") {
    PlanResult result = planArena(buffers, {bank("sram", -1)});
    CHECK(!result.plan);
    CHECK(contains(result.error, "negative capacity"));
    result = planArena(buffers, {bank("sram", 150)});
    CHECK(!result.plan);
    CHECK(result.shortfall == 10);
    CHECK(result.error == "the model needs 10 more bytes than the memory banks "
                          "hold (sram: 150 bytes)");
    std::vector<BufferRequest> big = {buffer("x", 1000000, 0, 0)};
    result = planArena(big, {bank("sram", 524288)});
    CHECK(result.shortfall == 475712);
    CHECK(result.error == "the model needs 475,712 more bytes than the memory "
                          "banks hold (sram: 524,288 bytes)");
  }
}

TEST_CASE("planner: bank sizes stay inside the capacities", "[planner]") {
  // 100 bytes in a 100-byte bank aligned to 16 would make the bank 112 bytes.
  std::vector<BufferRequest> buffers = {buffer("a", 100, 0, 0)};
  std::vector<MemoryBank> banks = {bank("sram", 100, 16),
                                   bank("dram", std::nullopt, 16)};
  ArenaPlan plan = planOrFail(buffers, banks);
  CHECK(plan.placements[0].bank == 1);
  CHECK(plan.bankSizes == std::vector<int64_t>{0, 112});
  PlanResult result = planArena(buffers, {bank("sram", 100, 16)});
  CHECK(!result.plan);
  CHECK(result.shortfall == 12);
  CHECK(planArena(buffers, {bank("sram", 112, 16)}).plan);
}

TEST_CASE("planner: zero-size buffers take no room", "[planner]") {
  std::vector<BufferRequest> buffers = {buffer("a", 64, 0, 3),
                                        buffer("empty", 0, 1, 2, 16)};
  ArenaPlan plan = planOrFail(buffers, {bank("sram", 64, 16)});
  CHECK(plan.placements[1].offset == 0);
  CHECK(plan.bankSizes == std::vector<int64_t>{64});
}

TEST_CASE("planner: invalid requests are reported", "[planner]") {
  CHECK(contains(planArena({buffer("a", 8, 0, 0, 3)}, kArena).error,
                 "'a' (#0) has an alignment (3)"));
  CHECK(contains(planArena({buffer("a", 8, 2, 1)}, kArena).error,
                 "ends before it starts"));
  CHECK(contains(planArena({buffer("a", -8, 0, 1)}, kArena).error,
                 "negative size"));
  CHECK(
      contains(planArena({buffer("a", 8, 0, 1)}, {}).error, "no memory bank"));
  CHECK(contains(planArena({}, {bank("b", std::nullopt, 12)}).error,
                 "alignment (12)"));
}

TEST_CASE("planner: the checker finds bad plans", "[planner]") {
  std::vector<BufferRequest> buffers = {buffer("a", 64, 0, 2, 16),
                                        buffer("b", 32, 1, 3, 16),
                                        buffer("c", 32, 3, 4, 16)};
  std::vector<MemoryBank> banks = {bank("sram", 128, 16),
                                   bank("dram", std::nullopt, 16)};
  ArenaPlan good;
  good.placements = {{0, 0}, {0, 64}, {0, 0}};
  good.bankSizes = {96, 0};
  REQUIRE(checkPlan(buffers, banks, good) == "");

  ArenaPlan overlap = good;
  overlap.placements[1].offset = 48;
  CHECK(checkPlan(buffers, banks, overlap) ==
        "buffer 'a' (#0) at [0, 64) and buffer 'b' (#1) at [48, 80) overlap "
        "in bank 'sram' while both are live at op 1");
  // The same offsets in different banks do not overlap.
  overlap.placements[1] = {1, 48};
  overlap.bankSizes = {64, 80};
  CHECK(checkPlan(buffers, banks, overlap) == "");

  ArenaPlan misaligned = good;
  misaligned.placements[1].offset = 72;
  misaligned.bankSizes[0] = 104;
  CHECK(checkPlan(buffers, banks, misaligned) ==
        "buffer 'b' (#1) at offset 72 of bank 'sram' is not aligned to 16 "
        "bytes");

  ArenaPlan overflow = good;
  overflow.placements[1].offset = 112;
  overflow.bankSizes[0] = 144;
  CHECK(checkPlan(buffers, banks, overflow) ==
        "buffer 'b' (#1) at offset 112 of bank 'sram' ends at 144, past the "
        "bank's capacity of 128 bytes");

  ArenaPlan oversized = good;
  oversized.bankSizes[0] = 144;
  CHECK(checkPlan(buffers, banks, oversized) ==
        "bank 'sram' is 144 bytes, past its capacity of 128");

  ArenaPlan undersized = good;
  undersized.bankSizes[0] = 80;
  CHECK(contains(checkPlan(buffers, banks, undersized),
                 "past the bank's size of 80 bytes"));

  ArenaPlan noBank = good;
  noBank.placements[2].bank = 2;
  CHECK(contains(checkPlan(buffers, banks, noBank), "'c' (#2)"));
  CHECK(contains(checkPlan(buffers, banks, noBank), "does not exist"));

  ArenaPlan negative = good;
  negative.placements[2].offset = -16;
  CHECK(contains(checkPlan(buffers, banks, negative), "negative offset"));

  ArenaPlan missing = good;
  missing.placements.pop_back();
  CHECK(contains(checkPlan(buffers, banks, missing), "places 2 buffers"));
}

//===----------------------------------------------------------------------===//
// Properties over random buffer sets
//===----------------------------------------------------------------------===//

namespace {

using Rng = std::mt19937;

int64_t uniform(Rng &rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

bool chance(Rng &rng, double p) {
  return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

const int64_t kAligns[] = {1, 2, 4, 8, 16, 64, 128};

int64_t randomAlign(Rng &rng, int maxIndex = 6) {
  return kAligns[uniform(rng, 0, maxIndex)];
}

/// Uniformly random intervals, sizes and alignments.
std::vector<BufferRequest> uniformBuffers(Rng &rng) {
  int64_t n = uniform(rng, 1, 80);
  int64_t ops = uniform(rng, 1, 100);
  std::vector<BufferRequest> buffers;
  for (int64_t i = 0; i < n; ++i) {
    int64_t first = uniform(rng, 0, ops - 1);
    int64_t last = std::min(ops - 1, first + uniform(rng, 0, ops / 2));
    buffers.push_back(buffer("u" + std::to_string(i), uniform(rng, 1, 10000),
                             first, last, randomAlign(rng)));
  }
  return buffers;
}

/// A network: op i writes one output (a feature map, mostly read by the
/// next 1-3 ops), now and then a long skip connection, a scratch buffer or a
/// large buffer; feature maps halve in size and double in channels stage by
/// stage.
std::vector<BufferRequest> dnnBuffers(Rng &rng) {
  int64_t ops = uniform(rng, 10, 200);
  int64_t channels = 8 << uniform(rng, 0, 3);
  int64_t side = 8 << uniform(rng, 0, 3);
  int64_t stageEnd = uniform(rng, 3, 30);
  std::vector<BufferRequest> buffers;
  for (int64_t op = 0; op < ops; ++op) {
    if (op == stageEnd) {
      stageEnd += uniform(rng, 3, 30);
      if (side > 2)
        side /= 2;
      channels *= 2;
    }
    int64_t width = channels;
    if (chance(rng, 0.2))
      width *= uniform(rng, 2, 6); // expansion layer
    int64_t size = 4 * width * side * side;
    if (chance(rng, 0.02))
      size *= uniform(rng, 4, 8); // a large buffer (im2col, attention)
    int64_t last = op + uniform(rng, 1, 3);
    if (chance(rng, 0.08))
      last = op + uniform(rng, 5, 40); // skip connection
    last = std::min(last, ops - 1);
    buffers.push_back(
        buffer("t" + std::to_string(op), size, op, std::max(op, last), 16));
    if (chance(rng, 0.1))
      buffers.push_back(buffer("scratch" + std::to_string(op),
                               uniform(rng, 1, 64) * 64, op, op, 64));
  }
  return buffers;
}

/// Hundreds of tiny buffers with short lifetimes.
std::vector<BufferRequest> tinyBuffers(Rng &rng) {
  int64_t n = uniform(rng, 100, 300);
  int64_t ops = std::max<int64_t>(1, n / 4);
  std::vector<BufferRequest> buffers;
  for (int64_t i = 0; i < n; ++i) {
    int64_t first = uniform(rng, 0, ops - 1);
    int64_t last = std::min(ops - 1, first + uniform(rng, 0, 4));
    buffers.push_back(buffer("s" + std::to_string(i), uniform(rng, 1, 64),
                             first, last, randomAlign(rng, 3)));
  }
  return buffers;
}

/// 1-3 banks with capacities around the lower bound; the last one bounded
/// now and then.
std::vector<MemoryBank> randomBanks(Rng &rng, int64_t bound) {
  static const char *names[] = {"tcm", "sram", "dram"};
  int64_t count = uniform(rng, 1, 3);
  std::vector<MemoryBank> banks;
  for (int64_t k = 0; k < count; ++k) {
    bool last = k + 1 == count;
    std::optional<int64_t> capacity;
    if (!last || chance(rng, 0.4))
      capacity = bound * uniform(rng, 5, 130) / 100;
    banks.push_back(
        bank(names[3 - count + k], capacity, kAligns[uniform(rng, 0, 5)]));
  }
  return banks;
}

struct RatioStats {
  int count = 0;
  int tight = 0; // ratio <= 1.02
  double sum = 0, max = 0;
  double greedySum = 0, greedyMax = 0;
  int greedyTight = 0;
  // The plans in random banks.
  int fitFast = 0, spilled = 0, failed = 0;

  void add(double ratio, double greedy) {
    ++count;
    sum += ratio;
    max = std::max(max, ratio);
    tight += ratio <= 1.02;
    greedySum += greedy;
    greedyMax = std::max(greedyMax, greedy);
    greedyTight += greedy <= 1.02;
  }

  void report(const char *shape) const {
    char line[512];
    std::snprintf(line, sizeof line,
                  "%s: %d buffer sets, arena / lower bound: mean %.4f, max "
                  "%.4f, <= 1.02 in %.1f%% (best greedy order alone: mean "
                  "%.4f, max %.4f, <= 1.02 in %.1f%%)",
                  shape, count, sum / count, max, 100.0 * tight / count,
                  greedySum / count, greedyMax, 100.0 * greedyTight / count);
    std::string text = line;
    std::snprintf(line, sizeof line,
                  "; random banks: %d in the fastest bank, %d spilled to "
                  "slower banks, %d did not fit",
                  fitFast, spilled, failed);
    WARN(text + line);
  }
};

bool samePlacements(const ArenaPlan &a, const ArenaPlan &b) {
  if (a.placements.size() != b.placements.size() || a.bankSizes != b.bankSizes)
    return false;
  for (size_t i = 0; i < a.placements.size(); ++i)
    if (a.placements[i].bank != b.placements[i].bank ||
        a.placements[i].offset != b.placements[i].offset)
      return false;
  return true;
}

/// Plans `buffers` in one arena with every algorithm and in random banks,
/// and checks every plan; adds the arena / lower bound ratios to `stats`.
/// `thorough` adds the checks that plan the same thing twice.
void checkEverything(const std::vector<BufferRequest> &buffers, Rng &rng,
                     RatioStats &stats, bool thorough) {
  INFO("buffers: " << buffers.size());
  int64_t bound = lowerBound(buffers);
  REQUIRE(bound <= totalBytes(buffers));
  // The lower bound, op by op.
  int64_t begin = buffers.front().first, end = buffers.front().last;
  for (const BufferRequest &b : buffers) {
    begin = std::min(begin, b.first);
    end = std::max(end, b.last);
  }
  int64_t most = 0;
  for (int64_t op = begin; op <= end; ++op) {
    int64_t live = 0;
    for (const BufferRequest &b : buffers)
      if (b.first <= op && op <= b.last)
        live += b.size;
    most = std::max(most, live);
  }
  REQUIRE(bound == most);

  // One unbounded bank: the default arena. Its alignment is 1 so that the
  // ratios measure the placement rather than the padding (the buffers keep
  // their own alignments).
  std::vector<MemoryBank> arena = {bank("arena", std::nullopt, 1)};
  PlanResult single = planArena(buffers, arena);
  REQUIRE(single.plan);
  REQUIRE(checkPlan(buffers, arena, *single.plan) == "");
  CHECK(single.plan->totalSize() >= bound);
  int64_t greedy = -1;
  for (const std::string &name : placementAlgorithms()) {
    if (name == "reorder-search" && !thorough)
      continue;
    INFO(name);
    ArenaPlan plan = planWith(name, buffers, 1);
    REQUIRE(checkPlan(buffers, arena, plan) == "");
    CHECK(plan.algorithm == name);
    CHECK(plan.totalSize() >= bound);
    if (name == "reorder-search")
      CHECK(plan.totalSize() == single.plan->totalSize());
    else if (greedy < 0 || plan.totalSize() < greedy)
      greedy = plan.totalSize();
  }
  CHECK(single.plan->totalSize() <= greedy);
  stats.add(double(single.plan->totalSize()) / double(bound),
            double(greedy) / double(bound));

  // Random banks.
  std::vector<MemoryBank> banks = randomBanks(rng, bound);
  PlanResult result = planArena(buffers, banks);
  if (result.plan) {
    REQUIRE(checkPlan(buffers, banks, *result.plan) == "");
    bool fast = true;
    for (const Placement &p : result.plan->placements)
      fast = fast && p.bank == 0;
    ++(fast ? stats.fitFast : stats.spilled);
    if (thorough) {
      PlanResult again = planArena(buffers, banks);
      REQUIRE(again.plan);
      CHECK(samePlacements(*again.plan, *result.plan));
    }
    return;
  }
  ++stats.failed;
  INFO(result.error);
  REQUIRE(banks.back().capacity);
  REQUIRE(result.shortfall > 0);
  CHECK(contains(result.error, "more bytes than the memory banks hold"));
  // Exact: the last bank grown by the shortfall holds the model, one byte
  // less does not.
  std::vector<MemoryBank> grown = banks;
  *grown.back().capacity += result.shortfall;
  PlanResult fits = planArena(buffers, grown);
  REQUIRE(fits.plan);
  CHECK(checkPlan(buffers, grown, *fits.plan) == "");
  if (thorough) {
    *grown.back().capacity -= 1;
    CHECK(!planArena(buffers, grown).plan);
  }
}

} // namespace

TEST_CASE("planner: uniformly random buffers", "[planner]") {
  Rng rng(1);
  RatioStats stats;
  for (int i = 0; i < 1000; ++i)
    checkEverything(uniformBuffers(rng), rng, stats, i % 8 == 0);
  stats.report("uniform");
}

TEST_CASE("planner: network-like chains", "[planner]") {
  Rng rng(2);
  RatioStats stats;
  for (int i = 0; i < 1000; ++i)
    checkEverything(dnnBuffers(rng), rng, stats, i % 8 == 0);
  stats.report("network chains");
}

TEST_CASE("planner: many tiny buffers", "[planner]") {
  Rng rng(3);
  RatioStats stats;
  for (int i = 0; i < 200; ++i)
    checkEverything(tinyBuffers(rng), rng, stats, i % 8 == 0);
  stats.report("tiny buffers");
}
