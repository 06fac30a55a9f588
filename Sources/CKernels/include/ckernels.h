#ifndef GRU4REC_CKERNELS_H
#define GRU4REC_CKERNELS_H
#include <stddef.h>

/* The C side of the model core: vectorised kernels (element-wise math and loss
   rows of the training step, Adagrad rows, gathers, top-k and rank counts, the
   non-finite scan (scan.c); C so that the compiler vectorises square roots and
   exponentials; each is built for several instruction sets and the best one is
   chosen at run time), live scoring over the catalog and its 4-bit screening
   (screen.c), the fork-join worker pool with a probe of how far apart its two
   threads sit (pool.c), and the huge-page allocator (memory.c).
   Conventions match the Swift kernels they replace; see the Swift call sites. */

/* Adagrad with momentum over n contiguous elements (GRU4Rec.md, Optimizer):
   acc += g^2; d = -lr * g / sqrt(acc + eps); mom = mu*mom + d; theta += mom
   (theta += d when mom is NULL). */
void g4r_adagrad(float *theta, const float *grad, float *acc, float *mom, size_t n, float lr, float mu, float eps);

/* Adagrad (as g4r_adagrad) over the listed rows of a row-major table with rows of
   len floats; grads holds one row per listed row, in list order. Updates only the
   rows of this part: those with ((row >> block_shift) & 1) == part. */
void g4r_adagrad_rows(float *theta, float *acc, float *mom, size_t len, const int *rows, size_t count,
                      const float *grads, int part, int block_shift, float lr, float mu, float eps);

/* out row k = table row index[k] (rows of len floats), prefetching ahead. */
void g4r_gather_rows(const float *table, size_t len, const int *index, size_t count, float *out);

/* Cross-entropy over one score row (n columns, target column t):
   z = row - shift (shift may be NULL), p = softmax(z), grad = (p - onehot(t)) * p_t/(p_t+1e-24) * inv_d.
   Returns -log(p_t + 1e-24). */
float g4r_xe_row(const float *row, const float *shift, size_t n, size_t t, float *grad, float inv_d);

/* BPR-max over one score row (GRU4Rec.md, "The math"), with an ELU final activation when
   elu_alpha > 0 (linear otherwise). scratch holds 3n floats. Writes dLoss/dR * inv_d
   into grad and returns the row's loss. */
float g4r_bprmax_row(const float *row, size_t n, size_t t, float elu_alpha, float bpreg, float *grad, float *scratch, float inv_d);

/* log(sum_j exp(s_j)) in double (max subtracted; each term to about 2e-16 relative):
   NaN when a score is NaN, the max when it is not finite, -inf for n = 0. */
double g4r_logsumexp(const float *s, size_t n);

/* exp(x) for every element, in place (about 1 ulp). */
void g4r_exp(float *x, size_t n);

/* GRUCell gates for one row (H units): r = s(a_r + c_r), z = s(a_z + c_z),
   n = tanh(a_n + r*c_n), h' = (1-z)*n + z*h. Writes gates [r|z|n], c_n and h'. */
void g4r_gru_gates(const float *a, const float *c, const float *h, float *gates, float *cn, float *hout, size_t H);
/* The k highest scores of a row (ties: the lower index first; NaN never ranks),
   best first, into items/vals (room for k each). Returns min(k, non-NaN count). */
size_t g4r_topk(const float *scores, size_t n, size_t k, int *items, float *vals);

/* How many scores are above t, and how many equal t (rank of a target by tie mode). */
void g4r_rank_counts(const float *scores, size_t n, float t, long *higher, long *equal);

/* Zeroed storage for count floats (memory.c; huge pages asked for from 1 MB up; NULL when
   out of memory), and its release. */
float *g4r_alloc_floats(size_t count);
void g4r_free_floats(float *p);

/* The index of the first element of x[0..<n] that is NaN or an infinity, or -1 when
   every element is finite (scan.c): one vectorised pass at memory speed, so that a
   model of hundreds of MB is checked as it is opened. */
