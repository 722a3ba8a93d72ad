//===- kiln_kernels.c - Kiln's micro-kernels -------------------------------===//
//
// Freestanding C, compiled once per kernel library to LLVM bitcode when kilnc
// is built (targets/CMakeLists.txt) and linked by kilnc into a model's LLVM
// module: only the kernels the model calls, internalized, with the model's
// CPU and features, then optimized with the model's code. No libc, no
// allocation; the only scratch is on the stack: KC x NR x NCB floats of
// packed input (64 KiB on x86-64 and AArch64, 1 KiB on the scalar targets)
// and two staged rows in the depthwise kernel; the int8 conv kernel's panel
// of K x QPN bytes (K = C*KH*KW, a variable-length array).
//
// The kernels' signatures, parameters and activation codes are in
// kiln_kernels.h (the micro-kernel ABI). Weights are constants, so kilnc packs
// them at compile time into the layouts that header gives
// (passes/lower/SelectMicroKernels.cpp).
//
// The register tile is MR x NR accumulators of NR-lane vectors; LLVM splits
// or widens the vectors to the target's registers. Each library's tile comes
// from the target table (targets/targets.ini, kernel-tile) as -DKILN_MR=..
// -DKILN_NR=.. -DKILN_KC=.. -DKILN_NCB=..
//
//===----------------------------------------------------------------------===//
#include "kiln_kernels.h"

#if !defined(KILN_MR) || !defined(KILN_NR) || !defined(KILN_KC) || !defined(KILN_NCB)
#error                                                                                             \
    "the register tile comes from targets/targets.ini: -DKILN_MR=.. -DKILN_NR=.. -DKILN_KC=.. -DKILN_NCB=.."
#endif
#define MR KILN_MR
#define NR KILN_NR
#define KC KILN_KC
#define NCB KILN_NCB

/// Read by kilnc (targets/Kernels.cpp) to pack weights for these kernels.
const int kiln_uk_geometry[3] = {MR, NR, KC};

typedef __SIZE_TYPE__ usize;
typedef __PTRDIFF_TYPE__ isize;
typedef float vf __attribute__((ext_vector_type(NR)));
// The same vector at float alignment, for loads and stores anywhere.
typedef float vfu __attribute__((ext_vector_type(NR), aligned(4)));

#define INLINE static inline __attribute__((always_inline))

INLINE isize min_i(isize a, isize b) { return a < b ? a : b; }

// NaN passes through relu and relu6 as in PyTorch: comparisons with NaN are false.
#define DEFINE_ACTIVATE(name, T)                                                                   \
  INLINE T name(T v, int act) {                                                                    \
    const T zero = 0.0f, three = 3.0f, six = 6.0f;                                                 \
    switch (act) {                                                                                 \
    case KILN_UK_ACT_RELU:                                                                         \
      return v < zero ? zero : v;                                                                  \
    case KILN_UK_ACT_RELU6:                                                                        \
      v = v < zero ? zero : v;                                                                     \
      return v > six ? six : v;                                                                    \
    case KILN_UK_ACT_HARDSWISH: {                                                                  \
      T t = v + three;                                                                             \
      t = t < zero ? zero : t;                                                                     \
      t = t > six ? six : t;                                                                       \
      return v * t / six;                                                                          \
    }                                                                                              \
    default:                                                                                       \
      return v;                                                                                    \
    }                                                                                              \
  }
DEFINE_ACTIVATE(activate, vf)

INLINE vf load_part(const float *p, isize n) {
  if (n == NR)
    return *(const vfu *)p;
  float t[NR];
  for (int j = 0; j < NR; ++j)
    t[j] = j < n ? p[j] : 0.0f;
  return *(const vfu *)t;
}

INLINE void store_part(float *p, vf v, isize n) {
  if (n == NR) {
    *(vfu *)p = v;
    return;
  }
  float t[NR];
  *(vfu *)t = v;
  for (int j = 0; j < n; ++j)
    p[j] = t[j];
}

/// The register tile: C[rows x cols] (= or +=) A[MR x kc] * B[kc x NR], then
/// the activation when `last`. A(i, k) is a[i * a_rs + k * a_ks]; B is packed,
/// row k at b + k * NR. On the first K block C starts from the bias: per row
/// (`row_bias`, conv) or per column (linear), both padded so no tail checks.
/// A residual `res` (laid out as C, or null) is added before the activation.
INLINE void tile(isize kc, const float *a, isize a_rs, isize a_ks, const float *b, float *c,
                 isize ldc, isize rows, isize cols, int first, int last, const float *bias,
                 int row_bias, int act, const float *res) {
  vf acc[MR];
  if (first) {
    vf col_bias = row_bias ? (vf)0.0f : *(const vfu *)bias;
    for (int i = 0; i < MR; ++i)
      acc[i] = row_bias ? (vf)bias[i] : col_bias;
  } else {
    for (int i = 0; i < MR; ++i)
      acc[i] = i < rows ? load_part(c + i * ldc, cols) : (vf)0.0f;
  }
  for (isize k = 0; k < kc; ++k) {
    vf bv = *(const vfu *)(b + k * NR);
    for (int i = 0; i < MR; ++i)
      acc[i] = acc[i] + a[i * a_rs + k * a_ks] * bv;
  }
  if (last && res)
    for (int i = 0; i < MR; ++i)
      if (i < rows)
        acc[i] = acc[i] + load_part(res + i * ldc, cols);
  if (last)
    for (int i = 0; i < MR; ++i)
      acc[i] = activate(acc[i], act);
  for (int i = 0; i < MR; ++i)
    if (i < rows)
      store_part(c + i * ldc, acc[i], cols);
}

// Lane indices 0, 2, 4, ... of a pair of W-lane vectors.
#define EVEN_LANES_4 0, 2, 4, 6
#define EVEN_LANES_8 EVEN_LANES_4, 8, 10, 12, 14
#define EVEN_LANES_16 EVEN_LANES_8, 16, 18, 20, 22, 24, 26, 28, 30
#define EVEN_LANES_32 EVEN_LANES_16, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58, 60, 62
#define EVEN_LANES_(w) EVEN_LANES_##w
#define EVEN_LANES(w) EVEN_LANES_(w)

/// W elements from p with stride sw (any stride; 1 and 2 are vector loads).
#define DEFINE_LOAD_STRIDED(name, T, TU, W)                                                        \
  INLINE T name(const float *p, isize sw) {                                                        \
    if (sw == 1)                                                                                   \
      return *(const TU *)p;                                                                       \
    if (sw == 2)                                                                                   \
      return __builtin_shufflevector(*(const TU *)p, *(const TU *)(p + W), EVEN_LANES(W));         \
    float t[W];                                                                                    \
    for (int j = 0; j < W; ++j)                                                                    \
      t[j] = p[j * sw];                                                                            \
    return *(const TU *)t;                                                                         \
  }
DEFINE_LOAD_STRIDED(load_strided, vf, vfu, NR)

/// A run of panel columns j .. j+n of the im2col matrix: output pixels
/// (oy, ox .. ox+n) within one output row.
struct pixel_run {
  isize oy, ox, j, n;
};

/// The runs of the panel of output pixels p0 .. p0+cols (ow pixels a row)
/// into runs[]; returns how many.
INLINE int pixel_runs(struct pixel_run *runs, isize p0, isize cols, isize ow) {
  int count = 0;
  for (isize j = 0, oy = p0 / ow, ox = p0 % ow; j < cols; ++count, ox = 0, ++oy) {
    isize len = min_i(ow - ox, cols - j);
    runs[count] = (struct pixel_run){oy, ox, j, len};
    j += len;
  }
  return count;
}

/// The elements t in [*lo, *hi) of a run of n whose input column ix0 + t * sw
/// is inside a row of w (no division at strides 1 and 2).
INLINE void in_row(isize ix0, isize sw, isize w, isize n, isize *lo, isize *hi) {
  isize l, h;
  if (sw == 1) {
    l = ix0 >= 0 ? 0 : -ix0;
    h = w - ix0;
  } else if (sw == 2) {
    l = ix0 >= 0 ? 0 : (-ix0 + 1) >> 1;
    h = w - 1 - ix0 >= 0 ? ((w - 1 - ix0) >> 1) + 1 : 0;
  } else {
    l = ix0 >= 0 ? 0 : (-ix0 + sw - 1) / sw;
    h = w - 1 - ix0 >= 0 ? (w - 1 - ix0) / sw + 1 : 0;
  }
  l = min_i(l, n);
  h = min_i(h, n);
  *lo = l;
  *hi = h < l ? l : h;
}

/// Copies rows k0 .. k0+kc of the im2col matrix of one image (row k =
/// (channel, ki, kj), column p = output pixel) for the pixels p0 .. p0+cols
/// into the panel bp[kc][NR], zeros for padding and for columns past `cols`.
/// The pixels are cut into runs within one output row; a run reads one input
/// row at a fixed stride, with zeros where it leaves the row.
INLINE void pack_im2col(float *bp, const float *x, isize k0, isize kc, isize p0, isize cols,
                        isize h, isize w, isize kh, isize kw, isize sh, isize sw, isize pt,
                        isize pl, isize dh, isize dw, isize ow) {
  struct pixel_run run[NR];
  int runs = pixel_runs(run, p0, cols, ow);
  isize ksz = kh * kw;
  isize ci = k0 / ksz, ki = (k0 % ksz) / kw, kj = k0 % kw;
  int simple = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0;
  for (isize kk = 0; kk < kc; ++kk) {
    const float *plane = x + ci * h * w;
    float *dst = bp + kk * NR;
    if (simple && cols == NR) {
      // 1x1, stride 1, no padding: the pixels are contiguous in the input.
      *(vf *)dst = *(const vfu *)(plane + p0);
    } else {
      for (int r = 0; r < runs; ++r) {
        float *d = dst + run[r].j;
        isize n = run[r].n, iy = run[r].oy * sh - pt + ki * dh;
        if ((usize)iy >= (usize)h) {
          for (isize t = 0; t < n; ++t)
            d[t] = 0.0f;
          continue;
        }
        const float *row = plane + iy * w;
        isize ix0 = run[r].ox * sw - pl + kj * dw;
        if (n == NR && ix0 >= 0 && (sw == 1 || sw == 2) && ix0 + sw * NR <= w) {
          *(vfu *)d = load_strided(row + ix0, sw); // a whole run inside the row
          continue;
        }
        isize lo, hi;
        in_row(ix0, sw, w, n, &lo, &hi);
        isize t = 0;
        for (; t < lo; ++t)
          d[t] = 0.0f;
        if (sw == 1)
          for (; t < hi; ++t)
            d[t] = row[ix0 + t];
        else
          for (; t < hi; ++t)
            d[t] = row[ix0 + t * sw];
        for (; t < n; ++t)
          d[t] = 0.0f;
      }
      for (isize j = cols; j < NR; ++j)
        dst[j] = 0.0f;
    }
    if (++kj == kw) {
      kj = 0;
      if (++ki == kh) {
        ki = 0;
        ++ci;
      }
    }
  }
}

/// 2-D convolution, NCHW, groups = 1: out = act(conv(in, W) + bias) with W
/// packed as [ceil(K/KC)][ceil(F/MR)][kc][MR] (K = C*KH*KW: the weights of one
/// K block are one sequential stream) and bias padded to a multiple of MR.
INLINE void conv2d(const float *in, const float *wp, const float *bias, const float *res,
                   float *out, int n, int c, int h, int w, int f, int kh, int kw, int sh, int sw,
                   int pt, int pl, int dh, int dw, int oh, int ow, int act) {
  // NCB panels of NR pixels: each MR x kc slice of the weights is read once
  // per NCB * NR pixels (deep layers with few pixels read their weights once).
  float bp[KC * NR * NCB] __attribute__((aligned(64)));
  isize K = (isize)c * kh * kw, P = (isize)oh * ow, fp = (f + MR - 1) / MR * MR;
  for (isize img = 0; img < n; ++img) {
    const float *x = in + img * c * h * w;
    float *y = out + img * f * P;
    for (isize pg = 0; pg < P; pg += NR * NCB) {
      isize panels = min_i(NCB, (P - pg + NR - 1) / NR);
      for (isize k0 = 0; k0 < K; k0 += KC) {
        isize kc = min_i(KC, K - k0);
        for (isize q = 0; q < panels; ++q) {
          isize p0 = pg + q * NR;
          pack_im2col(bp + q * kc * NR, x, k0, kc, p0, min_i(NR, P - p0), h, w, kh, kw, sh, sw, pt,
                      pl, dh, dw, ow);
        }
        for (isize f0 = 0; f0 < f; f0 += MR)
          for (isize q = 0; q < panels; ++q) {
            isize p0 = pg + q * NR;
            tile(kc, wp + k0 * fp + f0 * kc, 1, MR, bp + q * kc * NR, y + f0 * P + p0, P,
                 min_i(MR, f - f0), min_i(NR, P - p0), k0 == 0, k0 + kc >= K, bias + f0, 1, act,
                 res ? res + img * f * P + f0 * P + p0 : 0);
          }
      }
    }
  }
}

