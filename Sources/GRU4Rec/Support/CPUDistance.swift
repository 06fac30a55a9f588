import CKernels

/// How far apart the two threads of a ``Parallelism`` sit at this moment: the round
/// trip of one cache line between the caller and the pool's worker, measured through
/// the pool itself (`pool.c`).
///
/// The two-thread splits of the training step hand data between the threads tens of
/// times a step, so their speed depends on this distance, which on a virtual machine
/// the host decides and changes while a program runs, from one second to the next. On
/// this project's 2-vCPU machines the round trip is 55-115 ns most of the time and
/// 310-380 ns at other times; the XE training step then runs about 2.5x slower with two
/// threads (slower than with one). ``GRU4Rec`` itself does not act on it; `gru4rec bench`
/// reads it around and inside every repeat and sets aside what ran with the threads far apart.
public struct CPUDistance: Equatable, Sendable {
    /// The median round trip over the probe's batches, in nanoseconds.
    public var roundTripNanoseconds: Double

    public init(roundTripNanoseconds: Double) { self.roundTripNanoseconds = roundTripNanoseconds }

    /// Round trips above this (nanoseconds) mean the two CPUs share no cache level:
    /// the measured placements fall into 55-115 ns or 310-380 ns, far from it on both sides.
    public static let farThresholdNanoseconds = 200.0

    /// Whether the CPUs were far apart (``farThresholdNanoseconds``).
    public var isFar: Bool { roundTripNanoseconds > Self.farThresholdNanoseconds }

    /// Measures now, on `parallelism`'s two threads: `batches` splits of `trips` round
    /// trips each (the median batch; about 1-4 ms with the defaults). `nil` with one
    /// thread, when the pool is busy (called from inside one of its splits, or while
    /// another thread uses it), or when the worker did not answer within 50 ms.
    public static func measure(on parallelism: Parallelism, trips: Int = 2000, batches: Int = 5) -> CPUDistance? {
        guard let pool = parallelism.pool else { return nil }
        let ns = pool.roundTripNanoseconds(trips: trips, batches: batches)
        return ns > 0 ? CPUDistance(roundTripNanoseconds: ns) : nil
    }
}
