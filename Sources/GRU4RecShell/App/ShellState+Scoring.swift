import GRU4Rec

/// A replayed position whose rank waits for a deferred full pass: the rank
/// before step `step` of trace generation `generation`.
struct PendingRank: Equatable, Sendable {
    var generation: Int
    var step: Int
    var key: ReplayKey
}

/// A click's message waiting for the rank before the click (see `ShellState.informOfClick`).
struct NoticeAwaitingRank: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        /// "added <label>: ranked #r before the click".
        case click(item: Int, label: String)
        /// "step <position>: <name> was ranked #r".
        case replayStep(position: Int, name: String)
    }
    var kind: Kind
    var serial: Int
    var generation: Int
    var step: Int
}

/// Deferred scoring at large catalogs. Called only from `Shell.update`.
///
/// A click's full pass (every item's score: 400 MB of output weights at a
/// million items x 100 units, 10-15 ms on this machine) is what the
/// probabilities (softmax over every score), the rank of any item (tracked
/// items, the replay's next item, the compared model's view) and the rank
/// before the next click need. From `deferredScoringItems` items on, a click
/// does only its GRU step and the exact top-k (screened by the 4-bit copy of
/// the output weights, `ScreenedScorer`, built once per model by a
/// `.buildScreening` effect); the rank before the click is a count over the
/// scores of the click before when those are here. The full pass leaves as a
/// `.score` effect; until its answer (`.scored`) arrives, the figures that
/// need it show a pending mark (`…`), never a number of an older click. The
/// answers are applied in click order; one for an older session (a new model,
/// an edit) is dropped. The terminal loop runs the effects off the UI thread;
/// scripted mode, `ShellDriver` and tests run them in place, so their frames
/// are those of the in-place path. Once complete, every figure is the
/// in-place path's, bit for bit (the same kernels on the same state).
extension ShellState {
    /// The catalog size from which clicks defer their full pass: 200,000
    /// items. At 100,000 x 100 the full pass is ~1 ms (its 40 MB of weights
    /// stream at 30-40 GB/s) and in place is simpler; at 1,000,000 it is
    /// 7-16 ms, most of a frame.
    public static let defaultDeferredScoringItems = 200_000

    /// Whether clicks on the shown model defer their full pass.
    var defersScoring: Bool {
        guard let model = loaded?.model else { return false }
        return model.itemCount >= deferredScoringItems
    }

    /// After every message: the screening copy for a large model (once per
    /// model), then the full passes asked for since the last message, in order.
    mutating func takeScoringEffects() -> [ShellEffect] {
        var effects: [ShellEffect] = []
        if defersScoring, let model = loaded?.model, screeningRequested !== model {
            screeningRequested = model
            effects.append(.buildScreening(ScreeningRequest(model: model, parallelism: parallelism)))
        }
        effects += scoringRequests.map { .score($0) }
        scoringRequests = []
        return effects
    }

    /// The answer to a `.buildScreening` effect: later clicks take their
    /// top-k from the copy (the same list and scores, an eighth of the reading).
    mutating func screeningBuilt(_ request: ScreeningRequest, _ scorer: ScreenedScorer?) {
        guard let scorer, request.model === loaded?.model, var engine else { return }
        self.engine = nil
        engine.scorer = scorer
        self.engine = engine
    }

    /// The answer to a `.score` effect: applied when it is the next pass of
    /// the live session, dropped when it belongs to an older one.
    mutating func scored(_ result: ScoredClicks) {
        guard result.generation == trace.generation, result.clicks == trace.scoredClicks + 1,
              result.clicks <= trace.steps.count else { return }
        trace.complete(clicks: result.clicks, scores: result.scores, logSumExp: result.logSumExp)
        resolvePendingRanks()
        if let waiting = noticeAwaitingRank, waiting.generation == trace.generation, !trace.isRankPending(step: waiting.step) {
            noticeAwaitingRank = nil
            // Only while the click's message is still the one shown.
            if notice?.serial == waiting.serial { informOfClick(waiting.kind) }
        }
        // The suggestions change when their probabilities arrive (the last
        // pass) or their movement can be marked (the pass before it).
        if trace.scoredClicks >= trace.steps.count - 1 {
            refreshSuggestions()
        } else {
            refreshExplanation()
        }
    }

    /// The message after the last click: its rank before the click, or,
    /// while that waits for a deferred full pass, that it is being computed
    /// (the message is completed when the rank arrives).
    mutating func informOfClick(_ kind: NoticeAwaitingRank.Kind) {
        let step = trace.steps.count - 1
        let rank = trace.steps.last?.rankBefore
        let pending = trace.isRankPending(step: step)
        switch kind {
        case .click(_, let label):
            var text = "added \(label)"
            if let rank {
                text += ": ranked #\(Int(rank)) before the click" + (rank <= Double(topK) ? " (in the top \(topK))" : "")
            } else if pending {
                text += " (its rank before the click is being computed)"
            }
            inform(text)
        case .replayStep(let position, let name):
            if let rank {
                inform("step \(position): \(name) was ranked #\(Int(rank))" + (rank <= Double(topK) ? " (hit)" : ""))
            } else if pending {
                inform("step \(position): \(name) (its rank is being computed)")
            } else {
                inform("step \(position): \(name) (the first event: nothing to predict)")
            }
        }
        noticeAwaitingRank = pending ? NoticeAwaitingRank(kind: kind, serial: noticeSerial, generation: trace.generation, step: step) : nil
    }

    /// Copies ranks that arrived into the replay's record.
    private mutating func resolvePendingRanks() {
        guard !replay.pendingRanks.isEmpty else { return }
        replay.pendingRanks.removeAll { pending in
            guard pending.generation == trace.generation else { return true }
            guard pending.step < trace.steps.count, let rank = trace.steps[pending.step].rankBefore else { return false }
            replay.ranks[pending.key] = rank
            return true
        }
    }
}
