@preconcurrency import CNCurses
import Foundation
import GRU4RecShell

/// What one read from the terminal produced: the translated event, and the
/// raw ncurses key codes behind it (bytes below 256, `KEY_*` codes above),
/// so that the app can hand them to `ReadlineBridge.feed` while the command
/// line has focus. Mouse and resize events carry no key codes.
struct TerminalInput: Equatable {
    var event: InputEvent
    var keyCodes: [Int32]
}

/// Why the terminal could not start.
struct TerminalError: Error, CustomStringConvertible {
    var description: String
}

/// The ncurses backend: sets the terminal up, paints a `ScreenBuffer` and
/// reads input as `InputEvent`s. The only file that imports ncurses.
///
/// Start-up order (see docs/TERMINAL.md; getting it wrong breaks resize):
/// 1. `NCursesTerminal.prepareProcess()`: unblock signals, set the locale,
///    drop `LINES`/`COLUMNS` from the environment.
/// 2. `ReadlineBridge.configure(...)`: readline's first calls.
/// 3. `start()`: ncurses itself.
/// `stop()` restores the terminal; it is safe to call more than once.
///
/// Painting keeps the last painted grid and writes only cells that changed;
/// after a resize (or when the grid size changes) everything is repainted.
/// Coordinates are 0-based columns (x) and rows (y).
final class NCursesTerminal {
    /// Colours the terminal shows; decided by `start()` unless forced in `init`.
    private(set) var colorMode: ColorMode = .none
    /// Screen size in columns and rows, updated on resize.
    private(set) var width = 0
    private(set) var height = 0

    private let forcedColorMode: ColorMode?
    private var screen: OpaquePointer?
    private var started = false
    private var lastPainted: ScreenBuffer?
    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int32 = 1
    private var cursorVisible: Bool?

    private struct PairKey: Hashable {
        var fg: Int
        var bg: Int
    }

    /// A terminal whose colour mode `start()` detects.
    init() {
        forcedColorMode = nil
    }

    /// A terminal that uses `colorMode` whatever the terminal reports.
    init(colorMode: ColorMode) {
        forcedColorMode = colorMode
    }

    deinit { stop() }

    // MARK: Start and stop

    /// Steps 1-2 of the start-up order: unblocks SIGWINCH, SIGINT, SIGTERM,
    /// SIGHUP, SIGTSTP and SIGCONT (a parent may have spawned us with them
    /// blocked), sets the locale from the environment, and removes `LINES`
    /// and `COLUMNS` so that ncurses follows the real size. Idempotent.
    static func prepareProcess() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in [SIGWINCH, SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT] { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        setlocale(LC_ALL, "")
        unsetenv("LINES")
        unsetenv("COLUMNS")
    }

    /// Colour mode for a terminal: none when `NO_COLOR` is set to a non-empty
    /// value or the terminal has no colours, 256 when it has at least 256,
    /// otherwise 8.
    static func detectColorMode(hasColors: Bool, colors: Int, environment: [String: String]) -> ColorMode {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        guard hasColors else { return .none }
        return colors >= 256 ? .twoFiftySix : .eight
    }

    /// Step 4 of the start-up order: ncurses in cbreak/noecho/nonl mode with
    /// the keypad, colours (default colours allowed) and the mouse.
    /// Throws when `TERM` names an unknown terminal.
    func start() throws {
        guard !started else { return }
        typealias K = ReadlineBridge.CursesKey
        assert(
            [K.down, K.up, K.left, K.right, K.home, K.backspace, K.delete, K.enter, K.end]
                == [KEY_DOWN, KEY_UP, KEY_LEFT, KEY_RIGHT, KEY_HOME, KEY_BACKSPACE, KEY_DC, KEY_ENTER, KEY_END],
            "ReadlineBridge.CursesKey disagrees with curses.h")
        Self.prepareProcess()
        set_escdelay(25)
        guard let screen = newterm(nil, stdout, stdin) else {
            let term = ProcessInfo.processInfo.environment["TERM"] ?? "(unset)"
            throw TerminalError(description: "cannot open the terminal (TERM=\(term)): is TERM set to a terminal type this system knows?")
        }
        self.screen = screen
        set_term(screen)
        started = true
        cbreak()
        noecho()
        nonl()
        keypad(stdscr, true)
        if has_colors() {
            start_color()
            use_default_colors()
        }
        mousemask(gru4rec_ALL_MOUSE_EVENTS() | gru4rec_REPORT_MOUSE_POSITION(), nil)
        mouseinterval(0)
        colorMode = forcedColorMode
            ?? Self.detectColorMode(hasColors: has_colors(), colors: Int(COLORS), environment: ProcessInfo.processInfo.environment)
        updateSize()
        lastPainted = nil
    }

