import Foundation
import GRU4Rec

/// One click of the live session and what it did to the network.
public struct SessionStep: Equatable, Sendable {
    /// The clicked item (catalog index).
    public var item: Int
    /// The rank (standard ties: 1 + items scoring strictly higher) the model
    /// gave this item just before it was clicked; `nil` for the first click,
    /// which nothing predicts (as in the evaluation protocol).
    public var rankBefore: Double?
    /// Hidden state after the click, per layer.
    public var hidden: [[Float]]
    /// Reset-gate activations r of the click's step, per layer.
    public var resetGate: [[Float]]
    /// Update-gate activations z of the click's step, per layer.
    public var updateGate: [[Float]]
    /// Δh: what the click changed in each unit, per layer (`LiveStep.change`).
    public var change: [[Float]]
    /// ‖h‖ after the click, per layer.
    public var hiddenNorm: [Double]
    /// ‖h − h_before‖: how far the click moved the state, per layer (the
    /// state before the first click is zero).
    public var changeNorm: [Double]
}

/// The live session's history and its current scores: everything the panes
/// show about the session, computed by `update` and read by `render`.
public struct SessionTrace: Equatable, Sendable {
    /// The clicks, oldest first.
    public internal(set) var steps: [SessionStep] = []
    /// Scores of every item after the first `scoredClicks` clicks (empty
    /// before the first): after the last click once the trace `isComplete`.
    public internal(set) var scores: [Float] = []
    /// Scores after the click before those of `scores` (empty with fewer
    /// than two scored clicks): the reference for the suggestions' movement.
    public internal(set) var previousScores: [Float] = []
    /// log(sum(exp(scores))): softmax probabilities are exp(score - logSumExp).
    public internal(set) var logSumExp: Double = 0
    /// How many clicks `scores` has seen. Equal to `steps.count` (the trace
    /// `isComplete`) except while the full passes of a large catalog run off
    /// the UI thread (`ScoringRequest`): each arrives through
    /// `complete(clicks:scores:logSumExp:)`, in click order.
    public internal(set) var scoredClicks: Int = 0
    /// Tells this trace's session apart from earlier ones (a new model, an
    /// edit that re-feeds the session): a full pass computed for another
    /// generation is dropped.
    public internal(set) var generation: Int = 0
    /// Per layer: the 98th percentile of |h| over every unit after every
    /// click so far (0 before the first click), the bound of `scale auto`.
    /// Kept here, updated once per click, so that frames do not recompute it.
    public internal(set) var robustBound: [Double] = []
    /// Per layer: the units ordered by |Δh| of the last click, largest
    /// first (ties: lower index first); empty before the first click.
    public internal(set) var changeRanking: [[Int]] = []
    /// Per layer: every |h| so far, ascending (merged click by click), from
    /// which `robustBound` is read.
    private var sortedMagnitudes: [[Double]] = []

    public init() {}

    /// An empty trace of a new session: `generation` follows `previous`'s.
    init(after previous: SessionTrace) {
        generation = previous.generation + 1
    }

    /// The clicked items, oldest first.
    public var items: [Int] { steps.map(\.item) }

    /// Whether `scores`, `logSumExp` and every step's rank are those of the last click.
    public var isComplete: Bool { scoredClicks == steps.count }

    /// Whether the rank before step `index` (0-based) waits for the full
    /// pass after the click before it (`nil` in `rankBefore` then means
    /// "not known yet", not "the first click").
    public func isRankPending(step index: Int) -> Bool { index > scoredClicks }

    /// `scores` when they are those of the last click, else `nil`: what the
    /// figures of the current session (ranks of any item) are read from.
    public var currentScores: [Float]? { isComplete && !scores.isEmpty ? scores : nil }

    /// The rank of `item` under `scores` (standard ties), or `nil` when there are no scores.
    static func rank(of item: Int, in scores: [Float]) -> Double? {
        guard item >= 0, item < scores.count else { return nil }
        return scores.withUnsafeBufferPointer { p -> Double? in
            guard let base = p.baseAddress else { return nil }
            return rankOfTarget(base, count: p.count, target: item, mode: .standard)
        }
    }

