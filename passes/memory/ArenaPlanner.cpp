//===- ArenaPlanner.cpp - static placement of buffers in memory banks -----===//
//
// Greedy placement in the manner of TFLite's arena planner and of Pisarchyk
// and Lee, "Efficient Memory Management for Deep Neural Net Inference"
// (2020): the buffers are taken one at a time in some order, and each goes
// into the smallest free gap (in offset space) left by the buffers already
// placed whose lifetimes intersect its own. Three orders (by size, by the
// bytes live around the buffer, by lifetime) are tried, then a local search
// over the order ("reorder-search") moves the buffers that end at the top of
// the arena earlier, keeping moves that do not make the plan worse. The
// smallest plan is kept. On network-like schedules this usually reaches the
// lower bound (the most bytes live at once).
//
// Banks: a buffer goes into the fastest bank with room inside the capacity
// (the bank's size, rounded up to its alignment, included). To measure how far
// a model is from fitting, the last bank's capacity is lifted while planning;
// a plan that stays inside it is the plan that the bounded bank gives (the
// best fit never picks a gap that ends past the end of the highest buffer),
// and one that does not tells exactly how many bytes the last bank lacks for
// that order. Which orders the search tries never depends on that capacity,
// so the shortfall reported is exact: the last bank grown by it holds the
// model, and one byte less does not.
//
// checkPlan, at the end, shares no code with the placement.
//
//===----------------------------------------------------------------------===//
#include "passes/memory/ArenaPlanner.h"

#include <algorithm>
#include <cassert>
#include <limits>
#include <numeric>
#include <random>

