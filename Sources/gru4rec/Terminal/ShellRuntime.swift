import Foundation
import GRU4Rec
import GRU4RecShell

/// The interactive runtime of `gru4rec shell`: ncurses paints `Shell.render`,
/// terminal input and readline edits become `ShellMessage`s, effects are
/// performed here, and the clock drives replay auto-play. The state changes
/// only in `Shell.update`.
final class ShellRuntime {
    private var state = ShellState()
    private let makeState: (ColorMode) -> ShellState
    private let environment: ShellEnvironment
    private let terminal: NCursesTerminal
    private let bridge = ReadlineBridge()
    private let historyPath: String?
    private var lineEditing = false
    private var timerInterval: Double?
    private var nextTick: Double = 0

    /// - Parameter makeState: builds the initial state once the terminal's colour mode is known.
    init(makeState: @escaping (ColorMode) -> ShellState, environment: ShellEnvironment, historyPath: String?, colorMode: ColorMode?) {
        self.makeState = makeState
        self.environment = environment
        self.historyPath = historyPath
        terminal = colorMode.map { NCursesTerminal(colorMode: $0) } ?? NCursesTerminal()
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// Runs until `quit` (or until the terminal goes away).
    func run(startup: [String]) throws {
        NCursesTerminal.prepareProcess()
        // Candidates are whole command lines (item names contain spaces).
        try bridge.configure(completion: { [unowned self] prefix, _ in
            Shell.completions(for: prefix, state: self.state)
        }, wholeLine: true)
        if let historyPath, FileManager.default.fileExists(atPath: historyPath) { try? bridge.loadHistory(from: historyPath) }
        try terminal.start()
        defer {
            terminal.stop()
            if let historyPath { try? bridge.saveHistory(to: historyPath) }
            bridge.shutdown()
        }
        state = makeState(terminal.colorMode)
        apply(.input(.resize(width: terminal.width, height: terminal.height)))
        for line in startup { apply(.command(line)) }
        Hangup.install()
        var instantEmptyReads = 0
        while !state.quitRequested && !Hangup.received {
            let renderStart = Self.now()
            let screen = Shell.render(state, width: terminal.width, height: terminal.height)
            let cursor = Shell.cursorPosition(state, width: terminal.width, height: terminal.height)
            terminal.paint(screen, cursor: cursor)
            let renderSeconds = Self.now() - renderStart
            let wait: Int
            if timerInterval != nil { wait = max(0, Int((nextTick - Self.now()) * 1000)) } else { wait = 500 }
            let readStart = Self.now()
            let input = terminal.readEvent(timeoutMs: wait)
            // A terminal that went away (closed pty) answers every read at once with nothing:
            // leave instead of spinning.
            if input == nil && wait >= 100 && Self.now() - readStart < 0.01 {
                instantEmptyReads += 1
                if instantEmptyReads > 50 { break }
            } else {
                instantEmptyReads = 0
            }
            let updateStart = Self.now()
            if let input {
                handle(input)
            }
            if let interval = timerInterval, Self.now() >= nextTick {
                nextTick = Self.now() + interval
                apply(.tick(now: Self.now()))
            }
            if input != nil {
                _ = Shell.update(&state, .measured(updateSeconds: Self.now() - updateStart, renderSeconds: renderSeconds))
            }
        }
    }

    private func handle(_ input: TerminalInput) {
        if case .resize = input.event {
            apply(.input(input.event))
            return
        }
        guard lineEditing, case .key(let key) = input.event else {
            apply(.input(input.event))
            return
        }
        if key == .escape {
            bridge.setLine("")
            apply(.lineCancelled)
            return
        }
        let edit = bridge.feed(input.keyCodes)
        for line in edit.completedLines {
            apply(.lineSubmitted(line))
            if !lineEditing { break }
        }
        if edit.endOfInput { apply(.command("quit")); return }
        if lineEditing {
            apply(.lineEdited(text: edit.text, cursor: Self.characterOffset(edit.text, displayColumn: edit.cursorColumn)))
            // readline lists candidates after an ambiguous Tab; the shell shows them (as whole lines).
            if !edit.candidates.isEmpty { apply(.completionsShown(edit.candidates)) }
        }
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

    /// Updates the state and carries out the effects (feeding their answers back).
    private func apply(_ message: ShellMessage) {
        var pending = Shell.update(&state, message)
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if let answer = Shell.perform(effect, environment: environment) {
                pending += Shell.update(&state, answer)
                continue
            }
            switch effect {
            case .startTimer(let ms):
                timerInterval = Double(max(ms, 10)) / 1000
                nextTick = Self.now() + timerInterval!
            case .stopTimer:
                timerInterval = nil
            case .startLineEditing(let text):
                lineEditing = true
                bridge.setLine(text)
            case .stopLineEditing:
                lineEditing = false
                bridge.setLine("")
            case .quit, .loadModel, .loadSessions, .writeFile:
                break
            }
        }
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
