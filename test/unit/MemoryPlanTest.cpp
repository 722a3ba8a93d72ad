// The memory plan model: the figures derived from it, the --mem-bank syntax,
// and its record on a function (what kiln-plan-arena writes is what the
// header, the entry points and the report read).
#include "passes/memory/MemoryPlan.h"
#include "passes/memory/MemoryPlanAttr.h"

#include "TestUtil.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include <catch2/catch.hpp>

using namespace kiln;

namespace {

PlannedBank bank(const std::string &name, int64_t size, std::optional<int64_t> capacity,
                 int64_t align) {
  PlannedBank b;
  b.name = name;
  b.size = size;
  b.capacity = capacity;
  b.align = align;
  return b;
}

/// Every field set, no two alike, none at its default.
MemoryPlan fullPlan() {
  MemoryPlan plan;
  plan.lowerBound = 1000;
  plan.unalignedLowerBound = 999;
  plan.totalTemporaries = 5000;
  plan.algorithm = "greedy-by-breadth";
  plan.banks = {bank("dtcm", 100, 128, 32), bank("sram", 300, std::nullopt, 64)};
  PlannedBuffer a;
  a.name = "conv2d";
  a.bank = 1;
  a.offset = 64;
  a.size = 200;
  a.first = 2;
  a.last = 5;
  PlannedBuffer in = a;
  in.name = "x";
  in.bank = 0;
  in.offset = 32;
  in.size = 68;
  in.first = 0;
  in.last = 3;
  in.io = PlannedBuffer::Input;
  in.ioIndex = 1;
  PlannedBuffer out = in;
  out.name = "y";
  out.offset = 0;
  out.size = 20;
  out.io = PlannedBuffer::Output;
  out.ioIndex = 0;
  plan.buffers = {a, in, out};
  plan.ops = {{"conv2d", "aten.convolution.default"}, {"", "linalg.generic"}};
  return plan;
}

void checkSame(const MemoryPlan &a, const MemoryPlan &b) {
  CHECK(a.lowerBound == b.lowerBound);
  CHECK(a.unalignedLowerBound == b.unalignedLowerBound);
  CHECK(a.totalTemporaries == b.totalTemporaries);
  CHECK(a.algorithm == b.algorithm);
  REQUIRE(a.banks.size() == b.banks.size());
  for (size_t k = 0; k < a.banks.size(); ++k) {
    INFO("bank " << k);
    CHECK(a.banks[k].name == b.banks[k].name);
    CHECK(a.banks[k].size == b.banks[k].size);
    CHECK(a.banks[k].capacity == b.banks[k].capacity);
    CHECK(a.banks[k].align == b.banks[k].align);
  }
  REQUIRE(a.buffers.size() == b.buffers.size());
  for (size_t i = 0; i < a.buffers.size(); ++i) {
    INFO("buffer " << i);
    CHECK(a.buffers[i].name == b.buffers[i].name);
    CHECK(a.buffers[i].bank == b.buffers[i].bank);
    CHECK(a.buffers[i].offset == b.buffers[i].offset);
    CHECK(a.buffers[i].size == b.buffers[i].size);
    CHECK(a.buffers[i].first == b.buffers[i].first);
    CHECK(a.buffers[i].last == b.buffers[i].last);
    CHECK(a.buffers[i].io == b.buffers[i].io);
    CHECK(a.buffers[i].ioIndex == b.buffers[i].ioIndex);
  }
  REQUIRE(a.ops.size() == b.ops.size());
  for (size_t i = 0; i < a.ops.size(); ++i) {
    CHECK(a.ops[i].name == b.ops[i].name);
    CHECK(a.ops[i].op == b.ops[i].op);
  }
}

} // namespace

TEST_CASE("memory plan: the single-arena layout", "[plan]") {
  MemoryPlan plan = fullPlan();
  CHECK(plan.bankOffset(0) == 0);
  CHECK(plan.bankOffset(1) == 128); // 100 rounded up to sram's 64
  CHECK(plan.arenaSize() == 128 + 300);
  CHECK(plan.arenaAlign() == 64);
  CHECK(plan.banked());
  CHECK(plan.ioInArena());
  REQUIRE(plan.ioBuffer(PlannedBuffer::Input, 1));
  CHECK(plan.ioBuffer(PlannedBuffer::Input, 1)->name == "x");
  CHECK(!plan.ioBuffer(PlannedBuffer::Input, 0));
  CHECK(plan.ioBuffer(PlannedBuffer::Output, 0)->name == "y");
  CHECK(plan.bankName(plan.buffers[0]) == "sram");

  MemoryPlan single;
  single.banks = {bank("arena", 48, std::nullopt, 16)};
  CHECK(single.arenaSize() == 48);
  CHECK(!single.banked());
  CHECK(!single.ioInArena());
  CHECK(MemoryPlan().arenaSize() == 0);
}

TEST_CASE("memory plan: recorded on the function and read back field for field", "[plan]") {
  mlir::MLIRContext ctx;
  ctx.loadDialect<mlir::func::FuncDialect>();
  mlir::OpBuilder b(&ctx);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::ModuleOp::create(b.getUnknownLoc());
  b.setInsertionPointToEnd(module->getBody());
  auto func =
      mlir::func::FuncOp::create(b, b.getUnknownLoc(), "forward", b.getFunctionType({}, {}));
  CHECK(!readMemoryPlan(func));
  MemoryPlan plan = fullPlan();
  writeMemoryPlan(func, plan);
  std::optional<MemoryPlan> read = readMemoryPlan(func);
  REQUIRE(read);
  checkSame(plan, *read);
}

TEST_CASE("memory plan: --mem-bank specs", "[plan]") {
  auto banks = parseBankSpecs({"dtcm:64K", "sram:1M:128", "ext_ram:3g:4k"});
  REQUIRE_EXPECTED(banks);
  REQUIRE(banks->size() == 3);
  CHECK((*banks)[0].name == "dtcm");
  CHECK((*banks)[0].capacity == 64 * 1024);
  CHECK((*banks)[0].align == 1);
  CHECK((*banks)[1].capacity == 1 << 20);
  CHECK((*banks)[1].align == 128);
  CHECK((*banks)[2].capacity == int64_t(3) << 30);
  CHECK((*banks)[2].align == 4096);

  auto empty = parseBankSpecs({});
  REQUIRE_EXPECTED(empty);
  CHECK(empty->empty());

  auto message = [](std::vector<std::string> specs) {
    auto banks = parseBankSpecs(specs);
    REQUIRE(!banks);
    return llvm::toString(banks.takeError());
  };
  CHECK(message({"fast"}) == "memory bank 'fast': wrong number of fields (expected "
                             "NAME:SIZE[:ALIGN], e.g. dtcm:64K)");
  CHECK(message({"2x:1K"}).find("the name must be a C identifier") != std::string::npos);
  CHECK(message({"a:1K", "a:2K"}).find("the name is used twice") != std::string::npos);
  CHECK(message({"a:0"}).find("the size must be a positive number") != std::string::npos);
  CHECK(message({"a:1K:3"}).find("the alignment must be a power of two") != std::string::npos);
}
