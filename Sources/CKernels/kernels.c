#include "ckernels.h"
#include <math.h>

/* Each kernel body is written once (NAME_impl, always inlined) and compiled for
   AVX-512, AVX2+FMA and baseline x86-64; the public NAME picks one variant, chosen
   once per process from the CPU's features, so every call in a process uses the same
   variant (the variants round differently: FMA or not). */
#if defined(__x86_64__) && defined(__clang__)
static int g4r_level_cache = -1;
static int g4r_level(void) {
    int level = __atomic_load_n(&g4r_level_cache, __ATOMIC_RELAXED);
    if (level < 0) {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) level = 2;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
        else level = 0;
        __atomic_store_n(&g4r_level_cache, level, __ATOMIC_RELAXED);
    }
    return level;
}
#endif
#define G4R_IMPL static inline __attribute__((always_inline))

/* exp(x) by range reduction x = k ln2 + r and a degree-6 polynomial (Cephes expf),
   written without branches so loops vectorise. Relative error about 1e-7.
   Inputs below -80 give exactly 0, so results never enter the subnormal range
   (e^-80 is 1.8e-35: nothing it adds to a softmax sum is visible). */
static inline float g4r_expf(float x) {
    float keep = x < -80.0f ? 0.0f : 1.0f;
    x = fminf(fmaxf(x, -80.0f), 88.7f);
    float k = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - k * 0.693359375f;
    r = r - k * -2.12194440e-4f;
    float p = 1.9875691500E-4f;
    p = p * r + 1.3981999507E-3f;
    p = p * r + 8.3334519073E-3f;
    p = p * r + 4.1665795894E-2f;
    p = p * r + 1.6666665459E-1f;
    p = p * r + 5.0000001201E-1f;
    float y = p * r * r + r + 1.0f;
    int ki = (int)k;
    union { float f; int i; } u;
    u.i = (ki + 127) << 23;
    return y * u.f * keep;
}

static inline float g4r_sigmoid(float x) { return 1.0f / (1.0f + g4r_expf(-x)); }
static inline float g4r_tanh(float x) { float e = g4r_expf(-2.0f * fabsf(x)); float t = (1.0f - e) / (1.0f + e); return copysignf(t, x); }

G4R_IMPL
void g4r_adagrad_impl(float *theta, const float *grad, float *acc, float *mom, size_t n, float lr, float mu, float eps) {
    if (mom) {
        for (size_t j = 0; j < n; j++) {
            float g = grad[j];
            float s = acc[j] + g * g;
            acc[j] = s;
            float v = mu * mom[j] + (-lr * g / __builtin_sqrtf(s + eps));
            mom[j] = v;
            theta[j] += v;
        }
    } else {
        for (size_t j = 0; j < n; j++) {
            float g = grad[j];
            float s = acc[j] + g * g;
            acc[j] = s;
            theta[j] += -lr * g / __builtin_sqrtf(s + eps);
        }
    }
}

/* Adagrad over the listed rows of a row-major table (row length len): grads holds
   one row per entry of rows, in the same order. Rows are dealt to the two parts in
   blocks of 2^block_shift rows (part = (row >> block_shift) & 1): with 16-row blocks
   a block spans whole cache lines whatever the row length (16 x 4 bytes x len), so
   two threads never write the same line, and popular items (which cluster at low
   indices) are shared evenly. Rows four ahead are prefetched: rows are scattered
   and too short for the hardware prefetcher. */
G4R_IMPL
void g4r_adagrad_rows_impl(float *theta, float *acc, float *mom, size_t len, const int *rows, size_t count,
                           const float *grads, int part, int block_shift, float lr, float mu, float eps) {
    for (size_t k = 0; k < count; k++) {
        int row = rows[k];
        if (((row >> block_shift) & 1) != part) continue;
        /* Prefetch (for writing) only rows of this part: taking the other
           thread's lines would make the two cores fight over them. */
        if (k + 4 < count && ((rows[k + 4] >> block_shift) & 1) == part) {
            size_t ahead = (size_t)rows[k + 4] * len;
            for (size_t off = 0; off < len; off += 16) {
                __builtin_prefetch(theta + ahead + off, 1, 3);
                __builtin_prefetch(acc + ahead + off, 1, 3);
                if (mom) __builtin_prefetch(mom + ahead + off, 1, 3);
            }
        }
        size_t at = (size_t)row * len;
        g4r_adagrad_impl(theta + at, grads + k * len, acc + at, mom ? mom + at : 0, len, lr, mu, eps);
    }
}

