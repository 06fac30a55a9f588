import Foundation
import GRU4Rec

/// `replay all`, the ranked session list (`replay worst`, `replay filter`,
/// `replay sort`), `metrics reset` and the Analysis view's evaluation.
/// Called only from `Shell.update`.
extension ShellState {
    /// Starts evaluating the loaded model over its sessions file at the
    /// current K (replacing a running evaluation), or fails with a hint.
    private mutating func startEvaluation(reportsFigures: Bool) -> [ShellEffect] {
        guard let model = loaded?.model else {
            fail(CommandTable.noModel)
            return []
        }
        guard let data = sessions, data.sessionCount > 0 else {
            fail("no sessions file loaded", hint: "start the shell with --sessions FILE, or load one with: sessions <file>")
            return []
        }
        batch.lastID += 1
        batch.runningID = batch.lastID
        batch.runningCutoff = topK
        batch.reportsFigures = reportsFigures
        batch.progress = (0, data.transitionCount)
        let b = compared.map { (model: $0.loaded.model, path: $0.loaded.path, shared: $0.shared) }
        return [.evaluate(EvaluationRequest(id: batch.lastID, model: model, sessions: data, cutoff: topK,
                                            reportsFigures: reportsFigures, compared: b, parallelism: parallelism))]
    }

    /// `replay all`: every session of the sessions file through the evaluator.
    mutating func replayAll() -> [ShellEffect] {
        let effects = startEvaluation(reportsFigures: true)
        guard !effects.isEmpty, let data = sessions else { return effects }
        showView(.replay)
        inform("evaluating \(plural(data.sessionCount, "session")) at K=\(topK)…")
        return stopPlaying() + effects
    }

    /// The Analysis view needs an evaluation at the current K: starts one
    /// when it is shown and there is none (nor one running). Quiet when
    /// there is no model or no sessions file (the view says so).
    mutating func analysisIfShown() -> [ShellEffect] {
        guard view == .analysis, batch.runningID == nil, loaded != nil, let data = sessions, data.sessionCount > 0 else { return [] }
        // Up to date: the same K, and the compared model (or none) it was computed with.
        if let result = batch.result, result.cutoff == topK, result.comparison?.path == compared?.loaded.path { return [] }
        return startEvaluation(reportsFigures: false)
    }

    mutating func evaluationProgress(id: Int, done: Int, total: Int) {
        guard id == batch.runningID else { return }
        batch.progress = (done, total)
    }

    mutating func evaluated(id: Int, _ result: BatchEvaluation) {
        guard id == batch.runningID else { return }
        let reports = batch.reportsFigures
        batch.runningID = nil
        batch.progress = nil
        batch.result = result
        batch.opened = []
        worstList = ScrollList(count: batch.ranked.count, visibleRows: worstList.visibleRows)
        if reports {
            inform("replay all: \(result.figures) over \(plural(result.events, "event")) in \(plural(result.sessions, "session"))"
                   + "; replay worst opens the worst")
        } else {
            inform("analysis: \(result.figures) over \(plural(result.events, "event"))")
        }
    }

    /// `replay worst`: the worst session of the ranked list not opened yet.
    mutating func replayWorst() -> [ShellEffect] {
        guard directory != nil else {
            fail(CommandTable.noModel)
            return []
        }
        guard batch.result != nil else {
            fail("no sessions ranked yet", hint: batch.runningID == nil ? "replay all evaluates and ranks every session" : "replay all is still running")
            return []
        }
        let ranked = batch.ranked
        guard let index = ranked.firstIndex(where: { !batch.opened.contains($0.session) }) else {
            fail(ranked.isEmpty ? "no session passes the filter" : "every listed session was opened",
                 hint: ranked.isEmpty ? "replay filter off shows all" : "metrics reset starts the list afresh")
            return []
        }
        return openRanked(index)
    }

    /// Opens entry `index` of the ranked list for replay.
    mutating func openRanked(_ index: Int) -> [ShellEffect] {
        let ranked = batch.ranked
        guard index >= 0, index < ranked.count, let data = sessions else { return [] }
        let score = ranked[index]
        batch.opened.insert(score.session)
        let effects = startReplay(.session(data.sessionIDs[score.session]))
        worstList.select(index)
        focus = .replay
        inform("replaying session \(data.sessionIDs[score.session]), #\(index + 1) worst: "
               + String(format: "MRR@%d %.4f", batch.result?.cutoff ?? topK, score.mrr)
               + " over \(plural(score.events, "event")); → steps")
        return effects
    }

    mutating func setReplayFilter(_ filter: SessionFilter?) {
        batch.filter = filter
        worstList = ScrollList(count: batch.ranked.count, visibleRows: worstList.visibleRows)
        showView(.replay)
        guard let filter else {
            inform("replay filter off: all sessions listed")
            return
        }
        inform(batch.result == nil
               ? "filter \(filter) set; replay all ranks the sessions"
               : "\(plural(batch.ranked.count, "session")) of \(grouped(batch.result?.scores.count ?? 0)) pass \(filter)")
    }

    mutating func setReplaySort(step: Int?) {
        if let step, step < 1 {
            fail("replay sort step needs a step from 1", hint: "step 1 predicts the second event")
            return
        }
        batch.sortStep = step
        worstList = ScrollList(count: batch.ranked.count, visibleRows: worstList.visibleRows)
        showView(.replay)
        inform(step.map { "sessions ranked by the rank of step \($0)'s target, worst first" } ?? "sessions ranked by MRR, worst first")
    }

    /// `metrics reset`: the running replay figures (and the opened marks) start afresh.
    mutating func metricsReset() {
        let cleared = replay.ranks.count
        replay.ranks = [:]
        replay.pendingRanks = []
        replay.ranksB = [:]
        batch.opened = []
        inform("running figures reset (\(plural(cleared, "prediction")) cleared)")
    }
}
