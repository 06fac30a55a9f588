#include "ckernels.h"
#include <math.h>
#include <float.h>
#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#endif

/* Live scoring over the whole catalog (the shell's click, `recommend`, the server):
   the exact f32 score of an item, and the screening pass of ScreenedScorer.swift
   (a 4-bit copy of the output weights scanned first, exact re-scoring of every item
   its error bound cannot rule out). */

/* ---- Exact scores ----------------------------------------------------------------
   score(i) = by[i] + dot(wy row i, h). The dot product of a row is always computed the
   same way by one variant (chosen once per process), whichever function asks for it
   (all rows, or a list of items): that is what lets the screening re-score its
   candidates bit for bit as a full pass would. */

static float dot_base(const float *w, const float *h, size_t H) {
    float s = 0;
    for (size_t j = 0; j < H; j++) s += w[j] * h[j];
    return s;
}

/* All rows of a range, and a list of items, by one dot-product variant. */
#define SCORE_LOOPS(NAME, TARGET)                                                                                     \
    TARGET static void rows_##NAME(const float *wy, const float *by, size_t H, const float *h, size_t lo, size_t hi,   \
                                   float *out) {                                                                      \
        for (size_t i = lo; i < hi; i++) out[i - lo] = by[i] + dot_##NAME(wy + i * H, h, H);                          \
    }                                                                                                                 \
    TARGET static void items_##NAME(const float *wy, const float *by, size_t H, const float *h, const int *items,      \
                                    size_t count, float *out) {                                                       \
        for (size_t k = 0; k < count; k++) out[k] = by[items[k]] + dot_##NAME(wy + (size_t)items[k] * H, h, H);       \
    }
SCORE_LOOPS(base, )

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2,fma")))
static inline float dot_avx2(const float *w, const float *h, size_t H) {
    __m256 acc = _mm256_setzero_ps();
    size_t j = 0;
    for (; j + 8 <= H; j += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(w + j), _mm256_loadu_ps(h + j), acc);
    if (j < H) {
        static const int lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
        __m256i m = _mm256_loadu_si256((const __m256i *)(lanes + 8 - (H - j)));
        acc = _mm256_fmadd_ps(_mm256_maskload_ps(w + j, m), _mm256_maskload_ps(h + j, m), acc);
    }
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

__attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
static inline float dot_avx512(const float *w, const float *h, size_t H) {
    __m512 acc = _mm512_setzero_ps();
    size_t j = 0;
    for (; j + 16 <= H; j += 16) acc = _mm512_fmadd_ps(_mm512_loadu_ps(w + j), _mm512_loadu_ps(h + j), acc);
    if (j < H) {
        __mmask16 m = (__mmask16)((1u << (H - j)) - 1);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, w + j), _mm512_maskz_loadu_ps(m, h + j), acc);
    }
    __m256 a = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm512_extractf32x8_ps(acc, 1));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
    return _mm_cvtss_f32(s);
}