G4R_IMPL
void g4r_exp_impl(float *x, size_t n) {
    for (size_t j = 0; j < n; j++) x[j] = g4r_expf(x[j]);
}

/* exp(x) in double for x <= 0 (x < -700 gives exactly 0): x = k ln2 + r (Cody-Waite),
   a degree-12 Taylor polynomial of e^r (|r| <= ln2/2: error below 2e-16), written without
   branches so loops vectorise. */
static inline double g4r_expd(double x) {
    double keep = x < -700.0 ? 0.0 : 1.0;
    x = x < -700.0 ? -700.0 : (x > 0.0 ? 0.0 : x);
    double k = __builtin_floor(x * 1.4426950408889634 + 0.5);
    double r = x - k * 6.93147180369123816490e-01;
    r = r - k * 1.90821492927058770002e-10;
    double p = 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    union { double d; long l; } u;
    u.l = ((long)k + 1023) << 52;
    return p * u.d * keep;
}

G4R_IMPL
double g4r_logsumexp_impl(const float *s, size_t n) {
    float m = -INFINITY;
    int nan = 0;
    for (size_t j = 0; j < n; j++) { m = s[j] > m ? s[j] : m; nan |= s[j] != s[j]; }
    if (nan) return NAN;
    if (n == 0 || !isfinite(m)) return m;
    double acc[8] = {0, 0, 0, 0, 0, 0, 0, 0}, top = m;
    size_t j = 0;
    for (; j + 8 <= n; j += 8)
        for (int l = 0; l < 8; l++) acc[l] += g4r_expd((double)s[j + l] - top);
    double total = 0;
    for (; j < n; j++) total += g4r_expd((double)s[j] - top);
    for (int l = 0; l < 8; l++) total += acc[l];
    return top + log(total);
}

G4R_IMPL
float g4r_xe_row_impl(const float *row, const float *shift, size_t n, size_t t, float *grad, float inv_d) {
    /* Reductions may be reordered (max is exact; the sum changes by rounding only). */
    float m = -INFINITY;
    if (shift) {
        _Pragma("clang loop vectorize(enable) interleave(enable)")
        for (size_t j = 0; j < n; j++) { float z = row[j] - shift[j]; grad[j] = z; m = z > m ? z : m; }
    } else {
        _Pragma("clang loop vectorize(enable) interleave(enable)")
        for (size_t j = 0; j < n; j++) { grad[j] = row[j]; m = row[j] > m ? row[j] : m; }
    }
    float sum = 0.0f;
    _Pragma("clang loop vectorize(enable) interleave(enable)")
    for (size_t j = 0; j < n; j++) { float e = g4r_expf(grad[j] - m); grad[j] = e; sum += e; }
    float inv = 1.0f / sum;
    float pt = grad[t] * inv;
    float scale = pt / (pt + 1e-24f) * inv_d;
    float s2 = inv * scale;
    for (size_t j = 0; j < n; j++) grad[j] *= s2;
    grad[t] -= scale;
    return -logf(pt + 1e-24f);
}

G4R_IMPL
void g4r_gru_gates_impl(const float *a, const float *c, const float *h, float *gates, float *cn, float *hout, size_t H) {
    for (size_t j = 0; j < H; j++) {
        float r = g4r_sigmoid(a[j] + c[j]);
        float z = g4r_sigmoid(a[H + j] + c[H + j]);
        float nn = g4r_tanh(a[2 * H + j] + r * c[2 * H + j]);
        gates[j] = r; gates[H + j] = z; gates[2 * H + j] = nn;
        cn[j] = c[2 * H + j];
        hout[j] = (1.0f - z) * nn + z * h[j];
    }
}

