import Foundation
import GRU4RecShell

/// A hidden debug mode (`gru4rec __terminal-demo`) that exercises the ncurses
/// backend and the readline bridge end to end: a box, a heat map, a line
/// echoing the last event and a readline command line at the bottom.
///
/// Keys: `:` opens the command line; there Tab completes from
/// quit/query/help, Enter runs the line (`quit` quits), Escape closes it.
/// Outside the command line `q` quits. `GRU4REC_DEMO_HISTORY` names a
/// history file to load at start and save at exit.
func runTerminalDemo() {
    NCursesTerminal.prepareProcess()
    let bridge = ReadlineBridge()
    let commands = ["quit", "query", "help"]
    let historyPath = ProcessInfo.processInfo.environment["GRU4REC_DEMO_HISTORY"]
    do {
        try bridge.configure { prefix, _ in commands.filter { $0.hasPrefix(prefix) } }
        if let historyPath { try bridge.loadHistory(from: historyPath) }
    } catch {
        FileHandle.standardError.write(Data("gru4rec: \(error)\n".utf8))
        exit(1)
    }
    let terminal = NCursesTerminal()
    do {
        try terminal.start()
    } catch {
        FileHandle.standardError.write(Data("gru4rec: \(error)\n".utf8))
        exit(1)
    }

    var state = DemoState(width: terminal.width, height: terminal.height, colorMode: terminal.colorMode)
    while !state.quit {
        let frame = DemoState.render(state)
        terminal.paint(frame.buffer, cursor: frame.cursor)
        guard let input = terminal.readEvent(timeoutMs: 1000) else {
            state.ticks += 1
            continue
        }
        state.update(input) { bridge.feed($0) }
    }
    terminal.stop()
    if let historyPath {
        do { try bridge.saveHistory(to: historyPath) } catch {
            FileHandle.standardError.write(Data("gru4rec: \(error)\n".utf8))
        }
    }
    bridge.shutdown()
}

/// The demo's whole state; changed only by `update`, drawn by `render`.
struct DemoState {
    var width: Int
    var height: Int
    var colorMode: ColorMode
    var lastEvent = "none yet"
    var commandFocused = false
    var command = CommandLineState()
    var entered: [String] = []
    var ticks = 0
    var quit = false

    /// Applies one input; `feedReadline` hands key codes to readline.
    mutating func update(_ input: TerminalInput, feedReadline: ([Int32]) -> CommandLineState) {
        lastEvent = Self.describe(input.event)
        switch input.event {
        case .resize(let w, let h):
            width = w
            height = h
        case .mouse, .tick:
            break
        case .key(let key):
            if commandFocused {
                if key == .escape {
                    commandFocused = false
                    command = feedReadline([21])  // Ctrl-U: drop the half-typed line
                    return
                }
                command = feedReadline(input.keyCodes)
                for line in command.completedLines {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    entered.append(trimmed)
                    if trimmed == "quit" { quit = true }
                }
                if command.endOfInput { quit = true }
            } else if key == .character("q") {
                quit = true
            } else if key == .character(":") {
                commandFocused = true
            }
        }
    }

    static func describe(_ event: InputEvent) -> String {
        switch event {
        case .key(let key): return "key \(key)"
        case .mouse(let m): return "mouse \(m.kind) x=\(m.x) y=\(m.y)"
        case .resize(let w, let h): return "resize \(w)x\(h)"
        case .tick: return "tick"
        }
    }

    /// The screen for `state`, and where the cursor goes.
    static func render(_ state: DemoState) -> (buffer: ScreenBuffer, cursor: (x: Int, y: Int)?) {
        var b = ScreenBuffer(width: state.width, height: state.height)
        let rows = b.bounds.split(.vertical, [.fill, .fixed(1)])
        let main = rows[0], commandRow = rows[1]
        b.box(main, title: "terminal demo \(state.width)x\(state.height)", focused: !state.commandFocused)
        let inside = main.interior
        b.put("last event: \(state.lastEvent)", x: inside.x + 1, y: inside.y, maxWidth: inside.width - 1)
        b.put("colours: \(state.colorMode)  ticks: \(state.ticks)", x: inside.x + 1, y: inside.y + 1,
              style: Style(dim: true), maxWidth: inside.width - 1)

        let body = Rect(x: inside.x + 1, y: inside.y + 3, width: inside.width - 2, height: inside.height - 4)
        let columns = body.split(.horizontal, [.fixed(34), .fill], spacing: 2)
        let values = (0..<128).map { (i: Int) -> Double in
            let column = Double(i % 16), row = Double(i / 16)
            return sin(column / 2.5) * cos(row / 2)
        }
        HeatMap(values: values, rows: 8, columns: 16, mode: state.colorMode)
            .draw(into: &b, in: Rect(x: columns[0].x, y: columns[0].y, width: columns[0].width, height: min(8, columns[0].height)))
        b.put("entered:", x: columns[1].x, y: columns[1].y, style: Style(bold: true), maxWidth: columns[1].width)
        for (i, line) in state.entered.suffix(max(0, columns[1].height - 1)).enumerated() {
            b.put(line, x: columns[1].x, y: columns[1].y + 1 + i, maxWidth: columns[1].width)
        }
        if !state.command.candidates.isEmpty {
            b.put("completions: " + state.command.candidates.joined(separator: "  "),
                  x: inside.x + 1, y: inside.maxY - 1, maxWidth: inside.width - 1)
        }

        guard state.commandFocused else {
            b.put("press : for the command line, q to quit", x: commandRow.x, y: commandRow.y, style: Style(dim: true))
            return (b, nil)
        }
        let prompt = ": "
        b.put(prompt + state.command.text, x: commandRow.x, y: commandRow.y, maxWidth: commandRow.width)
        let cursorX = min(commandRow.maxX - 1, DisplayWidth.of(prompt) + state.command.cursorColumn)
        return (b, (cursorX, commandRow.y))
    }
}