namespace kiln {

namespace {

constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max();

bool isPowerOfTwo(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

/// `x` rounded up to a multiple of `align` (a power of two).
int64_t alignUp(int64_t x, int64_t align) {
  return (x + align - 1) & ~(align - 1);
}

/// 1234567 -> "1,234,567".
std::string withThousands(int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

//===----------------------------------------------------------------------===//
// Live bytes over the schedule
//===----------------------------------------------------------------------===//

/// The bytes live at every op where some buffer starts (the live total only
/// rises there, so its maxima are among these points).
struct LiveProfile {
  /// The distinct `first` values, increasing.
  std::vector<int64_t> starts;
  /// live[k]: the bytes of the buffers live at op starts[k].
  std::vector<int64_t> live;

  explicit LiveProfile(const std::vector<BufferRequest> &buffers) {
    for (const BufferRequest &b : buffers)
      starts.push_back(b.first);
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());
    // A buffer covers the starts in [lo, hi); difference array over them.
    std::vector<int64_t> diff(starts.size() + 1, 0);
    for (const BufferRequest &b : buffers) {
      auto [lo, hi] = range(b);
      diff[lo] += b.size;
      diff[hi] -= b.size;
    }
    live.resize(starts.size());
    int64_t running = 0;
    for (size_t k = 0; k < starts.size(); ++k)
      live[k] = running += diff[k];
  }

  /// The indices into `starts` of the ops inside [b.first, b.last].
  std::pair<size_t, size_t> range(const BufferRequest &b) const {
    size_t lo = std::lower_bound(starts.begin(), starts.end(), b.first) -
                starts.begin();
    size_t hi =
        std::upper_bound(starts.begin(), starts.end(), b.last) - starts.begin();
    return {lo, hi};
  }

  int64_t peak() const {
    return live.empty() ? 0 : *std::max_element(live.begin(), live.end());
  }

  /// The most bytes live at any op of `b`'s interval.
  int64_t breadth(const BufferRequest &b) const {
    auto [lo, hi] = range(b);
    int64_t most = 0;
    for (size_t k = lo; k < hi; ++k)
      most = std::max(most, live[k]);
    return most;
  }
};

//===----------------------------------------------------------------------===//
// Conflicts
//===----------------------------------------------------------------------===//

/// For every buffer, the other buffers live at some op of its interval, so
/// that a placement looks at its few neighbours rather than at every buffer
/// placed before it. Not built (`built` false) when there are too many pairs
/// to keep; the placement then examines every buffer placed so far.
struct ConflictGraph {
  bool built = false;
  /// The neighbours of buffer i are adjacent[begin[i] .. begin[i + 1]).
  std::vector<size_t> begin;
  std::vector<uint32_t> adjacent;
  /// The number of (ordered) neighbour pairs, built or not.
  int64_t entries = 0;

  /// 4M entries: 16 MiB.
  static constexpr int64_t kMaxEntries = int64_t(1) << 22;

  explicit ConflictGraph(const std::vector<BufferRequest> &buffers) {
    size_t n = buffers.size();
    // Two intervals intersect when one starts inside the other: walking the
    // buffers by start, each meets the later-starting buffers that start
    // before it ends.
    std::vector<size_t> byFirst(n);
    std::iota(byFirst.begin(), byFirst.end(), 0);
    std::sort(byFirst.begin(), byFirst.end(), [&](size_t x, size_t y) {
      return buffers[x].first != buffers[y].first
                 ? buffers[x].first < buffers[y].first
                 : x < y;
    });
    auto forEachPair = [&](auto &&visit) {
      for (size_t a = 0; a < n; ++a) {
        size_t i = byFirst[a];
        for (size_t c = a + 1;
             c < n && buffers[byFirst[c]].first <= buffers[i].last; ++c)
          visit(i, byFirst[c]);
      }
    };
    std::vector<size_t> degree(n, 0);
    forEachPair([&](size_t i, size_t j) {
      ++degree[i];
      ++degree[j];
      entries += 2;
    });
    if (entries > kMaxEntries || n > std::numeric_limits<uint32_t>::max())
      return;
    begin.assign(n + 1, 0);
    for (size_t i = 0; i < n; ++i)
      begin[i + 1] = begin[i] + degree[i];
    adjacent.resize(entries);
    std::vector<size_t> fill(begin.begin(), begin.end() - 1);
    forEachPair([&](size_t i, size_t j) {
      adjacent[fill[i]++] = static_cast<uint32_t>(j);
      adjacent[fill[j]++] = static_cast<uint32_t>(i);
    });
    built = true;
  }
};

//===----------------------------------------------------------------------===//
// Placement
//===----------------------------------------------------------------------===//

/// A bank as the placement sees it.
struct BankSpec {
  /// For every bank but the last, rounded down to the alignment, so that the
  /// bank's size (its highest end rounded up) stays inside the capacity too.
  int64_t capacity = kUnbounded;
  int64_t align = 1;
};

/// The outcome of placing every buffer in one order. The last bank's
/// capacity is not enforced; `overflow` says by how much its size (the
/// highest end rounded up to its alignment) exceeds it.
struct Placed {
  std::vector<Placement> placements;
  /// The end of the highest buffer in each bank.
  std::vector<int64_t> ends;
  int64_t overflow = 0;
};

/// Places buffers one at a time, each at the best fit in the fastest bank
/// with room.
class Placer {
public:
  Placer(const std::vector<BufferRequest> &buffers,
         const std::vector<BankSpec> &banks)
      : buffers(buffers), banks(banks), conflicts(buffers) {
    assert(!banks.empty());
  }

  /// Places the buffers in `order` (a permutation of their indices).
  Placed run(const std::vector<size_t> &order) {
    size_t n = buffers.size();
    bank.assign(n, kUnplaced);
    offset.assign(n, 0);
    placedSoFar.clear();
    Placed result;
    result.placements.resize(n);
    result.ends.assign(banks.size(), 0);
    for (size_t i : order) {
      const BufferRequest &b = buffers[i];
      if (b.size == 0) {
        // Occupies no bytes, so overlaps nothing.
        result.placements[i] = {0, 0};
        continue;
      }
      for (size_t k = 0; k < banks.size(); ++k) {
        bool last = k + 1 == banks.size();
        int64_t align = std::max(b.align, banks[k].align);
        std::optional<int64_t> at =
            bestFit(i, k, align, last ? kUnbounded : banks[k].capacity);
        if (!at)
          continue;
        bank[i] = static_cast<int>(k);
        offset[i] = *at;
        placedSoFar.push_back(i);
        result.placements[i] = {static_cast<int>(k), *at};
        result.ends[k] = std::max(result.ends[k], *at + b.size);
        break;
      }
    }
    const BankSpec &last = banks.back();
    if (last.capacity != kUnbounded)
      result.overflow = std::max<int64_t>(
          0, alignUp(result.ends.back(), last.align) - last.capacity);
    return result;
  }

  /// Roughly the steps one run takes, to budget the search: sorting the
  /// neighbours of every buffer, and without the graph, scanning every
  /// buffer placed before it.
  int64_t workPerRun() const {
    int64_t n = static_cast<int64_t>(buffers.size());
    int64_t log2Degree = 1;
    for (int64_t degree = conflicts.entries / std::max<int64_t>(n, 1);
         degree > 0; degree /= 2)
      ++log2Degree;
    int64_t work = conflicts.entries * log2Degree + n;
    if (!conflicts.built)
      work += n * (n - 1) / 2;
    return work * static_cast<int64_t>(banks.size()) + 1;
  }

private:
  static constexpr int kUnplaced = -1;

  /// The best-fit offset for buffer `i` in bank `k` at alignment `align`:
  /// the smallest gap between the buffers already in the bank that live
  /// with it that holds it (the lowest such gap on ties), else just above
  /// the highest of them; std::nullopt when that passes `capacity`.
  std::optional<int64_t> bestFit(size_t i, size_t k, int64_t align,
                                 int64_t capacity) {
    const BufferRequest &b = buffers[i];
    taken.clear();
    auto consider = [&](size_t j) {
      if (bank[j] == static_cast<int>(k))
        taken.push_back({offset[j], offset[j] + buffers[j].size});
    };
    if (conflicts.built) {
      for (size_t e = conflicts.begin[i]; e < conflicts.begin[i + 1]; ++e)
        consider(conflicts.adjacent[e]);
    } else {
      for (size_t j : placedSoFar)
        if (buffers[j].first <= b.last && b.first <= buffers[j].last)
          consider(j);
    }
    std::sort(taken.begin(), taken.end());

    // `cursor` is the end of the taken ranges below the current gap.
    int64_t cursor = 0;
    std::optional<int64_t> best;
    int64_t bestGap = kUnbounded;
    for (auto [start, end] : taken) {
      if (start > cursor) {
        int64_t at = alignUp(cursor, align);
        int64_t gap = start - cursor;
        if (at <= start && b.size <= start - at && gap < bestGap) {
          best = at;
          bestGap = gap;
        }
      }
      cursor = std::max(cursor, end);
    }
    if (best)
      return best;
    int64_t at = alignUp(cursor, align);
    if (at > capacity || b.size > capacity - at)
      return std::nullopt;
    return at;
  }

  const std::vector<BufferRequest> &buffers;
  const std::vector<BankSpec> &banks;
  ConflictGraph conflicts;
  // The state of the current run.
  std::vector<int> bank;
  std::vector<int64_t> offset;
  std::vector<size_t> placedSoFar;
  std::vector<std::pair<int64_t, int64_t>> taken;
};

//===----------------------------------------------------------------------===//
// Orders
//===----------------------------------------------------------------------===//

using OrderFn = std::vector<size_t> (*)(const std::vector<BufferRequest> &);

int64_t lifetime(const BufferRequest &b) { return b.last - b.first; }

/// The buffer indices sorted by `less`, ties by index.
template <typename Less>
std::vector<size_t> sortedIndices(size_t n, Less less) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (less(x, y))
      return true;
    if (less(y, x))
      return false;
    return x < y;
  });
  return order;
}

