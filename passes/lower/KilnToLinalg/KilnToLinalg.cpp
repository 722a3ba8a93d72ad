//===- KilnToLinalg.cpp - the convert-kiln-to-linalg pass -----------------===//
#include "dialects/kiln/KilnOps.h"
#include "passes/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace kiln {

#define GEN_PASS_DEF_CONVERTKILNTOLINALGPASS
#include "passes/Passes.h.inc"

void populateKilnToLinalgPatterns(RewritePatternSet &patterns) {
  populateKilnLinearToLinalgPatterns(patterns);
  populateKilnConvToLinalgPatterns(patterns);
  populateKilnNormalizationToLinalgPatterns(patterns);
  populateKilnPoolingToLinalgPatterns(patterns);
  populateKilnReductionToLinalgPatterns(patterns);
  populateKilnElementwiseToLinalgPatterns(patterns);
  populateKilnDataMovementToLinalgPatterns(patterns);
  populateKilnQuantizeToLinalgPatterns(patterns);
}

namespace {
struct ConvertKilnToLinalgPass : impl::ConvertKilnToLinalgPassBase<ConvertKilnToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    ConversionTarget target(getContext());
    target.addIllegalDialect<KilnDialect>();
    target.addLegalOp<MicroKernelOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateKilnToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace kiln
