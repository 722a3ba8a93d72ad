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
    llvm::Constant *name = privateConstant(
        m, llvm::ConstantDataArray::getString(ctx, tensor.name), id + "_name");
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

/// `kiln_status_t <name>_run(const void *const *inputs, void *const *outputs,
/// void *arena)`: checks every pointer and the arena's alignment, then calls
/// the entry function with the buffers unpacked.
llvm::Function *buildRun(llvm::Module &m, const AbiTypes &t, const ModelInterface &model,
                         llvm::Function *forward) {
  llvm::LLVMContext &ctx = m.getContext();
  auto *type = llvm::FunctionType::get(t.i32, {t.ptr, t.ptr, t.ptr}, false);
  auto *run = llvm::Function::Create(type, llvm::GlobalValue::ExternalLinkage,
                                     model.name + "_run", m);
  run->addFnAttr(llvm::Attribute::NoUnwind);
  llvm::Argument *inputs = run->getArg(0), *outputs = run->getArg(1), *arena = run->getArg(2);
  inputs->setName("inputs");
  outputs->setName("outputs");
  arena->setName("arena");

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

  auto checkNotNull = [&](llvm::Value *p, llvm::BasicBlock *fail) {
    auto *next = llvm::BasicBlock::Create(ctx, "ok", run);
    b.CreateCondBr(b.CreateIsNull(p), fail, next);
    b.SetInsertPoint(next);
  };
  std::vector<llvm::Value *> args;
  auto unpack = [&](llvm::Value *array, size_t count, llvm::BasicBlock *fail) {
    if (count == 0)
      return;
    checkNotNull(array, fail);
    for (size_t i = 0; i < count; ++i) {
      llvm::Value *slot = b.CreateConstInBoundsGEP1_64(t.ptr, array, i);
      llvm::Value *p = b.CreateLoad(t.ptr, slot);
      checkNotNull(p, fail);
      args.push_back(p);
    }
  };
  unpack(inputs, model.inputs.size(), nullInput);
  unpack(outputs, model.outputs.size(), nullOutput);
  if (model.arenaSize > 0) {
    checkNotNull(arena, nullArena);
    llvm::Type *intPtr = m.getDataLayout().getIntPtrType(ctx);
    llvm::Value *low = b.CreateAnd(b.CreatePtrToInt(arena, intPtr),
                                   llvm::ConstantInt::get(intPtr, model.arenaAlign - 1));
    auto *aligned = llvm::BasicBlock::Create(ctx, "aligned", run);
    b.CreateCondBr(b.CreateIsNotNull(low), misaligned, aligned);
    b.SetInsertPoint(aligned);
  }
  args.push_back(arena);
  b.CreateCall(forward, args);
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

llvm::Error emitEntryPoints(llvm::Module &m, const ModelInterface &model,
                            bool exportSharedSymbol) {
  llvm::Function *forward = m.getFunction(kEntryFunctionName);
  if (!forward)
    return llvm::createStringError("the translated module has no entry function");
  size_t expectedArgs = model.inputs.size() + model.outputs.size() + 1;
  if (forward->arg_size() != expectedArgs)
    return llvm::createStringError(
        "the entry function takes " + std::to_string(forward->arg_size()) +
        " buffers, the interface describes " + std::to_string(expectedArgs));
  forward->setName(model.name + "_forward");
  forward->setLinkage(llvm::GlobalValue::InternalLinkage);

  AbiTypes t(m.getContext());
  llvm::Function *run = buildRun(m, t, model, forward);
  llvm::Constant *inputs = tensorTable(m, t, model.name + "_inputs", model.inputs);
  llvm::Constant *outputs = tensorTable(m, t, model.name + "_outputs", model.outputs);
  llvm::Constant *name = privateConstant(
      m, llvm::ConstantDataArray::getString(m.getContext(), model.name), model.name + "_name");
  llvm::Constant *descriptor = llvm::ConstantStruct::get(
      t.model, {llvm::ConstantInt::get(t.i32, KILN_ABI_VERSION),
                llvm::ConstantInt::get(t.i32, model.inputs.size()),
                llvm::ConstantInt::get(t.i32, model.outputs.size()),
                llvm::ConstantInt::get(t.i32, model.arenaAlign),
                llvm::ConstantInt::get(t.i64, model.arenaSize), name, inputs, outputs, run});
  auto *global = new llvm::GlobalVariable(m, t.model, /*isConstant=*/true,
                                          llvm::GlobalValue::ExternalLinkage, descriptor,
                                          model.name + "_model");
  if (exportSharedSymbol)
    new llvm::GlobalVariable(m, t.ptr, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
                             global, KILN_SHARED_MODEL_SYMBOL);
  return llvm::Error::success();
}

} // namespace kiln
