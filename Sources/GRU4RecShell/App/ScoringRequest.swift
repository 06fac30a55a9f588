import GRU4Rec

/// What a `.score` effect computes: the full pass after the first `clicks`
/// clicks of the live session of trace generation `generation`, every item's
/// score and their log-sum-exp, for `SessionTrace.complete`.
///
/// At large catalogs (`ShellState.deferredScoringItems`) a click draws its
/// frame from the screened exact top-k and leaves this pass (400 MB of output
/// weights at a million items) to the terminal loop, which runs it off the UI
/// thread, in click order; scripted mode and `ShellDriver` run it in place.
/// It is the same computation as the in-place click's (`LiveSession.scores`,
/// `SessionTrace.logSumExp`), from the session's saved state, on one thread
/// (`Parallelism.serial`): it runs beside the UI thread, whose clicks keep the
/// shell's two-thread pool, and the scores are bit-identical whatever the split.
public struct ScoringRequest: Equatable, @unchecked Sendable {
    /// The trace generation (`SessionTrace.generation`) the pass belongs to.
    public var generation: Int
    /// How many clicks of that session the pass has seen (1-based).
    public var clicks: Int
    public var model: GRU4RecModel
    /// The live session after those clicks.
    public var state: LiveSessionState

    public static func == (a: ScoringRequest, b: ScoringRequest) -> Bool {
        a.generation == b.generation && a.clicks == b.clicks && a.model === b.model && a.state == b.state
    }

    /// Every item's score after the session and their log-sum-exp.
    public func compute() -> ScoredClicks {
        let live = LiveSession(model: model, parallelism: .serial)
        live.restore(state)
        let scores = live.scores()
        return ScoredClicks(generation: generation, clicks: clicks, scores: scores, logSumExp: SessionTrace.logSumExp(scores))
    }
}

/// The answer to a `ScoringRequest` (message `.scored`).
public struct ScoredClicks: Sendable {
    public var generation: Int
    public var clicks: Int
    public var scores: [Float]
    public var logSumExp: Double
}