__attribute__((noinline)) void kiln_uk_conv2d(const float *in, const float *wp, const float *bias,
                                              float *out, int n, int c, int h, int w, int f, int kh,
                                              int kw, int sh, int sw, int pt, int pl, int dh,
                                              int dw, int oh, int ow, int act) {
  conv2d(in, wp, bias, 0, out, n, c, h, w, f, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, act);
}

/// conv2d with a residual: out = act(conv(in, W) + bias + res), res shaped as out.
__attribute__((noinline)) void
kiln_uk_conv2d_residual(const float *in, const float *wp, const float *bias, const float *res,
                        float *out, int n, int c, int h, int w, int f, int kh, int kw, int sh,
                        int sw, int pt, int pl, int dh, int dw, int oh, int ow, int act) {
  conv2d(in, wp, bias, res, out, n, c, h, w, f, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, act);
}

/// Fully connected: y[m][n] = act(x[m][k] . W[n][k] + bias[n]) with W packed
/// as [ceil(N/NR)][K][NR] and bias padded to a multiple of NR.
__attribute__((noinline)) void kiln_uk_linear(const float *x, const float *wp, const float *bias,
                                              float *y, int m, int k, int n, int act) {
  for (isize n0 = 0; n0 < n; n0 += NR) {
    isize cols = min_i(NR, n - n0);
    isize m0 = 0;
    for (; m0 + MR <= m; m0 += MR)
      tile(k, x + m0 * k, k, 1, wp + n0 * k, y + m0 * n + n0, n, MR, cols, 1, 1, bias + n0, 0, act,
           0);
    // The last rows one at a time: one row against the panel, with four
    // accumulators over k so the FMAs do not wait on each other.
    for (; m0 < m; ++m0) {
      const float *a = x + m0 * k, *b = wp + n0 * k;
      vf acc[4] = {*(const vfu *)(bias + n0), 0.0f, 0.0f, 0.0f};
      isize kk = 0;
      for (; kk + 4 <= k; kk += 4)
        for (int u = 0; u < 4; ++u)
          acc[u] = acc[u] + a[kk + u] * *(const vfu *)(b + (kk + u) * NR);
      for (; kk < k; ++kk)
        acc[0] = acc[0] + a[kk] * *(const vfu *)(b + kk * NR);
      store_part(y + m0 * n + n0, activate((acc[0] + acc[1]) + (acc[2] + acc[3]), act), cols);
    }
  }
}

/// The depthwise kernel's vectors: at most 8 lanes (its rows are short; 8
/// lanes beat 16 and 32 on mobilenet's depthwise layers with AVX-512).
#if defined(KILN_DNR)
#define DNR KILN_DNR
#elif NR > 8
#define DNR 8
#else
#define DNR NR
#endif
typedef float vd __attribute__((ext_vector_type(DNR)));
typedef float vdu __attribute__((ext_vector_type(DNR), aligned(4)));
DEFINE_ACTIVATE(activate_d, vd)
DEFINE_LOAD_STRIDED(load_strided_d, vd, vdu, DNR)

/// The longest padded input row the depthwise kernel stages on the stack.
#define DW_ROW (KC * DNR / 4)

/// The most kernel rows (KH) the staged depthwise path takes.
#define DW_KMAX 5

/// How the depthwise kernels stage rows: output columns in `groups` of
/// `group` lanes, the `span` of columns their loads touch (one more vector of
/// `lanes` for the stride-2 pair load), whether that fits the stack
/// (`staged`), and the column where the copied input row ends.
struct dw_stage {
  isize groups, span, copy_end;
  int staged;
};

INLINE struct dw_stage dw_stage_of(isize w, isize ow, isize kh, isize kw, isize sw, isize pl,
                                   isize dw, isize group, isize lanes) {
  struct dw_stage st;
  st.groups = (ow + group - 1) / group;
  st.span = st.groups * group * sw + (kw - 1) * dw + lanes;
  st.staged = st.span <= DW_ROW && kh <= DW_KMAX;
  st.copy_end = min_i(pl + w, st.span);
  return st;
}

/// Depthwise 2-D convolution, NCHW (groups = C, one filter per channel):
/// W is [C][KH][KW] as PyTorch has it. For each output row, the KH input rows
/// under it are staged on the stack with their zero padding, so every load is
/// a whole vector; four vectors of outputs accumulate in registers over all
/// KH x KW taps at once (independent FMA chains). Kernels taller than DW_KMAX
/// or rows longer than DW_ROW take a scalar path.
__attribute__((noinline)) void kiln_uk_dwconv2d(const float *in, const float *wt, const float *bias,
                                                float *out, int n, int c, int h, int w, int kh,
                                                int kw, int sh, int sw, int pt, int pl, int dh,
                                                int dw, int oh, int ow, int act) {
  float rows[DW_KMAX][DW_ROW] __attribute__((aligned(64)));
  float acc_row[DW_ROW] __attribute__((aligned(64)));
  struct dw_stage st = dw_stage_of(w, ow, kh, kw, sw, pl, dw, 4 * DNR, DNR);
  isize groups = st.groups, copy_end = st.copy_end;
  int staged = st.staged;
  for (isize r = 0; staged && r < kh; ++r)
    for (isize j = 0; j < st.span; ++j)
      rows[r][j] = 0.0f;
  for (isize plane = 0; plane < (isize)n * c; ++plane) {
    isize ch = plane % c;
    const float *x = in + plane * h * w;
    float *y = out + plane * oh * ow;
    const float *wk = wt + ch * kh * kw;
    for (isize oy = 0; oy < oh; ++oy) {
      float *yr = y + oy * ow;
      if (staged) {
        // Rows outside the image stay out of the sums (valid[ki] = 0).
        int valid[DW_KMAX];
        for (isize ki = 0; ki < kh; ++ki) {
          isize iy = oy * sh - pt + ki * dh;
          valid[ki] = (usize)iy < (usize)h;
          if (valid[ki])
            for (isize j = pl; j < copy_end; ++j)
              rows[ki][j] = x[iy * w + j - pl];
        }
        for (isize g = 0; g < groups; ++g) {
          vd acc[4];
          for (int u = 0; u < 4; ++u)
            acc[u] = (vd)bias[ch];
          for (isize ki = 0; ki < kh; ++ki) {
            if (!valid[ki])
              continue;
            for (isize kj = 0; kj < kw; ++kj) {
              float wv = wk[ki * kw + kj];
              const float *r = rows[ki] + kj * dw + g * 4 * DNR * sw;
              for (int u = 0; u < 4; ++u)
                acc[u] = acc[u] + wv * load_strided_d(r + u * DNR * sw, sw);
            }
          }
          for (int u = 0; u < 4; ++u)
            *(vd *)(acc_row + (g * 4 + u) * DNR) = activate_d(acc[u], act);
        }
        for (isize ox = 0; ox < ow; ++ox)
          yr[ox] = acc_row[ox];
        continue;
      }
      for (isize ox = 0; ox < ow; ++ox)
        yr[ox] = bias[ch];
      for (isize ki = 0; ki < kh; ++ki) {
        isize iy = oy * sh - pt + ki * dh;
        if ((usize)iy >= (usize)h)
          continue;
        const float *xr = x + iy * w;
        for (isize kj = 0; kj < kw; ++kj) {
          float wv = wk[ki * kw + kj];
          isize off = kj * dw - pl;
          // Output columns whose input column ox * sw + off is inside the row.
          isize lo = off >= 0 ? 0 : (-off + sw - 1) / sw;
          isize hi = w - 1 - off >= 0 ? (w - 1 - off) / sw + 1 : 0;
          hi = min_i(hi, ow);
          for (isize ox = lo; ox < hi; ++ox)
            yr[ox] += wv * xr[ox * sw + off];
        }
      }
      if (act != KILN_UK_ACT_NONE)
        for (isize ox = 0; ox < ow; ox += NR) {
          isize cols = min_i(NR, ow - ox);
          store_part(yr + ox, activate(load_part(yr + ox, cols), act), cols);
        }
    }
  }
}

//===----------------------------------------------------------------------===//
// int8 kernels: int8 x int8 -> int32, requantized to int8
//===----------------------------------------------------------------------===//
//
// Both GEMM-shaped kernels (qconv2d, qlinear) multiply in groups of four
// consecutive k: a "word" is four int8 values of one row (k .. k+3) in one
// 32-bit int, a lane of the packed operand is four values of one column. One
// dot4 instruction adds the four products to an int32 accumulator:
//   AVX-512 VNNI / AVX-VNNI   vpdpbusd (unsigned x signed bytes)
//   AArch64 dot product       sdot
//   Armv7E-M DSP              sxtb16 + smlad (two products per smlad)
//   Armv8.1-M Helium (MVE)    vmullb/vmullt.s8 (16 products), widened into lanes
//   x86-64-v3 (AVX2)          vpmaddwd on sign-extended int16 pairs
//   anything else             portable C (LLVM vectorizes it)
// The instruction set comes from the library's required features
// (targets/targets.ini, kernel-variant: -DKILN_FEATURE_<feature>), never
// from the CPU the library happens to be compiled for, so a model only gets
// instructions its CPU has (kilnc picks the library by the CPU's features).
//
// vpdpbusd multiplies unsigned by signed bytes: its libraries (QOFF = 128)
// read the activations as uint8 x + 128 (the sign bit flipped); kilnc folds
// -(input_zero_point + QOFF) * sum_k w[f][k] into the int32 bias at compile
// time, so every library computes sum (x - zx) * w exactly. Sums fit int32:
// |acc| <= 255 * 127 * K.
//
// Requantization is Kiln's (passes/quant/Requantize.h, docs/quantization.md):
// y = clamp(zy + round_half_even(acc * multiplier / 2^(31 - shift)), lo, hi),
// the product exact in 64 bits; every library gives the same bytes.

#if defined(__aarch64__) && defined(__ARM_NEON)
#include <arm_neon.h> // the table lookup's tbl
#endif

typedef signed char i8;
typedef unsigned char u8;
typedef long long i64;
// A 32-bit word at any address (int8 buffers are only byte aligned).
typedef int wordu __attribute__((aligned(1)));

