import Foundation
import GRU4Rec

/// Running commands. Called only from `Shell.update` (a typed line, or the
/// keys and clicks that produce commands directly).
extension ShellState {
    /// Parses one command line (`CommandTable`) and runs it. Errors go to
    /// the message line with a hint.
    mutating func run(_ line: String) -> [ShellEffect] {
        switch CommandTable.parse(line, state: self) {
        case nil: return []
        case .failure(let failure)?:
            fail(failure)
            return []
        case .success(let command)?:
            return execute(command)
        }
    }

    /// Carries out one command.
    mutating func execute(_ command: ShellCommand) -> [ShellEffect] {
        switch command {
        case .click(let query): return clickCommand(query)
        case .undo: return undo()
        case .redo: return redo()
        case .remove(let n): return remove(n)
        case .reset: return resetSession()
        case .topK(let k): setTopK(k)
        case .exclude(let on): setExclude(on)
        case .find(let text): find(text)
        case .layer(let n): setLayer(n)
        case .unit(let n): setUnit(n)
        case .scale(let scale): setScale(scale)
        case .trajectory(let quantity): openTrajectory(quantity)
        case .view(let view): showView(view)
        case .replay(let target): return startReplay(target)
        case .step: return step()
        case .back: return back()
        case .play: return play()
        case .pause:
            let effects = stopPlaying()
            inform(effects.isEmpty ? "not playing" : "paused")
            return effects
        case .speed(let ms): return setSpeed(ms)
        case .replayAll: return replayAll()
        case .replayFilter(let filter): setReplayFilter(filter)
        case .replaySort(let step): setReplaySort(step: step)
        case .metricsReset: metricsReset()
        case .compare(let path): return compareCommand(path)
        case .sessions(let path):
            guard let model = loaded?.model else { return failNoModel() }
            return stopPlaying() + [.loadSessions(path: path, catalog: model.catalog)]
        case .load(let path): return [.loadModel(path: path)]
        case .save(let path): return save(path)
        case .help(let topic): help(topic)
        case .timings:
            showTimings.toggle()
            inform(showTimings ? "the status line shows update and draw times (t hides them)" : "update and draw times hidden")
        case .quit:
            quitRequested = true
            return stopPlaying() + [.quit]
        case .explain(let target): return explainCommand(target)
        case .similar(let query): return similarCommand(query)
        case .track(let query): trackCommand(query)
        }
        return []
    }

    /// Fails with "no model loaded" when there is none; returns the directory otherwise.
    private mutating func requireModel() -> ItemDirectory? {
        guard let directory else {
            fail(CommandTable.noModel)
            return nil
        }
        return directory
    }

    private mutating func failNoModel() -> [ShellEffect] {
        fail(CommandTable.noModel)
        return []
    }

    // MARK: Session

    private mutating func clickCommand(_ query: ItemQuery) -> [ShellEffect] {
        guard requireModel() != nil, let item = resolveItem(query) else { return [] }
        return userClick(item)
    }

    /// The catalog index an item query names; `nil` (with the reason in the
    /// message line for typed text) when it names none.
    mutating func resolveItem(_ query: ItemQuery) -> Int? {
        guard let d = directory else { return nil }
        switch query {
        case .index(let item):
            return item >= 0 && item < d.count ? item : nil
        case .text(let text):
            let quoted = CommandTable.shortened(text)
            switch d.resolve(text) {
            case .found(let item):
                return item
            case .ambiguous(let items):
                let shown = items.prefix(3).map { d.names[$0] }.joined(separator: ", ")
                fail("'\(quoted)' matches \(items.count) items: \(shown)\(items.count > 3 ? ", …" : "")",
                     hint: "give the full name or the id; Tab completes; find \(quoted) lists them")
            case .unknown(let suggestion):
                let guess = suggestion.map { "; did you mean '\(d.names[$0])'\(d.names[$0] == d.ids[$0] ? "" : " (\(d.ids[$0]))")?" } ?? ""
                fail("unknown item '\(quoted)'\(guess)", hint: "find <text> filters the catalog by name or id")
            }
            return nil
        }
    }