G4R_IMPL
float g4r_bprmax_row_impl(const float *row, size_t n, size_t t, float elu_alpha, float bpreg, float *grad, float *scratch, float inv_d) {
    float *o = scratch, *d = scratch + n, *g = scratch + 2 * n;
    if (n < 2) { for (size_t j = 0; j < n; j++) grad[j] = 0; return 0; }
    if (elu_alpha > 0) {
        for (size_t j = 0; j < n; j++) {
            float x = row[j];
            float e = g4r_expf(x < 0 ? x : 0.0f);
            o[j] = x > 0 ? x : elu_alpha * (e - 1.0f);
            d[j] = x > 0 ? 1.0f : elu_alpha * e;
        }
    } else {
        for (size_t j = 0; j < n; j++) { o[j] = row[j]; d[j] = 1.0f; }
    }
    float ot = o[t];
    o[t] = 0.0f;  /* the reference zeroes the diagonal before the row maximum */
    float m = 0.0f;
    _Pragma("clang loop vectorize(enable) interleave(enable)")
    for (size_t j = 0; j < n; j++) m = o[j] > m ? o[j] : m;
    o[t] = ot;
    float sum = 0.0f;
    _Pragma("clang loop vectorize(enable) interleave(enable)")
    for (size_t j = 0; j < n; j++) { float e = g4r_expf(o[j] - m); grad[j] = e; sum += e; }
    sum -= grad[t];
    grad[t] = 0.0f;
    float inv = 1.0f / sum, p = 0.0f, reg = 0.0f;
    _Pragma("clang loop vectorize(enable) interleave(enable)")
    for (size_t j = 0; j < n; j++) {
        float s = grad[j] * inv;
        float gj = g4r_sigmoid(ot - o[j]);
        grad[j] = s;
        g[j] = gj;
        p += s * gj;
        reg += s * o[j] * o[j];
    }
    p += 1e-24f;
    float loss = -logf(p) + bpreg * reg;
    float sgs = -(p - 1e-24f) / p + bpreg * reg;
    float dt = 0.0f, invp = 1.0f / p;
    _Pragma("clang loop vectorize(enable) interleave(enable)")
    for (size_t j = 0; j < n; j++) {
        float s = grad[j], gj = g[j];
        float gs = -gj * invp + bpreg * o[j] * o[j];
        float direct = gj * (1.0f - gj) * s * invp;
        grad[j] = (s * (gs - sgs) + direct + 2.0f * bpreg * o[j] * s) * d[j] * inv_d;
        dt -= direct;
    }
    grad[t] = dt * d[t] * inv_d;
    return loss;
}