#if defined(KILN_FEATURE_avx512vnni)
#include <immintrin.h>
#define QMR 8
#define QNR 32
#define QVL 16
#define QOFF 128
typedef int vq __attribute__((ext_vector_type(16)));
INLINE vq dot4_ul(vq acc, vq lanes, int word) {
  return (vq)_mm512_dpbusd_epi32((__m512i)acc, (__m512i)lanes, _mm512_set1_epi32(word));
}
INLINE vq dot4_uw(vq acc, vq lanes, int word) {
  return (vq)_mm512_dpbusd_epi32((__m512i)acc, _mm512_set1_epi32(word), (__m512i)lanes);
}
#elif defined(KILN_FEATURE_avxvnni)
#include <immintrin.h>
#define QMR 6
#define QNR 16
#define QVL 8
#define QOFF 128
typedef int vq __attribute__((ext_vector_type(8)));
INLINE vq dot4_ul(vq acc, vq lanes, int word) {
  return (vq)_mm256_dpbusd_avx_epi32((__m256i)acc, (__m256i)lanes, _mm256_set1_epi32(word));
}
INLINE vq dot4_uw(vq acc, vq lanes, int word) {
  return (vq)_mm256_dpbusd_avx_epi32((__m256i)acc, _mm256_set1_epi32(word), (__m256i)lanes);
}
#elif defined(KILN_FEATURE_dotprod)
#include <arm_neon.h>
#define QMR 4
#define QNR 16
#define QVL 4
#define QOFF 0
typedef int vq __attribute__((ext_vector_type(4)));
INLINE vq dot4_ul(vq acc, vq lanes, int word) {
  return (vq)vdotq_s32((int32x4_t)acc, vreinterpretq_s8_s32((int32x4_t)lanes),
                       vreinterpretq_s8_s32(vdupq_n_s32(word)));
}
#define dot4_uw dot4_ul
#elif defined(KILN_FEATURE_mve)
#include <arm_mve.h>
#define QMR 4
#define QNR 4
#define QVL 4
#define QOFF 0
#define QPN 16
typedef int vq __attribute__((ext_vector_type(4)));
// Helium has no 4-way dot product: the 16 byte products of a vector of words
// and the broadcast weight word as two widening multiplies (even and odd
// bytes, int16: |x * w| <= 128 * 127, a sum of two fits), added, then each
// int16 pair (k0 + k1, k2 + k3) widened and added into its lane.
INLINE vq dot4_ul(vq acc, vq lanes, int word) {
  int8x16_t l = vreinterpretq_s8_s32((int32x4_t)lanes);
  int8x16_t w = vreinterpretq_s8_s32(vdupq_n_s32(word));
  int16x8_t pairs = vaddq_s16(vmullbq_int_s8(l, w), vmulltq_int_s8(l, w));
  return (vq)vaddq_s32((int32x4_t)acc, vaddq_s32(vmovlbq_s16(pairs), vmovltq_s16(pairs)));
}
#define dot4_uw dot4_ul
#elif defined(KILN_FEATURE_dsp)
#include <arm_acle.h>
// One filter by four pixels: 4 sums, the weight word's two halves and the
// panel's words loaded in pairs fit the 13 registers (2 x 2 spilled).
#define QMR 1
#define QNR 4
#define QVL 1
#define QOFF 0
#define QPN 16
#define QSPLIT 2
typedef int vq __attribute__((ext_vector_type(1)));
// (b0, b2) and (b1, b3) as int16 pairs; smlad adds both products of a pair.
INLINE vq dot4_ul(vq acc, vq lanes, int word) {
  int l = lanes[0];
  int s = __smlad(__sxtb16(word), __sxtb16(l), acc[0]);
  return (vq)__smlad(__sxtb16(__ror(word, 8)), __sxtb16(__ror(l, 8)), s);
}
#define dot4_uw dot4_ul
#elif defined(__AVX2__)
#include <immintrin.h>
// x86-64-v3 without VNNI (the x86_64 library's baseline, -march=x86-64-v3):
// vpmaddwd on int16 pairs. A lane's even bytes (k0, k2) and odd bytes (k1,
// k3) sign-extended in place (two shifts, one shift), each multiplied by the
// weight word's matching int16 pair and the pairs added: exact (|x * w| <=
// 128 * 128, a pair's sum fits int32), no pmaddubsw saturation. The lanes'
// halves are shared by a tile's rows; 4 x 16 keeps the 8 sums, the 4 halves
// and the 2 weight pairs in the 16 registers.
#define QMR 4
#define QNR 16
#define QVL 8
#define QOFF 0
typedef int vq __attribute__((ext_vector_type(8)));
INLINE vq dot4_ul(vq acc, vq lanes, int word) {
  __m256i l = (__m256i)lanes, w = _mm256_set1_epi32(word);
  __m256i even = _mm256_srai_epi16(_mm256_slli_epi16(l, 8), 8), odd = _mm256_srai_epi16(l, 8);
  __m256i weven = _mm256_srai_epi16(_mm256_slli_epi16(w, 8), 8), wodd = _mm256_srai_epi16(w, 8);
  __m256i sum = _mm256_add_epi32(_mm256_madd_epi16(even, weven), _mm256_madd_epi16(odd, wodd));
  return (vq)_mm256_add_epi32((__m256i)acc, sum);
}
#define dot4_uw dot4_ul
#else
#define QMR MR
#define QNR NR
#define QVL NR
#define QOFF 0
typedef int vq __attribute__((ext_vector_type(NR)));
INLINE vq dot4_ul(vq acc, vq lanes, int word) {
  typedef unsigned vqun __attribute__((ext_vector_type(NR)));
  vqun l = (vqun)lanes;
  vq b0 = (vq)(l << 24) >> 24, b1 = (vq)(l << 16) >> 24, b2 = (vq)(l << 8) >> 24, b3 = lanes >> 24;
  int w0 = (i8)word, w1 = (i8)(word >> 8), w2 = (i8)(word >> 16), w3 = word >> 24;
  return acc + (b0 * w0 + b1 * w1) + (b2 * w2 + b3 * w3);
}
#define dot4_uw dot4_ul
#endif

#define QNV (QNR / QVL)
/// The conv kernel's panel: QPN pixels packed at once (a multiple of QNR), so
/// that a narrow register tile (the DSP's 2 x 2) does not pay the packing's
/// per-panel work every QNR pixels.
#ifndef QPN
#define QPN QNR
#endif
/// Words the conv panel holds per word of four k: 2 where the panel keeps
/// them unpacked for the dot product (the DSP's smlad operands).
#ifndef QSPLIT
#define QSPLIT 1
#endif
/// The panel's alignment: a vector register's (64 for AVX-512), 8 for the
/// DSP's ldrd; an over-aligned stack array costs a base register (kws_cnn
/// on cortex-m4: 25 K instructions per inference).
#if QSPLIT == 2
#define QPANEL_ALIGN 8
#else
// A vector's own alignment where it is wider (32 lanes: 128 bytes): the tile
// loads the panel as whole vectors.
#define QPANEL_ALIGN (QVL * 4 > 64 ? QVL * 4 : 64)
#endif
typedef int vqu __attribute__((ext_vector_type(QVL), aligned(1)));
typedef i64 vq64 __attribute__((ext_vector_type(QVL)));
typedef i8 vq8 __attribute__((ext_vector_type(QVL)));
typedef i8 vq8u __attribute__((ext_vector_type(QVL), aligned(1)));
// The bits that make a word of int8 values the uint8 values vpdpbusd reads.
#define QFLIP (QOFF ? (int)0x80808080u : 0)

/// Whether this library's conv weights come in channel fours where C rounded
/// up to a multiple of 4 adds at most a third (kiln_kernels.h): the direct
/// conv's order (AVX-512 VNNI).
#if defined(KILN_FEATURE_avx512vnni)
#define QFOURS 1
#else
#define QFOURS 0
#endif

/// Read by kilnc (targets/Kernels.cpp) to pack int8 weights for these kernels.
const int kiln_uk_int8_geometry[4] = {QMR, QNR, QOFF, QFOURS};

/// prod / 2^total rounded half to even, total >= 1, for int64 scalars and
/// vectors (`one` is 1 of that type): floor(prod / 2^total) + 1 when the rest
/// is above half, or half with an odd floor; one add before the shift does
/// both.
#define SHIFT_ROUND_HALF_EVEN(prod, total, one)                                                    \
  (((prod) + ((one) << ((total) - 1)) - 1 + (((prod) >> (total)) & 1)) >> (total))

/// requantize() for one value, in the word operations of 32-bit machines:
/// the channel's constant 2^(total-1) + rem is two words, added to the
/// product, and with total >= 32 (multipliers below 2^-1, the usual case)
/// the result is the sum's high word shifted, so no 64-bit shift by a
/// variable amount is needed (a dozen instructions on Cortex-M instead of
/// ~70). The constants depend on the channel only: rq_words_of once per
/// channel, rq_words_apply per value.
struct rq_words {
  int total, s;
  unsigned chi, clo;
};

INLINE struct rq_words rq_words_of(int shift, int rem) {
  struct rq_words r;
  r.total = 31 - shift;
  r.s = r.total - 32;
  unsigned long long c = (1ull << (r.total - 1)) + (unsigned long long)(long long)rem;
  r.chi = (unsigned)(c >> 32);
  r.clo = (unsigned)c;
  return r;
}

/// rq_words_apply for a channel with total >= 32.
INLINE int rq_words_high(struct rq_words r, int acc, int mult, int zy, int lo, int hi) {
  i64 sum = (i64)acc * mult + (i64)((unsigned long long)r.chi << 32 | r.clo);
  int y = ((int)(sum >> 32) >> r.s) + zy;
  return y < lo ? lo : y > hi ? hi : y;
}

INLINE int rq_words_apply(struct rq_words r, int acc, int mult, int zy, int lo, int hi) {
  if (r.total >= 32)
    return rq_words_high(r, acc, mult, zy, lo, hi);
  i64 sum = (i64)acc * mult + (i64)((unsigned long long)r.chi << 32 | r.clo);
  int y = (int)(sum >> r.total) + zy;
  return y < lo ? lo : y > hi ? hi : y;
}

INLINE int requantize_scalar(int acc, int mult, int shift, int rem, int zy, int lo, int hi) {
  return rq_words_apply(rq_words_of(shift, rem), acc, mult, zy, lo, hi);
}

/// (acc * multiplier + rem) / 2^(31 - shift) rounded half up (exact: the
/// sum is in 64 bits), plus the zero point, clamped, as int8.
#if defined(KILN_FEATURE_avx512vnni)
/// AVX-512: the even and odd int32 lanes' products as two vectors of int64
/// (vpmuldq), the remainder and half added, the shift, the zero point, a
/// saturating narrowing to int8 and the clamp in bytes. The same value as
/// the portable form below.
INLINE __m512i requantize_half(__m512i prod, __m512i total, __m512i rem, int zy) {
  const __m512i one = _mm512_set1_epi64(1);
  __m512i half = _mm512_sllv_epi64(one, _mm512_sub_epi64(total, one));
  __m512i sum = _mm512_add_epi64(_mm512_add_epi64(prod, half), rem);
  return _mm512_add_epi64(_mm512_srav_epi64(sum, total), _mm512_set1_epi64(zy));
}

INLINE vq8 requantize(vq acc, vq mult, vq shift, vq rem, int zy, int lo, int hi) {
  const __m512i low = _mm512_set1_epi64(0xffffffff);
  __m512i a = (__m512i)acc, m = (__m512i)mult, r = (__m512i)rem;
  __m512i total = _mm512_sub_epi32(_mm512_set1_epi32(31), (__m512i)shift);
  __m512i even = requantize_half(_mm512_mul_epi32(a, m), _mm512_and_si512(total, low),
                                 _mm512_srai_epi64(_mm512_slli_epi64(r, 32), 32), zy);
  __m512i odd =
      requantize_half(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(m, 32)),
                      _mm512_srli_epi64(total, 32), _mm512_srai_epi64(r, 32), zy);
  __m128i y = _mm_unpacklo_epi8(_mm512_cvtsepi64_epi8(even), _mm512_cvtsepi64_epi8(odd));
  y = _mm_min_epi8(_mm_max_epi8(y, _mm_set1_epi8((char)lo)), _mm_set1_epi8((char)hi));
  return (vq8)y;
}

/// The largest |acc| requantize_exact takes (acc * mult is then below 2^53).
#define RQ_EXACT_BOUND (1 << 22)

/// 2^-(31 - shift) as a double (shift <= 0).
INLINE double rq_pow2(int shift) {
  unsigned long long bits = (unsigned long long)(1023 - 31 + shift) << 52;
  double pow2;
  __builtin_memcpy(&pow2, &bits, sizeof(pow2));
  return pow2;
}

