import Foundation
import GRU4Rec

/// What a batch evaluation (`replay all`, the Analysis view) is asked to do:
/// the model and the sessions file as loaded, and the cutoff K. Carried by
/// the `.evaluate` effect; equal when the id and K are (the model and the
/// data are identified by the id the state gave the request).
public struct EvaluationRequest: Equatable, @unchecked Sendable {
    /// Increases with every request, so that a late answer to an old one is ignored.
    public var id: Int
    public var model: GRU4RecModel
    public var sessions: SessionData
    public var cutoff: Int
    /// Why it runs: `replay all` reports the figures in the message line when done.
    public var reportsFigures: Bool
    /// The compared model, its path and the catalogs' match, when one is loaded:
    /// both models are then also evaluated on the events whose item both know.
    public var compared: (model: GRU4RecModel, path: String, shared: SharedCatalog)? = nil
    /// The shell's threads, which the evaluation splits over.
    public var parallelism: Parallelism

    public static func == (a: EvaluationRequest, b: EvaluationRequest) -> Bool {
        a.id == b.id && a.cutoff == b.cutoff && a.reportsFigures == b.reportsFigures
    }
}

/// One evaluated session of a batch evaluation.
public struct SessionScore: Equatable, Sendable {
    /// Index into the sessions data.
    public var session: Int
    /// Events in the session (its length; `length - 1` of them are targets).
    public var length: Int
    /// Evaluated events (targets).
    public var events: Int
    /// Mean reciprocal rank at K over the session's targets (0 for a miss).
    public var mrr: Double
    /// Rank of each target, in order (step 1 is the second event).
    public var ranks: [Double]
}

/// The result of evaluating the loaded model over its whole sessions file
/// with the evaluator's fast path (`Evaluator`, `--mode standard`): the
/// figures `gru4rec eval` prints for the same K, every session's score, and
/// the breakdowns by length, position, popularity and repeat.
public struct BatchEvaluation: Equatable, Sendable {
    public var cutoff: Int
    public var recall: Double
    public var mrr: Double
    public var events: Int
    public var sessions: Int
    /// Sessions with at least one target, in file order.
    public var scores: [SessionScore]
    /// One per `SliceDimension`, in `SliceDimension.allCases` order.
    public var breakdowns: [EvaluationBreakdown]
    /// With a compared model: both models on the events both know.
    public var comparison: Comparison? = nil

    /// A and B evaluated on the same events (those whose item both know,
    /// `SharedCatalog.pair`), as `gru4rec eval A B` does.
    public struct Comparison: Equatable, Sendable {
        /// The compared model's path.
        public var path: String
        public var events: Int
        public var recall: (a: Double, b: Double)
        public var mrr: (a: Double, b: Double)
        /// Per dimension, A's and B's breakdowns.
        public var a: [EvaluationBreakdown]
        public var b: [EvaluationBreakdown]

        public static func == (x: Comparison, y: Comparison) -> Bool {
            x.path == y.path && x.events == y.events && x.recall == y.recall && x.mrr == y.mrr && x.a == y.a && x.b == y.b
        }
    }

    /// Runs the evaluation; `progress` gets (events done, events in all).
    public static func compute(_ request: EvaluationRequest, progress: ((Int, Int) -> Void)? = nil) -> BatchEvaluation {
        var options = EvaluationOptions()
        options.cutoffs = [request.cutoff]
        options.mode = .standard
        options.batchSize = EvaluationOptions.automaticBatchSize(items: request.model.itemCount)
        options.listMetrics = false
        options.recordRanks = true
        let evaluator = Evaluator(model: request.model, parallelism: request.parallelism)
        let result = evaluator.evaluate(request.sessions, options: options, progress: progress)
        let k = Double(request.cutoff)
        var byRank: [Int: [(Int32, Double)]] = [:]
        if let records = result.records {
            for e in 0..<records.count {
                byRank[Int(records.session[e]), default: []].append((records.position[e], records.rank[e]))
            }
        }
        var scores: [SessionScore] = []
        for s in byRank.keys.sorted() {
            let ranks = (byRank[s] ?? []).sorted { $0.0 < $1.0 }.map(\.1)
            let sum = ranks.reduce(0) { $0 + ($1 <= k ? 1 / $1 : 0) }
            scores.append(SessionScore(session: s, length: request.sessions.sessionLength(s), events: ranks.count,
                                       mrr: sum / Double(max(1, ranks.count)), ranks: ranks))
        }
        let breakdowns = slices(result, request.sessions, evaluator, request.cutoff)
        var comparison: Comparison?
        if let (modelB, path, shared) = request.compared {
            let pair = shared.pair(request.sessions)
            let a = evaluator.evaluate(pair.a, options: options)
            let evaluatorB = Evaluator(model: modelB, parallelism: request.parallelism)
            let b = evaluatorB.evaluate(pair.b, options: options)
            let k = request.cutoff
            comparison = Comparison(
                path: path, events: a.events, recall: (a.recall[k] ?? 0, b.recall[k] ?? 0), mrr: (a.mrr[k] ?? 0, b.mrr[k] ?? 0),
                a: slices(a, pair.a, evaluator, k), b: slices(b, pair.b, evaluatorB, k))
        }
        return BatchEvaluation(
            cutoff: request.cutoff, recall: result.recall[request.cutoff] ?? 0, mrr: result.mrr[request.cutoff] ?? 0,
            events: result.events, sessions: result.sessions, scores: scores, breakdowns: breakdowns, comparison: comparison)
    }

    private static func slices(_ result: EvaluationResult, _ data: SessionData, _ evaluator: Evaluator, _ k: Int) -> [EvaluationBreakdown] {
        result.records.map {
            EvaluationBreakdown.all(SliceDimension.allCases, records: $0, data: data, itemSupport: evaluator.scorer.itemSupport, cutoffs: [k])
        } ?? []
    }

    /// `Recall@K <x> MRR@K <y>` with four decimals, as `replay all` prints it.
    public var figures: String {
        String(format: "Recall@%d %.4f MRR@%d %.4f", cutoff, recall, cutoff, mrr)
    }
}
