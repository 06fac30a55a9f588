import Foundation
import GRU4Rec

/// Changes to the model, the live session and what is derived from them.
/// Called only from `Shell.update`.
extension ShellState {
    /// Shows `model`: a new catalog, an empty session, layer 1, no replay.
    mutating func install(_ model: LoadedModel) {
        loaded = model
        directory = ItemDirectory(model)
        engine = SessionEngine(model: model.model, parallelism: parallelism)
        trace = SessionTrace(after: trace)
        scoringRequests = []
        redoSessions = []
        movementBaseline = nil
        layer = 0
        inspection.unit = nil
        inspection.clicksBack = 0
        replay = ReplayState(speedMilliseconds: replay.speedMilliseconds)
        sessions = nil
        clearExplanation()
        batch = BatchState(lastID: batch.lastID)
        // The compared model, matched to the new catalog (dropped when they share no item).
        compared = compared.flatMap { try? ComparedModel($0.loaded, against: model.model.catalog, parallelism: parallelism) }
        // A new catalog: the cursor starts at its top (the old selection's index means another item).
        catalogList = ScrollList(count: 0, visibleRows: catalogList.visibleRows)
        refreshCatalog()
        refreshSuggestions()
    }

    /// Adds one click: one GRU step, one scoring pass and a top-k; at large
    /// catalogs the scoring pass is deferred (`ShellState+Scoring.swift`)
    /// and the top-k is the screened one.
    mutating func click(_ item: Int) {
        guard var engine else { return }
        self.engine = nil  // keep the engine uniquely owned while it changes
        if let request = engine.click(item, into: &trace, deferred: defersScoring) { scoringRequests.append(request) }
        self.engine = engine
        redoSessions = []
        movementBaseline = nil
        refreshSuggestions()
        sessionList.resize(count: trace.steps.count, visibleRows: sessionList.visibleRows)
        sessionList.end()
    }

    /// Replaces the session by `items`, re-feeding from an empty state.
    ///
    /// - Parameter onScreen: the suggestions to mark movement against (an
    ///   edit shows what it changed); `nil` marks it against the new
    ///   session's previous step, as after a click.
    mutating func refeed(_ items: [Int], movementAgainst onScreen: [Suggestion]? = nil) {
        guard var engine else { return }
        self.engine = nil
        scoringRequests = engine.replace(with: items, trace: &trace, deferred: defersScoring)
        self.engine = engine
        redoSessions = []
        movementBaseline = onScreen.map { Dictionary($0.enumerated().map { ($1.item, $0) }, uniquingKeysWith: min) }
        refreshSuggestions()
    }

    /// An edit of the session (`undo`, `remove`, `redo`): the session
    /// becomes `items`, suggestions are marked against what was on screen,
    /// and the session before the edit can be brought back with `redo`.
    mutating func edit(to items: [Int]) {
        let before = trace.items
        let stack = redoSessions
        refeed(items, movementAgainst: suggestions)
        redoSessions = stack + [before]
    }

    /// Recomputes the top-k (and each one's movement) from the stored
    /// scores; while the last click's full pass is pending, the top-k comes
    /// from the live session (screened, exact) and the probabilities wait.
    mutating func refreshSuggestions() {
        defer { refreshExplanation() }
        guard !trace.steps.isEmpty, let engine else {
            suggestions = []
            return
        }
        let items = trace.items
        let excluded = excludeSessionItems ? Set(items) : []
        let complete = trace.isComplete
        let top = complete ? SessionTrace.top(topK, of: trace.scores, excluding: excluded) : engine.topK(topK, excluding: excluded)
        // The top-k before the last click: from the scores before it, which a
        // pending click finds in `scores` once every earlier pass has arrived.
        let before: [Float]? = complete ? (trace.previousScores.isEmpty ? nil : trace.previousScores)
            : (trace.scoredClicks == items.count - 1 && items.count > 1 ? trace.scores : nil)
        var previousPlace: [Int: Int] = movementBaseline ?? [:]
        if movementBaseline == nil, let before {
            let excludedBefore = excludeSessionItems ? Set(items.dropLast()) : []
            for (place, entry) in SessionTrace.top(topK, of: before, excluding: excludedBefore).enumerated() {
                previousPlace[entry.item] = place
            }
        }
        let movementKnown = movementBaseline != nil || before != nil || items.count == 1
        suggestions = top.enumerated().map { place, entry in
            let movement: Suggestion.Movement
            if !movementKnown {
                movement = .pending
            } else if let old = previousPlace[entry.item] {
                movement = old == place ? .same : (old > place ? .up(old - place) : .down(place - old))
            } else {
                movement = .new
            }
            return Suggestion(
                item: entry.item, score: entry.score,
                probability: complete ? exp(Double(entry.score) - trace.logSumExp) : nil, movement: movement)
        }
    }

