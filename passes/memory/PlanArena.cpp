//===- PlanArena.cpp - the kiln-plan-arena pass ---------------------------===//
//
// Static memory planning after bufferization. The function body is a flat
// schedule of ops on memrefs; every `memref.alloc` is a temporary buffer.
//
// 1. The schedule: the top-level ops that touch memory, in order (views,
//    allocations and constants are not ops of the schedule).
// 2. Aliases: a view (subview, expand/collapse_shape, cast, ...) of a buffer
//    is the buffer; its uses are the buffer's uses. Liveness of a buffer runs
//    from the first to the last schedule op using it or any of its views.
// 3. In place: an elementwise linalg.generic whose output buffer is first
//    written there and whose same-shaped input buffer dies there writes over
//    the input (one-shot bufferization already does this for most values;
//    this catches what it leaves).
// 4. Placement: the buffers go to ArenaPlanner (passes/memory/ArenaPlanner.h),
//    which tries several algorithms and keeps the smallest plan, over the
//    memory banks given (one unbounded arena by default).
// 5. Rewrite: each bank becomes a trailing `memref<N x i8>` argument
//    (attribute `kiln.arena` = bank index), every allocation a `memref.view`
//    into it. The function records `kiln.arena_size`, `kiln.arena_align` and
//    the whole plan (`kiln.memory_plan`) for the header and the report.
//
//===----------------------------------------------------------------------===//
#include "dialects/kiln/KilnDialect.h"
#include "dialects/kiln/NodeLocation.h"
#include "passes/Passes.h"
#include "passes/memory/ArenaPlanner.h"
#include "passes/memory/MemoryPlan.h"
#include "passes/memory/MemoryPlanAttr.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_PLANARENAPASS
#include "passes/Passes.h.inc"

namespace {

/// Bytes one element of a memref occupies in memory.
std::optional<int64_t> elementBytes(Type type) {
  if (type.isIntOrFloat())
    return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
  return std::nullopt;
}

/// Ops that only name memory: they are not steps of the schedule.
bool isBookkeeping(Operation *op) {
  return isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp, memref::GetGlobalOp,
             arith::ConstantOp, func::ReturnOp, ViewLikeOpInterface>(op) ||
         (isa_and_nonnull<memref::MemRefDialect>(op->getDialect()) && op->getNumResults() == 1 &&
          isa<MemRefType>(op->getResult(0).getType()) && op->getNumOperands() >= 1 &&
          isa<MemRefType>(op->getOperand(0).getType()) && isMemoryEffectFree(op));
}

/// The exported graph's node an op or buffer comes from, or "".
std::string nodeName(Location loc) {
  std::optional<NodeIdentity> node = readNodeLocation(loc);
  return node ? node->name : "";
}

/// That node's operator, or the op's MLIR name when it has none.
std::string nodeOperator(Operation *op) {
  std::optional<NodeIdentity> node = readNodeLocation(op->getLoc());
  return node ? node->op : op->getName().getStringRef().str();
}

/// The memref a view is taken of, or null for anything but a view.
Value viewSource(Operation *op) {
  if (auto view = dyn_cast<ViewLikeOpInterface>(op))
    return view.getViewSource();
  return Value();
}

struct Buffer {
  Operation *alloc = nullptr; // null for an input/output argument
  BlockArgument argument;     // set for an input/output argument (--io-in-arena)
  int64_t size = 0;
  int64_t align = 1;
  int64_t first = -1, last = -1;
  std::string name;
};

struct PlanArenaPass : impl::PlanArenaPassBase<PlanArenaPass> {
  using Base::Base;
  PlanArenaPass(const PlanArenaPassOptions &options, std::vector<MemoryBank> banks)
      : Base(options), givenBanks(std::move(banks)) {}

  /// The banks the compiler gives; the `banks` option (kiln-opt) is parsed
  /// instead when set.
  std::vector<MemoryBank> givenBanks;

