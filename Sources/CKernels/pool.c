#include "ckernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A fork-join pool of one worker thread for the two-way splits of the training
   step, evaluation and live scoring; each pool is an instance (g4r_pool_create),
   owned by one Swift `WorkerPool`. The caller publishes a job by bumping
   `generation`; the worker spins for a while (jobs come every few microseconds
   in a training loop), then sleeps on a condition variable. The caller runs
   part 0 itself; part 1 goes to whichever thread claims it first (`claimed`
   holds the last generation whose part 1 was taken), so a worker that is asleep
   or descheduled never holds the caller up by more than part 1's own time. */

/* Hot fields in the groups (cache lines) the process-wide variables of the single pool
   had, so that an instance shares lines the same way: the caller's publication, then
   the claim and the worker's completion. */
struct g4r_pool {
    /* Cold, or written once per split by the caller before it publishes. */
    pthread_mutex_t lock;
    atomic_flag busy;
    g4r_part_fn job_fn;
    void *job_ctx;
    atomic_int stop;              /* set by g4r_pool_destroy: the worker returns */
    pthread_t thread;
    /* Publication. */
    _Alignas(64) atomic_ulong generation;  /* jobs published */
    atomic_ulong published_jobs;  /* splits handed to the pool (not run inline) */
    atomic_int worker_sleeping;
    atomic_ulong wakeups;         /* of those, the worker was asleep and had to be woken */
    /* Claim and completion. */
    _Alignas(64) atomic_ulong claimed;     /* the last job whose part 1 was taken */
    atomic_ulong caller_jobs;     /* of those, part 1 run by the caller: the worker had not claimed it */
    atomic_ulong completed;       /* the last job the worker is done with */
    atomic_ulong worker_jobs;     /* parts run on the worker */
    _Alignas(64) pthread_cond_t wake;
};

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* How long the worker spins without a job before it sleeps (nanoseconds). */
#define G4R_SPIN_NS 2000000L

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void *pool_worker(void *arg) {
    g4r_pool_t *p = arg;
    unsigned long seen = atomic_load(&p->completed);  /* a job published before this thread ran is still pending */
    for (;;) {
        unsigned long g;
        int spins = 0;
        long since = 0;
        while ((g = atomic_load_explicit(&p->generation, memory_order_acquire)) == seen) {
            cpu_relax();
            if ((++spins & 1023) != 0) continue;
            if (atomic_load_explicit(&p->stop, memory_order_relaxed)) return NULL;
            long t = now_ns();
            if (since == 0) since = t;
            if (t - since < G4R_SPIN_NS) continue;
            pthread_mutex_lock(&p->lock);
            atomic_store(&p->worker_sleeping, 1);
            while ((g = atomic_load(&p->generation)) == seen && !atomic_load(&p->stop))
                pthread_cond_wait(&p->wake, &p->lock);
            atomic_store(&p->worker_sleeping, 0);
            pthread_mutex_unlock(&p->lock);
            break;
        }
        if (g == seen) return NULL;  /* woken to stop */
        seen = g;
        unsigned long expected = g - 1;
        if (atomic_compare_exchange_strong(&p->claimed, &expected, g)) {
            p->job_fn(p->job_ctx, 1);
            atomic_fetch_add_explicit(&p->worker_jobs, 1, memory_order_relaxed);
        }
        atomic_store_explicit(&p->completed, g, memory_order_release);
    }
}

g4r_pool_t *g4r_pool_create(void) {
    void *memory = NULL;
    if (posix_memalign(&memory, 64, sizeof(g4r_pool_t)) != 0) return NULL;
    g4r_pool_t *p = memory;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->wake, NULL);
    atomic_init(&p->generation, 0);
    atomic_init(&p->completed, 0);
    atomic_init(&p->claimed, 0);
    atomic_init(&p->worker_sleeping, 0);
    atomic_init(&p->stop, 0);
    atomic_init(&p->worker_jobs, 0);
    atomic_init(&p->published_jobs, 0);
    atomic_init(&p->caller_jobs, 0);
    atomic_init(&p->wakeups, 0);
    atomic_flag_clear(&p->busy);
    p->job_fn = NULL;
    p->job_ctx = NULL;
    if (pthread_create(&p->thread, NULL, pool_worker, p) != 0) {
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return NULL;
    }
    return p;
}

