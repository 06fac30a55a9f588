import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport

/// Shell states and environments built on the tiny seeded model.
enum AppFixture {
    /// The tiny model as the shell loads it, with names, a log and a path.
    static func loaded(epochs: Int = 6, layers: [Int] = [8], withLog: Bool = true) -> (LoadedModel, SessionData) {
        let tiny = TinyModel(epochs: epochs, layers: layers)
        let loaded = LoadedModel(
            model: tiny.model, facts: tiny.facts, path: "models/tiny.safetensors", itemNames: tiny.itemNames,
            trainingLog: withLog ? tiny.log : nil,
            trainingLogNote: withLog ? nil : "no training log at models/tiny.log.jsonl")
        return (loaded, tiny.sessions)
    }

    /// A shell on the tiny model with its sessions for replay.
    static func state(width: Int = 120, height: Int = 40, colorMode: ColorMode = .none, withLog: Bool = true) -> ShellState {
        let (loaded, sessions) = loaded(withLog: withLog)
        return ShellState(model: loaded, sessions: sessions, sessionsPath: "tiny-sessions.tsv",
                          width: width, height: height, colorMode: colorMode, parallelism: .tests)
    }

    /// Files written through the environment, by path.
    final class Files {
        var written: [String: [UInt8]] = [:]
    }

    /// An environment that serves the tiny model for any `.safetensors`
    /// path (and fails for others), the tiny sessions for any `.tsv` path,
    /// and records writes. With `sessionsBeside`, every model has a
    /// `test.tsv` in its folder.
    static func environment(files: Files = Files(), sessionsBeside: Bool = true) -> ShellEnvironment {
        ShellEnvironment(
            loadModel: { path in
                guard path.hasSuffix(".safetensors") else {
                    throw InputError(path: path, message: "cannot open the model file", hint: "check the path")
                }
                var (model, _) = loaded()
                model.path = path
                let folder = (path as NSString).deletingLastPathComponent
                model.sessionsPath = sessionsBeside ? (folder.isEmpty ? "test.tsv" : folder + "/test.tsv") : nil
                return model
            },
            loadSessions: { path, _ in
                guard path.hasSuffix(".tsv") else { throw InputError(path: path, message: "no such file") }
                return TinyModel().sessions
            },
            writeFile: { path, bytes in files.written[path] = bytes })
    }
}

extension Suggestion.Movement {
    /// The movement of each of `suggestions` against the top-k `before` (items, best first): the oracle.
    static func expected(_ suggestions: [Suggestion], against before: [Int]) -> [Suggestion.Movement] {
        suggestions.enumerated().map { place, s in
            guard let old = before.firstIndex(of: s.item) else { return .new }
            return old == place ? .same : (old > place ? .up(old - place) : .down(place - old))
        }
    }
}

extension ShellState {
    /// `Shell.update`, with `.explain`, `.score` and `.buildScreening`
    /// effects performed in place and answered, as `ShellDriver` does in
    /// scripted mode; returns the other effects.
    mutating func updated(_ message: ShellMessage) -> [ShellEffect] {
        Shell.update(&self, message).flatMap { effect -> [ShellEffect] in
            switch effect {
            case .explain(let request): return updated(.explained(id: request.id, request.compute()))
            case .score(let request): return updated(.scored(request.compute()))
            case .buildScreening(let request): return updated(.screeningBuilt(request, request.compute()))
            default: return [effect]
            }
        }
    }

    /// Applies messages in order, returning all effects.
    @discardableResult
    mutating func send(_ messages: ShellMessage...) -> [ShellEffect] {
        messages.flatMap { updated($0) }
    }

    /// Runs commands in order, returning all effects.
    @discardableResult
    mutating func commands(_ lines: String...) -> [ShellEffect] {
        lines.flatMap { updated(.command($0)) }
    }

    /// Presses keys in order.
    @discardableResult
    mutating func keys(_ keys: Key...) -> [ShellEffect] {
        keys.flatMap { updated(.input(.key($0))) }
    }

    /// Types text one character at a time.
    mutating func type(_ text: String) {
        for c in text { _ = updated(.input(.key(.character(c)))) }
    }

    /// The screen at the state's own size, as text.
    var screen: String { Shell.render(self, width: width, height: height).text }

    /// The screen's rows, blank ones included.
    var screenLines: [String] { Shell.render(self, width: width, height: height).lines }

    /// The catalog index of the item named `name`.
    func item(named name: String) -> Int {
        (0..<(loaded?.model.itemCount ?? 0)).first { itemName($0) == name } ?? -1
    }
}