    /// Restores the terminal (leaves curses mode). Safe to call twice, or
    /// without `start()`.
    func stop() {
        guard started else { return }
        started = false
        endwin()
        if let screen { delscreen(screen) }
        screen = nil
        lastPainted = nil
        pairs = [:]
        nextPair = 1
    }

    private func updateSize() {
        width = Int(getmaxx(stdscr))
        height = Int(getmaxy(stdscr))
    }

    // MARK: Painting

    /// Paints `buffer` (normally `width` x `height`), writing only the cells
    /// that differ from the last painted grid, then shows the cursor at
    /// `cursor` (0-based column and row) or hides it when `nil`.
    func paint(_ buffer: ScreenBuffer, cursor: (x: Int, y: Int)? = nil) {
        guard started else { return }
        let previous = lastPainted.flatMap { $0.width == buffer.width && $0.height == buffer.height ? $0 : nil }
        if previous == nil { werase(stdscr) }
        for y in 0..<min(buffer.height, height) {
            for x in 0..<min(buffer.width, width) {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                let wide = x + 1 < buffer.width && buffer[x + 1, y].isContinuation
                if let previous, previous[x, y] == cell, !wide || previous[x + 1, y] == buffer[x + 1, y] { continue }
                write(cell, x: x, y: y, wide: wide)
            }
        }
        lastPainted = buffer
        if let cursor, cursor.x >= 0, cursor.x < width, cursor.y >= 0, cursor.y < height {
            setCursorVisible(true)
            wmove(stdscr, Int32(cursor.y), Int32(cursor.x))
        } else {
            setCursorVisible(false)
        }
        wnoutrefresh(stdscr)
        doupdate()
    }

    private func setCursorVisible(_ visible: Bool) {
        guard cursorVisible != visible else { return }
        cursorVisible = visible
        curs_set(visible ? 1 : 0)
    }

    private func write(_ cell: Cell, x: Int, y: Int, wide: Bool) {
        let style = cell.style.degraded(to: colorMode)
        var attributes = gru4rec_A_NORMAL()
        if style.bold { attributes |= gru4rec_A_BOLD() }
        if style.dim { attributes |= gru4rec_A_DIM() }
        if style.reverse { attributes |= gru4rec_A_REVERSE() }
        if style.underline { attributes |= gru4rec_A_UNDERLINE() }
        let pair = colorPair(fg: style.fg, bg: style.bg)
        // ncurses keeps up to 5 wide characters per cell: the base and combining marks.
        var characters = cell.character.unicodeScalars.prefix(4).map { wchar_t(bitPattern: $0.value) }
        characters.append(0)
        var cchar = cchar_t()
        setcchar(&cchar, characters, attributes, pair, nil)
        mvwadd_wch(stdscr, Int32(y), Int32(x), &cchar)
        // If the C library thinks a character we drew as wide is narrow, blank
        // the second column so nothing stale shows through.
        if wide, let first = characters.first, wcwidth(first) < 2 {
            var blank = cchar_t()
            var space: [wchar_t] = [32, 0]
            setcchar(&blank, &space, attributes, pair, nil)
            mvwadd_wch(stdscr, Int32(y), Int32(x + 1), &blank)
        }
    }