std::vector<size_t> bySize(const std::vector<BufferRequest> &buffers) {
  return sortedIndices(buffers.size(), [&](size_t x, size_t y) {
    const BufferRequest &a = buffers[x], &b = buffers[y];
    if (a.size != b.size)
      return a.size > b.size;
    return lifetime(a) > lifetime(b);
  });
}

std::vector<size_t> byBreadth(const std::vector<BufferRequest> &buffers) {
  LiveProfile profile(buffers);
  std::vector<int64_t> breadth;
  for (const BufferRequest &b : buffers)
    breadth.push_back(profile.breadth(b));
  return sortedIndices(buffers.size(), [&](size_t x, size_t y) {
    const BufferRequest &a = buffers[x], &b = buffers[y];
    if (breadth[x] != breadth[y])
      return breadth[x] > breadth[y];
    if (a.size != b.size)
      return a.size > b.size;
    return lifetime(a) > lifetime(b);
  });
}

std::vector<size_t> byLifetime(const std::vector<BufferRequest> &buffers) {
  return sortedIndices(buffers.size(), [&](size_t x, size_t y) {
    const BufferRequest &a = buffers[x], &b = buffers[y];
    if (lifetime(a) != lifetime(b))
      return lifetime(a) > lifetime(b);
    return a.size > b.size;
  });
}

