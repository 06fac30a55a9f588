@preconcurrency import CReadline
import Foundation
import GRU4RecShell

/// The command line as readline sees it after some input.
struct CommandLineState: Equatable {
    /// The text being edited.
    var text = ""
    /// The cursor's position in display columns from the start of `text`.
    var cursorColumn = 0
    /// Lines accepted with Enter while this input was fed, oldest first.
    var completedLines: [String] = []
    /// Completion candidates readline wants listed (the app shows them);
    /// empty unless the last Tab was ambiguous.
    var candidates: [String] = []
    /// True when Ctrl-D arrived on an empty line.
    var endOfInput = false
}

/// GNU readline driven through its callback interface, with readline kept
/// off the screen: ncurses owns the terminal, key codes are fed in with
/// `feed`, and the line, cursor and candidates are reported back for the
/// app to draw. The only file that imports readline.
///
/// readline is process-global, so one bridge at a time can be configured;
/// its state lives in a file-scope value that the C callbacks reach.
final class ReadlineBridge {
    /// Candidates for the word being completed: `(prefix, wholeLine)` gives
    /// the text from the word's start to the cursor and the whole line.
    typealias Completion = (_ prefix: String, _ wholeLine: String) -> [String]

    private var configured = false

    /// `~/.gru4rec_history`, or `nil` without a home directory.
    static var defaultHistoryPath: String? {
        guard let home = ProcessInfo.processInfo.environment["HOME"], !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".gru4rec_history")
    }

    init() {}

    deinit { shutdown() }

    /// Step 3 of the start-up order (docs/TERMINAL.md), before `NCursesTerminal.start()`:
    /// keeps readline from catching signals, exporting `LINES`/`COLUMNS`
    /// or touching terminal modes; sends its output to /dev/null; sets
    /// `bell-style none`, `show-all-if-ambiguous on`, bracketed paste off;
    /// installs the input, completion and line callbacks.
    ///
    /// - Parameters:
    ///   - completion: candidates for Tab; only those starting with the
    ///     prefix are used. Filename completion is never attempted.
    ///   - historyLimit: the most lines kept in history.
    ///   - wholeLine: complete the whole line (not the last word), matching case-
    ///     insensitively; for candidates that are whole lines (item names with spaces).
    func configure(completion: @escaping Completion, historyLimit: Int = 1000, wholeLine: Bool = false) throws {
        guard !configured else { return }
        guard !readlineContext.active else {
            throw TerminalError(description: "readline is already configured by another ReadlineBridge")
        }
        // Before any other readline call.
        rl_catch_signals = 0
        rl_catch_sigwinch = 0
        rl_change_environment = 0
        rl_prep_term_function = nil
        rl_deprep_term_function = nil
        unsetenv("LINES")
        unsetenv("COLUMNS")

        guard let devNull = fopen("/dev/null", "w") else {
            throw TerminalError(description: "cannot open /dev/null for readline's output: \(String(cString: strerror(errno)))")
        }
        readlineContext = ReadlineContext()
        readlineContext.active = true
        readlineContext.completion = completion
        readlineContext.devNull = devNull
        rl_outstream = devNull
        rl_readline_name = UnsafePointer(readlineName)
        rl_getc_function = bridgeGetc
        rl_input_available_hook = bridgeInputAvailable
        rl_redisplay_function = bridgeRedisplay
        rl_attempted_completion_function = bridgeAttemptCompletion
        rl_completion_display_matches_hook = bridgeDisplayMatches

        rl_initialize()
        readlineContext.ignoreCase = wholeLine
        if wholeLine {
            // No word breaks: the word being completed is the whole line up to the cursor.
            rl_completer_word_break_characters = UnsafePointer(readlineNoBreaks)
            rl_variable_bind("completion-ignore-case", "on")
        }
        for (name, value) in [
            ("bell-style", "none"), ("show-all-if-ambiguous", "on"), ("enable-bracketed-paste", "off"),
            ("page-completions", "off"), ("horizontal-scroll-mode", "on"),
            // Edits of a recalled line must not change the history entry itself.
            ("revert-all-at-newline", "on"),
        ] {
            rl_variable_bind(name, value)
        }
        clear_history()  // a bridge starts with no history but its file's
        using_history()
        stifle_history(Int32(clamping: historyLimit))
        readlineLinesAdded = 0
        rl_callback_handler_install("", bridgeLineHandler)
        configured = true
    }

    /// Removes the callback handler and releases readline. Safe to call twice.
    func shutdown() {
        guard configured else { return }
        configured = false
        rl_callback_handler_remove()
        rl_outstream = nil
        if let devNull = readlineContext.devNull { fclose(devNull) }
        readlineContext = ReadlineContext()
    }

    // MARK: Input

    /// Feeds ncurses key codes (`TerminalInput.keyCodes`) to readline and
    /// returns the command line afterwards. Bytes below 256 pass through
    /// (readline decodes UTF-8); arrows, Home, End, Delete, Backspace and
    /// keypad Enter become the sequences readline binds; other `KEY_*` codes
    /// are dropped. Feed a lone Escape only if readline should see it: it
    /// starts a key sequence.
    func feed(_ keyCodes: [Int32]) -> CommandLineState {
        guard configured else { return CommandLineState() }
        readlineContext.completed = []
        readlineContext.candidates = []
        readlineContext.endOfInput = false
        for code in keyCodes { readlineContext.pending.append(contentsOf: Self.bytes(forKeyCode: code)) }
        while !readlineContext.pending.isEmpty {
            let before = readlineContext.pending.count
            rl_callback_read_char()
            if readlineContext.pending.count >= before { break }  // readline took nothing: do not spin
        }
        return state
    }

    /// Feeds one key code; see `feed(_:)`.
    func feed(_ keyCode: Int32) -> CommandLineState { feed([keyCode]) }

    /// The command line now (with the lines, candidates and end-of-input
    /// flag of the last `feed`).
    var state: CommandLineState {
        guard configured else { return CommandLineState() }
        var s = CommandLineState()
        s.text = Self.lineText(bytes: Int(rl_end))
        s.cursorColumn = DisplayWidth.of(Self.lineText(bytes: Int(rl_point)))
        s.completedLines = readlineContext.completed
        s.candidates = readlineContext.candidates
        s.endOfInput = readlineContext.endOfInput
        return s
    }

    /// The candidates of the last ambiguous completion (kept until the next `feed`).
    var lastCandidates: [String] { readlineContext.candidates }

    /// Replaces the text being edited and puts the cursor at its end.
    func setLine(_ text: String) {
        guard configured else { return }
        // A fresh line: history browsing starts again from the newest entry.
        using_history()
        rl_replace_line(text, 1)
        rl_point = rl_end
    }

    /// The first `bytes` bytes of readline's line buffer, decoded as UTF-8.
    private static func lineText(bytes: Int) -> String {
        guard let buffer = rl_line_buffer, bytes > 0 else { return "" }
        return buffer.withMemoryRebound(to: UInt8.self, capacity: bytes) {
            String(decoding: UnsafeBufferPointer(start: $0, count: bytes), as: UTF8.self)
        }
    }

    /// ncurses `KEY_*` codes (octal, from curses.h; this file cannot import
    /// ncurses). `NCursesTerminal.start()` asserts that they agree.
    enum CursesKey {
        static let down: Int32 = 0o402
        static let up: Int32 = 0o403
        static let left: Int32 = 0o404
        static let right: Int32 = 0o405
        static let home: Int32 = 0o406
        static let backspace: Int32 = 0o407
        static let delete: Int32 = 0o512
        static let enter: Int32 = 0o527
        static let end: Int32 = 0o550
    }

    /// The bytes readline binds for an ncurses key code.
    static func bytes(forKeyCode code: Int32) -> [UInt8] {
        let esc: UInt8 = 27
        switch code {
        case 0..<256: return [UInt8(code)]
        case CursesKey.up: return [esc, 91, 65]  // ESC [ A
        case CursesKey.down: return [esc, 91, 66]  // ESC [ B
        case CursesKey.right: return [esc, 91, 67]  // ESC [ C
        case CursesKey.left: return [esc, 91, 68]  // ESC [ D
        case CursesKey.home: return [esc, 91, 72]  // ESC [ H
        case CursesKey.end: return [esc, 91, 70]  // ESC [ F
        case CursesKey.delete: return [esc, 91, 51, 126]  // ESC [ 3 ~
        case CursesKey.backspace: return [127]
        case CursesKey.enter: return [13]
        default: return []
        }
    }

    // MARK: History

    /// Adds `line` to the history unless it is blank or repeats the last entry.
    func addHistory(_ line: String) {
        readlineAddHistory(line)
    }

    /// Reads history lines from `path` (a missing file is not an error) and
    /// puts the history position after the last line, so that Up recalls it.
    func loadHistory(from path: String) throws {
        let status = read_history(path)
        // read_history leaves the position where it was (at 0 before any line): move it to the end.
        using_history()
        if status != 0 && status != ENOENT {
            throw TerminalError(description: "cannot read history from \(path): \(String(cString: strerror(status)))")
        }
    }

    /// Adds the lines entered since `configure` to the history file at
    /// `path` and cuts the file to its last `limit` lines; writes the whole
    /// history when the file does not exist yet. Lines already in the file
    /// are never rewritten (another shell may have added its own meanwhile).
    func saveHistory(to path: String, limit: Int = 1000) throws {
        let status: Int32
        if FileManager.default.fileExists(atPath: path) {
            let added = Int32(clamping: min(readlineLinesAdded, Int(history_length)))
            status = added > 0 ? append_history(added, path) : 0
            if status == 0 { _ = history_truncate_file(path, Int32(clamping: limit)) }
        } else {
            status = write_history(path)
        }
        if status != 0 {
            throw TerminalError(description: "cannot write history to \(path): \(String(cString: strerror(status)))")
        }
    }

    /// The history, oldest first.
    var history: [String] {
        guard let list = history_list() else { return [] }
        var lines: [String] = []
        var i = 0
        while let entry = list[i] {
            if let line = entry.pointee.line { lines.append(String(cString: line)) }
            i += 1
        }
        return lines
    }
}

