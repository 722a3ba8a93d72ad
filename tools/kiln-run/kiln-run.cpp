//===- kiln-run.cpp - run a Kiln shared library on .npy inputs ------------===//
//
//   kiln-run LIB.so --input x.npy [--input ...] [--output-dir DIR]
//            [--check expected_0.npy ...] [--atol A] [--rtol R] [--bench N]
//
// Loads a library written by `kilnc --emit=shared`, finds its model
// descriptor, checks every input against it, runs the model, writes the
// outputs as output_K.npy, compares them with expected outputs, and times
// repeated runs. Exit status: 0 ok, 1 mismatch or failure, 2 usage error.
//
//===----------------------------------------------------------------------===//
#include "compiler/support/Npy.h"
#include "kiln/runtime.h"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

const char kUsage[] =
    "usage: kiln-run LIB.so --input x.npy [--input ...] [options]\n"
    "\n"
    "Runs a model compiled with `kilnc --emit=shared` on NumPy inputs.\n"
    "\n"
    "options:\n"
    "  --input FILE.npy     an input, in the model's input order (repeat per input);\n"
    "                       for a bfloat16 input, a float32 file of exact bfloat16 values\n"
    "  --output-dir DIR     where to write output_K.npy (default: the current directory);\n"
    "                       bfloat16 outputs are written as float32 (exactly)\n"
    "  --no-output          do not write the outputs\n"
    "  --arena-bytes N      allocate an arena of exactly N bytes instead of the model's\n"
    "                       arena size (a smaller one lets memory checkers prove that\n"
    "                       the model uses all of it)\n"
    "  --check FILE.npy     expected value of an output, in output order (repeat);\n"
    "                       prints the max absolute and relative error per output and\n"
    "                       fails unless |out - expected| <= atol + rtol * |expected|\n"
    "  --atol A             absolute tolerance (default 1e-5)\n"
    "  --rtol R             relative tolerance (default 1e-4)\n"
    "  --scaled-tol T       instead of atol/rtol: pass when max |out - expected| <=\n"
    "                       T * max(1, max |expected|) for each output\n"
    "  --bench N            time N runs after a warm-up; print min and median latency\n"
    "  --quiet              print only errors and check results\n"
    "  --help               this text\n"
    "\n"
    "exit status: 0 success, 1 failure or mismatch, 2 usage error\n";

struct Options {
  std::string library;
  std::vector<std::string> inputs;
  std::vector<std::string> checks;
  std::string outputDir = ".";
  bool writeOutputs = true;
  double atol = 1e-5;
  double rtol = 1e-4;
  double scaledTol = -1; // --scaled-tol: max|out - ref| <= T * max(1, max|ref|)
  long bench = 0;
  bool quiet = false;
  long long arenaBytes = -1; // --arena-bytes: instead of the model's arena size
};

int usageError(const std::string &message) {
  std::fprintf(stderr, "kiln-run: %s\n(see kiln-run --help)\n", message.c_str());
  return kExitUsage;
}

bool parseDouble(const char *text, double &out) {
  char *end = nullptr;
  out = std::strtod(text, &end);
  return end && *end == '\0' && end != text;
}

/// Elements of a tensor as doubles, for comparison.
double elementAt(const kiln::NpyArray &a, uint64_t i) {
  const char *p = a.data.data();
  switch (a.dtype) {
  case KILN_DTYPE_FLOAT32: {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case KILN_DTYPE_FLOAT64: {
    double v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  }
  case KILN_DTYPE_FLOAT16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
    double v = exp == 0 ? std::ldexp(mant, -24)
               : exp == 31 ? (mant ? NAN : INFINITY)
                           : std::ldexp(mant + 1024, exp - 25);
    return (h & 0x8000) ? -v : v;
  }
  case KILN_DTYPE_BFLOAT16: {
    uint16_t h;
    std::memcpy(&h, p + 2 * i, 2);
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    float v;
    std::memcpy(&v, &bits, 4);
    return v;
  }
  case KILN_DTYPE_INT8:
    return static_cast<int8_t>(p[i]);
  case KILN_DTYPE_UINT8:
  case KILN_DTYPE_BOOL:
    return static_cast<uint8_t>(p[i]);
  case KILN_DTYPE_INT16: {
    int16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  }
  case KILN_DTYPE_INT32: {
    int32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  }
  case KILN_DTYPE_INT64: {
    int64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return static_cast<double>(v);
  }
  }
  return NAN;
}