struct GreedyOrder {
  const char *name;
  OrderFn order;
};

/// Largest area (size times lifetime) first: the buffers that are hardest to
/// fit around.
std::vector<size_t> byArea(const std::vector<BufferRequest> &buffers) {
  // In floating point, which cannot overflow (and rounds the same way
  // everywhere); ties go to the larger buffer.
  auto area = [](const BufferRequest &b) {
    return static_cast<double>(b.size) * static_cast<double>(lifetime(b) + 1);
  };
  return sortedIndices(buffers.size(), [&](size_t x, size_t y) {
    const BufferRequest &a = buffers[x], &b = buffers[y];
    if (area(a) != area(b))
      return area(a) > area(b);
    return a.size > b.size;
  });
}

const GreedyOrder kGreedyOrders[] = {
    {"greedy-by-size", bySize},
    {"greedy-by-breadth", byBreadth},
    {"greedy-by-lifetime", byLifetime},
    {"greedy-by-area", byArea},
};

/// The local search over the greedy orders.
constexpr const char *kReorderSearch = "reorder-search";

//===----------------------------------------------------------------------===//
// Choosing a plan
//===----------------------------------------------------------------------===//

/// Runs the algorithms and keeps the best plan that fits, or the smallest
/// overflow when none does. Which plans it tries never depends on the last
/// bank's capacity, only on whether it has one; so growing the last bank by
/// the shortfall makes the same run fit, and one byte less does not.
class Chooser {
public:
  Chooser(const std::vector<BufferRequest> &buffers,
          const std::vector<BankSpec> &banks)
      : buffers(buffers), banks(banks), placer(buffers, banks),
        bound(lowerBound(buffers)) {}

  /// Plans with each of the `greedy` orders, then, when `search`, searches
  /// from them.
  void plan(const std::vector<const GreedyOrder *> &greedy, bool search) {
    std::vector<std::pair<std::vector<size_t>, Placed>> starts;
    for (const GreedyOrder *g : greedy) {
      std::vector<size_t> order = g->order(buffers);
      Placed placed = placer.run(order);
      consider(placed, g->name);
      starts.emplace_back(std::move(order), std::move(placed));
    }
    if (search)
      reorderSearch(starts);
  }

  std::optional<ArenaPlan> best;
  int64_t shortfall = kUnbounded;

private:
  void consider(const Placed &placed, const char *algorithm) {
    optimal = optimal || atBound(placed);
    if (placed.overflow > 0) {
      shortfall = std::min(shortfall, placed.overflow);
      return;
    }
    ArenaPlan plan;
    plan.placements = placed.placements;
    plan.bankSizes = alignedSizes(placed);
    plan.algorithm = algorithm;
    if (!best || better(plan.bankSizes, best->bankSizes))
      best = std::move(plan);
  }

  std::vector<int64_t> alignedSizes(const Placed &placed) const {
    std::vector<int64_t> sizes;
    for (size_t k = 0; k < banks.size(); ++k)
      sizes.push_back(alignUp(placed.ends[k], banks[k].align));
    return sizes;
  }

