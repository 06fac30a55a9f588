import Foundation

extension Shell {
    /// The command line's command names, in the order help lists them.
    public static var commandNames: [String] { CommandTable.names }

    /// Most candidates `completions(for:state:)` returns for one argument.
    public static let completionLimit = 100

    /// Completions for a command line being typed, as whole replacement lines.
    ///
    /// Without a space: the command names starting with the text. After a
    /// command: its arguments starting with the rest of the line
    /// (case-insensitive), as `CommandTable` offers them: item ids and names
    /// for `click` (most popular items first, ids before names), view names
    /// for `view`, `on`/`off` for `exclude`, `next`, `random` and session ids
    /// for `replay`, layer and click numbers for `layer` and `remove`,
    /// command names for `help`. File arguments (`load`, `save`, `sessions`)
    /// get none here: the readline bridge may complete file names itself. At
    /// most `completionLimit` argument candidates.
    ///
    /// A readline bridge should treat the whole line as the word being
    /// completed (item names contain spaces).
    public static func completions(for line: String, state: ShellState) -> [String] {
        let leading = line.drop { $0 == " " }
        guard let space = leading.firstIndex(of: " ") else {
            let typed = leading.lowercased()
            return CommandTable.names.filter { $0.hasPrefix(typed) }
        }
        let command = leading[..<space].lowercased()
        let argument = leading[leading.index(after: space)...].drop { $0 == " " }
        guard let complete = CommandTable.named(command)?.complete else { return [] }
        return complete(argument.lowercased(), state).map { command + " " + $0 }
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
        guard let spec = CommandTable.named(line.trimmingCharacters(in: .whitespaces)) else { return false }
        return !spec.arguments.isEmpty
    }
}
