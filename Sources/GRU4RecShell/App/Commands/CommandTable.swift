import Foundation
import GRU4Rec

/// The one table of the command line's commands: name, argument syntax,
/// summary, how the argument parses into a `ShellCommand`, and what Tab
/// offers for it. Parsing (`ShellState.run`), completion
/// (`Shell.completions`), the `help` command and the help view all read it;
/// a new command is a `ShellCommand` case, a row here and its `execute` case.
struct CommandSpec: Sendable {
    /// Turns the argument text (trimmed, maybe empty) into the command, or a
    /// failure with a hint. The state is context for messages and hints only.
    typealias Parse = @Sendable (_ argument: String, _ state: ShellState) -> Result<ShellCommand, ShellFailure>
    /// The argument candidates that start with `typed` (lower-cased),
    /// best first, at most `Shell.completionLimit`.
    typealias Complete = @Sendable (_ typed: String, _ state: ShellState) -> [String]

    let name: String
    /// The argument syntax shown in help: `<k>` required, `[text]` optional.
    let arguments: String
    let summary: String
    let parse: Parse
    let complete: Complete?

    var usage: String { arguments.isEmpty ? name : name + " " + arguments }

    /// A command without arguments (any text after the name is ignored).
    init(_ name: String, _ summary: String, _ command: ShellCommand) {
        self.init(name, "", summary, parse: { _, _ in .success(command) })
    }

    init(_ name: String, _ arguments: String, _ summary: String, parse: @escaping Parse, complete: Complete? = nil) {
        self.name = name
        self.arguments = arguments
        self.summary = summary
        self.parse = parse
        self.complete = complete
    }
}