    /// The colour pair for fg/bg, allocated on first use; pair 0 (the
    /// terminal's defaults) when colours are off or pairs run out.
    private func colorPair(fg: Color, bg: Color) -> Int16 {
        guard colorMode != .none else { return 0 }
        let key = PairKey(fg: fg.terminalNumber, bg: bg.terminalNumber)
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let pair = pairs[key] { return pair }
        guard nextPair < min(COLOR_PAIRS, Int32(Int16.max)) else { return 0 }
        let pair = Int16(nextPair)
        guard init_pair(pair, Int16(key.fg), Int16(key.bg)) != ERR else { return 0 }
        nextPair += 1
        pairs[key] = pair
        return pair
    }

    // MARK: Input

    /// Waits up to `timeoutMs` milliseconds (negative: forever) for input and
    /// returns it translated, or `nil` when nothing arrived (the app's tick).
    /// Key codes ncurses does not name are skipped.
    func readEvent(timeoutMs: Int) -> TerminalInput? {
        guard started else { return nil }
        var timeout = Int32(clamping: timeoutMs)
        while true {
            wtimeout(stdscr, timeout)
            let code = wgetch(stdscr)
            if code == ERR { return nil }
            if let input = translate(code) { return input }
            timeout = 0  // an unnamed code: look for more without waiting again
        }
    }

    private func translate(_ code: Int32) -> TerminalInput? {
        if code == KEY_RESIZE {
            clearok(curscr, true)
            updateSize()
            lastPainted = nil
            return TerminalInput(event: .resize(width: width, height: height), keyCodes: [])
        }
        if code == KEY_MOUSE {
            var event = MEVENT()
            guard getmouse(&event) == OK, let kind = Self.mouseKind(event.bstate) else { return nil }
            return TerminalInput(
                event: .mouse(MouseEvent(x: Int(event.x), y: Int(event.y), kind: kind)), keyCodes: [])
        }
        if code >= 0x80 && code < 0x100 { return readUTF8(lead: code) }
        guard let key = Self.key(forCode: code) else { return nil }
        return TerminalInput(event: .key(key), keyCodes: [code])
    }

    /// Reads the continuation bytes of a UTF-8 character that started with `lead`.
    private func readUTF8(lead: Int32) -> TerminalInput? {
        let expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        var codes = [lead]
        wtimeout(stdscr, 50)
        while codes.count < expected {
            let next = wgetch(stdscr)
            guard next >= 0x80 && next < 0xC0 else {
                if next != ERR { ungetch(next) }
                break
            }
            codes.append(next)
        }
        let text = String(decoding: codes.map { UInt8(truncatingIfNeeded: $0) }, as: UTF8.self)
        guard let character = text.first else { return nil }
        return TerminalInput(event: .key(.character(character)), keyCodes: codes)
    }

    /// The key for an ncurses code below 128 or a `KEY_*` code; `nil` for
    /// codes with no `Key`.
    static func key(forCode code: Int32) -> Key? {
        switch code {
        case 13, 10, KEY_ENTER: return .enter
        case 9: return .tab
        case KEY_BTAB: return .backTab
        case 127, 8, KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case 27: return .escape
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case 0: return .ctrl(" ")
        case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(96 + code))))
        case 28: return .ctrl("\\")
        case 29: return .ctrl("]")
        case 30: return .ctrl("^")
        case 31: return .ctrl("_")
        case 32..<127: return .character(Character(Unicode.Scalar(UInt8(code))))
        default:
            for n in 1...24 where code == gru4rec_KEY_F(Int32(n)) { return .function(n) }
            return nil
        }
    }

    /// Left button press/release/click and the wheel; other buttons are ignored.
    static func mouseKind(_ state: mmask_t) -> MouseEvent.Kind? {
        if state & gru4rec_BUTTON4_PRESSED() != 0 { return .wheelUp }
        if state & gru4rec_BUTTON5_PRESSED() != 0 { return .wheelDown }
        if state & gru4rec_BUTTON1_CLICKED() != 0 { return .click }
        if state & gru4rec_BUTTON1_PRESSED() != 0 { return .press }
        if state & gru4rec_BUTTON1_RELEASED() != 0 { return .release }
        return nil
    }
}