/* The variants and the public entry points. */
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))) static void g4r_adagrad_avx512(float *theta, const float *grad, float *acc, float *mom, size_t n, float lr, float mu, float eps) { g4r_adagrad_impl(theta, grad, acc, mom, n, lr, mu, eps); }
__attribute__((target("avx2,fma"))) static void g4r_adagrad_avx2(float *theta, const float *grad, float *acc, float *mom, size_t n, float lr, float mu, float eps) { g4r_adagrad_impl(theta, grad, acc, mom, n, lr, mu, eps); }
static void g4r_adagrad_base(float *theta, const float *grad, float *acc, float *mom, size_t n, float lr, float mu, float eps) { g4r_adagrad_impl(theta, grad, acc, mom, n, lr, mu, eps); }
void g4r_adagrad(float *theta, const float *grad, float *acc, float *mom, size_t n, float lr, float mu, float eps) {
    switch (g4r_level()) { case 2: g4r_adagrad_avx512(theta, grad, acc, mom, n, lr, mu, eps); break; case 1: g4r_adagrad_avx2(theta, grad, acc, mom, n, lr, mu, eps); break; default: g4r_adagrad_base(theta, grad, acc, mom, n, lr, mu, eps); }
}
#else
void g4r_adagrad(float *theta, const float *grad, float *acc, float *mom, size_t n, float lr, float mu, float eps) { g4r_adagrad_impl(theta, grad, acc, mom, n, lr, mu, eps); }
#endif
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))) static void g4r_exp_avx512(float *x, size_t n) { g4r_exp_impl(x, n); }
__attribute__((target("avx2,fma"))) static void g4r_exp_avx2(float *x, size_t n) { g4r_exp_impl(x, n); }
static void g4r_exp_base(float *x, size_t n) { g4r_exp_impl(x, n); }
void g4r_exp(float *x, size_t n) {
    switch (g4r_level()) { case 2: g4r_exp_avx512(x, n); break; case 1: g4r_exp_avx2(x, n); break; default: g4r_exp_base(x, n); }
}
#else
void g4r_exp(float *x, size_t n) { g4r_exp_impl(x, n); }
#endif
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))) static double g4r_logsumexp_avx512(const float *s, size_t n) { return g4r_logsumexp_impl(s, n); }
__attribute__((target("avx2,fma"))) static double g4r_logsumexp_avx2(const float *s, size_t n) { return g4r_logsumexp_impl(s, n); }
static double g4r_logsumexp_base(const float *s, size_t n) { return g4r_logsumexp_impl(s, n); }
double g4r_logsumexp(const float *s, size_t n) {
    switch (g4r_level()) { case 2: return g4r_logsumexp_avx512(s, n); case 1: return g4r_logsumexp_avx2(s, n); default: return g4r_logsumexp_base(s, n); }
}
#else
double g4r_logsumexp(const float *s, size_t n) { return g4r_logsumexp_impl(s, n); }
#endif
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))) static float g4r_xe_row_avx512(const float *row, const float *shift, size_t n, size_t t, float *grad, float inv_d) { return g4r_xe_row_impl(row, shift, n, t, grad, inv_d); }
__attribute__((target("avx2,fma"))) static float g4r_xe_row_avx2(const float *row, const float *shift, size_t n, size_t t, float *grad, float inv_d) { return g4r_xe_row_impl(row, shift, n, t, grad, inv_d); }
static float g4r_xe_row_base(const float *row, const float *shift, size_t n, size_t t, float *grad, float inv_d) { return g4r_xe_row_impl(row, shift, n, t, grad, inv_d); }
float g4r_xe_row(const float *row, const float *shift, size_t n, size_t t, float *grad, float inv_d) {
    switch (g4r_level()) { case 2: return g4r_xe_row_avx512(row, shift, n, t, grad, inv_d); case 1: return g4r_xe_row_avx2(row, shift, n, t, grad, inv_d); default: return g4r_xe_row_base(row, shift, n, t, grad, inv_d); }
}
#else
float g4r_xe_row(const float *row, const float *shift, size_t n, size_t t, float *grad, float inv_d) { return g4r_xe_row_impl(row, shift, n, t, grad, inv_d); }
#endif
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))) static void g4r_gru_gates_avx512(const float *a, const float *c, const float *h, float *gates, float *cn, float *hout, size_t H) { g4r_gru_gates_impl(a, c, h, gates, cn, hout, H); }
__attribute__((target("avx2,fma"))) static void g4r_gru_gates_avx2(const float *a, const float *c, const float *h, float *gates, float *cn, float *hout, size_t H) { g4r_gru_gates_impl(a, c, h, gates, cn, hout, H); }
static void g4r_gru_gates_base(const float *a, const float *c, const float *h, float *gates, float *cn, float *hout, size_t H) { g4r_gru_gates_impl(a, c, h, gates, cn, hout, H); }
void g4r_gru_gates(const float *a, const float *c, const float *h, float *gates, float *cn, float *hout, size_t H) {
    switch (g4r_level()) { case 2: g4r_gru_gates_avx512(a, c, h, gates, cn, hout, H); break; case 1: g4r_gru_gates_avx2(a, c, h, gates, cn, hout, H); break; default: g4r_gru_gates_base(a, c, h, gates, cn, hout, H); }
}
#else
void g4r_gru_gates(const float *a, const float *c, const float *h, float *gates, float *cn, float *hout, size_t H) { g4r_gru_gates_impl(a, c, h, gates, cn, hout, H); }
#endif
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))) static float g4r_bprmax_row_avx512(const float *row, size_t n, size_t t, float elu_alpha, float bpreg, float *grad, float *scratch, float inv_d) { return g4r_bprmax_row_impl(row, n, t, elu_alpha, bpreg, grad, scratch, inv_d); }
__attribute__((target("avx2,fma"))) static float g4r_bprmax_row_avx2(const float *row, size_t n, size_t t, float elu_alpha, float bpreg, float *grad, float *scratch, float inv_d) { return g4r_bprmax_row_impl(row, n, t, elu_alpha, bpreg, grad, scratch, inv_d); }
static float g4r_bprmax_row_base(const float *row, size_t n, size_t t, float elu_alpha, float bpreg, float *grad, float *scratch, float inv_d) { return g4r_bprmax_row_impl(row, n, t, elu_alpha, bpreg, grad, scratch, inv_d); }
float g4r_bprmax_row(const float *row, size_t n, size_t t, float elu_alpha, float bpreg, float *grad, float *scratch, float inv_d) {
    switch (g4r_level()) { case 2: return g4r_bprmax_row_avx512(row, n, t, elu_alpha, bpreg, grad, scratch, inv_d); case 1: return g4r_bprmax_row_avx2(row, n, t, elu_alpha, bpreg, grad, scratch, inv_d); default: return g4r_bprmax_row_base(row, n, t, elu_alpha, bpreg, grad, scratch, inv_d); }
}
#else
float g4r_bprmax_row(const float *row, size_t n, size_t t, float elu_alpha, float bpreg, float *grad, float *scratch, float inv_d) { return g4r_bprmax_row_impl(row, n, t, elu_alpha, bpreg, grad, scratch, inv_d); }
#endif
#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))) static void g4r_adagrad_rows_avx512(float *theta, float *acc, float *mom, size_t len, const int *rows, size_t count, const float *grads, int part, int block_shift, float lr, float mu, float eps) { g4r_adagrad_rows_impl(theta, acc, mom, len, rows, count, grads, part, block_shift, lr, mu, eps); }
__attribute__((target("avx2,fma"))) static void g4r_adagrad_rows_avx2(float *theta, float *acc, float *mom, size_t len, const int *rows, size_t count, const float *grads, int part, int block_shift, float lr, float mu, float eps) { g4r_adagrad_rows_impl(theta, acc, mom, len, rows, count, grads, part, block_shift, lr, mu, eps); }
static void g4r_adagrad_rows_base(float *theta, float *acc, float *mom, size_t len, const int *rows, size_t count, const float *grads, int part, int block_shift, float lr, float mu, float eps) { g4r_adagrad_rows_impl(theta, acc, mom, len, rows, count, grads, part, block_shift, lr, mu, eps); }
void g4r_adagrad_rows(float *theta, float *acc, float *mom, size_t len, const int *rows, size_t count, const float *grads, int part, int block_shift, float lr, float mu, float eps) {
    switch (g4r_level()) { case 2: g4r_adagrad_rows_avx512(theta, acc, mom, len, rows, count, grads, part, block_shift, lr, mu, eps); break; case 1: g4r_adagrad_rows_avx2(theta, acc, mom, len, rows, count, grads, part, block_shift, lr, mu, eps); break; default: g4r_adagrad_rows_base(theta, acc, mom, len, rows, count, grads, part, block_shift, lr, mu, eps); }
}
#else
void g4r_adagrad_rows(float *theta, float *acc, float *mom, size_t len, const int *rows, size_t count, const float *grads, int part, int block_shift, float lr, float mu, float eps) { g4r_adagrad_rows_impl(theta, acc, mom, len, rows, count, grads, part, block_shift, lr, mu, eps); }
#endif

/* Copies rows index[0..count) of a row-major table (rows of len floats) into
   consecutive rows of out, prefetching four rows ahead (scattered rows of a large
   catalog come from memory, not cache). */
void g4r_gather_rows(const float *table, size_t len, const int *index, size_t count, float *out) {
    for (size_t k = 0; k < count; k++) {
        if (k + 4 < count) {
            const float *ahead = table + (size_t)index[k + 4] * len;
            for (size_t off = 0; off < len; off += 16) __builtin_prefetch(ahead + off, 0, 3);
        }
        __builtin_memcpy(out + k * len, table + (size_t)index[k] * len, len * sizeof(float));
    }
}
