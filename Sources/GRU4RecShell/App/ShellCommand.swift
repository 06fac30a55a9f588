/// The command line's commands: name, argument syntax and a one-line summary
/// (shown by `help` and used by completion).
struct ShellCommand: Sendable {
    let name: String
    let arguments: String
    let summary: String

    var usage: String { arguments.isEmpty ? name : name + " " + arguments }

    static let all: [ShellCommand] = [
        ShellCommand(name: "click", arguments: "<id|name>", summary: "add an item to the session"),
        ShellCommand(name: "undo", arguments: "", summary: "remove the last click"),
        ShellCommand(name: "remove", arguments: "<n>", summary: "remove click n, recompute the rest"),
        ShellCommand(name: "reset", arguments: "", summary: "start an empty session"),
        ShellCommand(name: "topk", arguments: "<k>", summary: "number of suggestions (the K of hits)"),
        ShellCommand(name: "exclude", arguments: "on|off", summary: "hide session items from suggestions"),
        ShellCommand(name: "find", arguments: "[text]", summary: "filter the catalog (no text: all)"),
        ShellCommand(name: "layer", arguments: "<n>", summary: "show GRU layer n"),
        ShellCommand(name: "view", arguments: "<name>", summary: "main/session, training, replay, help"),
        ShellCommand(name: "replay", arguments: "[id|next|random]", summary: "replay a real session"),
        ShellCommand(name: "step", arguments: "", summary: "replay: feed the next event"),
        ShellCommand(name: "back", arguments: "", summary: "replay: take the last event back"),
        ShellCommand(name: "play", arguments: "", summary: "replay: step automatically"),
        ShellCommand(name: "pause", arguments: "", summary: "replay: stop stepping"),
        ShellCommand(name: "speed", arguments: "<ms>", summary: "replay: ms per automatic step"),
        ShellCommand(name: "sessions", arguments: "<file>", summary: "load a sessions file for replay"),
        ShellCommand(name: "load", arguments: "<model>", summary: "load another model"),
        ShellCommand(name: "save", arguments: "<file>", summary: "save session, suggestions, ranks (JSON)"),
        ShellCommand(name: "help", arguments: "[command]", summary: "show commands and keys"),
        ShellCommand(name: "quit", arguments: "", summary: "leave the shell"),
    ]

    static func named(_ name: String) -> ShellCommand? { all.first { $0.name == name } }
}
