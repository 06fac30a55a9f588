/// A problem with input the user gave us: a data file, a model file, a path.
///
/// Used project-wide for bad input. It always names the file, and where it can, the
/// 1-based line, what was expected and what was found (in `message`), and what to do
/// about it (`hint`). Printed, it reads like a compiler diagnostic:
///
/// ```
/// train.tsv:12: expected 3 fields, found 2
///   hint: the file must be tab-separated; pass --separator ',' for CSV
/// ```
public struct InputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the problem is in, as the user named it.
    public var path: String
    /// The 1-based line number, for text files; `nil` when it does not apply.
    public var line: Int?
    /// What is wrong: what was expected and what was found.
    public var message: String
    /// What the user can do about it; `nil` when there is nothing useful to say.
    public var hint: String?

    /// Creates an error about `path` (and `line`, for text files).
    public init(path: String, line: Int? = nil, message: String, hint: String? = nil) {
        self.path = path
        self.line = line
        self.message = message
        self.hint = hint
    }

    /// `path:line: message`, then `  hint: ...` on a second line (control characters
    /// escaped); the line number and
    /// the hint are left out when they are `nil`.
    public var description: String {
        // Paths and messages can quote bytes of a hostile file: control characters are
        // escaped so they cannot drive the terminal.
        var text = escapingControlCharacters(path)
        if let line { text += ":\(line)" }
        text += ": " + escapingControlCharacters(message, keepNewlines: true)
        if let hint { text += "\n  hint: " + escapingControlCharacters(hint, keepNewlines: true) }
        return text
    }
}