    /// A click by the user (catalog, suggestion, `click`): leaves any replay.
    mutating func userClick(_ item: Int) -> [ShellEffect] {
        guard let d = directory else { return [] }
        let effects = detachReplay()
        click(item)
        informOfClick(.click(item: item, label: d.label(item)))
        return effects
    }

    private mutating func undo() -> [ShellEffect] {
        guard let d = requireModel() else { return [] }
        guard let last = trace.steps.last else {
            fail("the session is empty", hint: "click an item first")
            return []
        }
        let effects = detachReplay()
        edit(to: Array(trace.items.dropLast()))
        inform("removed click \(trace.steps.count + 1) (\(d.names[last.item])); redo puts it back")
        return effects
    }

    private mutating func remove(_ n: Int) -> [ShellEffect] {
        guard let d = requireModel() else { return [] }
        let count = trace.steps.count
        guard n >= 1, n <= count else {
            fail("no click '\(n)'", hint: CommandTable.removeHint(self))
            return []
        }
        let effects = detachReplay()
        var items = trace.items
        let removed = items.remove(at: n - 1)
        edit(to: items)
        sessionList.resize(count: items.count, visibleRows: sessionList.visibleRows)
        sessionList.select(n - 1)
        inform("removed click \(n) (\(d.names[removed])); the session was recomputed without it")
        return effects
    }

    private mutating func redo() -> [ShellEffect] {
        guard let d = requireModel() else { return [] }
        guard let items = redoSessions.last else {
            fail("nothing to redo", hint: "redo puts back what undo or remove took out")
            return []
        }
        let effects = detachReplay()
        let before = trace.items
        let stack = redoSessions.dropLast()
        edit(to: items)
        redoSessions = Array(stack)
        // The click that came back: the first place where the sessions differ.
        let place = zip(before, items).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? before.count
        if place < items.count {
            sessionList.resize(count: items.count, visibleRows: sessionList.visibleRows)
            sessionList.select(place)
            inform("put back click \(place + 1) (\(d.names[items[place]]))")
        }
        return effects
    }

    private mutating func resetSession() -> [ShellEffect] {
        guard requireModel() != nil else { return [] }
        let effects = detachReplay()
        refeed([])
        inform("the session is empty")
        return effects
    }

    // MARK: Settings

    private mutating func setTopK(_ k: Int) {
        guard k >= 1, k <= CommandTable.topKLimit(self) else {
            fail(CommandTable.topKFailure(self))
            return
        }
        topK = k
        refreshSuggestions()
        inform("showing the top \(k)")
    }

    private mutating func setExclude(_ on: Bool) {
        excludeSessionItems = on
        refreshSuggestions()
        inform("session items are \(excludeSessionItems ? "left out of" : "kept in") the suggestions")
    }

    private mutating func find(_ text: String) {
        guard requireModel() != nil else { return }
        catalogFilter = text
        refreshCatalog()
        catalogList.home()
        showView(.main)
        focus = .catalog
        inform(text.isEmpty ? "showing all items" : "\(catalogRows.count) items match '\(CommandTable.shortened(text))'")
    }

    private mutating func setLayer(_ n: Int) {
        let layers = loaded?.model.layers.count ?? 1
        guard n >= 1, n <= layers else {
            fail(CommandTable.layerFailure(self))
            return
        }
        showLayer(n - 1)
    }

    private mutating func help(_ topic: String?) {
        showView(.help)
        guard let topic else { return }
        guard let spec = CommandTable.named(topic.lowercased()) else {
            let guess = closestMatch(topic, in: CommandTable.names).map { "; did you mean '\($0)'?" } ?? ""
            fail("no command '\(CommandTable.shortened(topic))'\(guess)", hint: "the help view lists every command")
            return
        }
        inform("\(spec.usage): \(spec.summary)")
    }

    // MARK: Files

    private mutating func save(_ path: String) -> [ShellEffect] {
        guard requireModel() != nil else { return [] }
        guard let bytes = sessionReportJSON() else {
            fail("could not encode the session as JSON")
            return []
        }
        return [.writeFile(path: path, contents: bytes, what: "the session (\(trace.steps.count) clicks)")]
    }
}
