/// A terminal in memory, for tests of `ShellLoop`: input is queued in
/// advance, time passes only while the loop waits for input (a read with
/// nothing queued advances the clock by its timeout), and every frame is
/// kept as text. With `lineEditor` on it edits the command line itself, as
/// the readline bridge does (characters, Backspace, Enter; keys it does not
/// know are ignored); off, keys go to the shell's own editor.
///
/// The terminal closes when the queue is empty and `idleReadsBeforeClose`
/// reads in a row found nothing.
public final class MemoryTerminal: TerminalBackend {
    public var width: Int
    public var height: Int
    /// Input still to be read, in order.
    public private(set) var queue: [InputEvent]
    /// The clock, in seconds.
    public private(set) var clock: Double = 0
    /// Every frame painted, as text, oldest first.
    public private(set) var frames: [String] = []
    /// The cursor of the last frame.
    public private(set) var cursor: (x: Int, y: Int)?
    /// Whether the backend edits the command line itself.
    public let lineEditor: Bool
    /// The line being edited (with `lineEditor`), and whether editing is on.
    public private(set) var line = ""
    public private(set) var isEditingLine = false
    public var idleReadsBeforeClose: Int
    private var idleReads = 0

    public init(width: Int = 120, height: Int = 40, input: [InputEvent] = [], lineEditor: Bool = true, idleReadsBeforeClose: Int = 3) {
        self.width = width
        self.height = height
        queue = input
        self.lineEditor = lineEditor
        self.idleReadsBeforeClose = idleReadsBeforeClose
    }

    /// Queues key presses.
    public func type(_ keys: Key...) { queue += keys.map { .key($0) } }

    /// Queues text, one character key each.
    public func type(_ text: String) { queue += text.map { .key(.character($0)) } }

    /// Queues any input.
    public func send(_ events: InputEvent...) { queue += events }

    /// The last frame painted ("" before the first).
    public var screen: String { frames.last ?? "" }

    public var isClosed: Bool { queue.isEmpty && idleReads >= idleReadsBeforeClose }

    public func now() -> Double { clock }

    public func paint(_ screen: ScreenBuffer, cursor: (x: Int, y: Int)?) {
        frames.append(screen.text)
        self.cursor = cursor
    }

    public func readEvent(timeoutMilliseconds: Int) -> InputEvent? {
        guard !queue.isEmpty else {
            clock += Double(max(0, timeoutMilliseconds)) / 1000
            idleReads += 1
            return nil
        }
        idleReads = 0
        let event = queue.removeFirst()
        if case .resize(let w, let h) = event {
            width = w
            height = h
        }
        return event
    }

    public func beginLineEditing(text: String) {
        isEditingLine = true
        line = text
    }

    public func endLineEditing() {
        isEditingLine = false
        line = ""
    }

    public func editLine(_ key: Key) -> LineEdit? {
        guard lineEditor else { return nil }
        var completed: [String] = []
        switch key {
        case .character(let c): line.append(c)
        case .backspace: if !line.isEmpty { line.removeLast() }
        case .enter:
            completed.append(line)
            line = ""
        default: break
        }
        return LineEdit(text: line, cursor: line.count, completedLines: completed)
    }
}
