import Foundation
import GRU4Rec

/// The command line's commands. Called only from `Shell.update` (directly,
/// or through the keys and clicks that are shortcuts for commands).
extension ShellState {
    /// Runs one command line. Errors go to the message line with a hint.
    mutating func run(_ line: String) -> [ShellEffect] {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return [] }
        let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let name = parts[0].lowercased()
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        guard let command = ShellCommand.named(name) else {
            let names = ShellCommand.all.map(\.name)
            let guess = closestMatch(name, in: names).map { "; did you mean '\($0)'?" } ?? ""
            fail("unknown command '\(parts[0])'\(guess)", hint: "help lists the commands")
            return []
        }
        switch command.name {
        case "click": return clickCommand(argument)
        case "undo": return undo()
        case "remove": return remove(argument)
        case "reset": return resetSession()
        case "topk": setTopK(argument)
        case "exclude": setExclude(argument)
        case "find": find(argument)
        case "layer": setLayer(argument)
        case "view": setView(argument)
        case "replay": return startReplay(argument)
        case "step": return step()
        case "back": return back()
        case "play": return play()
        case "pause":
            let effects = stopPlaying()
            inform(effects.isEmpty ? "not playing" : "paused")
            return effects
        case "speed": return setSpeed(argument)
        case "sessions": return loadSessions(argument)
        case "load":
            guard !argument.isEmpty else {
                fail("load needs a model file", hint: "e.g. load model.safetensors")
                return []
            }
            return [.loadModel(path: argument)]
        case "save": return save(argument)
        case "help": help(argument)
        case "quit":
            quitRequested = true
            return stopPlaying() + [.quit]
        default: break
        }
        return []
    }

    /// Fails with "no model loaded" when there is none; returns the directory otherwise.
    private mutating func requireModel() -> ItemDirectory? {
        guard let directory else {
            fail("no model loaded", hint: "load <model.safetensors>")
            return nil
        }
        return directory
    }

    private func number(_ text: String) -> Int? { Int(text.trimmingCharacters(in: .whitespaces)) }

    // MARK: Session

    private mutating func clickCommand(_ argument: String) -> [ShellEffect] {
        guard let d = requireModel() else { return [] }
        guard !argument.isEmpty else {
            fail("click needs an item id or name", hint: "e.g. click \(d.ids.first ?? "ID"); Tab completes")
            return []
        }
        switch d.resolve(argument) {
        case .found(let item):
            return userClick(item)
        case .ambiguous(let items):
            let shown = items.prefix(3).map { d.names[$0] }.joined(separator: ", ")
            fail("'\(argument)' matches \(items.count) items: \(shown)\(items.count > 3 ? ", …" : "")",
                 hint: "give the full name or the id; Tab completes")
        case .unknown(let suggestion):
            let guess = suggestion.map { "; did you mean '\(d.names[$0])'\(d.names[$0] == d.ids[$0] ? "" : " (\(d.ids[$0]))")?" } ?? ""
            fail("unknown item '\(argument)'\(guess)", hint: "find <text> filters the catalog by name or id")
        }
        return []
    }

    /// A click by the user (catalog, suggestion, `click`): leaves any replay.
    mutating func userClick(_ item: Int) -> [ShellEffect] {
        guard let d = directory else { return [] }
        let effects = detachReplay()
        click(item)
        var text = "added \(d.label(item))"
        if let rank = trace.steps.last?.rankBefore {
            text += ": ranked #\(Int(rank)) before the click" + (rank <= Double(topK) ? " (in the top \(topK))" : "")
        }
        inform(text)
        return effects
    }

    private mutating func undo() -> [ShellEffect] {
        guard let d = requireModel() else { return [] }
        guard let last = trace.steps.last else {
            fail("the session is empty", hint: "click an item first")
            return []
        }
        let effects = detachReplay()
        refeed(Array(trace.items.dropLast()))
        inform("removed click \(trace.steps.count + 1) (\(d.names[last.item]))")
        return effects
    }

    private mutating func remove(_ argument: String) -> [ShellEffect] {
        guard let d = requireModel() else { return [] }
        let count = trace.steps.count
        guard let n = number(argument), n >= 1, n <= count else {
            fail(argument.isEmpty ? "remove needs a click number" : "no click '\(argument)'",
                 hint: count == 0 ? "the session is empty" : "give a number from 1 to \(count)")
            return []
        }
        let effects = detachReplay()
        var items = trace.items
        let removed = items.remove(at: n - 1)
        refeed(items)
        sessionList.resize(count: items.count, visibleRows: sessionList.visibleRows)
        sessionList.select(n - 1)
        inform("removed click \(n) (\(d.names[removed])); the session was recomputed without it")
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

    private mutating func setTopK(_ argument: String) {
        let limit = max(1, min(200, loaded?.model.itemCount ?? 200))
        guard let k = number(argument), k >= 1, k <= limit else {
            fail("topk needs a number from 1 to \(limit)", hint: "e.g. topk 20")
            return
        }
        topK = k
        refreshSuggestions()
        inform("showing the top \(k)")
    }

    private mutating func setExclude(_ argument: String) {
        switch argument.lowercased() {
        case "on", "yes", "true": excludeSessionItems = true
        case "off", "no", "false": excludeSessionItems = false
        default:
            fail("exclude needs on or off", hint: "exclude on leaves items already in the session out of the suggestions")
            return
        }
        refreshSuggestions()
        inform("session items are \(excludeSessionItems ? "left out of" : "kept in") the suggestions")
    }

    private mutating func find(_ argument: String) {
        guard requireModel() != nil else { return }
        catalogFilter = argument
        refreshCatalog()
        catalogList.home()
        showView(.main)
        focus = .catalog
        inform(argument.isEmpty ? "showing all items" : "\(catalogRows.count) items match '\(argument)'")
    }

    private mutating func setLayer(_ argument: String) {
        let layers = loaded?.model.layers.count ?? 1
        guard let n = number(argument), n >= 1, n <= layers else {
            fail("layer needs a number from 1 to \(layers)", hint: layers == 1 ? "this model has one layer" : nil)
            return
        }
        layer = n - 1
        inform("showing layer \(n) of \(layers)")
    }

    private mutating func setView(_ argument: String) {
        guard let v = ShellView.named(argument) else {
            let guess = closestMatch(argument, in: ShellView.names).map { "; did you mean '\($0)'?" } ?? ""
            fail("unknown view '\(argument)'\(guess)", hint: "views: main (or session), training, replay, help")
            return
        }
        showView(v)
    }

    private mutating func help(_ argument: String) {
        showView(.help)
        guard !argument.isEmpty else { return }
        guard let command = ShellCommand.named(argument.lowercased()) else {
            let guess = closestMatch(argument, in: ShellCommand.all.map(\.name)).map { "; did you mean '\($0)'?" } ?? ""
            fail("no command '\(argument)'\(guess)", hint: "the help view lists every command")
            return
        }
        inform("\(command.usage): \(command.summary)")
    }

    // MARK: Files

    private mutating func loadSessions(_ argument: String) -> [ShellEffect] {
        guard requireModel() != nil, let model = loaded?.model else { return [] }
        guard !argument.isEmpty else {
            fail("sessions needs a file", hint: "a tab-separated file with SessionId, ItemId and Time columns")
            return []
        }
        return stopPlaying() + [.loadSessions(path: argument, catalog: model.catalog)]
    }

    private mutating func save(_ argument: String) -> [ShellEffect] {
        guard requireModel() != nil else { return [] }
        guard !argument.isEmpty else {
            fail("save needs a file name", hint: "e.g. save session.json")
            return []
        }
        guard let bytes = sessionReportJSON() else {
            fail("could not encode the session as JSON")
            return []
        }
        return [.writeFile(path: argument, contents: bytes, what: "the session (\(trace.steps.count) clicks)")]
    }
}
