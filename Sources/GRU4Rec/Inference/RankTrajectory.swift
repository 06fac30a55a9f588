/// The rank of chosen items after every click of a session: how the model's
/// opinion of them moved click by click ("why not X?").
public enum RankTrajectory {
    /// `ranks[t][j]`: the rank (standard ties: 1 + items scored strictly
    /// higher) of `items[t]` after the first `j + 1` clicks of `session`
    /// (catalog indices; hidden state starting at zero like every session).
    /// One forward step and one scoring pass per click, whatever the number
    /// of items, split over `parallelism`.
    public static func ranks(model: GRU4RecModel, session: [Int], items: [Int], parallelism: Parallelism) -> [[Int]] {
        precondition(items.allSatisfy { $0 >= 0 && $0 < model.itemCount }, "item index out of range")
        var out = [[Int]](repeating: [], count: items.count)
        guard !session.isEmpty, !items.isEmpty else { return out }
        let n = model.itemCount
        let pass = ForwardPass(model: model, maxRows: 1, parallelism: parallelism)
        pass.reset()
        var scores = [Float](repeating: 0, count: n)
        for clicked in session {
            var x = Int32(clicked)
            pass.step(items: &x, rows: 1)
            scores.withUnsafeMutableBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                pass.scoreAll(rows: 1, into: p)
                for (t, item) in items.enumerated() {
                    out[t].append(Int(rankOfTarget(UnsafePointer(p), count: n, target: item, mode: .standard)))
                }
            }
        }
        return out
    }
}