SCORE_LOOPS(avx2, __attribute__((target("avx2,fma"))))
SCORE_LOOPS(avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"))))
#endif

/* 0: baseline, 1: AVX2+FMA, 2: AVX-512 (F, DQ, VL). */
static int score_level_cache = -1;
static int score_level(void) {
    int level = __atomic_load_n(&score_level_cache, __ATOMIC_RELAXED);
    if (level < 0) {
        level = 0;
#if defined(__x86_64__) && defined(__clang__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) level = 2;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
#endif
        __atomic_store_n(&score_level_cache, level, __ATOMIC_RELAXED);
    }
    return level;
}

#if defined(__x86_64__) && defined(__clang__)
#define SCORE_DISPATCH(FN, ...) switch (score_level()) { \
    case 2: FN##_avx512(__VA_ARGS__); return; case 1: FN##_avx2(__VA_ARGS__); return; default: FN##_base(__VA_ARGS__); }
#else
#define SCORE_DISPATCH(FN, ...) FN##_base(__VA_ARGS__)
#endif

void g4r_score_rows(const float *wy, const float *by, size_t H, const float *h, size_t lo, size_t hi, float *out) {
    SCORE_DISPATCH(rows, wy, by, H, h, lo, hi, out);
}

void g4r_score_items(const float *wy, const float *by, size_t H, const float *h, const int *items, size_t count, float *out) {
    SCORE_DISPATCH(items, wy, by, H, h, items, count, out);
}

/* ---- The screening copy -----------------------------------------------------------
   Row i of wy in 4 bits: q_ij = round(w_ij / scale_i) in -7...7, scale_i = max_j |w_ij| / 7,
   stored as q_ij + 8 (1...15), in blocks of 16 rows of P = ceil(ceil(H / 4) / 2) 64-byte
   pairs of column groups: byte (row 16b + r, pair p, t) at q[(b * P + p) * 64 + r * 4 + t]
   holds column 8p + t in its low nibble and column 8p + 4 + t in its high one (padding
   columns 8, i.e. q = 0), so that one 32-bit lane of a 16-lane vector sums four columns of
   one row. Per row: err_i >= ||w_i - scale_i q_i||_2 and wnorm_i >= ||w_i||_2 (both rounded
   up); a row with a non-finite weight or bias gets scale 0 and err = wnorm = +inf (always
   re-scored, never rules anything out). */

static float round_up(double x) {
    float f = (float)(x * (1.0 + 0x1p-20));
    return f < x ? nextafterf(f, INFINITY) : f;
}

void g4r_screen_build(const float *wy, const float *by, size_t n, size_t H, size_t r0, size_t r1,
                      unsigned char *q, float *scale, float *err, float *wnorm) {
    size_t P = ((H + 3) / 4 + 1) / 2;
    for (size_t i = r0; i < r1; i++) {
        unsigned char *blk = q + (i / 16) * P * 64 + (i % 16) * 4;
        for (size_t p = 0; p < P; p++) __builtin_memset(blk + p * 64, 0x88, 4);
        if (i >= n) { scale[i] = 0; err[i] = 0; wnorm[i] = 0; continue; }
        const float *w = wy + i * H;
        float m = 0;
        int finite = isfinite(by[i]);
        double ww = 0;
        for (size_t j = 0; j < H; j++) {
            float a = fabsf(w[j]);
            m = a > m ? a : m;
            ww += (double)a * a;
        }
        if (!finite || !isfinite(m) || !isfinite(ww)) { scale[i] = 0; err[i] = INFINITY; wnorm[i] = INFINITY; continue; }
        float s = m / 7.0f;
        if (s == 0 || s < FLT_MIN) {
            /* All zero (or too small for a scale): the residual is the row itself. */
            scale[i] = 0; err[i] = round_up(sqrt(ww)); wnorm[i] = err[i];
            continue;
        }
        float inv = 1.0f / s;
        double rr = 0;
        for (size_t j = 0; j < H; j++) {
            /* Any rounding will do: the bound uses the residual of the value chosen. */
            float v = __builtin_rintf(w[j] * inv);
            v = v > 7.0f ? 7.0f : (v < -7.0f ? -7.0f : v);
            int qi = (int)v;
            unsigned char *byte = blk + (j >> 3) * 64 + (j & 3);
            *byte = (j & 4) ? (unsigned char)((*byte & 0x0F) | ((qi + 8) << 4)) : (unsigned char)((*byte & 0xF0) | (qi + 8));
            double r = (double)w[j] - (double)s * (double)qi;
            rr += r * r;
        }
        scale[i] = s; err[i] = round_up(sqrt(rr)); wnorm[i] = round_up(sqrt(ww));
    }
}

/* ---- The screening pass -----------------------------------------------------------
   hq: h quantised, hq_j = round(h_j / hs) in -127...127 (P * 8 bytes, padding 0), hsum8 =
   8 sum_j hq_j. For item i: X = sum_j (q_ij + 8) hq_j - hsum8 (exactly sum_j q_ij hq_j, in
   integers), A = by_i + (scale_i hs) X, bound = err_i c1 + wnorm_i c2 + (|by_i| + |A|) c3,
   upper = A + bound, lower = A - bound. The caller's constants make the exact f32 score
   lie in [lower, upper] (ScreenedScorer.swift derives them).
   Keeps the k largest lower bounds (a min-heap, `heap`, returns its size) and lists as
   candidates (items and upper bounds) every item whose upper bound is not below the
   running k-th lower bound (-inf until k are kept). More than `cap` candidates:
   *ncand = cap + 1 and the pass stops (the caller falls back to full scoring). */

typedef struct {
    float *heap; size_t c, k;
    int *cand; float *cupper; size_t nc, cap;
} screen_acc;

static void heap_offer(screen_acc *a, float v) {
    float *h = a->heap;
    if (a->c < a->k) {
        size_t i = a->c++;
        h[i] = v;
        while (i > 0) {
            size_t p = (i - 1) / 2;
            if (!(h[i] < h[p])) break;
            float t = h[i]; h[i] = h[p]; h[p] = t; i = p;
        }
    } else if (v > h[0]) {
        size_t i = 0, c = a->c;
        h[0] = v;
        for (;;) {
            size_t l = 2 * i + 1, r = l + 1, m = i;
            if (l < c && h[l] < h[m]) m = l;
            if (r < c && h[r] < h[m]) m = r;
            if (m == i) break;
            float t = h[i]; h[i] = h[m]; h[m] = t; i = m;
        }
    }
}

static inline float threshold(const screen_acc *a) { return a->c < a->k ? -INFINITY : a->heap[0]; }

/* One item's bounds into the running state; returns 0 on candidate overflow. */
static inline int screen_item(screen_acc *a, int item, float lower, float upper) {
    if (lower == lower) heap_offer(a, lower);  /* NaN never raises the threshold */
    if (!(upper < threshold(a))) {            /* NaN upper: always a candidate */
        if (a->nc >= a->cap) return 0;
        a->cand[a->nc] = item; a->cupper[a->nc] = upper; a->nc++;
    }
    return 1;
}

static inline void bounds(int X, float scale, float hs, float by, float err, float wnorm, float c1, float c2, float c3,
                          float *lower, float *upper) {
    float A = by + (scale * hs) * (float)X;
    float bd = err * c1 + wnorm * c2 + (fabsf(by) + fabsf(A)) * c3;
    *lower = A - bd; *upper = A + bd;
}

static size_t scan_base(const unsigned char *q, size_t P, const float *scale, const float *err, const float *wnorm,
                        const float *by, size_t n, size_t b0, size_t b1, const signed char *hq, int hsum8, float hs,
                        float c1, float c2, float c3, screen_acc *a) {
    for (size_t b = b0; b < b1; b++) {
        int acc[16] = {0};
        const unsigned char *blk = q + b * P * 64;
        for (size_t p = 0; p < P; p++) {
            const unsigned char *v = blk + p * 64;
            const signed char *x = hq + p * 8;
            for (int r = 0; r < 16; r++)
                for (int t = 0; t < 4; t++) acc[r] += (v[r * 4 + t] & 15) * x[t] + (v[r * 4 + t] >> 4) * x[4 + t];
        }
        for (int r = 0; r < 16; r++) {
            size_t i = b * 16 + r;
            if (i >= n) break;
            float lower, upper;
            bounds(acc[r] - hsum8, scale[i], hs, by[i], err[i], wnorm[i], c1, c2, c3, &lower, &upper);
            if (!screen_item(a, (int)i, lower, upper)) return 0;
        }
    }
    return 1;
}

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512dq,avx2,fma")))
static size_t scan_vnni(const unsigned char *q, size_t P, const float *scale, const float *err, const float *wnorm,
                        const float *by, size_t n, size_t b0, size_t b1, const signed char *hq, int hsum8, float hs,
                        float c1, float c2, float c3, screen_acc *a) {
    const __m512 hsv = _mm512_set1_ps(hs), c1v = _mm512_set1_ps(c1), c2v = _mm512_set1_ps(c2), c3v = _mm512_set1_ps(c3);
    const __m512 absmask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7fffffff));
    const __m512i nibble = _mm512_set1_epi8(0x0F), correction = _mm512_set1_epi32(hsum8);
    for (size_t b = b0; b < b1; b++) {
        const unsigned char *blk = q + b * P * 64;
        __m512i acc0 = _mm512_setzero_si512(), acc1 = _mm512_setzero_si512();
        for (size_t p = 0; p < P; p++) {
            int x0, x1;
            __builtin_memcpy(&x0, hq + p * 8, 4);
            __builtin_memcpy(&x1, hq + p * 8 + 4, 4);
            __m512i v = _mm512_loadu_si512(blk + p * 64);
            acc0 = _mm512_dpbusd_epi32(acc0, _mm512_and_si512(v, nibble), _mm512_set1_epi32(x0));
            acc1 = _mm512_dpbusd_epi32(acc1, _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble), _mm512_set1_epi32(x1));
        }
        size_t i0 = b * 16;
        __mmask16 valid = n - i0 >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i0)) - 1);
        __m512i X = _mm512_sub_epi32(_mm512_add_epi32(acc0, acc1), correction);
        __m512 byv = _mm512_maskz_loadu_ps(valid, by + i0);
        __m512 A = _mm512_add_ps(byv, _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(scale + i0), hsv), _mm512_cvtepi32_ps(X)));
        __m512 bd = _mm512_add_ps(_mm512_add_ps(_mm512_mul_ps(_mm512_loadu_ps(err + i0), c1v), _mm512_mul_ps(_mm512_loadu_ps(wnorm + i0), c2v)),
                                  _mm512_mul_ps(_mm512_add_ps(_mm512_and_ps(byv, absmask), _mm512_and_ps(A, absmask)), c3v));
        __m512 lower = _mm512_sub_ps(A, bd), upper = _mm512_add_ps(A, bd);
        __mmask16 todo;
        if (a->c < a->k) {
            todo = valid;
        } else {
            __m512 t = _mm512_set1_ps(a->heap[0]);
            todo = valid & (_mm512_cmp_ps_mask(upper, t, _CMP_NLT_UQ) | _mm512_cmp_ps_mask(lower, t, _CMP_GT_OQ));
        }
        if (todo) {
            float lo[16], up[16];
            _mm512_storeu_ps(lo, lower);
            _mm512_storeu_ps(up, upper);
            while (todo) {
                int r = __builtin_ctz(todo);
                todo &= todo - 1;
                if (!screen_item(a, (int)(i0 + r), lo[r], up[r])) return 0;
            }
        }
    }
    return 1;
}

