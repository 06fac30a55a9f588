import Foundation
import GRU4Rec

/// How the benchmark reads the CPUs' placement: the probe, and how long a row may
/// wait for the CPUs to come near before a repeat (`--near-wait`).
struct PlacementProbe {
    /// Reads the distance now (``CPUDistance/measure(trips:batches:)`` in the benchmark).
    var measure: () -> CPUDistance?
    /// Seconds one row may spend, in all, waiting for a near placement.
    var patience: Double
    /// Seconds between two readings while waiting.
    var pollSeconds = 0.5
    /// Sleeps the given seconds (a no-op in tests).
    var pause: (Double) -> Void = { usleep(UInt32($0 * 1e6)) }
}

/// Repeats of a two-thread measurement kept apart by where the host had placed the
/// two CPUs (``CPUDistance``): measured before and after each repeat, a repeat
/// counts as "near" only when both readings were near. Before a repeat, while the
/// CPUs read far, the row waits for them to come near (within the probe's patience).
/// The figure reported is the median of the near repeats; far ones are set aside and
/// reported beside it, and further repeats are run (up to three times `repeats` in
/// all) until `repeats` near ones are in. With one thread, or where the distance
/// cannot be measured, every repeat counts.
struct PlacedRepeats {
    /// Rates of the repeats with the CPUs near each other (all repeats when not probed).
    var near: [Double] = []
    /// Rates of the repeats during which the CPUs were far apart at either reading.
    var far: [Double] = []
    /// Every round trip read before and after a repeat, in nanoseconds.
    var roundTrips: [Double] = []
    /// Seconds spent waiting for a near placement.
    var waited: Double = 0

    /// Runs `measure(attempt)` (attempt 0, 1, ...) until `repeats` near repeats are in,
    /// at most `3 * repeats` times, reading `probe` before and after each. Without a
    /// probe: `repeats` runs, all counted.
    static func run(repeats: Int, probe: PlacementProbe?, _ measure: (Int) throws -> Double) rethrows -> PlacedRepeats {
        var result = PlacedRepeats()
        var attempt = 0
        while result.near.count < repeats, attempt < (probe != nil ? 3 * repeats : repeats) {
            var before = probe?.measure()
            if let probe {
                while before?.isFar == true, result.waited + probe.pollSeconds <= probe.patience {
                    probe.pause(probe.pollSeconds)
                    result.waited += probe.pollSeconds
                    before = probe.measure()
                }
            }
            let rate = try measure(attempt)
            let after = probe?.measure()
            attempt += 1
            let readings = [before, after].compactMap { $0 }
            result.roundTrips += readings.map(\.roundTripNanoseconds)
            if readings.contains(where: \.isFar) { result.far.append(rate) } else { result.near.append(rate) }
        }
        return result
    }

    /// What the row reports: the near repeats, or the far ones when no repeat was near.
    var reported: [Double] { near.isEmpty ? far : near }

    /// The placement line printed under a training row, or nil when nothing was probed.
    var summary: String? {
        guard !roundTrips.isEmpty else { return nil }
        let threshold = CPUDistance.farThresholdNanoseconds
        let nearTrips = roundTrips.filter { $0 <= threshold }, farTrips = roundTrips.filter { $0 > threshold }
        func range(_ xs: [Double]) -> String {
            guard let lo = xs.min(), let hi = xs.max() else { return "-" }
            return lo.rounded() == hi.rounded() ? String(format: "%.0f ns", lo) : String(format: "%.0f-%.0f ns", lo, hi)
        }
        var s = "placement: CPUs \(range(nearTrips)) apart around \(near.count) repeat(s)"
        if waited > 0 { s += String(format: " (waited %.1f s for them to come near)", waited) }
        if near.isEmpty {
            s = "placement: the CPUs were far apart (\(range(farTrips))) around every repeat"
                + (waited > 0 ? String(format: " (waited %.0f s for them to come near)", waited) : "")
                + ": the figure above is of the far placement"
        }
        else if !far.isEmpty {
            s += String(format: "; %d repeat(s) set aside with the CPUs %@ apart (%@ events/s)", far.count, range(farTrips),
                        far.map { String(format: "%.0f", $0) }.joined(separator: ", "))
        }
        return s
    }

    /// The JSON form: round trips and the set-aside rates.
    var report: [String: Any] {
        ["round_trip_ns": roundTrips, "near_repeats": near.count, "far_rates": far, "waited_s": waited]
    }
}
