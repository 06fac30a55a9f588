/// What one click did to the network: the new hidden state and the gates of that step, per layer.
public struct LiveStep: Sendable {
    public var item: Int
    /// Hidden state after the step, per layer.
    public var hidden: [[Float]]
    /// Reset-gate activations r of the step, per layer.
    public var resetGate: [[Float]]
    /// Update-gate activations z of the step, per layer. (GRUCell layers: z keeps the
    /// old state; the one-hot layer: z takes the new candidate. See GRU4Rec.md, "The math".)
    public var updateGate: [[Float]]
    /// Δh = h_after - h_before of the step, per layer: what the click changed
    /// in each unit (the state before the first click is zero).
    public var change: [[Float]]
}

/// One live session: feed items one by one, read hidden state, gates and scores.
///
/// This is the API the shell and `gru4rec recommend` use. It runs the same
/// GRU kernels as the batched evaluation (with one row), scores every item with
/// the one-row C kernel (`g4r_score_rows`, the one ``ScreenedScorer`` re-checks
/// with), and starts from a zero hidden state like every session.
public final class LiveSession {
    public let model: GRU4RecModel
    private let pass: ForwardPass
    private var scoreBuffer: [Float]
    private var scoresValid = false
    /// The threads of this session's clicks (given at init).
    public var parallelism: Parallelism { pass.parallelism }
    /// The items fed so far.
    public private(set) var items: [Int] = []
    /// When set (a scorer of this session's model), ``topK(_:excluding:)`` screens the
    /// catalog with it instead of scoring every item: the same list and scores, reading
    /// an eighth of the output weights (``ScreenedScorer``). ``scores()`` and ``rank(of:mode:)``
    /// still score everything.
    public var scorer: ScreenedScorer? {
        didSet { precondition(scorer.map { $0.model === model } ?? true, "a scorer of another model") }
    }

    /// `parallelism`: the threads each click's layers, scores and top-k split over.
    public init(model: GRU4RecModel, parallelism: Parallelism, scorer: ScreenedScorer? = nil) {
        precondition(scorer.map { $0.model === model } ?? true, "a scorer of another model")
        self.model = model
        self.scorer = scorer
        pass = ForwardPass(model: model, maxRows: 1, parallelism: parallelism)
        scoreBuffer = [Float](repeating: 0, count: model.itemCount)
        pass.reset()
    }

    /// Back to an empty session (zero hidden state).
    public func reset() {
        pass.reset()
        items.removeAll()
        scoresValid = false
    }

    /// Feeds one item (catalog index) and returns the step's trace.
    @discardableResult
    public func feed(_ item: Int) -> LiveStep {
        precondition(item >= 0 && item < model.itemCount, "item index out of range")
        let before = model.layers.indices.map { self.hidden(layer: $0) }
        var x = Int32(item)
        pass.step(items: &x, rows: 1)
        items.append(item)
        scoresValid = false
        var hidden: [[Float]] = [], reset: [[Float]] = [], update: [[Float]] = [], change: [[Float]] = []
        for (l, h) in model.layers.enumerated() {
            let after = Array(UnsafeBufferPointer(start: pass.hiddenPointer(layer: l), count: h))
            hidden.append(after)
            change.append(zip(after, before[l]).map { $0 - $1 })
            let g = pass.gatePointer(layer: l)
            reset.append(Array(UnsafeBufferPointer(start: g, count: h)))
            update.append(Array(UnsafeBufferPointer(start: g + h, count: h)))
        }
        return LiveStep(item: item, hidden: hidden, resetGate: reset, updateGate: update, change: change)
    }

    /// The session so far as a value: the items fed and every layer's hidden state.
    /// ``restore(_:)`` continues from it exactly as if the items were fed again.
    public var state: LiveSessionState {
        var hidden: [Float] = []
        hidden.reserveCapacity(model.layers.reduce(0, +))
        for (l, h) in model.layers.enumerated() {
            hidden.append(contentsOf: UnsafeBufferPointer(start: pass.hiddenPointer(layer: l), count: h))
        }
        return LiveSessionState(items: items.map { Int32($0) }, hidden: hidden)
    }

    /// Continues from a saved ``state`` of a session of the same model.
    public func restore(_ state: LiveSessionState) {
        let layers = model.layers
        precondition(state.hidden.count == layers.reduce(0, +), "state of a different model")
        pass.reset()
        var offset = 0
        state.hidden.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            for (l, h) in layers.enumerated() {
                pass.hiddenPointer(layer: l).update(from: base + offset, count: h)
                offset += h
            }
        }
        items = state.items.map { Int($0) }
        scoresValid = false
    }

    /// Current hidden state of layer `l`.
    public func hidden(layer l: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: pass.hiddenPointer(layer: l), count: model.layers[l]))
    }

    /// Scores of all items after the session so far.
    public func scores() -> [Float] {
        computeScores()
        return scoreBuffer
    }

    private func computeScores() {
        guard !scoresValid else { return }
        scoreBuffer.withUnsafeMutableBufferPointer { if let p = $0.baseAddress { pass.scoreAll(rows: 1, into: p) } }
        scoresValid = true
    }

    /// The top-k items after the session so far, best first (ties: lower index first).
    public func topK(_ k: Int, excluding: Set<Int> = []) -> [(item: Int, score: Float)] {
        if !scoresValid, let scorer,
           let top = scorer.topK(hidden: pass.hiddenPointer(layer: model.layers.count - 1), k: k, excluding: excluding,
                                parallelism: pass.parallelism) {
            return top
        }
        computeScores()
        let parallelism = pass.parallelism
        return scoreBuffer.withUnsafeBufferPointer { s in
            s.baseAddress.map { topKParallel($0, count: s.count, k: k, excluded: excluding, parallelism: parallelism) } ?? []
        }
    }

    /// Rank of `item` among all items under the current scores.
    public func rank(of item: Int, mode: TieMode = .standard) -> Double {
        computeScores()
        return scoreBuffer.withUnsafeBufferPointer { s in s.baseAddress.map { rankOfTarget($0, count: s.count, target: item, mode: mode) } ?? 1 }
    }
}

extension LiveSession {
    /// The per-step trace of every layer for a whole session (hidden state and
    /// gates after each click), from a zero state; the session is left at its end.
    public func replay(_ session: [Int]) -> [LiveStep] {
        reset()
        return session.map { feed($0) }
    }
}