__attribute__((target("avx2,fma")))
static size_t scan_avx2(const unsigned char *q, size_t P, const float *scale, const float *err, const float *wnorm,
                        const float *by, size_t n, size_t b0, size_t b1, const signed char *hq, int hsum8, float hs,
                        float c1, float c2, float c3, screen_acc *a) {
    return scan_base(q, P, scale, err, wnorm, by, n, b0, b1, hq, hsum8, hs, c1, c2, c3, a);
}
#endif

/* 0: baseline, 1: AVX2 (the portable loop, vectorised by the compiler), 2: AVX-512 VNNI. */
static int screen_level_cache = -1;
int g4r_screen_level(void) {
    int level = __atomic_load_n(&screen_level_cache, __ATOMIC_RELAXED);
    if (level < 0) {
        level = 0;
#if defined(__x86_64__) && defined(__clang__)
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
            && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vnni")) level = 2;
        else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) level = 1;
#endif
        __atomic_store_n(&screen_level_cache, level, __ATOMIC_RELAXED);
    }
    return level;
}

size_t g4r_screen_topk(const unsigned char *q, size_t P, const float *scale, const float *err, const float *wnorm,
                       const float *by, size_t n, size_t b0, size_t b1, const signed char *hq, int hsum8, float hs,
                       float c1, float c2, float c3, int level, size_t k, float *heap, int *cand, float *cupper, size_t cap,
                       size_t *ncand) {
    screen_acc a = {heap, 0, k, cand, cupper, 0, cap};
    if (k == 0) { *ncand = 0; return 0; }
    int lv = level < 0 ? g4r_screen_level() : level;
    if (lv > g4r_screen_level()) lv = g4r_screen_level();
    size_t ok;
#if defined(__x86_64__) && defined(__clang__)
    if (lv == 2) ok = scan_vnni(q, P, scale, err, wnorm, by, n, b0, b1, hq, hsum8, hs, c1, c2, c3, &a);
    else if (lv == 1) ok = scan_avx2(q, P, scale, err, wnorm, by, n, b0, b1, hq, hsum8, hs, c1, c2, c3, &a);
    else
#endif
        ok = scan_base(q, P, scale, err, wnorm, by, n, b0, b1, hq, hsum8, hs, c1, c2, c3, &a);
    *ncand = ok ? a.nc : cap + 1;
    return a.c;
}

/* ---- The floor ---------------------------------------------------------------------
   The sum of n floats in 16 running sums (vectorised): a streaming read, for measuring
   the memory bandwidth a full scoring pass gets (`gru4rec bench`). */
float g4r_stream_sum(const float *p, size_t n) {
    float acc[16] = {0};
    size_t j = 0;
    for (; j + 16 <= n; j += 16)
        for (int l = 0; l < 16; l++) acc[l] += p[j + l];
    float s = 0;
    for (; j < n; j++) s += p[j];
    for (int l = 0; l < 16; l++) s += acc[l];
    return s;
}