    /// Re-filters the catalog, keeping the selected item selected when it is still listed.
    mutating func refreshCatalog() {
        let selected = selectedCatalogItem
        catalogRows = directory?.filter(catalogFilter) ?? []
        var list = ScrollList(count: catalogRows.count, visibleRows: catalogList.visibleRows)
        if let selected, let row = catalogRows.firstIndex(of: selected) { list.select(row) }
        catalogList = list
    }

    /// Sizes every list to the current layout (counts and visible rows).
    mutating func syncLists() {
        let layout = ShellLayout(width: width, height: height, view: view, topK: topK)
        catalogList = catalogList.fitted(count: catalogRows.count, visibleRows: layout.listRows(of: .catalog))
        sessionList = sessionList.fitted(count: trace.steps.count, visibleRows: layout.listRows(of: .session))
        suggestionList = suggestionList.fitted(count: suggestions.count, visibleRows: layout.listRows(of: .suggestions))
        replayList = replayList.fitted(count: replayItems?.count ?? 0, visibleRows: layout.listRows(of: .replay))
        explainState.similarList = explainState.similarList.fitted(count: explainState.similar.count, visibleRows: layout.listRows(of: .similar))
        worstList = worstList.fitted(count: batch.ranked.count, visibleRows: layout.listRows(of: .worst))
        if !layout.focusable.isEmpty, !layout.focusable.contains(focus) { focus = layout.focusable[0] }
        layer = min(layer, max(0, (loaded?.model.layers.count ?? 1) - 1))
    }

    // MARK: Messages

    /// Shows information in the message line.
    mutating func inform(_ text: String) {
        noticeSerial += 1
        notice = Notice(kind: .info, text: text, hint: nil, serial: noticeSerial)
    }

    /// Shows an error (and its hint) in the message line.
    mutating func fail(_ failure: ShellFailure) {
        noticeSerial += 1
        notice = Notice(kind: .error, text: failure.message, hint: failure.hint, serial: noticeSerial)
    }

    mutating func fail(_ text: String, hint: String? = nil) {
        fail(ShellFailure(text, hint: hint))
    }

    // MARK: Effect results

    mutating func modelLoaded(path: String, _ result: Result<LoadedModel, ShellFailure>) -> [ShellEffect] {
        switch result {
        case .failure(let failure):
            fail(failure)
            return []
        case .success(let model):
            var effects: [ShellEffect] = replay.playing ? [.stopTimer] : []
            install(model)
            view = .main
            focus = .catalog
            let text = "loaded \(model.name): \(model.model.itemCount) items, layers \(model.model.layers.map(String.init).joined(separator: "/"))"
            // The new model's own sessions (beside it), never the previous model's.
            sessionsPath = model.sessionsPath
            if let sessionsPath = model.sessionsPath {
                pendingLoadNotice = text
                effects.append(.loadSessions(path: sessionsPath, catalog: model.model.catalog))
            } else {
                inform(text + "; no sessions file beside it (sessions <file> loads one for replay)")
            }
            return effects
        }
    }

    mutating func sessionsLoaded(path: String, _ result: Result<SessionData, ShellFailure>) {
        defer { pendingLoadNotice = nil }
        switch result {
        case .failure(let failure):
            fail(failure)
        case .success(let data):
            sessions = data
            sessionsPath = path
            replay = ReplayState(speedMilliseconds: replay.speedMilliseconds)
            batch = BatchState(lastID: batch.lastID)
            var text = "\(data.sessionCount) sessions from \(path)"
            if data.droppedUnknownItems > 0 { text += " (\(data.droppedUnknownItems) events of unknown items dropped)" }
            // After `load`, the model's confirmation stays: the sessions are added to it.
            inform(pendingLoadNotice.map { $0 + "; " + text } ?? "loaded " + text)
        }
    }
}