// MARK: - State reached from C callbacks

/// What readline's C callbacks read and write. One per process (readline is global).
private struct ReadlineContext {
    var active = false
    var completion: ReadlineBridge.Completion?
    /// Match candidates case-insensitively (whole-line completion).
    var ignoreCase = false
    var devNull: UnsafeMutablePointer<FILE>?
    /// Bytes waiting for readline, oldest first.
    var pending: [UInt8] = []
    var completed: [String] = []
    var candidates: [String] = []
    var endOfInput = false
    /// Matches for the completion in progress, handed out by `bridgeGenerateMatch`.
    var matches: [String] = []
    var matchIndex = 0
}

nonisolated(unsafe) private var readlineContext = ReadlineContext()

/// readline keeps this pointer: a static C string that lives forever.
nonisolated(unsafe) private let readlineName: UnsafeMutablePointer<CChar>? = strdup("gru4rec")

private func readlineAddHistory(_ line: String) {
    guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
    if history_length > 0, let last = history_get(history_base + history_length - 1), let text = last.pointee.line,
       String(cString: text) == line
    {
        return
    }
    add_history(line)
    readlineLinesAdded += 1
    // Up after this line starts from it (not from wherever the position was).
    using_history()
}

/// Lines added to the history since `configure` (what `saveHistory` appends).
nonisolated(unsafe) private var readlineLinesAdded = 0

