import Foundation

/// Model B against model A on the same events: each metric for both, the difference
/// B - A with a confidence interval from a paired bootstrap over sessions, and the
/// share of events where B ranks the target better, worse or the same.
///
/// The bootstrap resamples *sessions* with replacement (events of one session are not
/// independent), keeping each session's A and B figures together (paired): a resample's
/// difference is the sum of its sessions' per-event differences over the sum of their
/// event counts. The interval is the percentile interval of the resampled differences
/// (linear interpolation between order statistics). Seeded: the same seed gives the
/// same interval.
public struct PairedComparison: Sendable {
    public struct Metric: Sendable, Equatable {
        /// `recall@K`, `mrr@K` or `ndcg@K`.
        public var name: String
        public var a: Double, b: Double
        public var difference: Double { b - a }
        /// Bounds of the confidence interval of `b - a`.
        public var low: Double, high: Double
    }

    public struct MisalignedRecords: Error, CustomStringConvertible {
        public var description: String {
            "the two evaluations did not cover the same events in the same order (evaluate both on the same sessions with the same batch size)"
        }
    }

    /// recall@K for every cutoff, then mrr@K, then ndcg@K.
    public var metrics: [Metric]
    public var events: Int
    /// Sessions with at least one event (the bootstrap's units).
    public var sessions: Int
    /// Events where B's rank of the target is lower (better) than A's, higher, or equal.
    public var better: Int, worse: Int, equal: Int
    public var resamples: Int
    public var seed: UInt64
    public var confidence: Double

    /// - Parameters:
    ///   - a, b: records of the same events (same sessions and positions, same order), as
    ///     the evaluator gives them for the two halves of ``SharedCatalog/pair(_:)``.
    ///   - cutoffs: sorted cutoffs K.
    public init(a: EvaluationRecords, b: EvaluationRecords, cutoffs: [Int], resamples: Int = 1000,
                seed: UInt64 = 1, confidence: Double = 0.95) throws {
        guard a.count == b.count, a.session == b.session, a.position == b.position else { throw MisalignedRecords() }
        let m = 3 * cutoffs.count
        // Per-session sums of A's and B's per-event metrics (sessions in ordinal order).
        var sessionRow: [Int32: Int] = [:]
        var sumsA: [Double] = [], sumsB: [Double] = [], counts: [Double] = []
        var better = 0, worse = 0, equal = 0
        let eventA = UnsafeMutablePointer<Double>.allocate(capacity: m), eventB = UnsafeMutablePointer<Double>.allocate(capacity: m)
        defer { eventA.deallocate(); eventB.deallocate() }
        for e in 0..<a.count {
            let row: Int
            if let known = sessionRow[a.session[e]] { row = known } else {
                row = counts.count
                sessionRow[a.session[e]] = row
                counts.append(0)
                sumsA.append(contentsOf: repeatElement(0, count: m))
                sumsB.append(contentsOf: repeatElement(0, count: m))
            }
            counts[row] += 1
            RankMetricSums.perEvent(rank: a.rank[e], cutoffs: cutoffs, into: eventA)
            RankMetricSums.perEvent(rank: b.rank[e], cutoffs: cutoffs, into: eventB)
            for j in 0..<m {
                sumsA[row * m + j] += eventA[j]
                sumsB[row * m + j] += eventB[j]
            }
            if b.rank[e] < a.rank[e] { better += 1 } else if b.rank[e] > a.rank[e] { worse += 1 } else { equal += 1 }
        }
        let events = Double(max(a.count, 1))
        var totalA = [Double](repeating: 0, count: m), totalB = totalA
        for row in 0..<counts.count {
            for j in 0..<m { totalA[j] += sumsA[row * m + j]; totalB[j] += sumsB[row * m + j] }
        }
        let differences = zip(sumsB, sumsA).map { $0 - $1 }
        let intervals = PairedComparison.bootstrap(sessionSums: differences, counts: counts, metrics: m,
                                                   resamples: resamples, seed: seed, confidence: confidence)
        let names = ["recall", "mrr", "ndcg"].flatMap { name in cutoffs.map { "\(name)@\($0)" } }
        metrics = (0..<m).map { j in
            Metric(name: names[j], a: totalA[j] / events, b: totalB[j] / events, low: intervals[j].low, high: intervals[j].high)
        }
        self.events = a.count
        sessions = counts.count
        self.better = better
        self.worse = worse
        self.equal = equal
        self.resamples = resamples
        self.seed = seed
        self.confidence = confidence
    }

    /// Percentile bootstrap intervals of ratio statistics over sessions.
    ///
    /// - Parameters:
    ///   - sessionSums: `sessions x metrics`, row-major: each session's sum of a per-event
    ///     quantity per metric (here the B - A differences).
    ///   - counts: each session's number of events.
    ///   - resamples: resamples, each drawing `sessions` session indices with replacement
    ///     from ``SeededGenerator`` seeded with `seed`; the statistic of a resample is
    ///     Σ sums / Σ counts over the drawn sessions.
    /// - Returns: per metric, the `(1 - confidence) / 2` and `(1 + confidence) / 2` quantiles
    ///   (zeros when there is no session or no resample).
    public static func bootstrap(sessionSums: [Double], counts: [Double], metrics m: Int, resamples: Int,
                                 seed: UInt64, confidence: Double = 0.95) -> [(low: Double, high: Double)] {
        let sessions = counts.count
        guard sessions > 0, resamples > 0, m > 0, sessionSums.count == sessions * m else {
            return [(low: Double, high: Double)](repeating: (0, 0), count: m)
        }
        var rng = SeededGenerator(seed: seed)
        var statistics = [Double](repeating: 0, count: m * resamples)  // metric-major: [metric][resample]
        let sum = UnsafeMutablePointer<Double>.allocate(capacity: m)
        defer { sum.deallocate() }
        sessionSums.withUnsafeBufferPointer { sumsBuffer in
            counts.withUnsafeBufferPointer { countBuffer in
                guard let sums = sumsBuffer.baseAddress, let count = countBuffer.baseAddress else { return }
                for r in 0..<resamples {
                    sum.update(repeating: 0, count: m)
                    var n = 0.0
                    for _ in 0..<sessions {
                        let s = rng.nextInt(below: sessions)
                        n += count[s]
                        let row = sums + s * m
                        for j in 0..<m { sum[j] += row[j] }
                    }
                    let scale = n > 0 ? 1 / n : 0
                    for j in 0..<m { statistics[j * resamples + r] = sum[j] * scale }
                }
            }
        }
        let lowP = (1 - confidence) / 2, highP = (1 + confidence) / 2
        return (0..<m).map { j in
            let sorted = statistics[(j * resamples)..<((j + 1) * resamples)].sorted()
            return (low: quantile(sorted, lowP), high: quantile(sorted, highP))
        }
    }

    /// The p-quantile of sorted values, interpolated linearly between order statistics.
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let h = Double(sorted.count - 1) * min(max(p, 0), 1)
        let lo = Int(h.rounded(.down))
        guard lo + 1 < sorted.count else { return sorted[lo] }
        return sorted[lo] + (h - Double(lo)) * (sorted[lo + 1] - sorted[lo])
    }
}
