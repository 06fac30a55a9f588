/// Anything the evaluator can rank items with, session-parallel: GRU4Rec and the baselines.
public protocol SessionScorer: AnyObject {
    var itemCount: Int { get }
    /// Training support per item (for the popularity metric).
    var itemSupport: [Int] { get }
    /// Starts a new evaluation with up to `maxRows` parallel sessions.
    func reset(maxRows: Int)
    /// Consumes one batch step's input items (resets and compaction as in `step`).
    func advance(_ step: BatchStep)
    /// Scores of all items for each of `rows` rows into `out` (rows x itemCount).
    func score(rows: Int, into out: UnsafeMutablePointer<Float>)
}

/// GRU4Rec through the forward pass (no dropout).
public final class GRU4RecScorer: SessionScorer {
    public let model: GRU4RecModel
    private var pass: ForwardPass?
    /// The threads of the forward pass and the scores.
    public let parallelism: Parallelism
    public init(model: GRU4RecModel, parallelism: Parallelism) {
        self.model = model
        self.parallelism = parallelism
    }
    public var itemCount: Int { model.itemCount }
    public var itemSupport: [Int] { model.itemSupport }
    public func reset(maxRows: Int) {
        let p = ForwardPass(model: model, maxRows: maxRows, parallelism: parallelism)
        p.reset()
        pass = p
    }
    public func advance(_ step: BatchStep) {
        guard let pass else { return }
        pass.prepare(step)
        step.input.withUnsafeBufferPointer { if let items = $0.baseAddress { pass.step(items: items, rows: step.rows) } }
    }
    public func score(rows: Int, into out: UnsafeMutablePointer<Float>) { pass?.scoreAll(rows: rows, into: out) }
}

/// Most-popular baseline: every session gets the items ranked by training support.
public final class PopularityScorer: SessionScorer {
    public let itemSupport: [Int]
    private let scores: [Float]
    public init(itemSupport: [Int]) {
        self.itemSupport = itemSupport
        scores = itemSupport.map { Float($0) }
    }
    public var itemCount: Int { itemSupport.count }
    public func reset(maxRows: Int) {}
    public func advance(_ step: BatchStep) {}
    public func score(rows: Int, into out: UnsafeMutablePointer<Float>) {
        scores.withUnsafeBufferPointer { s in
            guard let src = s.baseAddress else { return }
            for r in 0..<rows { (out + r * s.count).update(from: src, count: s.count) }
        }
    }
}

/// Item-kNN by session co-occurrence (the classic session-based baseline):
/// the next item is scored by its cosine similarity to the session's current item,
///
///     sim(i, j) = |S_i ∩ S_j| / sqrt(|S_i| · |S_j|)
///
/// over the sets S of training sessions containing each item, keeping the
/// `neighbours` most similar items per item. Items with no co-occurrence get a
/// tiny popularity score so they are ranked by support behind the neighbours.
public final class ItemKNNScorer: SessionScorer {
    public let itemSupport: [Int]
    private var neighbours: [[(item: Int32, sim: Float)]]
    private var current: [Int32] = []
    private let base: [Float]

    public init(training data: SessionData, itemCount n: Int, neighbours k: Int = 100) {
        itemSupport = data.itemSupport(itemCount: n)
        var sessionsWith = [Int](repeating: 0, count: n)
        var cooc = [[Int32: Int]](repeating: [:], count: n)
        for s in 0..<data.sessionCount {
            let distinct = Array(Set(data.sessionItems(s)))
            for i in distinct { sessionsWith[Int(i)] += 1 }
            if distinct.count > 200 { continue }  // very long sessions add noise and quadratic cost
            for a in distinct { for b in distinct where a != b { cooc[Int(a)][b, default: 0] += 1 } }
        }
        var lists: [[(item: Int32, sim: Float)]] = []
        lists.reserveCapacity(n)
        for i in 0..<n {
            var list: [(item: Int32, sim: Float)] = []
            for (j, count) in cooc[i] {
                let denominator = (Double(sessionsWith[i]) * Double(sessionsWith[Int(j)])).squareRoot()
                list.append((item: j, sim: Float(Double(count) / denominator)))
            }
            list.sort { a, b in a.sim > b.sim || (a.sim == b.sim && a.item < b.item) }
            lists.append(Array(list.prefix(k)))
        }
        neighbours = lists
        let maxSupport = Float(max(itemSupport.max() ?? 1, 1))
        base = itemSupport.map { 1e-6 * Float($0) / maxSupport }
    }

    public var itemCount: Int { itemSupport.count }
    public func reset(maxRows: Int) { current = [] }
    public func advance(_ step: BatchStep) { current = step.input }
    public func score(rows: Int, into out: UnsafeMutablePointer<Float>) {
        let n = itemCount
        base.withUnsafeBufferPointer { b in
            guard let src = b.baseAddress else { return }
            for r in 0..<rows {
                let row = out + r * n
                row.update(from: src, count: n)
                for (j, s) in neighbours[Int(current[r])] { row[Int(j)] += s }
            }
        }
    }
}
