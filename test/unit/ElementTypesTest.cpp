// The element type table (dialects/kiln/ElementTypes.def) against the copies
// of its facts that cannot be derived from it: kiln/runtime.h (standalone C:
// its KILN_DTYPE_* codes, kiln_dtype_size and kiln_dtype_name), the MLIR
// mapping, and the .npy type codes' own meaning.
#include "dialects/kiln/ElementTypes.h"
#include "compiler/emit/ModelInterface.h"
#include "compiler/import/pt2/ExportedProgram.h"
#include "compiler/support/Npy.h"
#include "dialects/kiln/MlirElementTypes.h"
#include "kiln/runtime.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

using namespace kiln;

TEST_CASE("element types: every KILN_DTYPE is one row, with runtime.h's size and name", "[dtype]") {
  // A code is in kiln/runtime.h when its switches know it.
  for (uint32_t code = 0; code < 256; ++code) {
    bool inRuntime = kiln_dtype_size(code) != 0 || std::string(kiln_dtype_name(code)) != "unknown";
    const ElementType *e = elementTypeOfAbiDtype(code);
    INFO("KILN_DTYPE code " << code << " (runtime.h: " << kiln_dtype_name(code) << ", "
                            << kiln_dtype_size(code)
                            << " bytes; table: " << (e ? e->name : "no row") << ")");
    CHECK(inRuntime == (e != nullptr));
    if (!e || !inRuntime)
      continue;
    CHECK(e->size == kiln_dtype_size(code));
    CHECK(std::string(e->name) == kiln_dtype_name(code));
  }
  std::map<uint32_t, int> rows;
  for (const ElementType &e : kElementTypes)
    if (e.abiDtype)
      rows[e.abiDtype] += 1;
  for (auto [code, count] : rows) {
    INFO("KILN_DTYPE code " << code);
    CHECK(count == 1);
  }
}

TEST_CASE("element types: each row's MLIR type maps back to the row, with its size", "[dtype]") {
  mlir::MLIRContext ctx;
  for (const ElementType &e : kElementTypes) {
    INFO("row " << e.name);
    mlir::Type t = mlirElementType(e, &ctx);
    // The types Kiln computes in are the types that cross the C interface.
    CHECK((e.kind != ElementType::Kind::None) == (e.abiDtype != 0));
    if (e.kind == ElementType::Kind::None) {
      CHECK(!t);
      continue;
    }
    REQUIRE(t);
    CHECK(elementTypeOf(t) == &e);
    CHECK((t.getIntOrFloatBitWidth() + 7) / 8 == e.size);
    CHECK(torchDtypeName(t) == e.name);
    CHECK(dtypeOf(t) == e.abiDtype); // the header emitter
    CHECK(dtypeName(e.abiDtype).str() == e.name);
  }
}

TEST_CASE("element types: .npy codes mean the row's kind and size", "[dtype]") {
  const std::map<char, ElementType::Kind> kinds = {{'f', ElementType::Kind::Float},
                                                   {'i', ElementType::Kind::Int},
                                                   {'u', ElementType::Kind::UInt},
                                                   {'b', ElementType::Kind::Bool}};
  for (const ElementType &e : kElementTypes) {
    INFO("row " << e.name << ", .npy code '" << e.npyCode << "'");
    std::string code = e.npyCode;
    if (code.empty()) {
      // NumPy has no bfloat16: kiln-run reads and writes it as float32.
      if (e.abiDtype)
        CHECK(std::string(e.name) == "bfloat16");
      continue;
    }
    REQUIRE(code.size() == 2);
    REQUIRE(kinds.count(code[0]));
    CHECK(kinds.at(code[0]) == e.kind);
    CHECK(static_cast<unsigned>(code[1] - '0') == e.size);
    REQUIRE(e.abiDtype != 0);
    // kiln-run's .npy files carry the dtype through a write and a read.
    NpyArray a;
    a.dtype = e.abiDtype;
    a.shape = {3};
    a.data.assign(3 * e.size, '\0');
    CHECK(npyDescr(e.abiDtype) == (e.size == 1 ? "|" : "<") + code);
    NpyArray b;
    std::string error;
    CHECK(parseNpy(serializeNpy(a), b, error));
    CHECK(b.dtype == e.abiDtype);
  }
}

TEST_CASE("element types: every numbering and spelling names one row", "[dtype]") {
  std::set<int> exportCodes, pteCodes;
  std::set<std::string> names, storageClasses, npyCodes;
  std::set<std::pair<int, unsigned>> mlirTypes;
  for (const ElementType &e : kElementTypes) {
    INFO("row " << e.name);
    CHECK(static_cast<int>(e.scalarType) != 0); // 0 is ScalarType::Unknown
    CHECK(exportCodes.insert(static_cast<int>(e.scalarType)).second);
    CHECK((e.pteCode < 0 || pteCodes.insert(e.pteCode).second));
    CHECK(names.insert(e.name).second);
    CHECK(e.size > 0);
    std::string storage = e.storageClass;
    if (!storage.empty()) {
      CHECK(storageClasses.insert(storage).second);
      CHECK(storage.rfind("torch.", 0) == 0);
      CHECK(storage.size() > 13);
      CHECK(storage.substr(storage.size() - 7) == "Storage");
    }
    if (*e.npyCode)
      CHECK(npyCodes.insert(e.npyCode).second);
    if (e.kind != ElementType::Kind::None)
      CHECK(mlirTypes.insert({static_cast<int>(e.kind), e.bits}).second);
    // The .pt2 readers' view of the row.
    CHECK(elementTypeOf(e.scalarType) == &e);
    CHECK(isKnownScalarType(static_cast<int>(e.scalarType)));
    CHECK(scalarTypeName(e.scalarType) == e.name);
    CHECK(scalarTypeSize(e.scalarType) == e.size);
    if (e.pteCode >= 0)
      CHECK(elementTypeOfPteCode(e.pteCode) == &e);
  }
  CHECK(!isKnownScalarType(0));
  CHECK(scalarTypeName(ScalarType::Unknown) == "unknown(0)");
}
