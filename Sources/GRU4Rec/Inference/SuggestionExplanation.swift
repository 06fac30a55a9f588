import Foundation

/// What one click of a session does for a suggested item: the item's score
/// and rank had that click not happened (the session recomputed without it).
public struct ClickInfluence: Equatable, Sendable {
    /// The click's position in the session (0-based).
    public var position: Int
    /// The clicked item (catalog index).
    public var item: Int
    /// The suggestion's score and rank (standard ties: 1 + items scored higher)
    /// after the session without this click.
    public var scoreWithout: Float
    public var rankWithout: Int
    /// How much the click raised the suggestion's score: score - scoreWithout
    /// (negative when the click pushed it down).
    public var influence: Float
}

/// Why the model suggests `item` after a session, as the model computes it.
public struct SuggestionExplanation: Equatable, Sendable {
    public var item: Int
    /// The score, split as the model computes it: `bias + dot` (equal up to
    /// float rounding), where `dot` is the top layer's hidden state · `Wy[item]`
    /// and `bias` is `By[item]`.
    public var score: Float
    public var bias: Float
    public var dot: Float
    /// The softmax probability of the item over the whole catalog.
    public var probability: Double
    /// The item's rank after the whole session (standard ties).
    public var rank: Int
    /// One entry per click, in click order.
    public var influences: [ClickInfluence]

    /// The clicks ordered by how much their removal moves the item: largest
    /// |influence| first (ties: the earlier click first).
    public var byInfluence: [ClickInfluence] {
        influences.sorted { abs($0.influence) > abs($1.influence) || (abs($0.influence) == abs($1.influence) && $0.position < $1.position) }
    }
}

extension SuggestionExplanation {
    /// Explains `item` after `session` (catalog indices, in click order; hidden
    /// state starting at zero like every session).
    ///
    /// Leave-one-click-out: every click's removal is one row of a batched
    /// forward pass (all rows are one click shorter than the session, so they
    /// step together), and the rows' scores over all items come from one
    /// matrix product, which reads the output matrix once. A session of n
    /// clicks costs n·(n-1) GRU row-steps and n+1 score rows, split over `parallelism`.
    public init(model: GRU4RecModel, session: [Int], item: Int, parallelism: Parallelism) {
        precondition(item >= 0 && item < model.itemCount, "item index out of range")
        let n = model.itemCount
        let width = model.outputSize

        // The whole session: score split, probability and rank.
        let full = ForwardPass(model: model, maxRows: 1, parallelism: parallelism)
        guard let wy = full.params.outputWeights, let by = full.params.outputBias else {
            preconditionFailure("a GRU4Rec model always has Wy and By")
        }
        full.reset()
        for clicked in session {
            var x = Int32(clicked)
            full.step(items: &x, rows: 1)
        }
        var scores = [Float](repeating: 0, count: n)
        scores.withUnsafeMutableBufferPointer { if let p = $0.baseAddress { full.scoreAll(rows: 1, into: p) } }
        let h = full.hiddenPointer(layer: model.layers.count - 1)
        var dot: Float = 0
        for k in 0..<width { dot += h[k] * wy[item * width + k] }
        let score = scores[item]
        var maxScore = -Float.infinity
        for s in scores { maxScore = max(maxScore, s) }
        var sum = 0.0
        for s in scores { sum += exp(Double(s - maxScore)) }
        let rank = scores.withUnsafeBufferPointer { $0.baseAddress.map { Int(rankOfTarget($0, count: n, target: item, mode: .standard)) } ?? 1 }

        // Leave one click out: row j is the session without click j.
        var influences: [ClickInfluence] = []
        let rows = session.count
        if rows > 0 {
            let pass = ForwardPass(model: model, maxRows: rows, parallelism: parallelism)
            pass.reset()
            var column = [Int32](repeating: 0, count: rows)
            for t in 0..<(rows - 1) {
                for j in 0..<rows { column[j] = Int32(session[t < j ? t : t + 1]) }
                column.withUnsafeBufferPointer { if let items = $0.baseAddress { pass.step(items: items, rows: rows) } }
            }
            var without = [Float](repeating: 0, count: rows * n)
            without.withUnsafeMutableBufferPointer { buffer in
                guard let out = buffer.baseAddress else { return }
                // (A one-click session leaves the empty session: a zero state, scores = biases.)
                pass.scoreAll(rows: rows, into: out)
                for j in 0..<rows {
                    let row = UnsafePointer(out + j * n)
                    let s = row[item]
                    influences.append(ClickInfluence(
                        position: j, item: session[j], scoreWithout: s,
                        rankWithout: Int(rankOfTarget(row, count: n, target: item, mode: .standard)),
                        influence: score - s))
                }
            }
        }
        self.init(item: item, score: score, bias: by[item], dot: dot,
                  probability: exp(Double(score - maxScore)) / sum, rank: rank, influences: influences)
    }
}