  /// Smaller in total, then smaller in the slowest bank where they differ.
  static bool better(const std::vector<int64_t> &a,
                     const std::vector<int64_t> &b) {
    int64_t totalA = std::accumulate(a.begin(), a.end(), int64_t(0));
    int64_t totalB = std::accumulate(b.begin(), b.end(), int64_t(0));
    if (totalA != totalB)
      return totalA < totalB;
    for (size_t k = a.size(); k-- > 0;)
      if (a[k] != b[k])
        return a[k] < b[k];
    return false;
  }

  /// While searching: with a bounded last bank, fitting comes first, so a
  /// lower end in the last bank; then as `better`.
  bool searchBetter(const Placed &a, const Placed &b) const {
    if (lastBounded() && a.ends.back() != b.ends.back())
      return a.ends.back() < b.ends.back();
    return better(alignedSizes(a), alignedSizes(b));
  }

  bool lastBounded() const { return banks.back().capacity != kUnbounded; }

  /// No plan can do better than this (whatever the last bank's capacity):
  /// its banks hold every op's live buffers and no more.
  bool atBound(const Placed &placed) const {
    int64_t sum =
        std::accumulate(placed.ends.begin(), placed.ends.end(), int64_t(0));
    // With a bounded last bank the search minimizes that bank first, which
    // only a single bank or an empty last bank settles.
    return sum <= bound &&
           (!lastBounded() || banks.size() == 1 || placed.ends.back() == 0);
  }

  /// The buffers that reach the top of a bank: moving one of them earlier
  /// in the order is the move that may lower the bank.
  std::vector<size_t> topBuffers(const Placed &placed) const {
    bool lastOnly = lastBounded() && placed.ends.back() > 0;
    std::vector<size_t> tops;
    for (size_t i = 0; i < buffers.size(); ++i) {
      const Placement &p = placed.placements[i];
      if (buffers[i].size == 0 ||
          (lastOnly && static_cast<size_t>(p.bank) + 1 != banks.size()))
        continue;
      if (p.offset + buffers[i].size == placed.ends[p.bank])
        tops.push_back(i);
    }
    return tops;
  }

  /// From each greedy order: move a buffer at the top of a bank to a random
  /// earlier place in the order, and keep the new order when its plan is no
  /// worse (sideways moves let it cross plateaus). Every plan it meets is a
  /// candidate. The random numbers come from a fixed seed and the raw output
  /// of std::mt19937, which the standard pins down, so plans are the same
  /// everywhere.
  void
  reorderSearch(std::vector<std::pair<std::vector<size_t>, Placed>> &starts) {
    if (starts.empty() || buffers.size() < 2)
      return;
    int64_t budget = kSearchBudget / placer.workPerRun() /
                     static_cast<int64_t>(starts.size());
    int64_t steps = std::min<int64_t>(kStepsPerStart, budget);
    std::mt19937 rng(kSeed);
    for (auto &[order, current] : starts) {
      for (int64_t step = 0; step < steps; ++step) {
        if (optimal)
          return;
        std::vector<size_t> tops = topBuffers(current);
        if (tops.empty())
          break;
        size_t top = tops[rng() % tops.size()];
        std::vector<size_t> next = order;
        size_t from = std::find(next.begin(), next.end(), top) - next.begin();
        if (from == 0) {
          std::swap(next[rng() % next.size()], next[rng() % next.size()]);
        } else {
          size_t to = rng() % from;
          next.erase(next.begin() + from);
          next.insert(next.begin() + to, top);
        }
        Placed placed = placer.run(next);
        consider(placed, kReorderSearch);
        if (!searchBetter(current, placed)) {
          order = std::move(next);
          current = std::move(placed);
        }
      }
    }
  }

  static constexpr int64_t kStepsPerStart = 32;
  /// Steps of the placement (roughly) the search may take in all.
  static constexpr int64_t kSearchBudget = 300'000'000;
  static constexpr uint32_t kSeed = 0x4b494c4e; // "KILN"

