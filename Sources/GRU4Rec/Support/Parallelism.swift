import CKernels
import Foundation

/// Two-way fork-join parallelism for the hot loops (training step, evaluation,
/// live scoring), as a value: the owner of a loop (the trainer, the evaluator, a
/// live session) holds one and passes it down to the kernels it calls. Nothing is
/// global: two values with different thread counts can be used side by side in one
/// process, each with its own worker thread.
///
/// Work is always split into the same two parts, whatever the thread count, and
/// every part writes disjoint outputs (sums are combined in a fixed order by the
/// caller), so results are bit-identical with one thread or two. With two threads
/// part 1 runs on the pool's persistent worker thread (C, `pool.c`) that spins
/// briefly between jobs and then sleeps, unless the caller, done with part 0 first,
/// claims part 1 before the worker does (a sleeping or descheduled worker then
/// costs nothing but the lost parallelism).
///
/// BLAS threading is not set here: each program sets it once where it starts
/// (``BLASSettings/setThreads(_:)``, one thread: the splits here use the cores).
public struct Parallelism: Sendable {
    /// The worker thread for part 1; nil runs both parts on the caller.
    public let pool: WorkerPool?

    /// One thread: both parts run on the caller, one after the other.
    public static let serial = Parallelism(pool: nil)

    /// Uses `pool`'s worker for part 1 (nil: one thread). Values that share a pool
    /// share its worker; a split that finds the pool busy runs on the caller.
    public init(pool: WorkerPool?) { self.pool = pool }

    /// `threads` >= 2 starts a worker thread of its own (which lives as long as this
    /// value or a copy of it does); fewer is ``serial``. If no thread can be started,
    /// the value is serial too (``threads`` says so).
    public init(threads: Int) {
        self.pool = threads >= 2 ? WorkerPool() : nil
    }

    /// Two threads on a machine with two cores or more, else one: the programs'
    /// default when `--threads` is not given.
    public static func machineDefault() -> Parallelism {
        Parallelism(threads: ProcessInfo.processInfo.activeProcessorCount >= 2 ? 2 : 1)
    }

    /// Threads used by ``run(_:)``: 2 with a worker, else 1.
    public var threads: Int { pool == nil ? 1 : 2 }

    /// Runs `body(0)` and `body(1)`, in parallel when there is a worker, and
    /// returns when both have finished. The parts must not write the same memory.
    /// A nested call, or a call while another thread holds the same pool, runs both
    /// parts on the caller.
    @inline(__always)
    public func run(_ body: (Int) -> Void) {
        guard let pool else { body(0); body(1); return }
        pool.run(body)
    }

    /// The hand-off counts of this value's pool since it was started (all zero when serial).
    public var handOff: HandOff { pool?.handOff ?? .zero }

    /// How splits were handed to a pool's worker thread: counts since the pool started
    /// (``WorkerPool/handOff``), or between two readings (`after - before`).
    public struct HandOff: Equatable, Sendable {
        /// Splits handed to the pool; calls that ran both parts on the caller (the pool
        /// busy with another caller or a nested call) are not counted.
        public var published: UInt64
        /// Part 1 run on the worker thread.
        public var onWorker: UInt64
        /// Part 1 taken back by the caller: the worker had not claimed it when part 0 was done.
        public var onCaller: UInt64
        /// Splits that found the worker asleep and woke it.
        public var wakeups: UInt64

        public static func - (a: HandOff, b: HandOff) -> HandOff {
            HandOff(published: a.published &- b.published, onWorker: a.onWorker &- b.onWorker,
                    onCaller: a.onCaller &- b.onCaller, wakeups: a.wakeups &- b.wakeups)
        }

        /// No splits.
        public static let zero = HandOff(published: 0, onWorker: 0, onCaller: 0, wakeups: 0)

        public static func + (a: HandOff, b: HandOff) -> HandOff {
            HandOff(published: a.published &+ b.published, onWorker: a.onWorker &+ b.onWorker,
                    onCaller: a.onCaller &+ b.onCaller, wakeups: a.wakeups &+ b.wakeups)
        }

        /// The share of splits whose part 1 ran on the worker (0 when none were handed over).
        public var workerShare: Double { published == 0 ? 0 : Double(onWorker) / Double(published) }
    }

    /// The half-open range of part `part` (0 or 1) when `0..<n` is split in two
    /// (part 0 takes the extra element of an odd `n`; `align` rounds the split point).
    @inline(__always)
    public static func half(_ n: Int, part: Int, align: Int = 1) -> Range<Int> {
        var mid = (n + 1) / 2
        if align > 1 { mid = min(n, (mid + align - 1) / align * align) }
        return part == 0 ? 0..<mid : mid..<n
    }
}

/// One worker thread (a C pool, `pool.c`) for ``Parallelism``: started by `init`,
/// told to exit and joined when the last reference goes. Safe to share between
/// threads: one split runs on it at a time, others run both parts on their caller.
public final class WorkerPool: @unchecked Sendable {
    private let pool: OpaquePointer

    /// Starts the worker thread; nil if the system cannot start one.
    public init?() {
        guard let pool = g4r_pool_create() else { return nil }
        self.pool = pool
    }

    deinit { g4r_pool_destroy(pool) }

    /// Runs `body(0)` on the caller and `body(1)` on the worker (or on the caller,
    /// see ``Parallelism/run(_:)``), and returns when both are done.
    func run(_ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { escaping in
            var closure = escaping
            withUnsafeMutablePointer(to: &closure) { pointer in
                g4r_pool_run2(pool, { ctx, part in
                    ctx?.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(part))
                }, pointer)
            }
        }
    }

    /// The median round trip (ns) between the caller and the worker, or -1 (``CPUDistance/measure(on:trips:batches:)``).
    func roundTripNanoseconds(trips: Int, batches: Int) -> Double {
        g4r_pool_round_trip_ns(pool, trips, Int32(batches))
    }

    /// The hand-off counts since this pool started.
    public var handOff: Parallelism.HandOff {
        var s = g4r_pool_stats_t()
        g4r_pool_stats(pool, &s)
        return .init(published: UInt64(s.published), onWorker: UInt64(s.worker), onCaller: UInt64(s.caller), wakeups: UInt64(s.wakeups))
    }
}
