import Foundation

extension Shell {
    /// Most candidates `completions(for:state:)` returns for one argument.
    public static let completionLimit = 100

    /// Completions for a command line being typed, as whole replacement lines.
    ///
    /// Without a space: the command names starting with the text. After a
    /// command: its arguments starting with the rest of the line
    /// (case-insensitive): item ids and names for `click` (most popular items
    /// first, ids before names), view names for `view`, `on`/`off` for
    /// `exclude`, `next`, `random` and session ids for `replay`, layer and
    /// click numbers for `layer` and `remove`, command names for `help`.
    /// File arguments (`load`, `save`, `sessions`) get none here: the
    /// readline bridge may complete file names itself. At most
    /// `completionLimit` argument candidates.
    ///
    /// A readline bridge should treat the whole line as the word being
    /// completed (item names contain spaces).
    public static func completions(for line: String, state: ShellState) -> [String] {
        let leading = line.drop { $0 == " " }
        guard let space = leading.firstIndex(of: " ") else {
            let typed = leading.lowercased()
            return ShellCommand.all.map(\.name).filter { $0.hasPrefix(typed) }
        }
        let command = leading[..<space].lowercased()
        let argument = leading[leading.index(after: space)...].drop { $0 == " " }
        let typed = argument.lowercased()
        func matching(_ candidates: [String]) -> [String] {
            var seen = Set<String>()
            var out: [String] = []
            for c in candidates where c.lowercased().hasPrefix(typed) && seen.insert(c).inserted {
                out.append(command + " " + c)
                if out.count == completionLimit { break }
            }
            return out
        }
        switch command {
        case "click":
            guard let d = state.directory else { return [] }
            var out: [String] = []
            var seen = Set<String>()
            for item in d.byPopularity {
                for candidate in [d.ids[item], d.names[item]]
                where candidate.lowercased().hasPrefix(typed) && seen.insert(candidate).inserted {
                    out.append("click " + candidate)
                }
                if out.count >= completionLimit { break }
            }
            return Array(out.prefix(completionLimit))
        case "view": return matching(ShellView.names)
        case "exclude": return matching(["on", "off"])
        case "help": return matching(ShellCommand.all.map(\.name))
        case "layer": return matching((1...max(1, state.loaded?.model.layers.count ?? 1)).map(String.init))
        case "remove": return matching(state.trace.steps.indices.map { String($0 + 1) })
        case "replay": return matching(["next", "random"] + (state.sessions?.sessionIDs ?? []))
        default: return []
        }
    }

    /// The longest common prefix of `lines` (nil for none): what Tab puts on
    /// the line (a readline bridge can use it with `rl_replace_line`).
    public static func commonPrefix(_ lines: [String]) -> String? {
        guard var prefix = lines.first.map(Array.init) else { return nil }
        for line in lines.dropFirst() {
            let chars = Array(line)
            var n = 0
            while n < prefix.count, n < chars.count, prefix[n] == chars[n] { n += 1 }
            prefix.removeSubrange(n...)
        }
        return String(prefix)
    }

    /// Whether `line` is just the name of a command that takes an argument.
    static func takesArgument(_ line: String) -> Bool {
        guard let command = ShellCommand.named(line.trimmingCharacters(in: .whitespaces)) else { return false }
        return !command.arguments.isEmpty
    }
}