/// A channel's requantization as one double, mult * 2^-(31 - shift) (exact:
/// mult has 31 bits), for requantize_exact; 0 where the channel's bound
/// (|bias| + 255 * sum |w|, from the caller) reaches RQ_EXACT_BOUND or its
/// multiplier is 1 or more (shift > 0), which keep requantize, and where
/// the sums with the remainder and the half could pass 2^53 (bound * mult +
/// 2^30 + 2^(30 - shift), so that requantize_exact's sum is exact).
INLINE double rq_exact_scale(long long bound, int mult, int shift) {
  if (bound >= RQ_EXACT_BOUND || shift > 0 || shift < -21 ||
      bound * mult + (1ll << 30) + (1ll << (30 - shift)) >= (1ll << 53))
    return 0;
  return (double)mult * rq_pow2(shift);
}

/// The channel's remainder and half in requantize_exact's units,
/// (rem + 2^(30 - shift)) * 2^-(31 - shift) (exact), for a channel whose
/// rq_exact_scale is not 0.
INLINE double rq_exact_offset(int rem, int shift) {
  return shift > 0 || shift < -21 ? 0 : (double)(rem + (1ll << (30 - shift))) * rq_pow2(shift);
}

/// One half of requantize_exact: acc * scale + offset, the integer acc *
/// mult + rem + 2^(total-1) times 2^-total, below 2^53 in magnitude
/// (rq_exact_scale), so exact in a double whatever the order of the adds,
/// and converted rounding down: the floor, as the int64 form shifts.
INLINE __m256i rq_exact_half(__m256i acc, __m512d scale, __m512d offset) {
  __m512d p = _mm512_fmadd_pd(_mm512_cvtepi32_pd(acc), scale, offset);
  return _mm512_cvt_roundpd_epi32(p, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
}

/// requantize() where |acc| < RQ_EXACT_BOUND and the multiplier is below 1,
/// in doubles: the same value in fewer instructions (the int64 form costs
/// the most in layers with a small K, where there are few products per
/// output).
INLINE vq8 requantize_exact(vq acc, __m512d scale, __m512d offset, int zy, int lo, int hi) {
  __m512i a = (__m512i)acc;
  __m256i r0 = rq_exact_half(_mm512_castsi512_si256(a), scale, offset);
  __m256i r1 = rq_exact_half(_mm512_extracti64x4_epi64(a, 1), scale, offset);
  __m512i r = _mm512_inserti64x4(_mm512_castsi256_si512(r0), r1, 1);
  __m128i y = _mm512_cvtsepi32_epi8(_mm512_add_epi32(r, _mm512_set1_epi32(zy)));
  y = _mm_min_epi8(_mm_max_epi8(y, _mm_set1_epi8((char)lo)), _mm_set1_epi8((char)hi));
  return (vq8)y;
}
#define KILN_RQ_EXACT 1
#elif QVL == 1
INLINE vq8 requantize(vq acc, vq mult, vq shift, vq rem, int zy, int lo, int hi) {
  return (vq8)(i8)requantize_scalar(acc[0], mult[0], shift[0], rem[0], zy, lo, hi);
}
#else
INLINE vq8 requantize(vq acc, vq mult, vq shift, vq rem, int zy, int lo, int hi) {
  vq64 prod = __builtin_convertvector(acc, vq64) * __builtin_convertvector(mult, vq64);
  vq64 total = 31 - __builtin_convertvector(shift, vq64);
  vq64 y = ((prod + __builtin_convertvector(rem, vq64) + ((vq64)1 << (total - 1))) >> total) + zy;
  y = y < lo ? (vq64)lo : y;
  y = y > hi ? (vq64)hi : y;
  return __builtin_convertvector(y, vq8);
}
#endif

#ifndef KILN_RQ_EXACT
#define KILN_RQ_EXACT 0
#endif

INLINE void store_q(i8 *p, vq8 v, isize n) {
  if (n == QVL) {
    *(vq8u *)p = v;
    return;
  }
  i8 t[QVL];
  *(vq8u *)t = v;
  for (isize j = 0; j < n; ++j)
    p[j] = t[j];
}

typedef i8 vb16 __attribute__((ext_vector_type(16), aligned(1)));
typedef i8 vb32 __attribute__((ext_vector_type(32), aligned(1)));

/// n bytes from src to dst, eight at a time (n is at most QPN).
INLINE void copy_bytes(i8 *dst, const i8 *src, isize n) {
  isize u = 0;
  for (; u + 8 <= n; u += 8)
    __builtin_memcpy(dst + u, src + u, 8);
  for (; u < n; ++u)
    dst[u] = src[u];
}

/// Row k = (ki, kj) of channel `plane` of the im2col matrix of one int8
/// image for the panel's columns (its runs), into t[0 .. QPN): `pad` (the
/// input's zero point) where the kernel window leaves the image.
INLINE void q_gather_row(i8 *t, const i8 *plane, const struct pixel_run *runs, int nruns, isize ki,
                         isize kj, isize h, isize w, isize sh, isize sw, isize pt, isize pl,
                         isize dh, isize dw, i8 pad) {
  for (int r = 0; r < nruns; ++r) {
    i8 *d = t + runs[r].j;
    isize n = runs[r].n, iy = runs[r].oy * sh - pt + ki * dh;
    if ((usize)iy >= (usize)h) {
      for (isize u = 0; u < n; ++u)
        d[u] = pad;
      continue;
    }
    const i8 *row = plane + iy * w;
    isize ix0 = runs[r].ox * sw - pl + kj * dw;
    if (sw == 1 && ix0 >= 0 && ix0 + n <= w) {
      copy_bytes(d, row + ix0, n); // the whole run inside the row
      continue;
    }
    isize lo, hi;
    in_row(ix0, sw, w, n, &lo, &hi);
    isize u = 0;
    for (; u < lo; ++u)
      d[u] = pad;
    if (sw == 1) {
      copy_bytes(d + lo, row + ix0 + lo, hi - lo);
      u = hi;
    } else {
      // Stride 2: the even bytes of 32, 16 at a time, while they are in the row.
      for (; sw == 2 && u + 16 <= hi && ix0 + 2 * u + 32 <= w; u += 16) {
        vb32 v = *(const vb32 *)(row + ix0 + 2 * u);
        *(vb16 *)(d + u) = __builtin_shufflevector(v, v, EVEN_LANES(16));
      }
      for (; u < hi; ++u)
        d[u] = row[ix0 + u * sw];
    }
    for (; u < n; ++u)
      d[u] = pad;
  }
}

typedef unsigned char vqbu __attribute__((ext_vector_type(QPN), aligned(1)));
typedef unsigned vqw __attribute__((ext_vector_type(QPN)));

/// Four rows t[4][QPN] as the panel's words: lane j = (t0[j], t1[j], t2[j],
/// t3[j]), flipped to uint8 for vpdpbusd.
#if QSPLIT == 2
/// The DSP's panel words for four rows src[0..3] (QPN bytes each, zeros past
/// `cols`): each word of four k as its two smlad operands, (b0, b2) then
/// (b1, b3) as int16 pairs (what sxtb16 makes of the word), built here once
/// instead of in every filter tile that reads the panel.
INLINE void q_interleave_split(int *dst, const i8 *const src[4], isize cols) {
  isize j = 0;
  for (; j < cols; ++j) {
    dst[j] = (int)((unsigned)(unsigned short)src[0][j] | (unsigned)src[2][j] << 16);
    dst[QPN + j] = (int)((unsigned)(unsigned short)src[1][j] | (unsigned)src[3][j] << 16);
  }
  for (; j < QPN; ++j)
    dst[j] = dst[QPN + j] = 0;
}

/// Where row k = (ki, kj) of the panel's im2col matrix lies in the input as
/// it is (one run of pixels at stride 1, inside the image), else NULL.
INLINE const i8 *q_row_in_place(const i8 *plane, const struct pixel_run *runs, int nruns, isize ki,
                                isize kj, isize h, isize w, isize sh, isize sw, isize pt, isize pl,
                                isize dh, isize dw) {
  if (nruns != 1 || sw != 1)
    return 0;
  isize iy = runs[0].oy * sh - pt + ki * dh, ix0 = runs[0].ox - pl + kj * dw;
  if ((usize)iy >= (usize)h || ix0 < 0 || ix0 + runs[0].n > w)
    return 0;
  return plane + iy * w + ix0;
}
#else
INLINE void q_interleave(int *dst, const i8 t[4][QPN]) {
  vqw w0 = __builtin_convertvector(*(const vqbu *)t[0], vqw);
  vqw w1 = __builtin_convertvector(*(const vqbu *)t[1], vqw);
  vqw w2 = __builtin_convertvector(*(const vqbu *)t[2], vqw);
  vqw w3 = __builtin_convertvector(*(const vqbu *)t[3], vqw);
  vqw words = (w0 | w1 << 8 | w2 << 16 | w3 << 24) ^ (unsigned)QFLIP;
  __builtin_memcpy(dst, &words, sizeof(words));
}
#endif

#if QSPLIT == 2
/// The DSP tile's k loop (QMR = 1, QNR = 4): per word of four k, the
/// weight word's halves (sxtb16) times the panel's unpacked words, 8 smlad
/// for 16 products, 18 instructions (LLVM's schedule of the same C spills a
/// sum and loads the panel one word at a time: 25). k4 >= 1.
INLINE void qdot_dsp(isize k4, const int *a, const int *b, vq acc[1][4]) {
  int c0 = acc[0][0][0], c1 = acc[0][1][0], c2 = acc[0][2][0], c3 = acc[0][3][0];
  int w, h, p0, p1;
  __asm__ volatile(
      "1:\n\t"
      "ldr %[w], [%[a]], #4\n\t"
      "ldrd %[p0], %[p1], [%[b]]\n\t"
      "sxtb16 %[h], %[w]\n\t"
      "smlad %[c0], %[h], %[p0], %[c0]\n\t"
      "smlad %[c1], %[h], %[p1], %[c1]\n\t"
      "ldrd %[p0], %[p1], [%[b], #8]\n\t"
      "smlad %[c2], %[h], %[p0], %[c2]\n\t"
      "smlad %[c3], %[h], %[p1], %[c3]\n\t"
      "sxtb16 %[h], %[w], ror #8\n\t"
      "ldrd %[p0], %[p1], [%[b], %[odd]]\n\t"
      "smlad %[c0], %[h], %[p0], %[c0]\n\t"
      "smlad %[c1], %[h], %[p1], %[c1]\n\t"
      "ldrd %[p0], %[p1], [%[b], %[odd2]]\n\t"
      "smlad %[c2], %[h], %[p0], %[c2]\n\t"
      "smlad %[c3], %[h], %[p1], %[c3]\n\t"
      "add %[b], %[b], %[step]\n\t"
      "subs %[n], %[n], #1\n\t"
      "bne 1b"
      : [c0] "+r"(c0), [c1] "+r"(c1), [c2] "+r"(c2), [c3] "+r"(c3), [a] "+r"(a), [b] "+r"(b),
        [n] "+r"(k4), [w] "=&r"(w), [h] "=&r"(h), [p0] "=&r"(p0), [p1] "=&r"(p1)
      : [odd] "I"(QPN * 4), [odd2] "I"(QPN * 4 + 8), [step] "I"(QPN * 8)
      : "cc", "memory");
  acc[0][0][0] = c0;
  acc[0][1][0] = c1;
  acc[0][2][0] = c2;
  acc[0][3][0] = c3;
}
#endif

#if KILN_RQ_EXACT
/// The conv's filters' requantize_exact scales (0 where a filter keeps
/// requantize): filter o's sums lie in bias[o] + 255 * [-sum of its negative
/// weights, sum of its positive ones] (inputs as uint8), summed from the
/// packed words with vpdpbusd.
static void qconv_exact_scales(double *exact, const i8 *wp, const int *bias, const int *mult,
                               const int *shift, isize f, isize k4) {
  const __m512i ones = _mm512_set1_epi8(1), zero = _mm512_setzero_si512();
  if (k4 > 256) { // large K: sums mostly reach the bound, and a pass over the weights costs
    for (isize o = 0; o < f; ++o)
      exact[o] = 0;
    return;
  }
  for (isize f0 = 0; f0 < f; f0 += QMR) {
    // One block: k4 groups of QMR = 8 words; lanes i and i + 8 are filter f0 + i.
    const i8 *block = wp + f0 * k4 * 4;
    isize bytes = k4 * QMR * 4;
    __m512i pos = zero, all = zero;
    for (isize o = 0; o < bytes; o += 64) {
      __mmask64 live = bytes - o >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (bytes - o)) - 1;
      __m512i w = _mm512_maskz_loadu_epi8(live, block + o);
      pos = _mm512_dpbusd_epi32(pos, _mm512_max_epi8(w, zero), ones);
      all = _mm512_dpbusd_epi32(all, _mm512_abs_epi8(w), ones);
    }
    int p[16], a[16];
    _mm512_storeu_si512(p, pos);
    _mm512_storeu_si512(a, all);
    for (isize i = 0; i < QMR && f0 + i < f; ++i) {
      long long up = p[i] + p[i + 8], down = a[i] + a[i + 8] - up, b = bias[f0 + i];
      long long top = b + 255 * up, bottom = b - 255 * down;
      long long bound = top > -bottom ? top : -bottom; // top >= bottom
      exact[f0 + i] = rq_exact_scale(bound, mult[f0 + i], shift[f0 + i]);
    }
  }
}
#endif

