import GRU4Rec

/// `track`: an item's rank after every click of the live (or replayed)
/// session. Called only from `Shell.update`.
extension ShellState {
    mutating func trackCommand(_ query: ItemQuery?) {
        guard let d = directory else {
            fail(CommandTable.noModel)
            return
        }
        guard let query else {
            explainState.tracked = []
            explainState.trackedRanks = []
            explainState.trackedSession = []
            inform("no items tracked")
            return
        }
        guard let item = resolveItem(query) else { return }
        if explainState.tracked.contains(item) {
            fail("\(d.label(item)) is tracked already", hint: "track off clears the tracked items")
            return
        }
        guard explainState.tracked.count < ExplainState.trackLimit else {
            fail("already tracking \(ExplainState.trackLimit) items", hint: "track off clears them")
            return
        }
        explainState.tracked.append(item)
        recomputeTracking()
        let ranks = explainState.trackedRanks.last ?? []
        var text = "tracking \(d.label(item))"
        if let now = ranks.last { text += ": #\(now) now" }
        let crossings = Self.topKCrossings(ranks, k: topK)
        if !crossings.isEmpty { text += "; " + crossings.joined(separator: ", ") }
        else if !ranks.isEmpty { text += "; \(ranks.allSatisfy { $0 <= topK } ? "in" : "never in") the top \(topK) in this session" }
        inform(text)
    }

    /// Where ranks enter and leave the top `k`: "entered the top 10 at click 3", ….
    static func topKCrossings(_ ranks: [Int], k: Int) -> [String] {
        var out: [String] = []
        var inside = false
        for (j, rank) in ranks.enumerated() {
            let now = rank <= k
            if now != inside {
                out.append("\(now ? "entered" : "left") the top \(k) at click \(j + 1)")
                inside = now
            }
        }
        return out
    }

    /// Keeps the tracked ranks in step with the session: one click more
    /// costs nothing (the ranks come from the scores already computed), any
    /// other change recomputes them (`RankTrajectory`). While full passes
    /// are deferred (`ShellState+Scoring.swift`) the ranks follow the clicks
    /// scored so far, one pass at a time, and the rest show as pending.
    mutating func refreshTracking() {
        guard !explainState.tracked.isEmpty else { return }
        let items = Array(trace.items.prefix(trace.scoredClicks))
        guard explainState.trackedSession != items else { return }
        if items.count == explainState.trackedSession.count + 1, Array(items.dropLast()) == explainState.trackedSession {
            for (t, item) in explainState.tracked.enumerated() {
                explainState.trackedRanks[t].append(Int(SessionTrace.rank(of: item, in: trace.scores) ?? 0))
            }
            explainState.trackedSession = items
        } else if trace.isComplete {
            recomputeTracking()
        }
    }

    private mutating func recomputeTracking() {
        guard let model = loaded?.model else { return }
        explainState.trackedRanks = RankTrajectory.ranks(model: model, session: trace.items, items: explainState.tracked,
                                                                 parallelism: parallelism)
        explainState.trackedSession = trace.items
    }
}