    /// The top `k` items under `scores`, best first, skipping `excluded`.
    static func top(_ k: Int, of scores: [Float], excluding excluded: Set<Int>) -> [(item: Int, score: Float)] {
        guard k > 0 else { return [] }
        return scores.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return [] }
            return topK(base, count: p.count, k: k, excluded: excluded)
        }
    }

    /// The `q` quantile (0...1) of `sorted` (ascending, no NaN) by the
    /// nearest-rank rule: the smallest value with at least a fraction `q` of
    /// them at or below it (0 for no values).
    static func percentile(_ q: Double, ofSorted sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((q * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    /// Two ascending arrays as one ascending array.
    static func merge(_ a: [Double], _ b: [Double]) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] <= b[j] { out.append(a[i]); i += 1 } else { out.append(b[j]); j += 1 }
        }
        out += a[i...]
        out += b[j...]
        return out
    }

    /// log(sum(exp(s))) computed stably (one vectorised pass: ``scoreLogSumExp(_:)``).
    static func logSumExp(_ scores: [Float]) -> Double { scoreLogSumExp(scores) }

    /// Records one fed step and its full pass: the rank the item had before,
    /// the new state and scores (the in-place path).
    mutating func record(_ step: LiveStep, scoresAfter: [Float]) {
        append(step)
        complete(clicks: steps.count, scores: scoresAfter, logSumExp: Self.logSumExp(scoresAfter))
    }

    /// Records one fed step whose full pass comes later through
    /// `complete(clicks:scores:logSumExp:)`. The rank before it is counted now
    /// when the scores of every earlier click are here (a rank count, no
    /// scoring), else when the pass of the click before it arrives.
    mutating func append(_ step: LiveStep) {
        let rank = steps.isEmpty || !isComplete ? nil : Self.rank(of: step.item, in: scores)
        let norm = { (v: [Float]) in v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot() }
        steps.append(SessionStep(
            item: step.item, rankBefore: rank, hidden: step.hidden, resetGate: step.resetGate,
            updateGate: step.updateGate, change: step.change, hiddenNorm: step.hidden.map(norm),
            changeNorm: step.change.map(norm)))
        if sortedMagnitudes.count != step.hidden.count { sortedMagnitudes = Array(repeating: [], count: step.hidden.count) }
        for (l, h) in step.hidden.enumerated() {
            sortedMagnitudes[l] = Self.merge(sortedMagnitudes[l], h.compactMap { $0.isNaN ? nil : abs(Double($0)) }.sorted())
        }
        robustBound = sortedMagnitudes.map { Self.percentile(0.98, ofSorted: $0) }
        changeRanking = step.change.map { change in
            change.indices.sorted { abs(change[$0]) != abs(change[$1]) ? abs(change[$0]) > abs(change[$1]) : $0 < $1 }
        }
    }

    /// The full pass after the first `clicks` clicks: every item's score and
    /// their log-sum-exp. Passes are applied in click order (`clicks` is
    /// `scoredClicks + 1`); the rank before the next click, if it waited
    /// for these scores, is counted from them.
    mutating func complete(clicks: Int, scores new: [Float], logSumExp lse: Double) {
        precondition(clicks == scoredClicks + 1 && clicks <= steps.count, "full passes are applied in click order")
        previousScores = clicks > 1 ? scores : []
        scores = new
        logSumExp = lse
        scoredClicks = clicks
        if clicks < steps.count, steps[clicks].rankBefore == nil {
            steps[clicks].rankBefore = Self.rank(of: steps[clicks].item, in: new)
        }
    }
}

/// The network's live session, kept inside the state value with
/// copy-on-write: `LiveSession` is a reference type, so before a change the
/// engine makes sure it is the only owner, and a copy (an older state value
/// kept by a test, say) gets its own session rebuilt by re-feeding the items.
struct SessionEngine {
    private final class Box {
        let live: LiveSession
        init(_ live: LiveSession) { self.live = live }
    }

    private var box: Box

    init(model: GRU4RecModel, parallelism: Parallelism) {
        box = Box(LiveSession(model: model, parallelism: parallelism))
    }

    var model: GRU4RecModel { box.live.model }
    /// The items fed so far.
    var items: [Int] { box.live.items }

    /// The live session, owned by this value alone.
    private mutating func unique() -> LiveSession {
        if !isKnownUniquelyReferenced(&box) {
            let fresh = LiveSession(model: box.live.model, parallelism: box.live.parallelism, scorer: box.live.scorer)
            fresh.restore(box.live.state)
            box = Box(fresh)
        }
        return box.live
    }

    /// The screening copy of the model's output weights the top-k reads when
    /// the full pass is deferred (`nil`: the top-k scores every item).
    var scorer: ScreenedScorer? {
        get { box.live.scorer }
        set {
            let live = unique()
            live.scorer = newValue
        }
    }

    /// One click: one GRU step, recorded in `trace`. In place (`deferred`
    /// false) with its full pass; deferred, the full pass is returned as a
    /// request (for `trace.complete`), and the top-k comes from `topK`.
    mutating func click(_ item: Int, into trace: inout SessionTrace, deferred: Bool = false) -> ScoringRequest? {
        let live = unique()
        let step = live.feed(item)
        guard deferred else {
            trace.record(step, scoresAfter: live.scores())
            return nil
        }
        trace.append(step)
        return ScoringRequest(generation: trace.generation, clicks: trace.steps.count, model: live.model, state: live.state)
    }

    /// Feeds `items` from an empty session, rebuilding `trace` from scratch
    /// (for undo, remove and reset: "what if that click had not happened").
    /// Deferred, returns one full pass per click, in order.
    @discardableResult
    mutating func replace(with items: [Int], trace: inout SessionTrace, deferred: Bool = false) -> [ScoringRequest] {
        if isKnownUniquelyReferenced(&box) {
            box.live.reset()
        } else {
            let fresh = LiveSession(model: box.live.model, parallelism: box.live.parallelism, scorer: box.live.scorer)
            box = Box(fresh)
        }
        trace = SessionTrace(after: trace)
        return items.compactMap { click($0, into: &trace, deferred: deferred) }
    }

    /// The exact top `k` after the items fed so far (screened when `scorer` is set).
    func topK(_ k: Int, excluding excluded: Set<Int>) -> [(item: Int, score: Float)] {
        guard k > 0 else { return [] }
        return box.live.topK(k, excluding: excluded)
    }
}
