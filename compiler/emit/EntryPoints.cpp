//===- EntryPoints.cpp - <name>_run and the <name>_model descriptor -------===//
//
// Built with LLVM's IRBuilder after translation: the wrapper and the
// descriptor are plain data and control flow with the target's C layout, and
// LLVM's DataLayout lays the structs out exactly as a C compiler would lay
// out the structs of kiln/runtime.h for that target.
//
//===----------------------------------------------------------------------===//
#include "compiler/emit/Emit.h"

#include "kiln/runtime.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

namespace kiln {

namespace {

struct AbiTypes {
  llvm::IntegerType *i32, *i64;
  llvm::PointerType *ptr;
  llvm::StructType *tensorDesc, *model;

  explicit AbiTypes(llvm::LLVMContext &ctx) {
    i32 = llvm::Type::getInt32Ty(ctx);
    i64 = llvm::Type::getInt64Ty(ctx);
    ptr = llvm::PointerType::getUnqual(ctx);
    AbiStructTypes structs = getAbiStructTypes(ctx);
    tensorDesc = structs.tensorDesc;
    model = structs.model;
  }
};

llvm::Constant *privateConstant(llvm::Module &m, llvm::Constant *init, const llvm::Twine &name) {
  auto *g = new llvm::GlobalVariable(m, init->getType(), /*isConstant=*/true,
                                     llvm::GlobalValue::PrivateLinkage, init, name);
  g->setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  return g;
}

llvm::Constant *tensorTable(llvm::Module &m, const AbiTypes &t, const std::string &prefix,
                            const std::vector<TensorInterface> &tensors) {
  llvm::LLVMContext &ctx = m.getContext();
  std::vector<llvm::Constant *> entries;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const TensorInterface &tensor = tensors[i];
    std::string id = prefix + "_" + std::to_string(i);
    llvm::Constant *name =
        privateConstant(m, llvm::ConstantDataArray::getString(ctx, tensor.name), id + "_name");
    llvm::Constant *shape = llvm::ConstantPointerNull::get(t.ptr);
    if (!tensor.shape.empty()) {
      std::vector<uint64_t> dims(tensor.shape.begin(), tensor.shape.end());
      shape = privateConstant(m, llvm::ConstantDataArray::get(ctx, dims), id + "_shape");
    }
    entries.push_back(llvm::ConstantStruct::get(
        t.tensorDesc, {name, shape, llvm::ConstantInt::get(t.i32, tensor.shape.size()),
                       llvm::ConstantInt::get(t.i32, tensor.dtype),
                       llvm::ConstantInt::get(t.i64, tensor.sizeBytes)}));
  }
  if (entries.empty())
    return llvm::ConstantPointerNull::get(t.ptr);
  auto *arrayType = llvm::ArrayType::get(t.tensorDesc, entries.size());
  return privateConstant(m, llvm::ConstantArray::get(arrayType, entries), prefix);
}

/// The entry points, all wrappers around the entry function
/// `forward(inputs..., outputs..., bank_0, ..., bank_k)`:
///   Arena:   `<name>_run(inputs, outputs, arena)`: the banks one after the
///            other in one arena (the descriptor's `run`);
///   Banked:  `<name>_run_banked(inputs, outputs, bank_0, ...)`;
///   InArena: `<name>_run_in_arena(arena)`, inputs and outputs in the arena;
///   InBanks: `<name>_run_in_banks(bank_0, ...)`, the same over banks.
/// Each checks every pointer and alignment first and returns a status.
/// Arena and Banked copy inputs in and outputs out when they live in the
/// arena (--io-in-arena).
enum class RunKind { Arena, Banked, InArena, InBanks };

llvm::Function *buildRun(llvm::Module &m, const AbiTypes &t, const ModelInterface &model,
                         llvm::Function *forward, RunKind kind) {
  llvm::LLVMContext &ctx = m.getContext();
  const MemoryPlan &plan = model.plan;
  bool takesIo = kind == RunKind::Arena || kind == RunKind::Banked;
  bool takesArena = kind == RunKind::Arena || kind == RunKind::InArena;
  std::vector<llvm::Type *> params;
  std::vector<std::string> paramNames;
  if (takesIo) {
    params.insert(params.end(), {t.ptr, t.ptr});
    paramNames.insert(paramNames.end(), {"inputs", "outputs"});
  }
  if (takesArena) {
    params.push_back(t.ptr);
    paramNames.push_back("arena");
  } else {
    for (const PlannedBank &bank : model.plan.banks) {
      params.push_back(t.ptr);
      paramNames.push_back(bank.name);
    }
  }
  const char *suffix = kind == RunKind::Arena     ? "_run"
                       : kind == RunKind::Banked  ? "_run_banked"
                       : kind == RunKind::InArena ? "_run_in_arena"
                                                  : "_run_in_banks";
  auto *type = llvm::FunctionType::get(t.i32, params, false);
  auto *run =
      llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage, model.name + suffix, m);
  run->addFnAttr(llvm::Attribute::NoUnwind);
  for (size_t i = 0; i < paramNames.size(); ++i)
    run->getArg(i)->setName(paramNames[i]);

  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", run));
  auto failWith = [&](int32_t status) {
    auto *bb = llvm::BasicBlock::Create(ctx, "fail", run);
    llvm::IRBuilder<>(bb).CreateRet(llvm::ConstantInt::get(t.i32, status));
    return bb;
  };
  llvm::BasicBlock *nullInput = failWith(KILN_STATUS_NULL_INPUT);
  llvm::BasicBlock *nullOutput = failWith(KILN_STATUS_NULL_OUTPUT);
  llvm::BasicBlock *nullArena = failWith(KILN_STATUS_NULL_ARENA);
  llvm::BasicBlock *misaligned = failWith(KILN_STATUS_MISALIGNED_ARENA);
  llvm::Type *intPtr = m.getDataLayout().getIntPtrType(ctx);