enum CommandTable {
    static let all: [CommandSpec] = [
        CommandSpec("click", "<id|name>", "add an item to the session", parse: { argument, state in
            guard let d = state.directory else { return .failure(noModel) }
            guard !argument.isEmpty else {
                return .failure(ShellFailure("click needs an item id or name", hint: "e.g. click \(d.ids.first ?? "ID"); Tab completes"))
            }
            return .success(.click(.text(argument)))
        }, complete: { typed, state in itemCompletions(typed, state) }),
        CommandSpec("undo", "remove the last click", .undo),
        CommandSpec("redo", "put back what undo or remove took out", .redo),
        CommandSpec("remove", "<n>", "remove click n, recompute the rest", parse: { argument, state in
            guard state.directory != nil else { return .failure(noModel) }
            if let n = Int(argument) { return .success(.remove(n)) }
            return .failure(argument.isEmpty ? ShellFailure("remove needs a click number", hint: removeHint(state))
                                             : ShellFailure("no click '\(argument)'", hint: removeHint(state)))
        }, complete: { typed, state in
            prefixed(state.trace.steps.indices.map { String($0 + 1) }, typed)
        }),
        CommandSpec("reset", "start an empty session", .reset),
        CommandSpec("topk", "<k>", "number of suggestions (the K of hits)", parse: { argument, state in
            Int(argument).map { .success(.topK($0)) } ?? .failure(topKFailure(state))
        }),
        CommandSpec("exclude", "on|off", "hide session items from suggestions", parse: { argument, _ in
            switch argument.lowercased() {
            case "on", "yes", "true": return .success(.exclude(true))
            case "off", "no", "false": return .success(.exclude(false))
            default:
                return .failure(ShellFailure(
                    "exclude needs on or off", hint: "exclude on leaves items already in the session out of the suggestions"))
            }
        }, complete: { typed, _ in prefixed(["on", "off"], typed) }),
        CommandSpec("find", "[text]", "filter the catalog (no text: all)", parse: { argument, _ in .success(.find(argument)) }),
        CommandSpec("layer", "<n>", "show GRU layer n", parse: { argument, state in
            Int(argument).map { .success(.layer($0)) } ?? .failure(layerFailure(state))
        }, complete: { typed, state in
            prefixed((1...max(1, state.loaded?.model.layers.count ?? 1)).map(String.init), typed)
        }),
        CommandSpec("unit", "<n>|off", "unit cursor (from 0): h, z, r, Δh, path", parse: { argument, state in
            guard state.directory != nil else { return .failure(noModel) }
            switch argument.lowercased() {
            case "off", "none", "clear": return .success(.unit(nil))
            default: return Int(argument).map { .success(.unit($0)) } ?? .failure(unitFailure(state))
            }
        }, complete: { typed, _ in prefixed(["off"], typed) }),
        CommandSpec("scale", "auto|fixed", "h/Δh colours: ±p98 of |h|, or ±1", parse: { argument, _ in
            guard let scale = UnitInspection.Scale(rawValue: argument.lowercased()) else {
                return .failure(ShellFailure(
                    "scale needs auto or fixed",
                    hint: "auto: ± the 98th percentile of |h| over the session; fixed: -1 to 1"))
            }
            return .success(.scale(scale))
        }, complete: { typed, _ in prefixed(UnitInspection.Scale.allCases.map(\.rawValue), typed) }),
        CommandSpec("trajectory", "[h|z|r|dh]", "units x clicks of h, a gate or Δh (F7)", parse: { argument, _ in
            let word = argument.lowercased()
            if word.isEmpty { return .success(.trajectory(nil)) }
            guard let quantity = UnitInspection.Quantity(rawValue: word == "Δh" ? "dh" : word) else {
                return .failure(ShellFailure(
                    "trajectory needs h, z, r or dh", hint: "h: the state; z, r: the update and reset gates; dh: the change"))
            }
            return .success(.trajectory(quantity))
        }, complete: { typed, _ in prefixed(UnitInspection.Quantity.allCases.map(\.rawValue), typed) }),
        CommandSpec("view", "<name>", "switch view (Tab lists them)", parse: { argument, _ in
            guard let view = ShellView.named(argument) else {
                let guess = closestMatch(argument, in: ShellView.names).map { "; did you mean '\($0)'?" } ?? ""
                return .failure(ShellFailure("unknown view '\(argument)'\(guess)", hint: "views: " + ShellView.names.joined(separator: ", ")))
            }
            return .success(.view(view))
        }, complete: { typed, _ in prefixed(ShellView.names, typed) }),
        CommandSpec("replay", "[id|next|random|all|worst|showcase|filter|sort]", "replay a session; all: every one", parse: { argument, _ in
            switch argument.lowercased() {
            case "", "next": return .success(.replay(.next))
            case "random": return .success(.replay(.random))
            case "all": return .success(.replayAll)
            case "worst": return .success(.replay(.worst))
            case "showcase": return .success(.replay(.showcase))
            default: return parseReplayList(argument) ?? .success(.replay(.session(argument)))
            }
        }, complete: { typed, state in
            prefixed(["next", "random", "all", "worst", "showcase", "filter", "sort"] + (state.sessions?.sessionIDs ?? []), typed)
        }),
        CommandSpec("step", "replay: feed the next event", .step),
        CommandSpec("back", "replay: take the last event back", .back),
        CommandSpec("play", "replay: step automatically", .play),
        CommandSpec("pause", "replay: stop stepping", .pause),
        CommandSpec("speed", "<ms>", "replay: ms per automatic step", parse: { argument, _ in
            Int(argument).map { .success(.speed($0)) } ?? .failure(speedFailure)
        }),
        CommandSpec("metrics", "reset", "start the running replay figures afresh", parse: { argument, _ in
            argument.lowercased() == "reset" ? .success(.metricsReset)
                : .failure(ShellFailure("metrics needs reset", hint: "metrics reset clears the running Recall@K and MRR@K"))
        }, complete: { typed, _ in prefixed(["reset"], typed) }),
        CommandSpec("compare", "<model>|off", "model B beside A on the same clicks", parse: { argument, _ in
            switch argument.lowercased() {
            case "": return .failure(ShellFailure("compare needs a model file or off", hint: "e.g. compare other.safetensors"))
            case "off": return .success(.compare(path: nil))
            default: return .success(.compare(path: argument))
            }
        }),
        CommandSpec("sessions", "<file>", "load a sessions file for replay", parse: { argument, state in
            guard state.directory != nil else { return .failure(noModel) }
            guard !argument.isEmpty else {
                return .failure(ShellFailure("sessions needs a file", hint: "a tab-separated file with SessionId, ItemId and Time columns"))
            }
            return .success(.sessions(path: argument))
        }),
        CommandSpec("load", "<model>", "load another model", parse: { argument, _ in
            guard !argument.isEmpty else { return .failure(ShellFailure("load needs a model file", hint: "e.g. load model.safetensors")) }
            return .success(.load(path: argument))
        }),
        CommandSpec("save", "<file>", "save session, suggestions, ranks (JSON)", parse: { argument, state in
            guard state.directory != nil else { return .failure(noModel) }
            guard !argument.isEmpty else { return .failure(ShellFailure("save needs a file name", hint: "e.g. save session.json")) }
            return .success(.save(path: argument))
        }),
        CommandSpec("timings", "show/hide update and draw times (key t)", .timings),
        CommandSpec("help", "[command]", "show commands and keys", parse: { argument, _ in
            .success(.help(topic: argument.isEmpty ? nil : argument))
        }, complete: { typed, _ in prefixed(names, typed) }),
        CommandSpec("quit", "leave the shell", .quit),
        CommandSpec("explain", "[n|id|name]", "why this suggestion: score, clicks, neighbours", parse: { argument, state in
            guard state.directory != nil else { return .failure(noModel) }
            if argument.isEmpty { return .success(.explain(.selected)) }
            // A number up to the count of suggestions is a place in the top-k; anything else an id or a name.
            if let n = Int(argument), n >= 1, n <= state.suggestions.count { return .success(.explain(.place(n))) }
            return .success(.explain(.item(.text(argument))))
        }, complete: { typed, state in itemCompletions(typed, state) }),
        CommandSpec("track", "<id|name>|off", "rank of an item after every click (up to 3)", parse: { argument, state in
            guard let d = state.directory else { return .failure(noModel) }
            switch argument.lowercased() {
            case "": return .failure(ShellFailure("track needs an item id or name, or off", hint: "e.g. track \(d.ids.first ?? "ID"); track off clears"))
            case "off", "none", "clear": return .success(.track(nil))
            default: return .success(.track(.text(argument)))
            }
        }, complete: { typed, state in prefixed(["off"], typed) + itemCompletions(typed, state) }),
        CommandSpec("similar", "<id|name>", "nearest items by the model's item vectors", parse: { argument, state in
            guard let d = state.directory else { return .failure(noModel) }
            guard !argument.isEmpty else {
                return .failure(ShellFailure("similar needs an item id or name", hint: "e.g. similar \(d.ids.first ?? "ID"); Tab completes"))
            }
            return .success(.similar(.text(argument)))
        }, complete: { typed, state in itemCompletions(typed, state) }),
    ]