/// The conv tile: rows = filters f0 .. f0+rows (their packed weight words
/// a[g][QMR]), columns = QNR of the panel's pixels (b[g * QPN ..]); acc starts
/// from the folded bias and is requantized per filter into c[i * ldc + j].
INLINE void qtile_conv(isize k4, const int *a, const int *b, i8 *c, isize ldc, isize rows,
                       isize cols, const int *bias, const int *mult, const int *shift,
                       const int *rem, const double *exact, int zy, int lo, int hi, int high) {
  vq acc[QMR][QNV];
  for (int i = 0; i < QMR; ++i)
    for (int v = 0; v < QNV; ++v)
      acc[i][v] = (vq)bias[i];
#if QSPLIT == 2
  qdot_dsp(k4, a, b, acc);
#else
  for (isize g = 0; g < k4; ++g) {
    vq bv[QNV];
    for (int v = 0; v < QNV; ++v)
      bv[v] = *(const vq *)(b + g * QPN + v * QVL);
    for (int i = 0; i < QMR; ++i) {
      int word = ((const wordu *)a)[g * QMR + i];
      for (int v = 0; v < QNV; ++v)
        acc[i][v] = dot4_ul(acc[i][v], bv[v], word);
    }
  }
#endif
  for (int i = 0; i < QMR; ++i) {
    if (i >= rows)
      break;
#if QVL == 1
    (void)exact;
    // The channel's rounding constants once for its QNR values; `high`
    // (every channel's total >= 32, known per call) drops the other case.
    struct rq_words r = rq_words_of(shift[i], rem[i]);
    int m = mult[i];
    if (high)
      for (int v = 0; v < QNV; ++v) {
        if (v < cols)
          c[i * ldc + v] = (i8)rq_words_high(r, acc[i][v][0], m, zy, lo, hi);
      }
    else
      for (int v = 0; v < QNV; ++v)
        if (v < cols)
          c[i * ldc + v] = (i8)rq_words_apply(r, acc[i][v][0], m, zy, lo, hi);
#else
    (void)high;
#if !KILN_RQ_EXACT
    (void)exact;
#else
    if (exact[i] != 0) {
      __m512d d = _mm512_set1_pd(exact[i]), e = _mm512_set1_pd(rq_exact_offset(rem[i], shift[i]));
      for (int v = 0; v < QNV; ++v) {
        isize n = min_i(QVL, cols - v * QVL);
        if (n > 0)
          store_q(c + i * ldc + v * QVL, requantize_exact(acc[i][v], d, e, zy, lo, hi), n);
      }
      continue;
    }
#endif
    // Read once: the byte stores below may alias them as far as C knows.
    vq m = (vq)mult[i], sh = (vq)shift[i], re = (vq)rem[i];
    for (int v = 0; v < QNV; ++v) {
      isize n = min_i(QVL, cols - v * QVL);
      if (n > 0)
        store_q(c + i * ldc + v * QVL, requantize(acc[i][v], m, sh, re, zy, lo, hi), n);
    }
#endif
  }
}

#if defined(KILN_FEATURE_avx512vnni)
/// The direct int8 conv (AVX-512 VNNI): stride 1 or 2, undilated, weights in
/// channel fours (kiln_kernels.h), so a dot product's four k are four
/// channels of one pixel. A band of output rows reads its input rows once,
/// stored padded as words of four channels (x + 128 as uint8; the padding
/// zx + 128), wq words per row: the output pixels of the band, counted along
/// those rows (flat position q = oy * wq + ox, the columns past ow computed
/// and dropped), read the words of a tap at q plus the tap's offset,
/// consecutive (qconv_direct): the tiles load the panel's vectors straight
/// from the band, with no im2col copy.
#define QD_WORDS 32768 // the band's words on the stack (128 KB)
#define QD_VN 2        // vectors of 16 positions per tile

/// One packed row: nw words, word j the channels 4 * c4 .. 4 * c4 + 3 (zero
/// bytes past c) of input row iy at column j * s + col0 (s = 1 or 2) as
/// x + 128, or `pad` where that pixel is outside the image.
INLINE void qd_row(unsigned *dst, const i8 *x, isize c, isize c4, isize h, isize w, isize iy,
                   isize col0, isize s, isize nw, unsigned pad) {
  const __m512i flip = _mm512_set1_epi32((int)0x80808080u), padv = _mm512_set1_epi32((int)pad);
  for (isize j = 0; j < nw; j += 16) {
    isize n = min_i(16, nw - j), ix0 = j * s + col0;
    __mmask16 live = (__mmask16)((1u << n) - 1);
    // Lanes l with 0 <= ix0 + l * s < w.
    isize first = ix0 >= 0 ? 0 : (-ix0 + s - 1) / s,
          last = w - 1 - ix0 < 0 ? -1 : (w - 1 - ix0) / s;
    last = min_i(last, n - 1);
    if ((usize)iy >= (usize)h || first > last) {
      _mm512_mask_storeu_epi32(dst + j, live, padv);
      continue;
    }
    __mmask16 valid = (__mmask16)(((2u << last) - 1) & ~((1u << first) - 1));
    // Bytes first * s .. last * s of the row from ix0 (the lanes' pixels).
    __mmask64 bytes = (((__mmask64)2 << (last * s)) - 1) & ~(((__mmask64)1 << (first * s)) - 1);
    __m512i word = _mm512_setzero_si512();
    for (isize t = 0; t < 4 && 4 * c4 + t < c; ++t) {
      const i8 *row = x + ((4 * c4 + t) * h + iy) * w;
      __m512i v = _mm512_maskz_loadu_epi8(bytes, (const void *)((usize)row + ix0));
      __m128i lanes = s == 1 ? _mm512_castsi512_si128(v)
                             : _mm256_castsi256_si128(_mm512_cvtepi16_epi8(v)); // even bytes
      word = _mm512_or_si512(word, _mm512_slli_epi32(_mm512_cvtepu8_epi32(lanes), 8 * (int)t));
    }
    _mm512_mask_storeu_epi32(dst + j, live,
                             _mm512_mask_blend_epi32(valid, padv, _mm512_xor_si512(word, flip)));
  }
}

/// One tile of the direct conv: filters f0 .. f0 + 8 (their words a[k4][8])
/// at flat positions q0 .. q0 + 16 * QD_VN of the band, requantized into
/// the output rows (ldo bytes apart per filter; y is the band's first row).
/// `next`: words laid out as a's, prefetched into L2 along a (the next
/// filters' weights, which in the deep layers come from memory: resnet18's
/// 512-channel 3 x 3 conv took 33% longer with weights not in cache); a
/// itself where there is nothing to prefetch.
INLINE void qd_tile(const unsigned *band, isize plane, isize c4n, const isize *taps, isize ntaps,
                    const int *a, const int *next, isize rows, i8 *y, isize ldo, isize q0,
                    isize oy0, isize qend, isize wq, isize ow, const int *bias, const int *mult,
                    const int *shift, const int *rem, const double *exact, int zy, int lo,
                    int hi) {
  __m512i acc[QMR][QD_VN];
  for (int i = 0; i < QMR; ++i)
    for (int v = 0; v < QD_VN; ++v)
      acc[i][v] = _mm512_set1_epi32(bias[i]);
  const unsigned *b0 = band + q0;
  for (isize c4 = 0; c4 < c4n; ++c4, b0 += plane)
    for (isize t = 0; t < ntaps; ++t, a += QMR, next += QMR) {
      _mm_prefetch((const char *)next, _MM_HINT_T1);
      __m512i bv[QD_VN];
      for (int v = 0; v < QD_VN; ++v)
        bv[v] = _mm512_loadu_si512(b0 + taps[t] + 16 * v);
      for (int i = 0; i < QMR; ++i) {
        __m512i wv = _mm512_set1_epi32(a[i]);
        for (int v = 0; v < QD_VN; ++v)
          acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], bv[v], wv);
      }
    }
  // Out of the registers at constant indices (the loops below index by
  // variables, which would keep acc in memory through the k loop).
  __m512i sums[QMR][QD_VN];
  double offset[QMR];           // requantize_exact's, once per filter
  for (int i = 0; i < QMR; ++i) // the tile's filters only: exact holds f
    offset[i] = i < rows && exact[i] != 0 ? rq_exact_offset(rem[i], shift[i]) : 0;
  for (int i = 0; i < QMR; ++i)
    for (int v = 0; v < QD_VN; ++v)
      sums[i][v] = acc[i][v];
  for (int v = 0; v < QD_VN; ++v) {
    // The lanes' output rows: at most three runs of valid columns.
    isize q = q0 + 16 * v;
    if (q >= qend)
      break;
    __mmask16 masks[18];
    isize shifts[18];
    int runs = 0;
    isize oy = oy0; // the row of q0 (from the caller, without a division)
    while ((oy + 1) * wq <= q)
      ++oy;
    for (; oy * wq < q + 16 && oy * wq < qend; ++oy) {
      isize from = oy * wq > q ? oy * wq - q : 0, to = min_i(min_i(oy * wq + ow, qend) - q, 16);
      if (to <= from)
        continue;
      masks[runs] = (__mmask16)(((1u << to) - 1) & ~((1u << from) - 1));
      shifts[runs++] = oy * (ow - wq);
    }
    for (int i = 0; i < QMR && i < rows; ++i) {
      vq8 r = exact[i] != 0
                  ? requantize_exact((vq)sums[i][v], _mm512_set1_pd(exact[i]),
                                     _mm512_set1_pd(offset[i]), zy, lo, hi)
                  : requantize((vq)sums[i][v], (vq)mult[i], (vq)shift[i], (vq)rem[i], zy, lo, hi);
      for (int s = 0; s < runs; ++s)
        _mm512_mask_storeu_epi8((void *)((usize)y + i * ldo + q + shifts[s]), masks[s],
                                _mm512_castsi128_si512((__m128i)r));
    }
  }
}

