import Foundation
import GRU4Rec

/// Repeats of a two-thread measurement kept apart by where the host had placed the
/// two CPUs (``CPUDistance``): measured before and after each repeat, a repeat
/// counts as "near" only when both readings were near. The figure reported is the
/// median of the near repeats; far ones are set aside and reported beside it, and
/// further repeats are run (up to three times `repeats` in all) until `repeats`
/// near ones are in. With one thread, or where the distance cannot be measured,
/// every repeat counts.
struct PlacedRepeats {
    /// Rates of the repeats with the CPUs near each other (all repeats when not probed).
    var near: [Double] = []
    /// Rates of the repeats during which the CPUs were far apart at either reading.
    var far: [Double] = []
    /// Every round trip measured, in nanoseconds.
    var roundTrips: [Double] = []

    /// Runs `measure(attempt)` (attempt 0, 1, ...) until `repeats` near repeats are in,
    /// at most `3 * repeats` times; reads `probe` (``CPUDistance/measure(trips:batches:)``
    /// in the benchmark) before and after each. Without a probe: `repeats` runs, all counted.
    static func run(repeats: Int, probe: (() -> CPUDistance?)?, _ measure: (Int) throws -> Double) rethrows -> PlacedRepeats {
        var result = PlacedRepeats()
        var attempt = 0
        while result.near.count < repeats, attempt < (probe != nil ? 3 * repeats : repeats) {
            let before = probe?()
            let rate = try measure(attempt)
            let after = probe?()
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
        if near.isEmpty { s = "placement: the CPUs were far apart (\(range(farTrips))) around every repeat: the figure above is of the far placement" }
        else if !far.isEmpty {
            s += String(format: "; %d repeat(s) set aside with the CPUs %@ apart (%@ events/s)", far.count, range(farTrips),
                        far.map { String(format: "%.0f", $0) }.joined(separator: ", "))
        }
        return s
    }

    /// The JSON form: round trips and the set-aside rates.
    var report: [String: Any] {
        ["round_trip_ns": roundTrips, "near_repeats": near.count, "far_rates": far]
    }
}