  auto checkNotNull = [&](llvm::Value *p, llvm::BasicBlock *fail) {
    auto *next = llvm::BasicBlock::Create(ctx, "ok", run);
    b.CreateCondBr(b.CreateIsNull(p), fail, next);
    b.SetInsertPoint(next);
  };
  auto checkAligned = [&](llvm::Value *p, uint64_t align) {
    llvm::Value *low =
        b.CreateAnd(b.CreatePtrToInt(p, intPtr), llvm::ConstantInt::get(intPtr, align - 1));
    auto *aligned = llvm::BasicBlock::Create(ctx, "aligned", run);
    b.CreateCondBr(b.CreateIsNotNull(low), misaligned, aligned);
    b.SetInsertPoint(aligned);
  };
  std::vector<llvm::Value *> ioPointers;
  auto unpack = [&](llvm::Value *array, size_t count, llvm::BasicBlock *fail) {
    if (count == 0)
      return;
    checkNotNull(array, fail);
    for (size_t i = 0; i < count; ++i) {
      llvm::Value *slot = b.CreateConstInBoundsGEP1_64(t.ptr, array, i);
      llvm::Value *p = b.CreateLoad(t.ptr, slot);
      checkNotNull(p, fail);
      ioPointers.push_back(p);
    }
  };
  if (takesIo) {
    unpack(run->getArg(0), model.inputs.size(), nullInput);
    unpack(run->getArg(1), model.outputs.size(), nullOutput);
  }

  std::vector<llvm::Value *> bankPointers;
  if (takesArena) {
    llvm::Value *arena = run->getArg(takesIo ? 2 : 0);
    if (plan.arenaSize() > 0) {
      checkNotNull(arena, nullArena);
      checkAligned(arena, plan.arenaAlign());
    }
    for (size_t k = 0; k < plan.banks.size(); ++k)
      bankPointers.push_back(
          b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), arena, plan.bankOffset(k)));
  } else {
    for (size_t k = 0; k < plan.banks.size(); ++k) {
      llvm::Value *p = run->getArg((takesIo ? 2 : 0) + k);
      if (plan.banks[k].size > 0) {
        checkNotNull(p, nullArena);
        checkAligned(p, plan.banks[k].align);
      }
      bankPointers.push_back(p);
    }
  }

  // Inputs and outputs placed in the arena.
  auto inArena = [&](const PlannedBuffer *buffer) {
    return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), bankPointers[buffer->bank], buffer->offset);
  };
  if (takesIo)
    for (size_t i = 0; i < model.inputs.size(); ++i)
      if (const PlannedBuffer *buffer = plan.ioBuffer(PlannedBuffer::Input, i);
          buffer && model.inputs[i].sizeBytes > 0)
        b.CreateMemCpy(inArena(buffer), llvm::MaybeAlign(1), ioPointers[i], llvm::MaybeAlign(1),
                       model.inputs[i].sizeBytes);

  std::vector<llvm::Value *> args;
  size_t numIo = model.inputs.size() + model.outputs.size();
  for (size_t i = 0; i < numIo; ++i)
    args.push_back(takesIo ? ioPointers[i] : llvm::ConstantPointerNull::get(t.ptr));
  llvm::append_range(args, bankPointers);
  b.CreateCall(forward, args);

  if (takesIo)
    for (size_t i = 0; i < model.outputs.size(); ++i)
      if (const PlannedBuffer *buffer = plan.ioBuffer(PlannedBuffer::Output, i);
          buffer && model.outputs[i].sizeBytes > 0)
        b.CreateMemCpy(ioPointers[model.inputs.size() + i], llvm::MaybeAlign(1), inArena(buffer),
                       llvm::MaybeAlign(1), model.outputs[i].sizeBytes);
  b.CreateRet(llvm::ConstantInt::get(t.i32, KILN_STATUS_OK));
  return run;
}

} // namespace

