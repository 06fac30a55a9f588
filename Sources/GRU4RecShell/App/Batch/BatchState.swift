/// The shell's batch evaluation (`replay all`, the Analysis view) and the
/// Replay view's list of sessions ranked worst first.
public struct BatchState: Equatable, Sendable {
    /// The request running, if any: its id, K and whether it reports figures when done.
    public internal(set) var runningID: Int?
    var runningCutoff = 0
    var reportsFigures = false
    /// Progress of the running request: events done and in all.
    public internal(set) var progress: (done: Int, total: Int)?
    /// The last finished evaluation of the loaded model over its sessions file.
    public internal(set) var result: BatchEvaluation?
    /// The last request's id (each new request takes the next).
    var lastID = 0
    /// Sessions opened from the ranked list (`replay worst` skips them).
    public internal(set) var opened: Set<Int> = []
    /// The `replay filter` condition, if any.
    public internal(set) var filter: SessionFilter?
    /// `nil`: rank by the session's MRR@K; `n`: by the rank of step `n`'s target (worst: highest).
    public internal(set) var sortStep: Int?

    public static func == (a: BatchState, b: BatchState) -> Bool {
        a.runningID == b.runningID && a.progress?.done == b.progress?.done && a.progress?.total == b.progress?.total
            && a.result == b.result && a.lastID == b.lastID && a.opened == b.opened && a.filter == b.filter
            && a.sortStep == b.sortStep
    }

    /// The sessions of `result` that pass the filter, worst first (ties: file order).
    public var ranked: [SessionScore] {
        guard let result else { return [] }
        let kept = result.scores.filter { filter?.admits($0) ?? true }
        if let step = sortStep {
            return kept.filter { $0.ranks.count >= step }.sorted {
                let (a, b) = ($0.ranks[step - 1], $1.ranks[step - 1])
                return a != b ? a > b : $0.session < $1.session
            }
        }
        return kept.sorted { $0.mrr != $1.mrr ? $0.mrr < $1.mrr : $0.session < $1.session }
    }
}
