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
 * Every kernel takes its inputs (read only), then its one output, then int
 * parameters: the float32 kernels take float32 buffers and end with the
 * epilogue's activation; the int8 kernels take int8 data and weights and
 * int32 biases and requantization parameters. kiln-lower-micro-kernels passes
 * each buffer as the address of its first element and each parameter as a
 * 32-bit int; when kilnc links a kernel library into a model
 * (targets/Kernels.cpp) it checks that every kernel the model calls is
 * defined there with the type of the call.
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

/* X(name, buffers, params): every kernel, as `kiln_uk_<name>` with one
 * pointer per letter of `buffers` (the inputs, then the output, last), each
 * letter the element type: f float32, b int8, i int32; then `params` int
 * parameters. */
#define KILN_UK_KERNELS(X)                                                                         \
  X(conv2d, "ffff", 16)                                                                            \
  X(conv2d_residual, "fffff", 16)                                                                  \
  X(dwconv2d, "ffff", 15)                                                                          \
  X(linear, "ffff", 4)                                                                             \
  X(qconv2d, "bbiiiib", 19)                                                                        \
  X(qdwconv2d, "bbiiiib", 18)                                                                      \
  X(qlinear, "bbiiiib", 6)                                                                         \
  X(lookup, "bbb", 1)                                                                              \
  X(qmaxpool2d, "bb", 11)

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

/* The int8 kernels (kiln.qconv2d and kiln.qlinear with constant weights):
 * int8 input with zero point zx, symmetric int8 weights, int32 accumulation,
 * then per output channel
 *   y = clamp(zy + floor((acc * mult[f] + rem[f] + 2^(30 - shift[f])) / 2^(31 - shift[f])), lo, hi)
 * in 64 bits: (acc * mult + rem) / 2^(31 - shift) rounded half up, where rem
 * (|rem| <= 2^30) is the bias's fraction below the int32 bias, in the
 * product's units (docs/quantization.md).
 * Weights are packed in words of four consecutive k (k .. k+3 of one filter
 * or output, zeros past K), K4 = ceil(K/4) words per filter; QMR, QNR and QOFF
 * come from the library's kiln_uk_int8_geometry. The int32 bias is folded:
 *   bias'[f] = bias[f] - (zx + QOFF) * sum_k w[f][k]
 * and padded with bias, mult, shift and rem to the packing's multiple (QMR for
 * conv, QNR for linear; the padding's values are never stored).
 *
 * qconv2d, groups = 1, NCHW: wp is [ceil(F/QMR)][K4][QMR] words (K = C*KH*KW),
 * k = (c * KH + ki) * KW + kj; but where the library's QFOURS (the fourth
 * value of kiln_uk_int8_geometry) is 1 and C4 = 4 * ceil(C/4) is at most
 * 4/3 of C (3 * C4 <= 4 * C: C = 3, 6, 7 or any multiple of 4), in channel
 * fours: K = C4*KH*KW, k = ((c / 4 * KH + ki) * KW + kj) * 4 + c % 4, zero
 * weights for the channels past C: a word is four channels of one tap (the
 * direct conv's order). Padding reads as zx. Params as conv2d's, then zx,
 * zy, lo, hi. */
void kiln_uk_qconv2d(const signed char *in, const signed char *wp, const int *bias, const int *mult,
                     const int *shift, const int *rem, signed char *out, int n, int c, int h, int w,
                     int f, int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw, int oh,
                     int ow, int zx, int zy, int lo, int hi);

/* Depthwise int8 conv2d: wt is [C][KH][KW] unpacked, bias [C] not folded
 * (the kernel subtracts zx); params as dwconv2d's, then zx, zy, lo, hi. */
void kiln_uk_qdwconv2d(const signed char *in, const signed char *wt, const int *bias,
                       const int *mult, const int *shift, const int *rem, signed char *out, int n,
                       int c, int h, int w, int kh, int kw, int sh, int sw, int pt, int pl, int dh,
                       int dw, int oh, int ow, int zx, int zy, int lo, int hi);

/* int8 fully connected: y[m][n] from x[m][k] with wp [ceil(N/QNR)][K4][QNR]
 * words; zx is in the folded bias. */
void kiln_uk_qlinear(const signed char *x, const signed char *wp, const int *bias, const int *mult,
                     const int *shift, const int *rem, signed char *y, int m, int k, int n, int zy,
                     int lo, int hi);

/* int8 elementwise function as a 256-entry table (kiln.lookup):
 * y[i] = table[x[i] + 128] for i < n. */
void kiln_uk_lookup(const signed char *x, const signed char *table, signed char *y, int n);

/* int8 max pooling (kiln.max_pool2d on int8), NCHW, undilated: `planes`
 * (N*C) planes of h x w, windows kh x kw at strides sh, sw; pt/pl: top and
 * left padding; oh/ow: the output's size (ceil mode's last windows included).
 * Padding reads as -128. */
void kiln_uk_qmaxpool2d(const signed char *in, signed char *out, int planes, int h, int w, int kh,
                        int kw, int sh, int sw, int pt, int pl, int oh, int ow);

#ifdef __cplusplus
}
#endif

#endif /* KILN_TARGETS_KERNELS_KILN_KERNELS_H */
