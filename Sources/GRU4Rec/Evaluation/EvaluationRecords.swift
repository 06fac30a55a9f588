import Foundation

/// One record per evaluated event (a predicted next item), from the evaluation pass itself:
/// the raw material of breakdowns (``EvaluationBreakdown``), the per-event export
/// (`gru4rec eval --ranks`) and model comparisons (``PairedComparison``).
///
/// Stored as parallel arrays in the evaluator's **batch order** (the order in which the
/// session-parallel steps produce the events); ``fileOrder(in:)`` gives the order of the
/// test file. Conventions:
/// - `session`: the session's ordinal in the ``SessionData`` that was evaluated;
/// - `position`: 1-based index, within its session, of the event the prediction is made
///   *after* (the input): position 1 predicts the session's second event from its first;
/// - `input`, `target`: item indices of the scorer's catalog;
/// - `rank`: the target's rank among all items under the evaluation's tie mode (1 = best;
///   `median` ties can give halves);
/// - `score`: the target's score (the scorer's raw output, before any softmax);
/// - `topItems`: when `topCount > 0`, the `topCount` best item indices of each event in
///   descending score order, flattened (`topItems[e * topCount ..< (e + 1) * topCount]`).
public struct EvaluationRecords: Sendable, Equatable {
    public var session: [Int32] = []
    public var position: [Int32] = []
    public var input: [Int32] = []
    public var target: [Int32] = []
    public var rank: [Double] = []
    public var score: [Float] = []
    public var topCount: Int = 0
    public var topItems: [Int32] = []

    public init(topCount: Int = 0) { self.topCount = topCount }

    public var count: Int { rank.count }

    mutating func reserve(_ n: Int) {
        session.reserveCapacity(n); position.reserveCapacity(n); input.reserveCapacity(n)
        target.reserveCapacity(n); rank.reserveCapacity(n); score.reserveCapacity(n)
        topItems.reserveCapacity(n * topCount)
    }

    /// The record indices in the order of the test file: by the file line of each event's
    /// target (``SessionData/fileIndex``); by session ordinal and position when the data
    /// carries no file order.
    public func fileOrder(in data: SessionData) -> [Int] {
        let indices = Array(0..<count)
        if data.fileIndex.count == data.eventCount {
            let key = (0..<count).map { e in data.fileIndex[data.offsets[Int(session[e])] + Int(position[e])] }
            return indices.sorted { key[$0] < key[$1] }
        }
        return indices.sorted { (session[$0], position[$0]) < (session[$1], position[$1]) }
    }
}

/// Sums of the per-event rank metrics at each cutoff: the one place their formulas live.
///
/// For an event whose target has rank `r` and a cutoff `K`: hit = 1 when `r <= K`;
/// reciprocal rank = `1/r` when `r <= K`, else 0; DCG = `1/log2(r + 1)` when `r <= K`,
/// else 0 (one relevant item, so NDCG = DCG). Recall@K, MRR@K and NDCG@K are the sums
/// divided by the number of events.
public struct RankMetricSums: Sendable, Equatable {
    public let cutoffs: [Int]
    public private(set) var events = 0
    public private(set) var hits: [Double]
    public private(set) var reciprocal: [Double]
    public private(set) var dcg: [Double]

    public init(cutoffs: [Int]) {
        self.cutoffs = cutoffs
        hits = [Double](repeating: 0, count: cutoffs.count)
        reciprocal = hits
        dcg = hits
    }

    @inline(__always)
    public mutating func add(rank: Double) {
        events += 1
        for c in 0..<cutoffs.count where rank <= Double(cutoffs[c]) {
            hits[c] += 1
            reciprocal[c] += 1 / rank
            dcg[c] += 1 / log2(rank + 1)
        }
    }

    /// Metric values per cutoff (0 over no events).
    public var recall: [Double] { hits.map { $0 / Double(max(events, 1)) } }
    public var mrr: [Double] { reciprocal.map { $0 / Double(max(events, 1)) } }
    public var ndcg: [Double] { dcg.map { $0 / Double(max(events, 1)) } }

    /// The three metrics of one event at every cutoff, in the order recall@K..., mrr@K..., ndcg@K...
    /// (the layout ``PairedComparison`` sums per session).
    static func perEvent(rank: Double, cutoffs: [Int], into out: UnsafeMutablePointer<Double>) {
        let c = cutoffs.count
        for i in 0..<c {
            let inside = rank <= Double(cutoffs[i])
            out[i] = inside ? 1 : 0
            out[c + i] = inside ? 1 / rank : 0
            out[2 * c + i] = inside ? 1 / log2(rank + 1) : 0
        }
    }
}