/// kiln_uk_qconv2d by the direct conv where it applies and its band fits
/// the stack; 0 when it does not (the im2col path then runs). At stride 1
/// the band holds each channel four's padded input rows once (tap (ki, kj)
/// at q + ki * wq + kj); at stride 2 a plane per channel four, row parity p
/// and column parity, row y holding input row 2 * (oy0 + y) + p - pt at
/// columns 2 * j + parity - pl (tap (ki, kj) at q + ki / 2 * wq + kj / 2 in
/// plane (ki % 2, kj % 2)).
static int qconv_direct(const i8 *in, const i8 *wp, const int *bias, const int *mult,
                        const int *shift, const int *rem, const double *exact, i8 *out, isize n,
                        isize c, isize h, isize w, isize f, isize kh, isize kw, isize sh, isize sw,
                        isize pt, isize pl, isize dh, isize dw, isize oh, isize ow, int zx, int zy,
                        int lo, int hi) {
  isize s = sh;
  if (sw != s || (s != 1 && s != 2) || dh != 1 || dw != 1 || kh * kw > 64)
    return 0;
  isize c4n = (c + 3) / 4, k4 = c4n * kh * kw;
  // At stride 2, one plane per row parity and column parity of the input
  // (kernel rows ki and ki + 2 read the same plane a row apart).
  isize phases = s == 1 ? 1 : min_i(2, kw), rowPhases = s == 1 ? 1 : min_i(2, kh);
  isize wq = ow + (kw - 1) / s, extra = (kh - 1) / s; // extra rows per plane
  // A valid output's reads stay in its plane; a tile's lanes past the band's
  // outputs may read on into the next plane, and past the last into the
  // band's tail.
  isize tail = 16 * QD_VN + kw;
  isize planes = rowPhases * phases; // per channel four
  // Rows per band within QD_WORDS: its output rows + extra per plane.
  isize rows = (QD_WORDS - tail) / (c4n * planes) / wq - extra;
  if (rows < 1)
    return 0;
  rows = min_i(rows, oh);
  const unsigned pad = 0x01010101u * (u8)(zx ^ 0x80);
  unsigned band[QD_WORDS] __attribute__((aligned(64)));
  isize P = oh * ow;
  for (isize img = 0; img < n; ++img) {
    const i8 *x = in + img * c * h * w;
    for (isize oy0 = 0; oy0 < oh; oy0 += rows) {
      isize r = min_i(rows, oh - oy0), qend = r * wq;
      isize height = r + extra, plane = height * wq; // words per plane
      isize taps[64];
      for (isize ki = 0; ki < kh; ++ki)
        for (isize kj = 0; kj < kw; ++kj)
          taps[ki * kw + kj] =
              s == 1 ? ki * wq + kj : ((ki % 2) * phases + kj % 2) * plane + ki / 2 * wq + kj / 2;
      for (isize c4 = 0; c4 < c4n; ++c4)
        for (isize pi = 0; pi < planes; ++pi) {
          unsigned *dst = band + (c4 * planes + pi) * plane;
          isize kp = pi / phases, ph = pi % phases;
          for (isize y = 0; y < height; ++y)
            qd_row(dst + y * wq, x, c, c4, h, w, s == 1 ? oy0 + y - pt : (oy0 + y) * 2 + kp - pt,
                   s == 1 ? -pl : ph - pl, s, wq, pad);
        }
      for (isize j = c4n * planes * plane; j < c4n * planes * plane + tail; ++j)
        band[j] = pad;
      for (isize f0 = 0; f0 < f; f0 += QMR)
        for (isize q0 = 0, qy = 0; q0 < qend; q0 += 16 * QD_VN) {
          while ((qy + 1) * wq <= q0) // the band row of q0
            ++qy;
          // The first tile of these filters prefetches the next filters'.
          const int *a = (const int *)(wp + f0 * k4 * 4);
          qd_tile(band, planes * plane, c4n, taps, kh * kw, a,
                  q0 == 0 && f0 + QMR < f ? a + k4 * QMR : a, min_i(QMR, f - f0), out + (img * f + f0) * P + oy0 * ow, P, q0, qy, qend, wq, ow,
                  bias + f0, mult + f0, shift + f0, rem + f0, exact + f0, zy, lo, hi);
        }
    }
  }
  return 1;
}
#endif

/// int8 conv2d, NCHW, groups = 1, as an implicit GEMM (kiln_kernels.h).
__attribute__((noinline)) void kiln_uk_qconv2d(const i8 *in, const i8 *wp, const int *bias,
                                               const int *mult, const int *shift, const int *rem,
                                               i8 *out, int n, int c, int h, int w, int f, int kh,
                                               int kw, int sh, int sw, int pt, int pl, int dh,
                                               int dw, int oh, int ow, int zx, int zy, int lo,
                                               int hi) {
  // k in channel fours (kiln_kernels.h): C padded to a multiple of 4.
  int fours = QFOURS && 3 * ((c + 3) / 4 * 4) <= 4 * c;
  isize K = (isize)c * kh * kw, P = (isize)oh * ow;
  isize k4 = fours ? (isize)(c + 3) / 4 * kh * kw : (K + 3) / 4;
  // The panel of QPN pixels: k4 words per pixel (QSPLIT words unpacked for
  // the DSP), on the stack.
  int bp[k4 * QPN * QSPLIT] __attribute__((aligned(QPANEL_ALIGN)));
  int simple = kh == 1 && kw == 1 && sh == 1 && sw == 1 && pt == 0 && pl == 0;
  int high = 1; // every filter's requantization shifts by 32 or more
  for (isize o = 0; o < f; ++o)
    high &= shift[o] <= -1;
#if KILN_RQ_EXACT
  double scales[f]; // requantize_exact's scales, 0: requantize
  qconv_exact_scales(scales, wp, bias, mult, shift, f, k4);
  const double *exact = scales;
#else
  const double *exact = 0;
#endif
#if defined(KILN_FEATURE_avx512vnni)
  // 1 x 1 at stride 1 (`simple`) reads its panels in place already, and its
  // stores are whole rows: the im2col path is the faster one there.
  if (fours && !simple &&
      qconv_direct(in, wp, bias, mult, shift, rem, exact, out, n, c, h, w, f, kh, kw, sh, sw, pt,
                   pl, dh, dw, oh, ow, zx, zy, lo, hi))
    return;
#endif
  for (isize img = 0; img < n; ++img) {
    const i8 *x = in + img * c * h * w;
    i8 *y = out + img * f * P;
    for (isize p0 = 0; p0 < P; p0 += QPN) {
      isize cols = min_i(QPN, P - p0);
      struct pixel_run runs[QPN];
      int nruns = pixel_runs(runs, p0, cols, ow);
      // Row k of the im2col matrix is (ci, ki, kj), counted along; in
      // channel fours (fours) word g's rows are channels ci .. ci + 3.
      isize ci = 0, ki = 0, kj = 0;
      for (isize g = 0; g < k4; ++g) {
        i8 t[4][QPN] __attribute__((aligned(64)));
#if QSPLIT == 2
        // The rows read in place where they are contiguous in the input
        // (q_row_in_place), else gathered into t.
        const i8 *src[4];
#endif
        for (int r = 0; r < 4; ++r) {
          if (fours ? ci + r >= c : g * 4 + r >= K) { // past K, or a padding channel
            for (int j = 0; j < QPN; ++j)
              t[r][j] = 0;
#if QSPLIT == 2
            src[r] = t[r];
#endif
            // The next tap of channel fours, as below (one shared advance after an
            // if/else costs the Cortex-M4 25 K instructions per KWS inference).
            if (fours && r == 3 && ++kj == kw) {
              kj = 0;
              if (++ki == kh) {
                ki = 0;
                ci += 4;
              }
            }
            continue;
          }
          const i8 *plane = x + (fours ? ci + r : ci) * h * w;
#if QSPLIT == 2
          src[r] = simple
                       ? plane + p0
                       : q_row_in_place(plane, runs, nruns, ki, kj, h, w, sh, sw, pt, pl, dh, dw);
          if (!src[r]) {
            q_gather_row(t[r], plane, runs, nruns, ki, kj, h, w, sh, sw, pt, pl, dh, dw, (i8)zx);
            src[r] = t[r];
          }
#else
          if (simple && cols == QPN)
            __builtin_memcpy(t[r], plane + p0, QPN);
          else
            q_gather_row(t[r], plane, runs, nruns, ki, kj, h, w, sh, sw, pt, pl, dh, dw, (i8)zx);
          for (isize j = cols; j < QPN; ++j) // the last panel's columns past P
            t[r][j] = 0;
#endif
          // The next row: kj, then ki, then ci (in channel fours after row 3,
          // by four).
          if ((!fours || r == 3) && ++kj == kw) {
            kj = 0;
            if (++ki == kh) {
              ki = 0;
              ci += fours ? 4 : 1;
            }
          }
        }
#if QSPLIT == 2
        q_interleave_split(bp + g * QPN * 2, src, cols);
#else
        q_interleave(bp + g * QPN * QSPLIT, t);
#endif
      }
      for (isize f0 = 0; f0 < f; f0 += QMR)
        for (isize j0 = 0; j0 < cols; j0 += QNR)
          qtile_conv(k4, (const int *)(wp + f0 * k4 * 4), bp + j0, y + f0 * P + p0 + j0, P,
                     min_i(QMR, f - f0), min_i(QNR, cols - j0), bias + f0, mult + f0, shift + f0,
                     rem + f0, exact ? exact + f0 : exact, zy, lo, hi, high);
    }
  }
}

/// Four int8 values of x from p as a word (past `avail` values: zeros).
INLINE int load_word(const i8 *p, isize avail) {
  if (avail >= 4)
    return *(const wordu *)p;
  unsigned v = 0;
  for (isize t = 0; t < avail; ++t)
    v |= (unsigned)(u8)p[t] << (8 * t);
  return (int)v;
}

/// The linear tile: ROWS rows of x (m0 ..) against one panel of QNR outputs
/// (weights b[g][QNR] words), bias, multiplier and shift per column. One row
/// keeps two accumulator sets (even and odd k groups) so the dot products
/// do not wait on each other.
#define DEFINE_QTILE_LINEAR(name, ROWS, CHAINS)                                                    \
  INLINE void name(isize k, const i8 *x, const int *b, i8 *y, isize ldy, isize rows, isize cols,   \
                   const int *bias, const int *mult, const int *shift, const int *rem, int zy,     \
                   int lo, int hi) {                                                               \
    isize k4 = (k + 3) / 4;                                                                        \
    vq acc[CHAINS][ROWS][QNV];                                                                     \
    for (int s = 0; s < CHAINS; ++s)                                                               \
      for (int i = 0; i < ROWS; ++i)                                                               \
        for (int v = 0; v < QNV; ++v)                                                              \
          acc[s][i][v] = s ? (vq)0 : *(const vqu *)(bias + v * QVL);                               \
    const i8 *xr[ROWS];                                                                            \
    for (int i = 0; i < ROWS; ++i)                                                                 \
      xr[i] = x + (i < rows ? i : 0) * k;                                                          \
    isize g = 0;                                                                                   \
    for (; g + CHAINS <= k4; g += CHAINS)                                                          \
      for (int s = 0; s < CHAINS; ++s) {                                                           \
        isize gg = g + s;                                                                          \
        vq bv[QNV];                                                                                \
        for (int v = 0; v < QNV; ++v)                                                              \
          bv[v] = *(const vqu *)(b + gg * QNR + v * QVL);                                          \
        for (int i = 0; i < ROWS; ++i) {                                                           \
          int word = load_word(xr[i] + gg * 4, k - gg * 4) ^ QFLIP;                                \
          for (int v = 0; v < QNV; ++v)                                                            \
            acc[s][i][v] = dot4_uw(acc[s][i][v], bv[v], word);                                     \
        }                                                                                          \
      }                                                                                            \
    for (; g < k4; ++g) {                                                                          \
      vq bv[QNV];                                                                                  \
      for (int v = 0; v < QNV; ++v)                                                                \
        bv[v] = *(const vqu *)(b + g * QNR + v * QVL);                                             \
      for (int i = 0; i < ROWS; ++i) {                                                             \
        int word = load_word(xr[i] + g * 4, k - g * 4) ^ QFLIP;                                    \
        for (int v = 0; v < QNV; ++v)                                                              \
          acc[0][i][v] = dot4_uw(acc[0][i][v], bv[v], word);                                       \
      }                                                                                            \
    }                                                                                              \
    for (int i = 0; i < ROWS; ++i) {                                                               \
      if (i >= rows)                                                                               \
        break;                                                                                     \
      for (int v = 0; v < QNV; ++v) {                                                              \
        isize nn = min_i(QVL, cols - v * QVL);                                                     \
        vq sum = acc[0][i][v];                                                                     \
        for (int s = 1; s < CHAINS; ++s)                                                           \
          sum = sum + acc[s][i][v];                                                                \
        if (nn > 0)                                                                                \
          store_q(y + i * ldy + v * QVL,                                                           \
                  requantize(sum, *(const vqu *)(mult + v * QVL), *(const vqu *)(shift + v * QVL), \
                             *(const vqu *)(rem + v * QVL), zy, lo, hi),                           \
                  nn);                                                                             \
      }                                                                                            \
    }                                                                                              \
  }
