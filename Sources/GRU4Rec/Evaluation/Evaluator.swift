import Foundation
import CKernels

/// How ties with the target's score count (GRU4REC.md, evaluation protocol).
public enum TieMode: String, CaseIterable, Codable, Sendable {
    /// rank = 1 + #(items scoring strictly higher).
    case standard
    /// rank = #(items scoring higher or equal), the target included.
    case conservative
    /// rank = 1 + #higher + (#equal - 1) / 2.
    case median
}

/// Rank of `target` within `scores` under a tie mode.
@inline(__always)
public func rankOfTarget(_ scores: UnsafePointer<Float>, count n: Int, target: Int, mode: TieMode) -> Double {
    var higher = 0, equal = 0
    g4r_rank_counts(scores, n, scores[target], &higher, &equal)
    switch mode {
    case .standard: return Double(1 + higher)
    case .conservative: return Double(higher + equal)
    case .median: return 1 + Double(higher) + Double(equal - 1) / 2
    }
}

/// Metrics at each cutoff, over all evaluated events.
public struct EvaluationResult: Sendable {
    public var cutoffs: [Int]
    public var mode: TieMode
    /// Evaluated events (targets).
    public var events: Int = 0
    /// Test events dropped because the model does not know their item.
    public var dropped: Int = 0
    public var sessions: Int = 0
    public var recall: [Int: Double] = [:]
    public var mrr: [Int: Double] = [:]
    public var ndcg: [Int: Double] = [:]
    /// Share of all items that appear in at least one top-K list.
    public var coverage: [Int: Double] = [:]
    /// Mean popularity (support / max support) of the recommended top-K items.
    public var popularity: [Int: Double] = [:]
    /// Every evaluated event, in evaluation (batch) order (when `recordRanks` was set).
    public var records: EvaluationRecords? = nil
    /// Rank of every target in evaluation order (when requested).
    public var ranks: [Double]? { records?.rank }
    public var seconds: Double = 0

    /// Flat `name@k -> value` pairs in a stable order (for tables and JSON).
    public var flatMetrics: [(String, Double)] {
        var out: [(String, Double)] = []
        for (name, table) in [("recall", recall), ("mrr", mrr), ("ndcg", ndcg), ("coverage", coverage), ("popularity", popularity)] {
            for k in cutoffs { if let v = table[k] { out.append(("\(name)@\(k)", v)) } }
        }
        return out
    }
}

/// Options for ``Evaluator``.
public struct EvaluationOptions: Sendable {
    public var cutoffs: [Int] = [1, 5, 10, 20]
    public var mode: TieMode = .standard
    /// Session-parallel batch size (does not change the results).
    public var batchSize: Int = 128

    /// A batch size whose score block (rows x items floats) stays near 32 MB: 512 rows
    /// for catalogs up to ~16,000 items, fewer for larger ones, at least 64. Larger
    /// blocks make the score product more efficient (yoochoose1-64: ~10% faster than 128).
    public static func automaticBatchSize(items: Int) -> Int {
        min(512, max(64, (8 << 20) / max(items, 1)))
    }
    /// Compute coverage@K and popularity@K (needs the top-K list of every event).
    public var listMetrics: Bool = true
    /// Keep a record of every event (``EvaluationResult/records``): session, position,
    /// input, target, rank and score, from the same pass (no second scoring).
    public var recordRanks: Bool = false
    /// With `recordRanks`, also keep the top-N item indices of every event.
    public var recordTopItems: Int = 0
    public init() {}
}

/// Next-item evaluation over all items, as the reference: every event after the
/// first of each test session is a target, the hidden state is zero at each
/// session start, test items unknown to the model were dropped (when the data
/// was built with the model's catalog), and scoring is session-parallel.
public final class Evaluator {
    public let scorer: SessionScorer
    /// The threads the rows' ranks and top-k lists split over (and, for a model, the
    /// forward pass and scores).
    public let parallelism: Parallelism

    public init(model: GRU4RecModel, parallelism: Parallelism) {
        scorer = GRU4RecScorer(model: model, parallelism: parallelism)
        self.parallelism = parallelism
    }

    public init(scorer: SessionScorer, parallelism: Parallelism) {
        self.scorer = scorer
        self.parallelism = parallelism
    }

    /// Per-step hook for parity tests: (step, scores rows x n, ranks).
    package typealias StepObserver = (BatchStep, UnsafePointer<Float>, [Double]) -> Void

    public func evaluate(_ data: SessionData, options: EvaluationOptions = EvaluationOptions(),
                         progress: ((Int, Int) -> Void)? = nil) -> EvaluationResult {
        evaluate(data, options: options, progress: progress, observer: nil)
    }

