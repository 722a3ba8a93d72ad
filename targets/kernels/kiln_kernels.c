//===- kiln_kernels.c - Kiln's micro-kernels -------------------------------===//
//
// Freestanding C, compiled once per kernel library to LLVM bitcode when kilnc
// is built (targets/CMakeLists.txt) and linked by kilnc into a model's LLVM
// module: only the kernels the model calls, internalized, with the model's
// CPU and features, then optimized with the model's code. No libc, no
// allocation; the only scratch is on the stack: KC x NR x NCB floats of
// packed input (64 KiB on x86-64 and AArch64, 1 KiB on the scalar targets)
// and two staged rows in the depthwise kernel.
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

/// Copies rows k0 .. k0+kc of the im2col matrix of one image (row k =
/// (channel, ki, kj), column p = output pixel) for the pixels p0 .. p0+cols
/// into the panel bp[kc][NR], zeros for padding and for columns past `cols`.
/// The pixels are cut into runs within one output row; a run reads one input
/// row at a fixed stride, with zeros where it leaves the row.
INLINE void pack_im2col(float *bp, const float *x, isize k0, isize kc, isize p0, isize cols,
                        isize h, isize w, isize kh, isize kw, isize sh, isize sw, isize pt,
                        isize pl, isize dh, isize dw, isize ow) {
  isize run_oy[NR], run_ox[NR], run_j[NR], run_n[NR];
  int runs = 0;
  for (isize j = 0, oy = p0 / ow, ox = p0 % ow; j < cols; ++runs, ox = 0, ++oy) {
    isize len = min_i(ow - ox, cols - j);
    run_oy[runs] = oy;
    run_ox[runs] = ox;
    run_j[runs] = j;
    run_n[runs] = len;
    j += len;
  }
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
        float *d = dst + run_j[r];
        isize n = run_n[r], iy = run_oy[r] * sh - pt + ki * dh;
        if ((usize)iy >= (usize)h) {
          for (isize t = 0; t < n; ++t)
            d[t] = 0.0f;
          continue;
        }
        const float *row = plane + iy * w;
        isize ix0 = run_ox[r] * sw - pl + kj * dw;
        if (n == NR && ix0 >= 0 && (sw == 1 || sw == 2) && ix0 + sw * NR <= w) {
          *(vfu *)d = load_strided(row + ix0, sw); // a whole run inside the row
          continue;
        }
        // Run elements t with 0 <= ix0 + t * sw < w (no division at stride 1).
        isize lo, hi;
        if (sw == 1) {
          lo = ix0 >= 0 ? 0 : -ix0;
          hi = w - ix0;
        } else if (sw == 2) {
          lo = ix0 >= 0 ? 0 : (-ix0 + 1) >> 1;
          hi = w - 1 - ix0 >= 0 ? ((w - 1 - ix0) >> 1) + 1 : 0;
        } else {
          lo = ix0 >= 0 ? 0 : (-ix0 + sw - 1) / sw;
          hi = w - 1 - ix0 >= 0 ? (w - 1 - ix0) / sw + 1 : 0;
        }
        lo = min_i(lo, n);
        hi = min_i(hi, n);
        if (hi < lo)
          hi = lo;
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
  // Output vectors, rounded up to groups of four; the columns their loads touch
  // (one more vector for the stride-2 pair load).
  isize groups = (ow + 4 * DNR - 1) / (4 * DNR);
  isize span = groups * 4 * DNR * sw + (kw - 1) * dw + DNR;
  int staged = span <= DW_ROW && kh <= DW_KMAX;
  isize copy_end = min_i(pl + w, span);
  for (isize r = 0; staged && r < kh; ++r)
    for (isize j = 0; j < span; ++j)
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