    /// The command names, in table order.
    static let names = all.map(\.name)

    static func named(_ name: String) -> CommandSpec? { all.first { $0.name == name } }

    /// Parses a command line: the first word names the command (any case),
    /// the rest is its argument. `nil` for a blank line.
    static func parse(_ line: String, state: ShellState) -> Result<ShellCommand, ShellFailure>? {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let spec = named(parts[0].lowercased()) else {
            let typed = String(parts[0])
            let guess = closestMatch(typed.lowercased(), in: names).map { "; did you mean '\($0)'?" } ?? ""
            return .failure(ShellFailure("unknown command '\(shortened(typed))'\(guess)", hint: "help lists the commands"))
        }
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        return spec.parse(argument, state)
    }

    // MARK: Shared failures (the same words whether parsing or running finds the problem)

    static let noModel = ShellFailure("no model loaded", hint: "load <model.safetensors>")

    static func removeHint(_ state: ShellState) -> String {
        state.trace.steps.isEmpty ? "the session is empty" : "give a number from 1 to \(state.trace.steps.count)"
    }

    static func topKLimit(_ state: ShellState) -> Int { max(1, min(200, state.loaded?.model.itemCount ?? 200)) }

    static func topKFailure(_ state: ShellState) -> ShellFailure {
        ShellFailure("topk needs a number from 1 to \(topKLimit(state))", hint: "e.g. topk 20")
    }

    static func layerFailure(_ state: ShellState) -> ShellFailure {
        let layers = state.loaded?.model.layers.count ?? 1
        return ShellFailure("layer needs a number from 1 to \(layers)", hint: layers == 1 ? "this model has one layer" : nil)
    }

    static func unitFailure(_ state: ShellState) -> ShellFailure {
        let units = state.loaded.map { $0.model.layers[min(state.layer, $0.model.layers.count - 1)] } ?? 1
        return ShellFailure("unit needs a number from 0 to \(units - 1), or off",
                            hint: "units are numbered from 0 in layer \(state.layer + 1); unit off clears the cursor")
    }

    /// `replay filter <condition>|off` and `replay sort mrr|step <n>`; `nil` for other arguments.
    static func parseReplayList(_ argument: String) -> Result<ShellCommand, ShellFailure>? {
        let parts = argument.split(separator: " ", maxSplits: 1).map(String.init)
        let rest = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts.first?.lowercased() {
        case "filter":
            if rest.isEmpty || rest.lowercased() == "off" { return .success(.replayFilter(nil)) }
            return SessionFilter.parse(rest).map { .replayFilter($0) }
        case "sort":
            let words = rest.lowercased().split(separator: " ")
            if words == ["mrr"] { return .success(.replaySort(step: nil)) }
            if words.count == 2, words[0] == "step", let n = Int(words[1]) { return .success(.replaySort(step: n)) }
            return .failure(ShellFailure("replay sort needs mrr or step <n>", hint: "replay sort step 1 ranks by the first prediction"))
        default:
            return nil
        }
    }

    static let speedFailure = ShellFailure("speed needs milliseconds per step, from 10 to 60000", hint: "e.g. speed 250")

    /// Item ids and names that start with `typed` (lower-cased), most popular items first.
    static func itemCompletions(_ typed: String, _ state: ShellState) -> [String] {
        guard let d = state.directory else { return [] }
        var out: [String] = []
        var seen = Set<String>()
        for item in d.byPopularity {
            for candidate in [d.ids[item], d.names[item]]
            where candidate.lowercased().hasPrefix(typed) && seen.insert(candidate).inserted {
                out.append(candidate)
            }
            if out.count >= Shell.completionLimit { break }
        }
        return Array(out.prefix(Shell.completionLimit))
    }

    /// The candidates that start with `typed` (already lower-cased), without repeats.
    static func prefixed(_ candidates: [String], _ typed: String) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for c in candidates where c.lowercased().hasPrefix(typed) && seen.insert(c).inserted {
            out.append(c)
            if out.count == Shell.completionLimit { break }
        }
        return out
    }

    /// Text typed by the user, cut for quoting in a message (a pasted
    /// megabyte must not fill the screen).
    static func shortened(_ text: String, limit: Int = 40) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
