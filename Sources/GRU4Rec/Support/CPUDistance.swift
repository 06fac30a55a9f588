import CKernels

/// How far apart the machine's first two CPUs are at this moment: the round trip
/// of one cache line between two threads pinned on them (`probe.c`).
///
/// The two-thread splits of the training step hand data between the CPUs tens of
/// times a step, so their speed depends on this distance, which on a virtual
/// machine the host decides and changes while a program runs. On this project's
/// 2-vCPU machines the round trip is 55-80 ns most of the time and 340-380 ns at
/// other times; the XE training step then runs about 2.5x slower with two threads
/// (slower than with one). ``GRU4Rec`` itself does not act on it; `gru4rec bench`
/// measures it around every repeat and keeps the repeats of the two placements apart.
public struct CPUDistance: Equatable, Sendable {
    /// The median round trip over the probe's batches, in nanoseconds.
    public var roundTripNanoseconds: Double

    public init(roundTripNanoseconds: Double) { self.roundTripNanoseconds = roundTripNanoseconds }

    /// Round trips above this (nanoseconds) mean the two CPUs share no cache level:
    /// the measured placements fall into 55-80 ns or 340-380 ns, far from it on both sides.
    public static let farThresholdNanoseconds = 200.0

    /// Whether the CPUs were far apart (``farThresholdNanoseconds``).
    public var isFar: Bool { roundTripNanoseconds > Self.farThresholdNanoseconds }

    /// Measures now: `batches` batches of `trips` round trips (the median batch; about
    /// 1-4 ms with the defaults). `nil` with fewer than two CPUs, or when the second
    /// thread got no CPU within a second (a loaded machine).
    public static func measure(trips: Int = 2000, batches: Int = 5) -> CPUDistance? {
        let ns = g4r_core_round_trip_ns(trips, Int32(batches))
        return ns > 0 ? CPUDistance(roundTripNanoseconds: ns) : nil
    }
}
