/*===- kiln_kernels.h - the micro-kernel ABI -----------------------------===*
 *
 * The one statement of how compiled models call Kiln's micro-kernels
 * (kiln_kernels.c). Included by
 *   targets/kernels/kiln_kernels.c          the definitions (C checks them
 *                                           against these prototypes)
 *   dialects/kiln/KilnOps.cpp               kiln.micro_kernel's verifier
 *                                           (KILN_UK_KERNELS: inputs, params)
 *   passes/lower/SelectMicroKernels.cpp     the activation codes and the
 *                                           order of the integer parameters
 *   test/unit/MicroKernelAbiTest.cpp        KILN_UK_KERNELS against the
 *                                           prototypes
 *
 * Every kernel takes its float32 inputs (read only), then its one float32
 * output, then int parameters; the last parameter is the epilogue's
 * activation. kiln-lower-micro-kernels passes each buffer as the address of
 * its first element and each parameter as a 32-bit int; when kilnc links a
 * kernel library into a model (targets/Kernels.cpp) it checks that every
 * kernel the model calls is defined there with the type of the call.
 *
 * Freestanding C: no includes.
 *===----------------------------------------------------------------------===*/
#ifndef KILN_TARGETS_KERNELS_KILN_KERNELS_H
#define KILN_TARGETS_KERNELS_KILN_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/* The activation the epilogue applies, the last parameter of every kernel. */
enum kiln_uk_activation {
  KILN_UK_ACT_NONE = 0,
  KILN_UK_ACT_RELU = 1,
  KILN_UK_ACT_RELU6 = 2,
  KILN_UK_ACT_HARDSWISH = 3,
};

/* X(name, inputs, params): every kernel, as `kiln_uk_<name>` with `inputs`
 * float32 input pointers, one output pointer and `params` int parameters. */
#define KILN_UK_KERNELS(X)                                                                         \
  X(conv2d, 3, 16)                                                                                 \
  X(conv2d_residual, 4, 16)                                                                        \
  X(dwconv2d, 3, 15)                                                                               \
  X(linear, 3, 4)

/* conv2d, groups = 1, NCHW, as an implicit GEMM:
 *   out = act(conv(in, W) + bias)
 * wp: the weights packed as [ceil(K/KC)][ceil(F/MR)][kc][MR] with
 * K = C*KH*KW (kc = KC but in the last block); bias padded to a multiple of
 * MR. pt/pl: top and left padding; oh/ow: the output's height and width. */
void kiln_uk_conv2d(const float *in, const float *wp, const float *bias, float *out, int n, int c,
                    int h, int w, int f, int kh, int kw, int sh, int sw, int pt, int pl, int dh,
                    int dw, int oh, int ow, int act);

/* conv2d with a residual: out = act(conv(in, W) + bias + res), res shaped as
 * out. */
void kiln_uk_conv2d_residual(const float *in, const float *wp, const float *bias, const float *res,
                             float *out, int n, int c, int h, int w, int f, int kh, int kw, int sh,
                             int sw, int pt, int pl, int dh, int dw, int oh, int ow, int act);

/* Depthwise conv2d (groups = C = F, one filter per channel): wt is
 * [C][KH][KW] unpacked, bias [C]. */
void kiln_uk_dwconv2d(const float *in, const float *wt, const float *bias, float *out, int n, int c,
                      int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw,
                      int oh, int ow, int act);

/* Fully connected: y[m][n] = act(x[m][k] . W[n][k] + bias[n]) with W packed
 * as [ceil(N/NR)][K][NR] and bias padded to a multiple of NR. */
void kiln_uk_linear(const float *x, const float *wp, const float *bias, float *y, int m, int k,
                    int n, int act);

#ifdef __cplusplus
}
#endif

#endif /* KILN_TARGETS_KERNELS_KILN_KERNELS_H */
