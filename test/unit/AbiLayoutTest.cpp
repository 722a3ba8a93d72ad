// The compiler builds the ABI structs of kiln/runtime.h as LLVM types; under
// the host's data layout they must match the C compiler's layout exactly.
#include "compiler/emit/Emit.h"
#include "kiln/runtime.h"
#include "targets/Target.h"

#include "llvm/IR/DataLayout.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/LLVMContext.h"

#include "TestUtil.h"

#include <catch2/catch.hpp>

#include <cstddef>

namespace {
const llvm::StructLayout *layoutOf(llvm::StructType *type, const llvm::DataLayout &dl) {
  return dl.getStructLayout(type);
}
} // namespace

TEST_CASE("abi: LLVM struct types lay out as the C structs on the host", "[abi]") {
  const kiln::TargetDesc *host = kiln::findTarget("x86_64");
  REQUIRE(host);
  auto machine = kiln::createTargetMachine(kiln::resolveTarget(*host, "x86-64", ""));
  REQUIRE_EXPECTED(machine);
  llvm::DataLayout dl = (*machine)->createDataLayout();
  llvm::LLVMContext ctx;
  kiln::AbiStructTypes types = kiln::getAbiStructTypes(ctx);

  const llvm::StructLayout *desc = layoutOf(types.tensorDesc, dl);
  CHECK(desc->getSizeInBytes() == sizeof(kiln_tensor_desc_t));
  CHECK(desc->getElementOffset(0) == offsetof(kiln_tensor_desc_t, name));
  CHECK(desc->getElementOffset(1) == offsetof(kiln_tensor_desc_t, shape));
  CHECK(desc->getElementOffset(2) == offsetof(kiln_tensor_desc_t, rank));
  CHECK(desc->getElementOffset(3) == offsetof(kiln_tensor_desc_t, dtype));
  CHECK(desc->getElementOffset(4) == offsetof(kiln_tensor_desc_t, size_bytes));

  const llvm::StructLayout *model = layoutOf(types.model, dl);
  CHECK(model->getSizeInBytes() == sizeof(kiln_model_t));
  CHECK(model->getElementOffset(0) == offsetof(kiln_model_t, abi_version));
  CHECK(model->getElementOffset(1) == offsetof(kiln_model_t, num_inputs));
  CHECK(model->getElementOffset(2) == offsetof(kiln_model_t, num_outputs));
  CHECK(model->getElementOffset(3) == offsetof(kiln_model_t, arena_align));
  CHECK(model->getElementOffset(4) == offsetof(kiln_model_t, arena_size));
  CHECK(model->getElementOffset(5) == offsetof(kiln_model_t, name));
  CHECK(model->getElementOffset(6) == offsetof(kiln_model_t, inputs));
  CHECK(model->getElementOffset(7) == offsetof(kiln_model_t, outputs));
  CHECK(model->getElementOffset(8) == offsetof(kiln_model_t, run));
}

TEST_CASE("abi: dtype sizes", "[abi]") {
  CHECK(kiln_dtype_size(KILN_DTYPE_FLOAT32) == 4);
  CHECK(kiln_dtype_size(KILN_DTYPE_BFLOAT16) == 2);
  CHECK(kiln_dtype_size(KILN_DTYPE_INT64) == 8);
  CHECK(kiln_dtype_size(KILN_DTYPE_BOOL) == 1);
  CHECK(kiln_dtype_size(0) == 0);
  CHECK(kiln_dtype_size(99) == 0);
}

TEST_CASE("targets: x86-64 objects with over 1 GiB of constants use the medium code model",
          "[targets]") {
  const kiln::TargetDesc *x86 = kiln::findTarget("x86_64");
  const kiln::TargetDesc *arm = kiln::findTarget("aarch64");
  REQUIRE(x86);
  REQUIRE(arm);
  kiln::ResolvedTarget x86r = kiln::resolveTarget(*x86, "x86-64", "");
  CHECK_FALSE(kiln::codeModelFor(x86r, 1000).has_value());
  CHECK_FALSE(kiln::codeModelFor(x86r, uint64_t(1) << 30).has_value());
  auto big = kiln::codeModelFor(x86r, (uint64_t(1) << 30) + 1);
  REQUIRE(big.has_value());
  CHECK(*big == llvm::CodeModel::Medium);
  // AArch64's small model already reaches 4 GiB with adrp; other targets keep theirs.
  CHECK_FALSE(kiln::codeModelFor(kiln::resolveTarget(*arm, "", ""), uint64_t(3) << 30));
  auto machine = kiln::createTargetMachine(x86r, llvm::CodeModel::Medium);
  REQUIRE_EXPECTED(machine);
  CHECK((*machine)->getCodeModel() == llvm::CodeModel::Medium);
}