long g4r_first_nonfinite(const float *x, size_t n);

/* A fork-join pool of one worker thread (pool.c), an instance: g4r_pool_create
   starts its worker thread (NULL if no thread could be made); g4r_pool_destroy
   tells the worker to exit, joins it and frees the pool (no g4r_pool_run2 may be
   in progress on it). g4r_pool_run2 runs fn(ctx, 0) on the calling thread and
   fn(ctx, 1) on the worker (or on the caller, if the caller is done first and the
   worker has not claimed it), and returns when both are done. With pool NULL, or
   while the pool is busy (another caller, or a nested call from a part), both
   parts run on the caller, one after the other. */
typedef struct g4r_pool g4r_pool_t;
typedef void (*g4r_part_fn)(void *ctx, long part);
g4r_pool_t *g4r_pool_create(void);
void g4r_pool_destroy(g4r_pool_t *pool);
void g4r_pool_run2(g4r_pool_t *pool, g4r_part_fn fn, void *ctx);
/* The pool's hand-off counts since it was created: splits handed to the pool (calls
   that ran both parts inline, with a busy pool, are not counted), part 1 run on the
   worker, part 1 taken back by the caller (the worker had not claimed it when part 0
   was done), and splits that had to wake a sleeping worker. All zero for NULL. */
typedef struct { unsigned long published, worker, caller, wakeups; } g4r_pool_stats_t;
void g4r_pool_stats(const g4r_pool_t *pool, g4r_pool_stats_t *out);
/* The median over `batches` (1...64) of the time, in nanoseconds, of one round trip
   of a cache line between the pool's caller and its worker, each batch a split of
   `trips` round trips (pool.c); -1 for NULL, when the pool is busy (a nested call, or
   another caller), or when the worker did not answer within 50 ms (a loaded machine). */
double g4r_pool_round_trip_ns(g4r_pool_t *pool, long trips, int batches);
/* Exact live scores (screen.c): out[i - lo] = by[i] + dot(wy row i, h) for i in [lo, hi)
   (rows of H floats), and the same for a list of items (out[k] for items[k]). A row's
   dot product is computed identically by both (one variant chosen per process). */
void g4r_score_rows(const float *wy, const float *by, size_t H, const float *h, size_t lo, size_t hi, float *out);
void g4r_score_items(const float *wy, const float *by, size_t H, const float *h, const int *items, size_t count, float *out);

/* The 4-bit screening copy of wy (screen.c, ScreenedScorer.swift): rows [r0, r1) (r0 a
   multiple of 16; rows from n up to r1 are padding) into 16-row blocks of
   ceil(ceil(H/4)/2) * 64 bytes, with per-row scale, err and wnorm (arrays padded to 16). */
void g4r_screen_build(const float *wy, const float *by, size_t n, size_t H, size_t r0, size_t r1,
                      unsigned char *q, float *scale, float *err, float *wnorm);
/* The screening pass over blocks [b0, b1) (P column-group pairs per block; hq: the state
   in int8, P * 8 bytes; hsum8 = 8 * sum(hq)): keeps the k largest lower bounds in heap
   (returns how many) and lists candidates (items, upper bounds; at most cap, else
   *ncand = cap + 1). level: -1 = the best this CPU has, 0 = portable loop, 1 = AVX2,
   2 = AVX-512 VNNI (capped at what the CPU has). */
size_t g4r_screen_topk(const unsigned char *q, size_t P, const float *scale, const float *err, const float *wnorm,
                       const float *by, size_t n, size_t b0, size_t b1, const signed char *hq, int hsum8, float hs,
                       float c1, float c2, float c3, int level, size_t k, float *heap, int *cand, float *cupper, size_t cap,
                       size_t *ncand);
/* The sum of n floats (16 running sums): a streaming read, to measure memory bandwidth. */
float g4r_stream_sum(const float *p, size_t n);
/* The screening variant this CPU runs (2: AVX-512 VNNI, 1: AVX2, 0: portable). */
int g4r_screen_level(void);
#endif