    package func evaluate(_ data: SessionData, options: EvaluationOptions, progress: ((Int, Int) -> Void)?,
                          observer: StepObserver?) -> EvaluationResult {
        let start = DispatchTime.now().uptimeNanoseconds
        let n = scorer.itemCount
        let cutoffs = options.cutoffs.sorted()
        let maxK = cutoffs.last ?? 20
        var result = EvaluationResult(cutoffs: cutoffs, mode: options.mode)
        result.dropped = data.droppedUnknownItems
        result.sessions = data.sessionCount
        let total = data.transitionCount
        scorer.reset(maxRows: options.batchSize)
        var batcher = SessionBatcher(data: data, batchSize: options.batchSize)
        var step = BatchStep()
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: options.batchSize * n)
        defer { scores.deallocate() }
        var sums = RankMetricSums(cutoffs: cutoffs)
        var seen = [[Bool]](repeating: [Bool](repeating: false, count: n), count: options.listMetrics ? cutoffs.count : 0)
        var popSum = [Double](repeating: 0, count: cutoffs.count)
        let support = scorer.itemSupport
        let maxSupport = Double(max(support.max() ?? 1, 1))
        let topCount = options.recordRanks ? min(max(0, options.recordTopItems), n) : 0
        let listK = max(options.listMetrics ? maxK : 0, topCount)
        var records = EvaluationRecords(topCount: topCount)
        if options.recordRanks { records.reserve(total) }
        // Next input position (1-based) of every session, for the records.
        var nextPosition = [Int32](repeating: 1, count: options.recordRanks ? data.sessionCount : 0)
        var done = 0
        var rowRanks: [Double] = []
        var tops: [[(item: Int, score: Float)]] = []
        while batcher.next(into: &step) {
            scorer.advance(step)
            scorer.score(rows: step.rows, into: scores)
            // Ranks and top-k lists of the rows in two parts (threads); then the
            // sums in row order, so the metrics do not depend on the thread count.
            let rows = step.rows
            if rowRanks.count < rows { rowRanks = [Double](repeating: 0, count: rows) }
            if tops.count < rows { tops = [[(item: Int, score: Float)]](repeating: [], count: rows) }
            let mode = options.mode
            rowRanks.withUnsafeMutableBufferPointer { rankBuffer in
                tops.withUnsafeMutableBufferPointer { topBuffer in
                    step.target.withUnsafeBufferPointer { targetBuffer in
                        guard let rankP = rankBuffer.baseAddress, let topP = topBuffer.baseAddress, let targets = targetBuffer.baseAddress else { return }
                        parallelism.run { part in
                            for i in Parallelism.half(rows, part: part) {
                                let row = scores + i * n
                                rankP[i] = rankOfTarget(row, count: n, target: Int(targets[i]), mode: mode)
                                if listK > 0 { topP[i] = topK(row, count: n, k: listK) }
                            }
                        }
                    }
                }
            }
            for i in 0..<rows {
                let rank = rowRanks[i]
                sums.add(rank: rank)
                if options.listMetrics {
                    let top = tops[i]
                    for (c, k) in cutoffs.enumerated() {
                        for e in top.prefix(k) {
                            seen[c][e.item] = true
                            popSum[c] += Double(support[e.item]) / maxSupport
                        }
                    }
                }
            }
            if options.recordRanks {
                for i in 0..<rows {
                    let s = step.session[i], target = step.target[i]
                    records.session.append(Int32(truncatingIfNeeded: s))
                    records.position.append(nextPosition[s])
                    nextPosition[s] += 1
                    records.input.append(step.input[i])
                    records.target.append(target)
                    records.rank.append(rowRanks[i])
                    records.score.append(scores[i * n + Int(target)])
                    if topCount > 0 { for e in tops[i].prefix(topCount) { records.topItems.append(Int32(e.item)) } }
                }
            }
            observer?(step, scores, Array(rowRanks.prefix(rows)))
            done += step.rows
            progress?(done, total)
        }
        let events = Double(max(done, 1))
        result.events = done
        let recall = sums.recall, mrr = sums.mrr, ndcg = sums.ndcg
        for (c, k) in cutoffs.enumerated() {
            result.recall[k] = recall[c]
            result.mrr[k] = mrr[c]
            result.ndcg[k] = ndcg[c]
            if options.listMetrics {
                result.coverage[k] = Double(seen[c].lazy.filter { $0 }.count) / Double(max(n, 1))
                result.popularity[k] = popSum[c] / (events * Double(min(k, n)))
            }
        }
        if options.recordRanks { result.records = records }
        result.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return result
    }
}