DEFINE_QTILE_LINEAR(qtile_linear, QMR, 1)
DEFINE_QTILE_LINEAR(qtile_linear_row, 1, 2)

/// int8 fully connected layer (kiln_kernels.h).
__attribute__((noinline)) void kiln_uk_qlinear(const i8 *x, const i8 *wp, const int *bias,
                                               const int *mult, const int *shift, const int *rem,
                                               i8 *y, int m, int k, int n, int zy, int lo, int hi) {
  isize k4 = ((isize)k + 3) / 4;
  for (isize n0 = 0; n0 < n; n0 += QNR) {
    isize cols = min_i(QNR, n - n0);
    const int *b = (const int *)(wp + n0 * k4 * 4);
    isize m0 = 0;
    for (; m0 + QMR <= m; m0 += QMR)
      qtile_linear(k, x + m0 * k, b, y + m0 * n + n0, n, QMR, cols, bias + n0, mult + n0,
                   shift + n0, rem + n0, zy, lo, hi);
    for (; m0 < m; ++m0)
      qtile_linear_row(k, x + m0 * k, b, y + m0 * n + n0, n, 1, cols, bias + n0, mult + n0,
                       shift + n0, rem + n0, zy, lo, hi);
  }
}

/// The int8 depthwise kernel's lanes: int16 differences and products
/// (|x - zx| <= 255 and |w| <= 127: every product fits int16), int32 sums;
/// 16 lanes where the float kernel has 8 (int16 data is half as wide).
#if NR > 8
#define QDNR 16
#else
#define QDNR DNR
#endif
typedef int vdq __attribute__((ext_vector_type(QDNR)));
typedef int vdqu __attribute__((ext_vector_type(QDNR), aligned(4)));
typedef short vdh __attribute__((ext_vector_type(QDNR)));
typedef short vdhu __attribute__((ext_vector_type(QDNR), aligned(2)));

/// QDNR int16 values from p with stride sw (1 and 2 are vector loads).
INLINE vdh load_strided_h(const short *p, isize sw) {
  if (sw == 1)
    return *(const vdhu *)p;
  if (sw == 2)
    return __builtin_shufflevector(*(const vdhu *)p, *(const vdhu *)(p + QDNR), EVEN_LANES(QDNR));
  short t[QDNR];
  for (int j = 0; j < QDNR; ++j)
    t[j] = p[j * sw];
  return *(const vdhu *)t;
}

/// The int8 depthwise kernel's accumulator buffer (outputs of one channel).
#define QDW_ACC (4 * DW_ROW)

/// One output row of the staged depthwise path: `groups` groups of U
/// vectors of outputs, each summed over every valid tap in registers, into
/// acc_row. Called with constant U (and, for 3 x 3 kernels, constant sizes
/// and stride) so that the taps unroll and the sums stay in registers.
INLINE void qdw_row(int *acc_row, short *const *rp, const int *valid, const i8 *wk, isize groups,
                    isize kh, isize kw, isize sw, isize dw, int bias, const int U) {
  for (isize g = 0; g < groups; ++g) {
    vdq acc[4];
    for (int u = 0; u < U; ++u)
      acc[u] = (vdq)bias;
    for (isize ki = 0; ki < kh; ++ki) {
      if (!valid[ki])
        continue;
      const short *row = rp[ki] + g * U * QDNR * sw;
      for (isize kj = 0; kj < kw; ++kj) {
        short wv = wk[ki * kw + kj];
        for (int u = 0; u < U; ++u)
          acc[u] +=
              __builtin_convertvector(load_strided_h(row + kj * dw + u * QDNR * sw, sw) * wv, vdq);
      }
    }
    for (int u = 0; u < U; ++u)
      *(vdqu *)(acc_row + (g * U + u) * QDNR) = acc[u];
  }
}

/// qdw_row for 3 x 3 kernels at stride 1 or 2 with constant sizes, else as
/// given.
INLINE void qdw_row_sized(int *acc_row, short *const *rp, const int *valid, const i8 *wk,
                          isize groups, isize kh, isize kw, isize sw, isize dw, int bias,
                          const int U) {
  if (kh == 3 && kw == 3 && dw == 1 && sw == 1)
    qdw_row(acc_row, rp, valid, wk, groups, 3, 3, 1, 1, bias, U);
  else if (kh == 3 && kw == 3 && dw == 1 && sw == 2)
    qdw_row(acc_row, rp, valid, wk, groups, 3, 3, 2, 1, bias, U);
  else
    qdw_row(acc_row, rp, valid, wk, groups, kh, kw, sw, dw, bias, U);
}

/// A depthwise channel's requantize_exact scale (0: requantize): its sums
/// lie within |bias| + 255 * sum |w|.
INLINE double qdw_exact_scale(const i8 *wk, isize taps, int bias, int mult, int shift) {
#if KILN_RQ_EXACT
  long long bound = bias < 0 ? -(long long)bias : bias;
  for (isize t = 0; t < taps; ++t)
    bound += 255 * (wk[t] < 0 ? -wk[t] : wk[t]);
  return rq_exact_scale(bound, mult, shift);
#else
  (void)wk, (void)taps, (void)bias, (void)mult, (void)shift;
  return 0;
#endif
}

/// Requantizes `filled` sums of one channel to yf in whole vectors: the
/// last may spill into outputs that a later row overwrites, never past
/// out_end.
INLINE void qdw_flush(i8 *yf, const int *acc, isize filled, const i8 *out_end, int mult, int shift,
                      int rem, double exact, int zy, int lo, int hi) {
#if KILN_RQ_EXACT
  if (exact != 0) {
    __m512d d = _mm512_set1_pd(exact), e = _mm512_set1_pd(rq_exact_offset(rem, shift));
    for (isize i = 0; i < filled; i += QVL)
      store_q(yf + i, requantize_exact(*(const vqu *)(acc + i), d, e, zy, lo, hi),
              min_i(QVL, out_end - yf - i));
    return;
  }
#else
  (void)exact;
#endif
  vq m = (vq)mult, s = (vq)shift, r = (vq)rem;
  for (isize i = 0; i < filled; i += QVL)
    store_q(yf + i, requantize(*(const vqu *)(acc + i), m, s, r, zy, lo, hi),
            min_i(QVL, out_end - yf - i));
}

#if defined(KILN_FEATURE_avx512vbmi)
/// The kernel rows' weights as words (zeros past kw) and their sums.
INLINE void qdw_words(int *words, int *rowsum, const i8 *wk, isize kh, isize kw) {
  for (isize ki = 0; ki < kh; ++ki) {
    unsigned word = 0;
    rowsum[ki] = 0;
    for (isize kj = 0; kj < kw; ++kj) {
      word |= (unsigned)(u8)wk[ki * kw + kj] << (8 * kj);
      rowsum[ki] += wk[ki * kw + kj];
    }
    words[ki] = (int)word;
  }
}

/// The staged depthwise row with vpdpbusd (kernels at most 4 wide, stride 1
/// or 2, undilated): a kernel row's taps are one word of weights (zero past
/// kw) and the staged row holds x + 128 as uint8 (the padding zx + 128), so
/// one vpermb (idx: lane i, byte k = column i * sw + k) lays out the four
/// inputs under each of 16 outputs and one vpdpbusd adds the row's products.
/// bias0 is the bias less (zx + 128) * the valid rows' weight sums.
INLINE void qdw_row_vbmi(int *acc_row, u8 *const *rp, const int *valid, const int *words,
                         isize groups, isize kh, isize sw, int bias0, __m512i idx, const int U) {
  for (isize g = 0; g < groups; ++g) {
    __m512i acc[4];
    for (int u = 0; u < U; ++u)
      acc[u] = _mm512_set1_epi32(bias0);
    for (isize ki = 0; ki < kh; ++ki) {
      if (!valid[ki])
        continue;
      __m512i wv = _mm512_set1_epi32(words[ki]);
      const u8 *row = rp[ki] + g * U * 16 * sw;
      for (int u = 0; u < U; ++u)
        acc[u] = _mm512_dpbusd_epi32(
            acc[u], _mm512_permutexvar_epi8(idx, _mm512_loadu_si512(row + u * 16 * sw)), wv);
    }
    for (int u = 0; u < U; ++u)
      _mm512_storeu_si512(acc_row + (g * U + u) * 16, acc[u]);
  }
}

/// n bytes of an input row staged as x + 128 (uint8), 64 at a time.
INLINE void qdw_stage_row(u8 *dst, const i8 *src, isize n) {
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (isize j = 0; j < n; j += 64) {
    __mmask64 live = n - j >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - j)) - 1;
    _mm512_mask_storeu_epi8(dst + j, live,
                            _mm512_xor_si512(_mm512_maskz_loadu_epi8(live, src + j), flip));
  }
}

/// The most bytes of uint8 rows the vpdpbusd depthwise path stages.
#define QDW_QBYTES 16384

/// One channel of the depthwise kernel with qdw_row_vbmi. The input rows are
/// staged (x + 128) in `stage`, rows of `rowbytes` whose padding already
/// holds zx + 128: the whole plane at once where it fits (no row is read
/// right after it is written), else a ring of kh rows.
INLINE void qdw_plane_vbmi(u8 *stage, isize rowbytes, __m512i idx, int *acc, const i8 *x, i8 *y,
                           const i8 *out_end, const i8 *wk, int bias, int mult, int shift, int rem,
                           isize h, isize w, isize kh, isize kw, isize sh, isize sw, isize pt,
                           isize pl, isize oh, isize ow, isize groups, isize copy_end, int U,
                           int zx, int zy, int lo, int hi) {
  int words[DW_KMAX], rowsum[DW_KMAX];
  qdw_words(words, rowsum, wk, kh, kw);
  double exact = qdw_exact_scale(wk, kh * kw, bias, mult, shift);
  int whole = h * rowbytes <= QDW_QBYTES;
  isize held[DW_KMAX];
  for (isize r = 0; r < DW_KMAX; ++r)
    held[r] = -1;
  for (isize iy = 0; whole && iy < h; ++iy)
    qdw_stage_row(stage + iy * rowbytes + pl, x + iy * w, copy_end - pl);
  isize first = 0, filled = 0;
  for (isize oy = 0; oy < oh; ++oy) {
    int valid[DW_KMAX];
    u8 *rp[DW_KMAX];
    int bias0 = bias;
    for (isize ki = 0; ki < kh; ++ki) {
      isize iy = oy * sh - pt + ki;
      valid[ki] = (usize)iy < (usize)h;
      if (!valid[ki])
        continue;
      bias0 -= (zx + 128) * rowsum[ki];
      isize slot = whole ? iy : iy - iy / kh * kh;
      rp[ki] = stage + slot * rowbytes;
      if (whole || held[slot] == iy)
        continue;
      held[slot] = iy;
      qdw_stage_row(rp[ki] + pl, x + iy * w, copy_end - pl);
    }
    if (U == 1)
      qdw_row_vbmi(acc + filled, rp, valid, words, groups, kh, sw, bias0, idx, 1);
    else if (U == 2)
      qdw_row_vbmi(acc + filled, rp, valid, words, groups, kh, sw, bias0, idx, 2);
    else
      qdw_row_vbmi(acc + filled, rp, valid, words, groups, kh, sw, bias0, idx, 4);
    filled += ow;
    if (filled + ow <= QDW_ACC && oy + 1 < oh)
      continue;
    qdw_flush(y + first, acc, filled, out_end, mult, shift, rem, exact, zy, lo, hi);
    first += filled;
    filled = 0;
  }
}

#endif

