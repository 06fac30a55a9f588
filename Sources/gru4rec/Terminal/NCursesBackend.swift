import Foundation
import GRU4Rec
import GRU4RecShell

/// The real terminal for `ShellLoop`: ncurses paints and reads keys, GNU
/// readline (through `ReadlineBridge`) edits the command line with history
/// kept in a file, SIGHUP or a vanished terminal closes it.
final class NCursesBackend: TerminalBackend {
    private let terminal: NCursesTerminal
    private let bridge = ReadlineBridge()
    private let historyPath: String?
    /// Whether the history file was read (or did not exist): only then is it written back.
    private var historyLoaded = false
    /// The raw key codes of the last input read (readline wants bytes, not keys).
    private var lastKeyCodes: [Int32] = []
    private var instantEmptyReads = 0
    private var gone = false

    /// - Parameter historyPath: the command history file (`nil`: none kept).
    init(colorMode: ColorMode?, historyPath: String?) {
        terminal = colorMode.map { NCursesTerminal(colorMode: $0) } ?? NCursesTerminal()
        self.historyPath = historyPath
    }

    /// The colour mode in use (known after `start`).
    var colorMode: ColorMode { terminal.colorMode }

    /// Prepares readline, reads the history and takes over the terminal
    /// (start-up order: docs/TERMINAL.md).
    ///
    /// - Parameter completion: Tab's candidates for a line, as whole lines.
    func start(completion: @escaping (String) -> [String]) throws {
        NCursesTerminal.prepareProcess()
        try bridge.configure(completion: { prefix, _ in completion(prefix) }, wholeLine: true)
        if let historyPath {
            do {
                try bridge.loadHistory(from: historyPath)
                historyLoaded = true
            } catch {
                historyLoaded = false  // keep a file we could not read rather than overwrite it
            }
        }
        try terminal.start()
        Hangup.install()
    }

    /// Gives the terminal back and appends this run's commands to the history file.
    func stop() {
        terminal.stop()
        if let historyPath, historyLoaded { try? bridge.saveHistory(to: historyPath) }
        bridge.shutdown()
    }

    var width: Int { terminal.width }
    var height: Int { terminal.height }
    var isClosed: Bool { gone || Hangup.received }

    func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    func paint(_ screen: ScreenBuffer, cursor: (x: Int, y: Int)?) {
        terminal.paint(screen, cursor: cursor)
    }

    func readEvent(timeoutMilliseconds wait: Int) -> InputEvent? {
        let start = now()
        let input = terminal.readEvent(timeoutMs: wait)
        // A terminal that went away (closed pty) answers every read at once with nothing:
        // leave instead of spinning.
        if input == nil && wait >= 100 && now() - start < 0.01 {
            instantEmptyReads += 1
            if instantEmptyReads > 50 { gone = true }
        } else {
            instantEmptyReads = 0
        }
        lastKeyCodes = input?.keyCodes ?? []
        return input?.event
    }

    func beginLineEditing(text: String) { bridge.setLine(text) }

    func endLineEditing() { bridge.setLine("") }

    func editLine(_ key: Key) -> LineEdit? {
        let edit = bridge.feed(lastKeyCodes)
        return LineEdit(
            text: edit.text, cursor: Self.characterOffset(edit.text, displayColumn: edit.cursorColumn),
            completedLines: edit.completedLines, candidates: edit.candidates, endOfInput: edit.endOfInput)
    }

    /// The character index whose display column is `column`.
    static func characterOffset(_ text: String, displayColumn column: Int) -> Int {
        var width = 0, index = 0
        for ch in text {
            if width >= column { break }
            width += DisplayWidth.of(ch)
            index += 1
        }
        return index
    }
}

/// SIGHUP (the terminal closed) as a flag the loop polls.
enum Hangup {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0
    static func install() {
        signal(SIGHUP) { _ in Hangup.flag = 1 }
    }
    static var received: Bool { flag != 0 }
}