AbiStructTypes getAbiStructTypes(llvm::LLVMContext &ctx) {
  auto *i32 = llvm::Type::getInt32Ty(ctx);
  auto *i64 = llvm::Type::getInt64Ty(ctx);
  auto *ptr = llvm::PointerType::getUnqual(ctx);
  AbiStructTypes t;
  // kiln_tensor_desc_t {name, shape, rank, dtype, size_bytes}
  t.tensorDesc = llvm::StructType::getTypeByName(ctx, "kiln_tensor_desc_t");
  if (!t.tensorDesc)
    t.tensorDesc = llvm::StructType::create(ctx, {ptr, ptr, i32, i32, i64}, "kiln_tensor_desc_t");
  // kiln_model_t {abi_version, num_inputs, num_outputs, arena_align,
  //               arena_size, name, inputs, outputs, run}
  t.model = llvm::StructType::getTypeByName(ctx, "kiln_model_t");
  if (!t.model)
    t.model = llvm::StructType::create(ctx, {i32, i32, i32, i32, i64, ptr, ptr, ptr, ptr},
                                       "kiln_model_t");
  return t;
}

llvm::Error emitEntryPoints(llvm::Module &m, const ModelInterface &model, bool exportSharedSymbol) {
  llvm::Function *forward = m.getFunction(kEntryFunctionName);
  if (!forward)
    return llvm::createStringError("the translated module has no entry function");
  const MemoryPlan &plan = model.plan;
  size_t expectedArgs = model.inputs.size() + model.outputs.size() + plan.banks.size();
  if (forward->arg_size() != expectedArgs)
    return llvm::createStringError(
        "the entry function takes " + std::to_string(forward->arg_size()) +
        " buffers, the interface describes " + std::to_string(expectedArgs));
  forward->setName(model.name + "_forward");
  forward->setLinkage(llvm::GlobalValue::InternalLinkage);

  AbiTypes t(m.getContext());
  llvm::Function *run = buildRun(m, t, model, forward, RunKind::Arena);
  if (plan.banked())
    buildRun(m, t, model, forward, RunKind::Banked);
  if (plan.ioInArena()) {
    buildRun(m, t, model, forward, RunKind::InArena);
    if (plan.banked())
      buildRun(m, t, model, forward, RunKind::InBanks);
  }
  llvm::Constant *inputs = tensorTable(m, t, model.name + "_inputs", model.inputs);
  llvm::Constant *outputs = tensorTable(m, t, model.name + "_outputs", model.outputs);
  llvm::Constant *name = privateConstant(
      m, llvm::ConstantDataArray::getString(m.getContext(), model.name), model.name + "_name");
  llvm::Constant *descriptor = llvm::ConstantStruct::get(
      t.model, {llvm::ConstantInt::get(t.i32, KILN_ABI_VERSION),
                llvm::ConstantInt::get(t.i32, model.inputs.size()),
                llvm::ConstantInt::get(t.i32, model.outputs.size()),
                llvm::ConstantInt::get(t.i32, plan.arenaAlign()),
                llvm::ConstantInt::get(t.i64, plan.arenaSize()), name, inputs, outputs, run});
  auto *global =
      new llvm::GlobalVariable(m, t.model, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
                               descriptor, model.name + "_model");
  if (exportSharedSymbol)
    new llvm::GlobalVariable(m, t.ptr, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
                             global, KILN_SHARED_MODEL_SYMBOL);
  return llvm::Error::success();
}

} // namespace kiln