/// float32 elements to bfloat16 in place; false if any value is not exactly
/// a bfloat16 value.
bool toBFloat16(kiln::NpyArray &a) {
  std::vector<char> out(a.numElements() * 2);
  for (uint64_t i = 0; i < a.numElements(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, a.data.data() + 4 * i, 4);
    if (bits & 0xffff)
      return false;
    uint16_t high = static_cast<uint16_t>(bits >> 16);
    std::memcpy(out.data() + 2 * i, &high, 2);
  }
  a.data = std::move(out);
  a.dtype = KILN_DTYPE_BFLOAT16;
  return true;
}

/// bfloat16 elements to float32 (exact), for writing .npy files.
kiln::NpyArray widenBFloat16(const kiln::NpyArray &a) {
  kiln::NpyArray out;
  out.dtype = KILN_DTYPE_FLOAT32;
  out.shape = a.shape;
  out.data.resize(a.numElements() * 4);
  for (uint64_t i = 0; i < a.numElements(); ++i) {
    uint16_t h;
    std::memcpy(&h, a.data.data() + 2 * i, 2);
    uint32_t bits = static_cast<uint32_t>(h) << 16;
    std::memcpy(out.data.data() + 4 * i, &bits, 4);
  }
  return out;
}

std::vector<int64_t> shapeOf(const kiln_tensor_desc_t &t) {
  return std::vector<int64_t>(t.shape, t.shape + t.rank);
}