void g4r_pool_destroy(g4r_pool_t *p) {
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    atomic_store(&p->stop, 1);
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

void g4r_pool_run2(g4r_pool_t *p, g4r_part_fn fn, void *ctx) {
    /* Without a pool, or while another caller (or a part, nested) holds the
       pool, both parts run here, one after the other. */
    if (!p || atomic_flag_test_and_set(&p->busy)) {
        fn(ctx, 0);
        fn(ctx, 1);
        return;
    }
    p->job_fn = fn;
    p->job_ctx = ctx;
    unsigned long g = atomic_fetch_add(&p->generation, 1) + 1;  /* seq_cst: pairs with worker_sleeping */
    atomic_fetch_add_explicit(&p->published_jobs, 1, memory_order_relaxed);
    if (atomic_load(&p->worker_sleeping)) {
        atomic_fetch_add_explicit(&p->wakeups, 1, memory_order_relaxed);
        pthread_mutex_lock(&p->lock);
        pthread_cond_signal(&p->wake);
        pthread_mutex_unlock(&p->lock);
    }
    fn(ctx, 0);
    unsigned long expected = g - 1;
    if (atomic_compare_exchange_strong(&p->claimed, &expected, g)) {
        fn(ctx, 1);  /* the worker had not started it: do it here */
        atomic_fetch_add_explicit(&p->caller_jobs, 1, memory_order_relaxed);
    } else {
        int spins = 0;
        while (atomic_load_explicit(&p->completed, memory_order_acquire) != g) {
            if (++spins < 4000) cpu_relax();
            else { sched_yield(); spins = 0; }
        }
    }
    atomic_flag_clear(&p->busy);
}

void g4r_pool_stats(const g4r_pool_t *p, g4r_pool_stats_t *out) {
    if (!p) { out->published = out->worker = out->caller = out->wakeups = 0; return; }
    g4r_pool_t *q = (g4r_pool_t *)p;  /* atomic loads of a const object */
    out->published = atomic_load(&q->published_jobs);
    out->worker = atomic_load(&q->worker_jobs);
    out->caller = atomic_load(&q->caller_jobs);
    out->wakeups = atomic_load(&q->wakeups);
}

/* How far apart the pool's two threads sit: the round trip of one cache line between
   the caller (part 0 pings) and the worker (part 1 answers), timed over `trips` trips,
   each batch one split.

   On a virtual machine the host decides where the virtual CPUs run and moves them
   while a program runs. On this project's 2-vCPU machines the round trip is 55-115 ns
   most of the time and 310-380 ns at other times (the two vCPUs on core complexes that
   share no cache); the training step, which hands work between its two threads tens
   of times a step, then runs about 2.5x slower. Measured through the pool itself, the
   probe times the two threads that do the work, and can run between two steps without
   a third thread competing with a spinning worker. */
#define G4R_PROBE_WAIT_NS 50000000L  /* a batch gives up after 50 ms */

typedef struct {
    _Alignas(64) atomic_long ball;  /* odd: the caller's ping; even: the worker's answer */
    _Alignas(64) atomic_int ready;  /* part 1 has started */
    atomic_int abort_flag;          /* part 0 gave up: part 1 returns */
    long trips;
    double ns_per_trip;
} round_trip_t;

static void round_trip_part(void *ctx, long part) {
    round_trip_t *r = ctx;
    unsigned spins = 0;
    if (part == 1) {
        atomic_store_explicit(&r->ready, 1, memory_order_release);
        for (long i = 0; i < r->trips; i++) {
            while (atomic_load_explicit(&r->ball, memory_order_acquire) != 2 * i + 1)
                if ((++spins & 1023) == 0 && atomic_load_explicit(&r->abort_flag, memory_order_relaxed)) return;
            atomic_store_explicit(&r->ball, 2 * i + 2, memory_order_release);
        }
        return;
    }
    /* Part 0 runs first on the caller; with the pool busy (a nested call) part 1 only
       runs after it, so part 0 waits for part 1 to start, within the deadline. */
    long deadline = now_ns() + G4R_PROBE_WAIT_NS;
    while (!atomic_load_explicit(&r->ready, memory_order_acquire))
        if ((++spins & 1023) == 0 && now_ns() > deadline) { atomic_store(&r->abort_flag, 1); return; }
    long start = now_ns();
    for (long i = 0; i < r->trips; i++) {
        atomic_store_explicit(&r->ball, 2 * i + 1, memory_order_release);
        while (atomic_load_explicit(&r->ball, memory_order_acquire) != 2 * i + 2)
            if ((++spins & 1023) == 0 && now_ns() > deadline) { atomic_store(&r->abort_flag, 1); return; }
    }
    r->ns_per_trip = (double)(now_ns() - start) / (double)r->trips;
}

static int compare_doubles(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

double g4r_pool_round_trip_ns(g4r_pool_t *p, long trips, int batches) {
    if (!p || trips < 1 || batches < 1 || batches > 64) return -1;
    round_trip_t *r = NULL;  /* its two lines apart from anything else the threads touch */
    if (posix_memalign((void **)&r, 64, sizeof *r) != 0) return -1;
    double results[64];
    int aborted = 0;
    for (int b = 0; b < batches && !aborted; b++) {
        memset(r, 0, sizeof *r);
        atomic_init(&r->ball, 0);
        atomic_init(&r->ready, 0);
        atomic_init(&r->abort_flag, 0);
        r->trips = trips;
        g4r_pool_run2(p, round_trip_part, r);
        results[b] = r->ns_per_trip;
        aborted = atomic_load(&r->abort_flag) || results[b] <= 0;
    }
    free(r);
    if (aborted) return -1;
    qsort(results, (size_t)batches, sizeof results[0], compare_doubles);
    return results[batches / 2];
}
