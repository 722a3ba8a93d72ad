//===- ModelInterface.cpp - a compiled model as its caller sees it --------===//
#include "compiler/emit/ModelInterface.h"
#include "dialects/kiln/MlirElementTypes.h"
#include "passes/memory/MemoryPlanAttr.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;

namespace kiln {

uint32_t dtypeOf(Type t) {
  const ElementType *e = elementTypeOf(t);
  return e ? e->abiDtype : 0;
}

llvm::StringRef dtypeName(uint32_t dtype) {
  const ElementType *e = elementTypeOfAbiDtype(dtype);
  return e ? e->name : "unknown";
}

/// The kiln.scale / kiln.zero_point / kiln.quant_min / kiln.quant_max of an
/// int8 input or output (kiln-int8-io), if it has them.
static std::optional<TensorQuantization> quantizationOf(DictionaryAttr attrs) {
  if (!attrs)
    return std::nullopt;
  auto scale = attrs.getAs<FloatAttr>(kScaleAttr);
  auto zeroPoint = attrs.getAs<IntegerAttr>(kZeroPointAttr);
  auto qmin = attrs.getAs<IntegerAttr>(kQuantMinAttr);
  auto qmax = attrs.getAs<IntegerAttr>(kQuantMaxAttr);
  if (!scale || !zeroPoint || !qmin || !qmax)
    return std::nullopt;
  return TensorQuantization{scale.getValueAsDouble(), zeroPoint.getInt(), qmin.getInt(),
                            qmax.getInt()};
}

static FailureOr<TensorInterface> describe(Operation *where, Type type, StringAttr nameAttr,
                                           llvm::StringRef fallbackName) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape())
    return where->emitError("a model input or output must be a tensor of static shape, got ")
           << type;
  TensorInterface t;
  t.name = nameAttr ? nameAttr.getValue().str() : fallbackName.str();
  t.dtype = dtypeOf(tensor.getElementType());
  if (!t.dtype)
    return where->emitError("element type ") << tensor.getElementType() << " of '" << t.name
                                             << "' cannot cross the model's C interface";
  t.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  t.sizeBytes = elementTypeOfAbiDtype(t.dtype)->size;
  for (int64_t d : t.shape)
    t.sizeBytes *= static_cast<uint64_t>(d);
  return t;
}

FailureOr<ModelInterface> readModelInterface(ModuleOp module, llvm::StringRef name) {
  auto func = module.lookupSymbol<func::FuncOp>(kEntryFunctionName);
  if (!func || func.isExternal())
    return module.emitError("the module has no entry function '@") << kEntryFunctionName << "'";
  ModelInterface model;
  model.name = name.str();
  FunctionType type = func.getFunctionType();
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    auto t = describe(func, type.getInput(i), func.getArgAttrOfType<StringAttr>(i, kNameAttr),
                      "input_" + std::to_string(i));
    if (failed(t))
      return failure();
    t->quantization = quantizationOf(func.getArgAttrDict(i));
    model.inputs.push_back(*t);
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    auto t = describe(func, type.getResult(i), func.getResultAttrOfType<StringAttr>(i, kNameAttr),
                      "output_" + std::to_string(i));
    if (failed(t))
      return failure();
    t->quantization = quantizationOf(func.getResultAttrDict(i));
    model.outputs.push_back(*t);
  }
  return model;
}

LogicalResult readArenaPlan(ModuleOp module, ModelInterface &model) {
  auto func = module.lookupSymbol<func::FuncOp>(kEntryFunctionName);
  if (!func)
    return module.emitError("the module has no entry function");
  std::optional<MemoryPlan> plan = readMemoryPlan(func);
  if (!plan || plan->banks.empty())
    return func.emitError("the memory planner did not run on the entry function");
  for (const PlannedBuffer &buffer : plan->buffers) {
    if (buffer.io == PlannedBuffer::Temporary)
      continue;
    auto &tensors = buffer.io == PlannedBuffer::Input ? model.inputs : model.outputs;
    if (buffer.ioIndex < 0 || buffer.ioIndex >= static_cast<int64_t>(tensors.size()) ||
        buffer.bank < 0 || buffer.bank >= static_cast<int>(plan->banks.size()))
      return func.emitError("the memory plan places an unknown input or output");
  }
  model.plan = std::move(*plan);
  return success();
}

bool isCIdentifier(llvm::StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name, [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

std::string toCIdentifier(llvm::StringRef stem) {
  std::string id;
  for (char c : stem)
    id += (llvm::isAlnum(c) || c == '_') ? c : '_';
  if (id.empty() || llvm::isDigit(id.front()))
    id = "m_" + id;
  return id;
}

} // namespace kiln