void printPreview(const kiln::NpyArray &a) {
  uint64_t n = a.numElements();
  std::printf("    values:");
  for (uint64_t i = 0; i < std::min<uint64_t>(n, 8); ++i)
    std::printf(" %.6g", elementAt(a, i));
  std::printf("%s\n", n > 8 ? " ..." : "");
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *flag) -> const char * {
      if (i + 1 >= argc)
        return nullptr;
      (void)flag;
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    } else if (arg == "--input" || arg == "--check" || arg == "--output-dir" ||
               arg == "--atol" || arg == "--rtol" || arg == "--scaled-tol" || arg == "--bench" ||
               arg == "--arena-bytes") {
      const char *v = value(arg.c_str());
      if (!v)
        return usageError(arg + " needs a value");
      if (arg == "--input")
        o.inputs.push_back(v);
      else if (arg == "--check")
        o.checks.push_back(v);
      else if (arg == "--output-dir")
        o.outputDir = v;
      else if (arg == "--atol" || arg == "--rtol" || arg == "--scaled-tol") {
        double d;
        if (!parseDouble(v, d) || d < 0)
          return usageError(arg + " needs a non-negative number, got '" + v + "'");
        (arg == "--atol" ? o.atol : arg == "--rtol" ? o.rtol : o.scaledTol) = d;
      } else if (arg == "--arena-bytes") {
        char *end = nullptr;
        o.arenaBytes = std::strtoll(v, &end, 10);
        if (!end || *end || o.arenaBytes < 0)
          return usageError("--arena-bytes needs a byte count, got '" + std::string(v) + "'");
      } else {
        char *end = nullptr;
        o.bench = std::strtol(v, &end, 10);
        if (!end || *end || o.bench <= 0)
          return usageError("--bench needs a positive count, got '" + std::string(v) + "'");
      }
    } else if (arg == "--no-output") {
      o.writeOutputs = false;
    } else if (arg == "--quiet") {
      o.quiet = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return usageError("unknown option '" + arg + "'");
    } else if (o.library.empty()) {
      o.library = arg;
    } else {
      return usageError("more than one library given ('" + o.library + "', '" + arg + "')");
    }
  }
  if (o.library.empty())
    return usageError("no library given");

  // dlopen searches the library path for a bare name; a path is what we mean.
  std::string path = o.library.find('/') == std::string::npos ? "./" + o.library : o.library;
  void *handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    std::fprintf(stderr, "kiln-run: cannot load %s: %s\n", o.library.c_str(), dlerror());
    return kExitFailed;
  }
  auto *entry = static_cast<const kiln_model_t *const *>(dlsym(handle, KILN_SHARED_MODEL_SYMBOL));
  if (!entry || !*entry) {
    std::fprintf(stderr,
                 "kiln-run: %s has no '%s' symbol: is it a library written by "
                 "`kilnc --emit=shared`?\n",
                 o.library.c_str(), KILN_SHARED_MODEL_SYMBOL);
    return kExitFailed;
  }
  const kiln_model_t &model = **entry;
  if (model.abi_version != KILN_ABI_VERSION) {
    std::fprintf(stderr, "kiln-run: %s uses Kiln ABI version %u; this kiln-run reads %u\n",
                 o.library.c_str(), model.abi_version, KILN_ABI_VERSION);
    return kExitFailed;
  }

  if (o.inputs.size() != model.num_inputs) {
    std::fprintf(stderr, "kiln-run: model '%s' takes %u input(s), %zu given:\n", model.name,
                 model.num_inputs, o.inputs.size());
    for (uint32_t i = 0; i < model.num_inputs; ++i)
      std::fprintf(stderr, "  [%u] %s: %s\n", i, model.inputs[i].name,
                   kiln::describeArray(model.inputs[i].dtype, shapeOf(model.inputs[i])).c_str());
    return kExitFailed;
  }
  std::vector<kiln::NpyArray> inputs(model.num_inputs);
  for (uint32_t i = 0; i < model.num_inputs; ++i) {
    std::string error;
    if (!kiln::readNpyFile(o.inputs[i], inputs[i], error)) {
      std::fprintf(stderr, "kiln-run: %s: %s\n", o.inputs[i].c_str(), error.c_str());
      return kExitFailed;
    }
    const kiln_tensor_desc_t &want = model.inputs[i];
    if (want.dtype == KILN_DTYPE_BFLOAT16 && inputs[i].dtype == KILN_DTYPE_FLOAT32 &&
        inputs[i].shape == shapeOf(want)) {
      // NumPy has no bfloat16: a float32 file holds the values; they must be
      // exactly representable, as test/models writes them.
      if (!toBFloat16(inputs[i])) {
        std::fprintf(stderr,
                     "kiln-run: %s: input %u ('%s') is bfloat16 and the float32 file holds "
                     "values bfloat16 cannot represent exactly\n",
                     o.inputs[i].c_str(), i, want.name);
        return kExitFailed;
      }
    }
    if (inputs[i].dtype != want.dtype || inputs[i].shape != shapeOf(want)) {
      std::fprintf(stderr, "kiln-run: %s: input %u ('%s') must be %s, the file holds %s\n",
                   o.inputs[i].c_str(), i, want.name,
                   kiln::describeArray(want.dtype, shapeOf(want)).c_str(),
                   kiln::describeArray(inputs[i].dtype, inputs[i].shape).c_str());
      return kExitFailed;
    }
  }

  std::vector<kiln::NpyArray> outputs(model.num_outputs);
  std::vector<const void *> inputPtrs;
  std::vector<void *> outputPtrs;
  for (auto &in : inputs)
    inputPtrs.push_back(in.data.data());
  for (uint32_t i = 0; i < model.num_outputs; ++i) {
    outputs[i].dtype = model.outputs[i].dtype;
    outputs[i].shape = shapeOf(model.outputs[i]);
    // Exactly the output's size (a byte for an empty output, which still
    // needs a valid pointer), so that memory checkers see overruns.
    outputs[i].data.assign(std::max<uint64_t>(model.outputs[i].size_bytes, 1), 0);
    outputPtrs.push_back(outputs[i].data.data());
  }
  size_t align = std::max<size_t>(model.arena_align, sizeof(void *));
  // Exactly arena_size bytes (no rounding), so that memory checkers see any
  // access past the end of the arena the header promises.
  size_t arenaBytes = o.arenaBytes >= 0 ? static_cast<size_t>(o.arenaBytes) : model.arena_size;
  void *arenaMemory = nullptr;
  if (arenaBytes && posix_memalign(&arenaMemory, align, arenaBytes) != 0)
    arenaMemory = nullptr;
  std::unique_ptr<void, void (*)(void *)> arena(arenaMemory, std::free);
  if (arenaBytes && !arena) {
    std::fprintf(stderr, "kiln-run: cannot allocate an arena of %zu bytes\n", arenaBytes);
    return kExitFailed;
  }

  kiln_status_t status = model.run(inputPtrs.data(), outputPtrs.data(), arena.get());
  if (status != KILN_STATUS_OK) {
    std::fprintf(stderr, "kiln-run: %s_run returned status %d\n", model.name, status);
    return kExitFailed;
  }

  if (!o.quiet) {
    std::printf("model %s: %u input(s), %u output(s), arena %" PRIu64 " bytes (align %u)\n",
                model.name, model.num_inputs, model.num_outputs, model.arena_size,
                model.arena_align);
    for (uint32_t i = 0; i < model.num_inputs; ++i)
      std::printf("  input  [%u] %s: %s\n", i, model.inputs[i].name,
                  kiln::describeArray(model.inputs[i].dtype, shapeOf(model.inputs[i])).c_str());
    for (uint32_t i = 0; i < model.num_outputs; ++i) {
      std::printf("  output [%u] %s: %s\n", i, model.outputs[i].name,
                  kiln::describeArray(model.outputs[i].dtype, shapeOf(model.outputs[i])).c_str());
      printPreview(outputs[i]);
    }
  }

  if (o.writeOutputs) {
    mkdir(o.outputDir.c_str(), 0777);
    for (uint32_t i = 0; i < model.num_outputs; ++i) {
      std::string file = o.outputDir + "/output_" + std::to_string(i) + ".npy";
      std::string error;
      // NumPy has no bfloat16: such outputs are written as exact float32.
      const kiln::NpyArray &array = outputs[i].dtype == KILN_DTYPE_BFLOAT16
                                        ? widenBFloat16(outputs[i])
                                        : outputs[i];
      if (!kiln::writeNpyFile(file, array, error)) {
        std::fprintf(stderr, "kiln-run: %s: %s\n", file.c_str(), error.c_str());
        return kExitFailed;
      }
    }
  }

  int result = kExitOk;
  if (!o.checks.empty()) {
    if (o.checks.size() != model.num_outputs) {
      std::fprintf(stderr, "kiln-run: model '%s' has %u output(s), %zu --check file(s) given\n",
                   model.name, model.num_outputs, o.checks.size());
      return kExitFailed;
    }
    for (uint32_t i = 0; i < model.num_outputs; ++i) {
      kiln::NpyArray expected;
      std::string error;
      if (!kiln::readNpyFile(o.checks[i], expected, error)) {
        std::fprintf(stderr, "kiln-run: %s: %s\n", o.checks[i].c_str(), error.c_str());
        return kExitFailed;
      }
      if (expected.shape != outputs[i].shape) {
        std::fprintf(stderr, "kiln-run: %s: output %u ('%s') is %s, the file holds %s\n",
                     o.checks[i].c_str(), i, model.outputs[i].name,
                     kiln::describeArray(outputs[i].dtype, outputs[i].shape).c_str(),
                     kiln::describeArray(expected.dtype, expected.shape).c_str());
        return kExitFailed;
      }
      double maxAbs = 0, maxRel = 0, maxRef = 0;
      uint64_t bad = 0, firstBad = 0;
      for (uint64_t k = 0, n = expected.numElements(); k < n; ++k)
        if (std::isfinite(elementAt(expected, k)))
          maxRef = std::max(maxRef, std::fabs(elementAt(expected, k)));
      // --scaled-tol: one absolute tolerance per output, scaled by its range.
      double atol = o.scaledTol >= 0 ? o.scaledTol * std::max(1.0, maxRef) : o.atol;
      double rtol = o.scaledTol >= 0 ? 0.0 : o.rtol;
      for (uint64_t k = 0, n = expected.numElements(); k < n; ++k) {
        double got = elementAt(outputs[i], k), want = elementAt(expected, k);
        if (std::isnan(got) || std::isnan(want)) {
          if (std::isnan(got) != std::isnan(want) && bad++ == 0)
            firstBad = k;
          continue;
        }
        double abs = std::fabs(got - want);
        if (got == want)
          abs = 0; // equal infinities
        double rel = want != 0 ? abs / std::fabs(want) : (abs == 0 ? 0 : INFINITY);
        maxAbs = std::max(maxAbs, abs);
        maxRel = std::max(maxRel, rel);
        if (!(abs <= atol + rtol * std::fabs(want)) && bad++ == 0)
          firstBad = k;
      }
      std::printf("check output %u (%s): max abs error %.3g, max rel error %.3g "
                  "(atol %g, rtol %g): %s\n",
                  i, model.outputs[i].name, maxAbs, maxRel, atol, rtol,
                  bad ? "MISMATCH" : "ok");
      if (bad) {
        std::printf("  %" PRIu64 " element(s) out of tolerance; first at flat index %" PRIu64
                    ": got %.9g, expected %.9g\n",
                    bad, firstBad, elementAt(outputs[i], firstBad), elementAt(expected, firstBad));
        result = kExitFailed;
      }
    }
  }

  if (o.bench > 0) {
    long warmup = std::max(1L, o.bench / 10);
    for (long r = 0; r < warmup; ++r)
      model.run(inputPtrs.data(), outputPtrs.data(), arena.get());
    std::vector<double> times;
    for (long r = 0; r < o.bench; ++r) {
      auto start = std::chrono::steady_clock::now();
      model.run(inputPtrs.data(), outputPtrs.data(), arena.get());
      auto end = std::chrono::steady_clock::now();
      times.push_back(std::chrono::duration<double, std::micro>(end - start).count());
    }
    std::sort(times.begin(), times.end());
    double median = times.size() % 2 ? times[times.size() / 2]
                                     : (times[times.size() / 2 - 1] + times[times.size() / 2]) / 2;
    std::printf("bench %s: %ld runs after %ld warm-up: min %.1f us, median %.1f us\n",
                model.name, o.bench, warmup, times.front(), median);
  }
  return result;
}