  const std::vector<BufferRequest> &buffers;
  const std::vector<BankSpec> &banks;
  Placer placer;
  int64_t bound;
  /// Whether a plan met so far is at the lower bound.
  bool optimal = false;
};

/// A description of the first invalid request or bank, or "".
std::string validate(const std::vector<BufferRequest> &buffers,
                     const std::vector<MemoryBank> &banks) {
  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferRequest &b = buffers[i];
    std::string what = "buffer '" + b.name + "' (#" + std::to_string(i) + ")";
    if (b.size < 0)
      return what + " has a negative size";
    if (!isPowerOfTwo(b.align))
      return what + " has an alignment (" + std::to_string(b.align) +
             ") that is not a power of two";
    if (b.first > b.last)
      return what + " has a live interval that ends before it starts";
  }
  if (banks.empty() && !buffers.empty())
    return "there is no memory bank to place buffers in";
  for (const MemoryBank &bank : banks) {
    if (!isPowerOfTwo(bank.align))
      return "memory bank '" + bank.name + "' has an alignment (" +
             std::to_string(bank.align) + ") that is not a power of two";
    if (bank.capacity && *bank.capacity < 0)
      return "memory bank '" + bank.name + "' has a negative capacity";
  }
  return "";
}

std::vector<const GreedyOrder *> allGreedyOrders() {
  std::vector<const GreedyOrder *> all;
  for (const GreedyOrder &g : kGreedyOrders)
    all.push_back(&g);
  return all;
}

} // namespace

int64_t ArenaPlan::totalSize() const {
  int64_t total = 0;
  for (int64_t size : bankSizes)
    total += size;
  return total;
}

int64_t lowerBound(const std::vector<BufferRequest> &buffers) {
  return LiveProfile(buffers).peak();
}

int64_t alignedLowerBound(const std::vector<BufferRequest> &buffers, int64_t align) {
  std::vector<BufferRequest> rounded = buffers;
  for (BufferRequest &b : rounded)
    b.size = (b.size + align - 1) / align * align;
  return lowerBound(rounded);
}

int64_t totalBytes(const std::vector<BufferRequest> &buffers) {
  int64_t total = 0;
  for (const BufferRequest &b : buffers)
    total += b.size;
  return total;
}

std::vector<std::string> placementAlgorithms() {
  std::vector<std::string> names;
  for (const GreedyOrder &g : kGreedyOrders)
    names.push_back(g.name);
  names.push_back(kReorderSearch);
  return names;
}

ArenaPlan planWith(const std::string &algorithm,
                   const std::vector<BufferRequest> &buffers, int64_t align) {
  assert(isPowerOfTwo(align) && "bank alignment must be a power of two");
  std::vector<BankSpec> banks = {{kUnbounded, align}};
  Chooser chooser(buffers, banks);
  if (algorithm == kReorderSearch) {
    chooser.plan(allGreedyOrders(), /*search=*/true);
  } else {
    const GreedyOrder *found = nullptr;
    for (const GreedyOrder &g : kGreedyOrders)
      if (algorithm == g.name)
        found = &g;
    assert(found && "unknown placement algorithm");
    if (!found)
      return ArenaPlan{};
    chooser.plan({found}, /*search=*/false);
  }
  // One unbounded bank: every order fits.
  ArenaPlan plan = std::move(*chooser.best);
  plan.algorithm = algorithm;
  return plan;
}

