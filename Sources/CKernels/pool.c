#include "ckernels.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

/* A fork-join pool of one worker thread for the two-way splits of the training
   step, evaluation and live scoring. The caller publishes a job by bumping
   `generation`; the worker spins for a while (jobs come every few microseconds
   in a training loop), then sleeps on a condition variable. The caller runs
   part 0 itself; part 1 goes to whichever thread claims it first (`claimed`
   holds the last generation whose part 1 was taken), so a worker that is asleep
   or descheduled never holds the caller up by more than part 1's own time. */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static atomic_ulong generation;      /* jobs published */
static atomic_ulong completed;       /* the last job the worker is done with */
static atomic_ulong claimed;         /* the last job whose part 1 was taken */
static atomic_int worker_sleeping;
static atomic_ulong worker_jobs;     /* parts run on the worker (tests read it) */
static atomic_ulong published_jobs;  /* splits handed to the pool (not run inline) */
static atomic_ulong caller_jobs;     /* of those, part 1 run by the caller: the worker had not claimed it */
static atomic_ulong wakeups;         /* of those, the worker was asleep and had to be woken */
static atomic_int worker_started;
static atomic_flag pool_busy = ATOMIC_FLAG_INIT;
static g4r_part_fn job_fn;
static void *job_ctx;

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

static void *pool_worker(void *unused) {
    (void)unused;
    unsigned long seen = atomic_load(&completed);  /* a job published before this thread ran is still pending */
    for (;;) {
        unsigned long g;
        int spins = 0;
        long since = 0;
        while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen) {
            cpu_relax();
            if ((++spins & 1023) != 0) continue;
            long t = now_ns();
            if (since == 0) since = t;
            if (t - since < G4R_SPIN_NS) continue;
            pthread_mutex_lock(&pool_lock);
            atomic_store(&worker_sleeping, 1);
            while ((g = atomic_load(&generation)) == seen) pthread_cond_wait(&pool_wake, &pool_lock);
            atomic_store(&worker_sleeping, 0);
            pthread_mutex_unlock(&pool_lock);
            break;
        }
        seen = g;
        unsigned long expected = g - 1;
        if (atomic_compare_exchange_strong(&claimed, &expected, g)) {
            job_fn(job_ctx, 1);
            atomic_fetch_add_explicit(&worker_jobs, 1, memory_order_relaxed);
        }
        atomic_store_explicit(&completed, g, memory_order_release);
    }
    return NULL;
}

int g4r_pool_start(void) {
    if (atomic_load(&worker_started)) return 1;
    pthread_mutex_lock(&pool_lock);
    int ok = 1;
    if (!atomic_load(&worker_started)) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        ok = pthread_create(&t, &attr, pool_worker, NULL) == 0;
        pthread_attr_destroy(&attr);
        if (ok) atomic_store(&worker_started, 1);
    }
    pthread_mutex_unlock(&pool_lock);
    return ok;
}

void g4r_pool_run2(g4r_part_fn fn, void *ctx) {
    /* Without a worker, or while another caller (or a part, nested) holds the
       pool, both parts run here, one after the other. */
    if (!atomic_load(&worker_started) || atomic_flag_test_and_set(&pool_busy)) {
        fn(ctx, 0);
        fn(ctx, 1);
        return;
    }
    job_fn = fn;
    job_ctx = ctx;
    unsigned long g = atomic_fetch_add(&generation, 1) + 1;  /* seq_cst: pairs with worker_sleeping */
    atomic_fetch_add_explicit(&published_jobs, 1, memory_order_relaxed);
    if (atomic_load(&worker_sleeping)) {
        atomic_fetch_add_explicit(&wakeups, 1, memory_order_relaxed);
        pthread_mutex_lock(&pool_lock);
        pthread_cond_signal(&pool_wake);
        pthread_mutex_unlock(&pool_lock);
    }
    fn(ctx, 0);
    unsigned long expected = g - 1;
    if (atomic_compare_exchange_strong(&claimed, &expected, g)) {
        fn(ctx, 1);  /* the worker had not started it: do it here */
        atomic_fetch_add_explicit(&caller_jobs, 1, memory_order_relaxed);
    } else {
        int spins = 0;
        while (atomic_load_explicit(&completed, memory_order_acquire) != g) {
            if (++spins < 4000) cpu_relax();
            else { sched_yield(); spins = 0; }
        }
    }
    atomic_flag_clear(&pool_busy);
}

unsigned long g4r_pool_worker_jobs(void) { return atomic_load(&worker_jobs); }

void g4r_pool_stats(g4r_pool_stats_t *out) {
    out->published = atomic_load(&published_jobs);
    out->worker = atomic_load(&worker_jobs);
    out->caller = atomic_load(&caller_jobs);
    out->wakeups = atomic_load(&wakeups);
}