private func bridgeGetc(_: UnsafeMutablePointer<FILE>?) -> Int32 {
    guard !readlineContext.pending.isEmpty else { return EOF }
    return Int32(readlineContext.pending.removeFirst())
}

private func bridgeInputAvailable() -> Int32 {
    readlineContext.pending.isEmpty ? 0 : 1
}

private func bridgeRedisplay() {}

private func bridgeLineHandler(_ line: UnsafeMutablePointer<CChar>?) {
    guard let line else {
        readlineContext.endOfInput = true
        return
    }
    let text = String(cString: line)
    free(line)
    readlineAddHistory(text)
    readlineContext.completed.append(text)
}

/// An empty word-break set (readline keeps the pointer).
nonisolated(unsafe) private let readlineNoBreaks: UnsafeMutablePointer<CChar> = strdup("")

private func bridgeAttemptCompletion(
    _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    rl_attempted_completion_over = 1
    let prefix = text.map { String(cString: $0) } ?? ""
    let whole = rl_line_buffer.map { String(cString: $0) } ?? ""
    let candidates = readlineContext.completion?(prefix, whole) ?? []
    let lowered = prefix.lowercased()
    readlineContext.matches = candidates.filter { readlineContext.ignoreCase ? $0.lowercased().hasPrefix(lowered) : $0.hasPrefix(prefix) }
    readlineContext.matchIndex = 0
    guard !readlineContext.matches.isEmpty else { return nil }
    return rl_completion_matches(text, bridgeGenerateMatch)
}

private func bridgeGenerateMatch(_: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<CChar>? {
    if state == 0 { readlineContext.matchIndex = 0 }
    guard readlineContext.matchIndex < readlineContext.matches.count else { return nil }
    let match = readlineContext.matches[readlineContext.matchIndex]
    readlineContext.matchIndex += 1
    return strdup(match)  // readline frees it
}

private func bridgeDisplayMatches(
    _ matches: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ count: Int32, _: Int32
) {
    guard let matches, count > 0 else { return }
    readlineContext.candidates = (1...Int(count)).compactMap { matches[$0].map { String(cString: $0) } }
}
