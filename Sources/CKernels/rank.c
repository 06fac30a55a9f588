#include "ckernels.h"
#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#endif

/* Ranking kernels for evaluation and the live session: one pass over a score row.
   The AVX2 variants compare eight scores at a time and touch the heap only for a
   score above the current k-th best, which after the first few hundred items is
   rare. Results are exact and the same for every variant. */

/* "a is worse than b": a lower score, or an equal score and a higher index. */
static inline int worse(float sa, int ia, float sb, int ib) { return sa < sb || (sa == sb && ia > ib); }

static void sift_down(int *items, float *vals, size_t c, size_t i) {
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < c && worse(vals[l], items[l], vals[m], items[m])) m = l;
        if (r < c && worse(vals[r], items[r], vals[m], items[m])) m = r;
        if (m == i) return;
        float tv = vals[i]; vals[i] = vals[m]; vals[m] = tv;
        int ti = items[i]; items[i] = items[m]; items[m] = ti;
        i = m;
    }
}

static void sift_up(int *items, float *vals, size_t i) {
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!worse(vals[i], items[i], vals[p], items[p])) return;
        float tv = vals[i]; vals[i] = vals[p]; vals[p] = tv;
        int ti = items[i]; items[i] = items[p]; items[p] = ti;
        i = p;
    }
}

/* Offers item j (scanned in increasing order) to a full heap: only a strictly
   higher score beats the worst kept one (an equal score has a higher index). */
static inline void offer(int *items, float *vals, size_t k, int j, float s) {
    if (s > vals[0]) { vals[0] = s; items[0] = j; sift_down(items, vals, k, 0); }
}

static size_t finish(int *items, float *vals, size_t c) {
    /* Heap to sorted, best first (insertion sort: c is small). */
    for (size_t i = 1; i < c; i++) {
        float v = vals[i]; int it = items[i];
        size_t j = i;
        while (j > 0 && worse(vals[j - 1], items[j - 1], v, it)) { vals[j] = vals[j - 1]; items[j] = items[j - 1]; j--; }
        vals[j] = v; items[j] = it;
    }
    return c;
}

static size_t topk_fill(const float *scores, size_t n, size_t k, int *items, float *vals, size_t *next) {
    size_t c = 0, j = 0;
    for (; j < n && c < k; j++) {
        float s = scores[j];
        if (s != s) continue;  /* NaN never ranks */
        items[c] = (int)j; vals[c] = s; c++;
        sift_up(items, vals, c - 1);
    }
    *next = j;
    return c;
}

static size_t topk_base(const float *scores, size_t n, size_t k, int *items, float *vals) {
    size_t j;
    size_t c = topk_fill(scores, n, k, items, vals, &j);
    if (c == k) for (; j < n; j++) offer(items, vals, k, (int)j, scores[j]);
    return finish(items, vals, c);
}

static void counts_base(const float *scores, size_t n, float t, long *higher, long *equal) {
    long h = 0, e = 0;
    for (size_t j = 0; j < n; j++) { h += scores[j] > t; e += scores[j] == t; }
    *higher = h; *equal = e;
}

#if defined(__x86_64__) && defined(__clang__)
__attribute__((target("avx2,fma")))
static size_t topk_avx2(const float *scores, size_t n, size_t k, int *items, float *vals) {
    size_t j;
    size_t c = topk_fill(scores, n, k, items, vals, &j);
    if (c < k) return finish(items, vals, c);
    for (; j < n && (j & 7); j++) offer(items, vals, k, (int)j, scores[j]);
    __m256 thr = _mm256_set1_ps(vals[0]);
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(scores + j);
        int mask = _mm256_movemask_ps(_mm256_cmp_ps(v, thr, _CMP_GT_OQ));
        if (mask) {
            while (mask) {
                int b = __builtin_ctz(mask);
                mask &= mask - 1;
                offer(items, vals, k, (int)(j + b), scores[j + b]);
            }
            thr = _mm256_set1_ps(vals[0]);
        }
    }
    for (; j < n; j++) offer(items, vals, k, (int)j, scores[j]);
    return finish(items, vals, c);
}

__attribute__((target("avx2,fma")))
static void counts_avx2(const float *scores, size_t n, float t, long *higher, long *equal) {
    __m256 tv = _mm256_set1_ps(t);
    __m256i h = _mm256_setzero_si256(), e = _mm256_setzero_si256();
    size_t j = 0;
    for (; j + 8 <= n; j += 8) {
        __m256 v = _mm256_loadu_ps(scores + j);
        h = _mm256_sub_epi32(h, _mm256_castps_si256(_mm256_cmp_ps(v, tv, _CMP_GT_OQ)));
        e = _mm256_sub_epi32(e, _mm256_castps_si256(_mm256_cmp_ps(v, tv, _CMP_EQ_OQ)));
    }
    int hs[8], es[8];
    _mm256_storeu_si256((__m256i *)hs, h);
    _mm256_storeu_si256((__m256i *)es, e);
    long hh = 0, ee = 0;
    for (int i = 0; i < 8; i++) { hh += hs[i]; ee += es[i]; }
    for (; j < n; j++) { hh += scores[j] > t; ee += scores[j] == t; }
    *higher = hh; *equal = ee;
}

static int has_avx2(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

size_t g4r_topk(const float *scores, size_t n, size_t k, int *items, float *vals) {
    if (k == 0) return 0;
    return has_avx2() ? topk_avx2(scores, n, k, items, vals) : topk_base(scores, n, k, items, vals);
}

void g4r_rank_counts(const float *scores, size_t n, float t, long *higher, long *equal) {
    /* Counts above 2^31 would overflow the vector lanes; no catalog is that large. */
    if (has_avx2() && n < 0x7fffffffUL) counts_avx2(scores, n, t, higher, equal);
    else counts_base(scores, n, t, higher, equal);
}
#else
size_t g4r_topk(const float *scores, size_t n, size_t k, int *items, float *vals) {
    if (k == 0) return 0;
    return topk_base(scores, n, k, items, vals);
}
void g4r_rank_counts(const float *scores, size_t n, float t, long *higher, long *equal) { counts_base(scores, n, t, higher, equal); }
#endif