/// int8 depthwise conv2d, NCHW (kiln_kernels.h). As kiln_uk_dwconv2d, the
/// KH input rows under an output row are staged on the stack, as int16
/// x - zx with zeros for the padding, so the padding adds nothing and every
/// load is a whole vector; a staged row stays for the next output rows that
/// read it (a ring of KH rows, undilated kernels). Short rows take fewer
/// vectors per group (U = 1, 2 or 4); taller kernels or longer rows take a
/// scalar path.
__attribute__((noinline)) void kiln_uk_qdwconv2d(const i8 *in, const i8 *wt, const int *bias,
                                                 const int *mult, const int *shift, const int *rem,
                                                 i8 *out, int n, int c, int h, int w, int kh,
                                                 int kw, int sh, int sw, int pt, int pl, int dh,
                                                 int dw, int oh, int ow, int zx, int zy, int lo,
                                                 int hi) {
  short rows[DW_KMAX][DW_ROW] __attribute__((aligned(64)));
  // Sums of consecutive output rows of one channel, requantized together.
  int acc[QDW_ACC + DW_ROW] __attribute__((aligned(64)));
  int U = ow <= QDNR ? 1 : ow <= 2 * QDNR ? 2 : 4;
  struct dw_stage st = dw_stage_of(w, ow, kh, kw, sw, pl, dw, U * QDNR, QDNR);
  isize groups = st.groups, copy_end = st.copy_end;
  int staged = st.staged;
  i8 *out_end = out + (isize)n * c * oh * ow;
#if defined(KILN_FEATURE_avx512vbmi)
  u8 stage[QDW_QBYTES] __attribute__((aligned(64)));
  isize rowbytes = (st.span + 64 + 63) / 64 * 64;
  if (staged && kw <= 4 && dw == 1 && dh == 1 && (sw == 1 || sw == 2) && QDNR == 16 &&
      kh * rowbytes <= QDW_QBYTES) {
    for (isize j = 0; j < QDW_QBYTES; ++j)
      stage[j] = (u8)(zx ^ 0x80);
    u8 lanes[64]; // lane i, byte k: column i * sw + k
    for (int l = 0; l < 64; ++l)
      lanes[l] = (u8)(l / 4 * sw + l % 4);
    __m512i idx = _mm512_loadu_si512(lanes);
    for (isize plane = 0; plane < (isize)n * c; ++plane) {
      isize ch = plane % c;
      qdw_plane_vbmi(stage, rowbytes, idx, acc, in + plane * h * w, out + plane * oh * ow, out_end,
                     wt + ch * kh * kw, bias[ch], mult[ch], shift[ch], rem[ch], h, w, kh, kw, sh,
                     sw, pt, pl, oh, ow, groups, copy_end, U, zx, zy, lo, hi);
    }
    return;
  }
#endif
  for (isize r = 0; staged && r < kh; ++r)
    for (isize j = 0; j < st.span; ++j)
      rows[r][j] = 0;
  for (isize plane = 0; plane < (isize)n * c; ++plane) {
    isize ch = plane % c;
    const i8 *x = in + plane * h * w;
    i8 *y = out + plane * oh * ow;
    const i8 *wk = wt + ch * kh * kw;
    double exact = qdw_exact_scale(wk, kh * kw, bias[ch], mult[ch], shift[ch]);
    if (!staged) {
      for (isize oy = 0; oy < oh; ++oy)
        for (isize ox = 0; ox < ow; ++ox) {
          int sum = bias[ch];
          for (isize ki = 0; ki < kh; ++ki) {
            isize iy = oy * sh - pt + ki * dh;
            if ((usize)iy >= (usize)h)
              continue;
            for (isize kj = 0; kj < kw; ++kj) {
              isize ix = ox * sw - pl + kj * dw;
              if ((usize)ix < (usize)w)
                sum += (x[iy * w + ix] - zx) * wk[ki * kw + kj];
            }
          }
          y[oy * ow + ox] = (i8)requantize_scalar(sum, mult[ch], shift[ch], rem[ch], zy, lo, hi);
        }
      continue;
    }
    isize held[DW_KMAX]; // the input row each staged row holds
    for (isize r = 0; r < DW_KMAX; ++r)
      held[r] = -1;
    isize first = 0, filled = 0; // acc holds outputs first .. first + filled
    for (isize oy = 0; oy < oh; ++oy) {
      int valid[DW_KMAX];
      short *rp[DW_KMAX];
      for (isize ki = 0; ki < kh; ++ki) {
        isize iy = oy * sh - pt + ki * dh;
        valid[ki] = (usize)iy < (usize)h;
        if (!valid[ki])
          continue;
        // Undilated: the kh rows under an output row are consecutive, each in
        // its own slot iy mod kh, and stay for the next output rows.
        isize slot = ki;
        if (dh == 1) {
          slot = iy - iy / kh * kh;
          if (held[slot] == iy) {
            rp[ki] = rows[slot];
            continue;
          }
        }
        held[slot] = iy;
        rp[ki] = rows[slot];
        for (isize j = pl; j < copy_end; ++j)
          rp[ki][j] = (short)(x[iy * w + j - pl] - zx);
      }
      if (U == 1)
        qdw_row_sized(acc + filled, rp, valid, wk, groups, kh, kw, sw, dw, bias[ch], 1);
      else if (U == 2)
        qdw_row_sized(acc + filled, rp, valid, wk, groups, kh, kw, sw, dw, bias[ch], 2);
      else
        qdw_row_sized(acc + filled, rp, valid, wk, groups, kh, kw, sw, dw, bias[ch], 4);
      filled += ow;
      if (filled + ow <= QDW_ACC && oy + 1 < oh)
        continue;
      qdw_flush(y + first, acc, filled, out_end, mult[ch], shift[ch], rem[ch], exact, zy, lo, hi);
      first += filled;
      filled = 0;
    }
  }
}

/// int8 table lookup (kiln_kernels.h): y[i] = table[x[i] + 128].
__attribute__((noinline)) void kiln_uk_lookup(const i8 *x, const i8 *table, i8 *y, int n) {
  isize i = 0;
#if defined(KILN_FEATURE_avx512vbmi)
  // Two 128-entry vpermi2b lookups (index bits 0-6), the sign bit picks one.
  __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
  __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
  const __m512i flip = _mm512_set1_epi8((char)0x80);
  for (; i < n; i += 64) {
    __mmask64 live = n - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - i)) - 1;
    __m512i idx = _mm512_xor_si512(_mm512_maskz_loadu_epi8(live, x + i), flip);
    __m512i low = _mm512_permutex2var_epi8(t0, idx, t1);
    __m512i high = _mm512_permutex2var_epi8(t2, idx, t3);
    _mm512_mask_storeu_epi8(y + i, live,
                            _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), low, high));
  }
#elif defined(KILN_FEATURE_mve)
  // Helium: one byte gather (vldrb with offsets) per 16 values.
  for (; i + 16 <= n; i += 16) {
    uint8x16_t idx = veorq_u8(vld1q_u8((const u8 *)x + i), vdupq_n_u8(0x80));
    vst1q_u8((u8 *)y + i, vldrbq_gather_offset_u8((const u8 *)table, idx));
  }
#elif defined(__aarch64__) && defined(__ARM_NEON)
  // Four 64-entry tbl/tbx lookups; an index past a table's 64 keeps the lane.
  uint8x16x4_t t[4];
  for (int q = 0; q < 4; ++q)
    t[q] = vld1q_u8_x4((const u8 *)table + 64 * q);
  for (; i + 16 <= n; i += 16) {
    uint8x16_t idx = veorq_u8(vld1q_u8((const u8 *)x + i), vdupq_n_u8(0x80));
    uint8x16_t r = vqtbl4q_u8(t[0], idx);
    for (int q = 1; q < 4; ++q)
      r = vqtbx4q_u8(r, t[q], vsubq_u8(idx, vdupq_n_u8((u8)(64 * q))));
    vst1q_u8((u8 *)y + i, r);
  }
#endif
  for (; i < n; ++i)
    y[i] = table[(u8)x[i] ^ 0x80];
}
/// The columns of one staged row of the int8 max pool (a chunk of outputs
/// whose windows span at most this many input columns).
#define QMP_COLS 1024

/// int8 max pooling (kiln_kernels.h), a row of outputs at a time: the
/// window's input rows reduced column by column into a staged row (padding
/// columns -128), then the staged row reduced over each run of kw columns
/// and every sw-th column stored. Each step is a contiguous loop; windows
/// wider than half the staged row take the scalar loop.
__attribute__((noinline)) void kiln_uk_qmaxpool2d(const i8 *in, i8 *out, int planes, int h, int w,
                                                  int kh, int kw, int sh, int sw, int pt, int pl,
                                                  int oh, int ow) {
  // 128 columns of slack: the vector loads of the last outputs' windows.
  i8 row[QMP_COLS + 128] __attribute__((aligned(64)));
  // Outputs per chunk: (chunk - 1) * sw + kw columns.
  isize chunk = kw <= QMP_COLS / 2 ? (QMP_COLS - kw) / sw + 1 : 0;
  for (isize p = 0; p < planes; ++p) {
    const i8 *x = in + p * h * w;
    i8 *y = out + p * oh * ow;
    for (isize oy = 0; oy < oh; ++oy, y += ow) {
      isize iy0 = oy * sh - pt;
      isize r0 = iy0 < 0 ? 0 : iy0, r1 = min_i(iy0 + kh, h);
      if (!chunk) {
        for (isize ox = 0; ox < ow; ++ox) {
          int m = -128;
          for (isize iy = r0; iy < r1; ++iy)
            for (isize ix = ox * sw - pl; ix < ox * sw - pl + kw; ++ix)
              if (ix >= 0 && ix < w && x[iy * w + ix] > m)
                m = x[iy * w + ix];
          y[ox] = (i8)m;
        }
        continue;
      }
      for (isize ox0 = 0; ox0 < ow; ox0 += chunk) {
        isize n = min_i(chunk, ow - ox0), ix0 = ox0 * sw - pl, cols = (n - 1) * sw + kw;
        // Staged columns j = ix - ix0 inside the image: [ja, jb).
        isize ja = ix0 < 0 ? -ix0 : 0, jb = min_i(cols, w - ix0);
#if defined(KILN_FEATURE_avx512vnni)
        // 64 columns a vector, masked loads at the edges.
        const __m512i lowest = _mm512_set1_epi8(-128);
        for (isize j = 0; j < cols; j += 64) {
          isize a = ja > j ? ja - j : 0, b = min_i(jb - j, 64);
          __mmask64 live = b <= a ? 0
                                  : (b == 64 ? ~(__mmask64)0 : ((__mmask64)1 << b) - 1) &
                                        ~(((__mmask64)1 << a) - 1);
          __m512i m = lowest;
          for (isize iy = r0; iy < r1; ++iy)
            m = _mm512_max_epi8(m, _mm512_mask_loadu_epi8(lowest, live, x + iy * w + ix0 + j));
          _mm512_store_si512(row + j, m);
        }
        if (sw <= 2) {
          // An output vector: the maximum of kw loads at consecutive
          // offsets; at sw = 2 the even bytes of its 32 words.
          isize step = 64 / sw;
          for (isize o = 0; o < n; o += step) {
            const i8 *r = row + o * sw;
            __m512i m = _mm512_loadu_si512(r);
            for (isize t = 1; t < kw; ++t)
              m = _mm512_max_epi8(m, _mm512_loadu_si512(r + t));
            isize left = min_i(step, n - o);
            if (sw == 1)
              _mm512_mask_storeu_epi8(y + ox0 + o,
                                      left == 64 ? ~(__mmask64)0 : ((__mmask64)1 << left) - 1, m);
            else
              _mm512_mask_cvtepi16_storeu_epi8(y + ox0 + o, (__mmask32)((1ull << left) - 1), m);
          }
          continue;
        }
#else
        for (isize j = 0; j < cols; ++j)
          row[j] = -128;
        for (isize iy = r0; iy < r1; ++iy) {
          const i8 *src = x + iy * w + ix0;
          for (isize j = ja; j < jb; ++j)
            row[j] = src[j] > row[j] ? src[j] : row[j];
        }
#endif
        // row[j] = max(row[j .. j + kw)): kw - 1 passes that each widen
        // the window by one column (ascending j reads row[j + 1] before this
        // pass changes it), then every sw-th column.
        for (isize t = 1; t < kw; ++t)
          for (isize j = 0; j + t < cols; ++j)
            row[j] = row[j + 1] > row[j] ? row[j + 1] : row[j];
        for (isize o = 0; o < n; ++o)
          y[ox0 + o] = row[o * sw];
      }
    }
  }
}
