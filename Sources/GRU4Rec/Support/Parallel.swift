import CKernels
import Foundation

/// Two-way fork-join parallelism for the hot loops (training step, evaluation,
/// live scoring).
///
/// Work is always split into the same two parts, whatever the thread count, and
/// every part writes disjoint outputs (sums are combined in a fixed order by the
/// caller), so results are bit-identical with one thread or two. With two threads
/// part 1 runs on a persistent worker thread (C, `pool.c`) that spins briefly
/// between jobs and then sleeps, unless the caller, done with part 0 first,
/// claims part 1 before the worker does (a sleeping or descheduled worker then
/// costs nothing but the lost parallelism).
public enum Parallel {
    nonisolated(unsafe) private static var enabled = false
    nonisolated(unsafe) private static var configured = false

    /// Threads used by ``run(_:)``: 2 when the worker is running, else 1.
    public static var threads: Int {
        if !configured { configureDefault() }
        return enabled ? 2 : 1
    }

    /// Uses two threads (starting the worker once) or one. Both parts run on the
    /// caller when one thread is set or no worker thread could be started.
    /// The default (without a call) is two threads on a machine with two cores or
    /// more. BLAS itself is kept to one thread: the splits here use the cores, and
    /// two thread pools spinning side by side would fight over them.
    public static func setThreads(_ n: Int) {
        configured = true
        enabled = n >= 2 && g4r_pool_start() != 0
        BLAS.setThreads(1)
    }

    private static func configureDefault() {
        setThreads(ProcessInfo.processInfo.activeProcessorCount >= 2 ? 2 : 1)
    }

    /// Runs `body(0)` and `body(1)`, in parallel when two threads are set, and
    /// returns when both have finished. The parts must not write the same memory.
    public static func run(_ body: (Int) -> Void) {
        if !configured { configureDefault() }
        if !enabled { body(0); body(1); return }
        withoutActuallyEscaping(body) { escaping in
            var closure = escaping
            withUnsafeMutablePointer(to: &closure) { pointer in
                g4r_pool_run2({ ctx, part in
                    ctx!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(part))
                }, pointer)
            }
        }
    }

    /// How splits were handed to the worker thread: counts since the program started
    /// (``handOff``), or between two readings (`after - before`).
    public struct HandOff: Equatable, Sendable {
        /// Splits handed to the pool; calls that ran both parts on the caller (one
        /// thread set, or the pool busy with another caller or a nested call) are not counted.
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

        /// The share of splits whose part 1 ran on the worker (0 when none were handed over).
        public var workerShare: Double { published == 0 ? 0 : Double(onWorker) / Double(published) }
    }

    /// The pool's hand-off counts since the program started.
    public static var handOff: HandOff {
        var s = g4r_pool_stats_t()
        g4r_pool_stats(&s)
        return HandOff(published: UInt64(s.published), onWorker: UInt64(s.worker), onCaller: UInt64(s.caller), wakeups: UInt64(s.wakeups))
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
