/// What the shell's loop (`ShellLoop`) needs from a terminal: its size, a
/// clock, input with a timeout, painting, and a line editor for the command
/// line. Two implementations: the ncurses and readline backend of the
/// `gru4rec` executable, and `MemoryTerminal` for tests (as NIO's
/// `EmbeddedEventLoop` stands in for the real one).
public protocol TerminalBackend: AnyObject {
    /// The size in cells now.
    var width: Int { get }
    var height: Int { get }
    /// True once the terminal went away (hang-up, closed input): the loop ends.
    var isClosed: Bool { get }
    /// Monotonic time in seconds (any origin).
    func now() -> Double
    /// Shows a frame, with the cursor at a cell or hidden (`nil`).
    func paint(_ screen: ScreenBuffer, cursor: (x: Int, y: Int)?)
    /// The next input, waiting at most `timeoutMilliseconds`; `nil` when none came.
    func readEvent(timeoutMilliseconds: Int) -> InputEvent?
    /// The command line got focus, starting from `text`: keys go to the
    /// backend's line editor (`editLine`) until `endLineEditing`.
    func beginLineEditing(text: String)
    func endLineEditing()
    /// Gives the key just read to the backend's line editor and reports the
    /// line afterwards; `nil` when the backend has no line editor (the
    /// shell's own editor in `update` then handles the key).
    func editLine(_ key: Key) -> LineEdit?
}

/// The command line as a backend's line editor reports it after a key.
public struct LineEdit: Equatable, Sendable {
    /// The text being edited and the cursor, in characters from its start.
    public var text: String
    public var cursor: Int
    /// Lines accepted (Enter) by this key, oldest first.
    public var completedLines: [String]
    /// Completion candidates to list under the line (after an ambiguous Tab).
    public var candidates: [String]
    /// Ctrl-D on an empty line: leave the shell.
    public var endOfInput: Bool

    public init(text: String, cursor: Int, completedLines: [String] = [], candidates: [String] = [], endOfInput: Bool = false) {
        self.text = text
        self.cursor = cursor
        self.completedLines = completedLines
        self.candidates = candidates
        self.endOfInput = endOfInput
    }
}