  void runOnOperation() override {
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      getOperation().emitError("kiln-plan-arena: alignment must be a power of two, got ")
          << alignment;
      return signalPassFailure();
    }
    std::vector<MemoryBank> memoryBanks = givenBanks;
    if (!banks.empty()) {
      auto parsedBanks = parseBankSpecs(banks);
      if (!parsedBanks) {
        getOperation().emitError("kiln-plan-arena: ") << llvm::toString(parsedBanks.takeError());
        return signalPassFailure();
      }
      memoryBanks = std::move(*parsedBanks);
    }
    // No banks: one unbounded arena. Every bank is aligned to at least the
    // arena alignment.
    if (memoryBanks.empty()) {
      MemoryBank arena;
      arena.name = "arena";
      memoryBanks.push_back(arena);
    }
    for (MemoryBank &bank : memoryBanks)
      bank.align = std::max<int64_t>(bank.align, alignment);
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal() && func.isPublic() && failed(planFunction(func, memoryBanks)))
        return signalPassFailure();
  }

  LogicalResult planFunction(func::FuncOp func, const std::vector<MemoryBank> &memoryBanks) {
    Block &body = func.getBody().front();

    // 1. The schedule.
    std::vector<Operation *> schedule;
    llvm::DenseMap<Operation *, int64_t> position;
    for (Operation &op : body) {
      if (isBookkeeping(&op))
        continue;
      position[&op] = schedule.size();
      schedule.push_back(&op);
    }
    int64_t end = std::max<int64_t>(schedule.size(), 1) - 1;

    // 2. Buffers and their aliases.
    std::vector<Buffer> buffers;
    llvm::DenseMap<Value, int> rootOf; // every alias -> buffer index
    auto addAliases = [&](Value root, int index) {
      SmallVector<Value> work = {root};
      while (!work.empty()) {
        Value v = work.pop_back_val();
        if (!rootOf.try_emplace(v, index).second)
          continue;
        for (Operation *user : v.getUsers())
          if (Value source = viewSource(user); source == v)
            for (Value r : user->getResults())
              if (isa<MemRefType>(r.getType()))
                work.push_back(r);
      }
    };
    // The schedule position of the next op at or after `op` (for buffers
    // nothing reads or writes).
    auto nextPosition = [&](Operation *op) -> int64_t {
      for (Operation *o = op; o; o = o->getNextNode())
        if (auto it = position.find(o); it != position.end())
          return it->second;
      return end;
    };
    WalkResult walk = func.walk([&](Operation *op) {
      if (!isa<memref::AllocOp, memref::AllocaOp>(op))
        return WalkResult::advance();
      auto type = cast<MemRefType>(op->getResult(0).getType());
      if (op->getBlock() != &body) {
        op->emitError("cannot place a buffer allocated inside a region in the arena");
        return WalkResult::interrupt();
      }
      if (!type.hasStaticShape() || op->getNumOperands() != 0) {
        op->emitError("generated code cannot allocate a buffer of dynamic size ") << type;
        return WalkResult::interrupt();
      }
      if (!type.getLayout().isIdentity()) {
        op->emitError("cannot place a buffer with a non-identity layout in the arena: ") << type;
        return WalkResult::interrupt();
      }
      std::optional<int64_t> bytes = elementBytes(type.getElementType());
      if (!bytes) {
        op->emitError("cannot place a buffer of element type ")
            << type.getElementType() << " in the arena";
        return WalkResult::interrupt();
      }
      Buffer buffer;
      buffer.alloc = op;
      buffer.size = std::max<int64_t>(type.getNumElements() * *bytes, 1);
      buffer.align = alignment;
      if (auto attr = op->getAttrOfType<IntegerAttr>("alignment"))
        buffer.align = std::max<int64_t>(buffer.align, attr.getInt());
      buffer.name = nodeName(op->getLoc());
      buffers.push_back(buffer);
      addAliases(op->getResult(0), buffers.size() - 1);
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    int numTemporaries = buffers.size();

    // Inputs and outputs in the arena: live from the start (inputs) or to the
    // end (outputs) of the schedule.
    int numInputs = firstOutputArgument(func);
    if (ioInArena) {
      for (BlockArgument arg : func.getArguments()) {
        auto type = dyn_cast<MemRefType>(arg.getType());
        if (!type)
          continue;
        Buffer buffer;
        buffer.argument = arg;
        buffer.size = std::max<int64_t>(
            type.getNumElements() * elementBytes(type.getElementType()).value_or(1), 1);
        buffer.align = alignment;
        auto nameAttr = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), kNameAttr);
        buffer.name = nameAttr ? nameAttr.str() : "arg" + std::to_string(arg.getArgNumber());
        buffers.push_back(buffer);
        addAliases(arg, buffers.size() - 1);
      }
    }

    // Liveness from the uses of every alias.
    for (auto &[value, index] : rootOf) {
      for (Operation *user : value.getUsers()) {
        Operation *top = body.findAncestorOpInBlock(*user);
        if (!top)
          continue;
        auto it = position.find(top);
        if (it == position.end())
          continue;
        Buffer &b = buffers[index];
        b.first = b.first < 0 ? it->second : std::min(b.first, it->second);
        b.last = std::max(b.last, it->second);
      }
    }
    for (Buffer &b : buffers) {
      if (b.argument) {
        bool isInput = static_cast<int>(b.argument.getArgNumber()) < numInputs;
        b.first = isInput ? 0 : (b.first < 0 ? end : b.first);
        b.last = isInput ? (b.last < 0 ? 0 : b.last) : end;
        continue;
      }
      if (b.first < 0)
        b.first = b.last = nextPosition(b.alloc);
    }

    // 3. In place: merge a fresh elementwise output into a dying input.
    llvm::EquivalenceClasses<int> groups;
    for (int i = 0; i < static_cast<int>(buffers.size()); ++i)
      groups.insert(i);
    std::vector<int64_t> groupFirst, groupLast;
    for (const Buffer &b : buffers) {
      groupFirst.push_back(b.first);
      groupLast.push_back(b.last);
    }
    if (inPlace) {
      for (Operation *op : schedule) {
        auto generic = dyn_cast<linalg::GenericOp>(op);
        if (!generic || generic.getNumDpsInits() != 1 ||
            generic.getNumLoops() != generic.getNumParallelLoops())
          continue;
        OpOperand *out = generic.getDpsInitOperand(0);
        auto outRoot = rootOf.find(out->get());
        if (outRoot == rootOf.end() || out->get() != buffers[outRoot->second].alloc->getResult(0) ||
            outRoot->second >= numTemporaries ||
            !generic.getMatchingIndexingMap(out).isIdentity() ||
            !generic.getMatchingBlockArgument(out).use_empty())
          continue;
        int outLeader = groups.getLeaderValue(outRoot->second);
        int64_t at = position[op];
        if (groupFirst[outLeader] != at)
          continue;
        for (OpOperand *in : generic.getDpsInputOperands()) {
          auto inRoot = rootOf.find(in->get());
          if (inRoot == rootOf.end() || inRoot->second >= numTemporaries ||
              in->get() != buffers[inRoot->second].alloc->getResult(0) ||
              in->get().getType() != out->get().getType() ||
              !generic.getMatchingIndexingMap(in).isIdentity())
            continue;
          int inLeader = groups.getLeaderValue(inRoot->second);
          if (inLeader == outLeader || groupLast[inLeader] != at)
            continue;
          // No other operand may read the same buffer differently.
          bool alone = llvm::all_of(generic->getOpOperands(), [&](OpOperand &o) {
            auto r = rootOf.find(o.get());
            return &o == in || &o == out || r == rootOf.end() ||
                   groups.getLeaderValue(r->second) != inLeader;
          });
          if (!alone)
            continue;
          int64_t first = std::min(groupFirst[inLeader], groupFirst[outLeader]);
          int64_t last = std::max(groupLast[inLeader], groupLast[outLeader]);
          groups.unionSets(inLeader, outLeader);
          int leader = groups.getLeaderValue(inLeader);
          groupFirst[leader] = first;
          groupLast[leader] = last;
          break;
        }
      }
    }

    // 4. Placement of one request per group.
    std::vector<BufferRequest> requests;
    llvm::DenseMap<int, int> requestOf; // leader -> request
    std::vector<int> requestOfBuffer(buffers.size());
    for (int i = 0; i < static_cast<int>(buffers.size()); ++i) {
      int leader = groups.getLeaderValue(i);
      auto [it, inserted] = requestOf.try_emplace(leader, requests.size());
      if (inserted) {
        BufferRequest r;
        r.name = buffers[i].name;
        r.first = groupFirst[leader];
        r.last = groupLast[leader];
        requests.push_back(r);
      }
      BufferRequest &r = requests[it->second];
      r.size = std::max(r.size, buffers[i].size);
      r.align = std::max(r.align, buffers[i].align);
      requestOfBuffer[i] = it->second;
    }
    PlanResult result = planArena(requests, memoryBanks);
    if (!result.plan)
      return func.emitError("the model does not fit in memory: ") << result.error;
    const ArenaPlan &plan = *result.plan;
    if (std::string problem = checkPlan(requests, memoryBanks, plan); !problem.empty())
      return func.emitError("internal error: the memory plan is invalid: ") << problem;

    // 5. Rewrite into views of one argument per bank.
    OpBuilder b(func.getContext());
    std::vector<Value> bankArgs;
    for (size_t k = 0; k < memoryBanks.size(); ++k) {
      auto type = MemRefType::get({plan.bankSizes[k]}, b.getI8Type());
      unsigned index = func.getNumArguments();
      auto attrs = b.getDictionaryAttr(
          {b.getNamedAttr(kArenaAttr, b.getI64IntegerAttr(static_cast<int64_t>(k)))});
      if (failed(func.insertArgument(index, type, attrs, func.getLoc())))
        return func.emitError("cannot add the arena argument");
      bankArgs.push_back(func.getArgument(index));
    }
    for (size_t i = 0; i < buffers.size(); ++i) {
      const Placement &p = plan.placements[requestOfBuffer[i]];
      Buffer &buffer = buffers[i];
      if (buffer.argument) {
        b.setInsertionPointToStart(&body);
        Value shift = arith::ConstantIndexOp::create(b, func.getLoc(), p.offset);
        Value view = memref::ViewOp::create(b, func.getLoc(), buffer.argument.getType(),
                                            bankArgs[p.bank], shift, ValueRange{});
        buffer.argument.replaceAllUsesWith(view);
        continue;
      }
      Operation *op = buffer.alloc;
      b.setInsertionPoint(op);
      Value shift = arith::ConstantIndexOp::create(b, op->getLoc(), p.offset);
      Value view = memref::ViewOp::create(b, op->getLoc(), op->getResult(0).getType(),
                                          bankArgs[p.bank], shift, ValueRange{});
      for (Operation *user : llvm::make_early_inc_range(op->getResult(0).getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      op->getResult(0).replaceAllUsesWith(view);
      op->erase();
    }

    // The plan, for the header and the report.
    MemoryPlan record;
    int64_t minAlign = alignment;
    for (const BufferRequest &r : requests)
      minAlign = std::min(minAlign, r.align);
    for (const MemoryBank &bank : memoryBanks)
      minAlign = std::min(minAlign, bank.align);
    record.lowerBound = alignedLowerBound(requests, minAlign);
    record.unalignedLowerBound = lowerBound(requests);
    record.totalTemporaries = totalBytes(requests);
    record.algorithm = plan.algorithm;
    for (size_t k = 0; k < memoryBanks.size(); ++k)
      record.banks.push_back(PlannedBank{memoryBanks[k], plan.bankSizes[k]});
    for (size_t i = 0; i < buffers.size(); ++i) {
      const Buffer &buffer = buffers[i];
      PlannedBuffer pb;
      static_cast<Placement &>(pb) = plan.placements[requestOfBuffer[i]];
      pb.name = buffer.name;
      pb.size = buffer.size;
      // The buffer's own live range: buffers merged in place share a range
      // and hand over at one op.
      pb.first = buffer.first;
      pb.last = buffer.last;
      if (buffer.argument) {
        bool isInput = static_cast<int>(buffer.argument.getArgNumber()) < numInputs;
        pb.io = isInput ? PlannedBuffer::Input : PlannedBuffer::Output;
        pb.ioIndex =
            isInput ? buffer.argument.getArgNumber() : buffer.argument.getArgNumber() - numInputs;
      }
      record.buffers.push_back(pb);
    }
    for (Operation *op : schedule)
      record.ops.push_back({nodeName(op->getLoc()), nodeOperator(op)});
    writeMemoryPlan(func, record);
    // For readers of the IR; the compiler reads the plan.
    func->setAttr(kArenaSizeAttr, b.getI64IntegerAttr(record.arenaSize()));
    func->setAttr(kArenaAlignAttr, b.getI64IntegerAttr(record.arenaAlign()));
    return success();
  }

  /// Outputs are the trailing arguments buffer-results-to-out-params added:
  /// the ones the function writes (inputs are read only).
  static int firstOutputArgument(func::FuncOp func) {
    for (BlockArgument arg : func.getArguments()) {
      SmallVector<Value> aliases = {arg};
      for (size_t i = 0; i < aliases.size(); ++i)
        for (Operation *user : aliases[i].getUsers()) {
          if (viewSource(user) == aliases[i]) {
            llvm::append_range(aliases, user->getResults());
            continue;
          }
          auto effects = dyn_cast<MemoryEffectOpInterface>(user);
          if (effects && effects.getEffectOnValue<MemoryEffects::Write>(aliases[i]))
            return arg.getArgNumber();
        }
    }
    return func.getNumArguments();
  }
};

} // namespace

std::unique_ptr<Pass> createPlanArenaPass(const PlanArenaPassOptions &options,
                                          std::vector<MemoryBank> banks) {
  return std::make_unique<PlanArenaPass>(options, std::move(banks));
}

} // namespace kiln