PlanResult planArena(const std::vector<BufferRequest> &buffers,
                     const std::vector<MemoryBank> &banks) {
  PlanResult result;
  result.error = validate(buffers, banks);
  if (!result.error.empty())
    return result;
  if (banks.empty()) {
    result.plan = ArenaPlan{};
    result.plan->algorithm = kGreedyOrders[0].name;
    return result;
  }

  std::vector<BankSpec> specs;
  for (const MemoryBank &bank : banks) {
    int64_t capacity = bank.capacity.value_or(kUnbounded);
    if (bank.capacity && &bank != &banks.back())
      capacity &= ~(bank.align - 1);
    specs.push_back({capacity, bank.align});
  }
  Chooser chooser(buffers, specs);
  chooser.plan(allGreedyOrders(), /*search=*/true);
  if (chooser.best) {
    result.plan = std::move(chooser.best);
    return result;
  }

  result.shortfall = chooser.shortfall;
  result.error = "the model needs " + withThousands(chooser.shortfall) +
                 " more bytes than the memory banks hold (";
  for (size_t k = 0; k < banks.size(); ++k)
    result.error += (k ? ", " : "") + banks[k].name + ": " +
                    withThousands(*banks[k].capacity) + " bytes";
  result.error += ")";
  return result;
}

//===----------------------------------------------------------------------===//
// The checker
//===----------------------------------------------------------------------===//

std::string checkPlan(const std::vector<BufferRequest> &buffers,
                      const std::vector<MemoryBank> &banks,
                      const ArenaPlan &plan) {
  auto describe = [&](size_t i) {
    return "buffer '" + buffers[i].name + "' (#" + std::to_string(i) + ")";
  };
  if (plan.placements.size() != buffers.size())
    return "the plan places " + std::to_string(plan.placements.size()) +
           " buffers, not " + std::to_string(buffers.size());
  if (plan.bankSizes.size() != banks.size())
    return "the plan sizes " + std::to_string(plan.bankSizes.size()) +
           " banks, not " + std::to_string(banks.size());

  for (size_t i = 0; i < buffers.size(); ++i) {
    const BufferRequest &b = buffers[i];
    const Placement &p = plan.placements[i];
    if (p.bank < 0 || static_cast<size_t>(p.bank) >= banks.size())
      return describe(i) + " is placed in bank " + std::to_string(p.bank) +
             ", which does not exist";
    const MemoryBank &bank = banks[p.bank];
    std::string where = describe(i) + " at offset " + std::to_string(p.offset) +
                        " of bank '" + bank.name + "'";
    if (p.offset < 0)
      return where + " has a negative offset";
    int64_t align = std::max(b.align, bank.align);
    if (align > 0 && p.offset % align != 0)
      return where + " is not aligned to " + std::to_string(align) + " bytes";
    if (bank.capacity &&
        (p.offset > *bank.capacity || b.size > *bank.capacity - p.offset))
      return where + " ends at " + std::to_string(p.offset + b.size) +
             ", past the bank's capacity of " + std::to_string(*bank.capacity) +
             " bytes";
    if (p.offset + b.size > plan.bankSizes[p.bank])
      return where + " ends at " + std::to_string(p.offset + b.size) +
             ", past the bank's size of " +
             std::to_string(plan.bankSizes[p.bank]) + " bytes";
  }

  for (size_t k = 0; k < banks.size(); ++k)
    if (banks[k].capacity && plan.bankSizes[k] > *banks[k].capacity)
      return "bank '" + banks[k].name + "' is " +
             std::to_string(plan.bankSizes[k]) +
             " bytes, past its capacity of " +
             std::to_string(*banks[k].capacity);

  for (size_t i = 0; i < buffers.size(); ++i) {
    for (size_t j = i + 1; j < buffers.size(); ++j) {
      const BufferRequest &a = buffers[i], &b = buffers[j];
      const Placement &pa = plan.placements[i], &pb = plan.placements[j];
      if (pa.bank != pb.bank)
        continue;
      bool liveTogether = a.first <= b.last && b.first <= a.last;
      bool overlap =
          pa.offset < pb.offset + b.size && pb.offset < pa.offset + a.size;
      if (liveTogether && overlap)
        return describe(i) + " at [" + std::to_string(pa.offset) + ", " +
               std::to_string(pa.offset + a.size) + ") and " + describe(j) +
               " at [" + std::to_string(pb.offset) + ", " +
               std::to_string(pb.offset + b.size) + ") overlap in bank '" +
               banks[pa.bank].name + "' while both are live at op " +
               std::to_string(std::max(a.first, b.first));
    }
  }
  return "";
}

} // namespace kiln
