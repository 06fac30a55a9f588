/// Every command with its arguments and summary, then the keys and the mouse.
/// Two columns when the screen is wide; scrolls with the arrows otherwise.
enum HelpView: PaneBehaviour {
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        state.helpOffset = scrolled(state.helpOffset, key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.helpOffset = max(0, state.helpOffset + delta) }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        draw(state, in: rect, into: &buffer)
    }

    static let keys: [(String, String)] = [
        ("Tab / Shift-Tab", "move the focus between panes"),
        ("↑ ↓ PgUp PgDn", "move in the focused list"),
        ("Home / End", "first / last entry"),
        ("Enter", "add the selected item"),
        ("Delete / x", "remove the selected click (session)"),
        ("← →", "replay: back / step"),
        ("/", "filter the catalog (Esc clears)"),
        (":", "command line (Tab, ↑ history)"),
        ("u", "undo the last click"),
        ("+ / -", "one suggestion more / fewer"),
        ("space / n", "replay: play/pause, next session"),
        ("t", "show/hide update and draw times"),
        ("F1 F2 F3 F4", "session/training/replay/help"),
        ("e", "explain the selected suggestion"),
        ("F5 / F6", "the Analysis / the Explain view"),
        ("F7", "Trajectory: units x clicks"),
        ("Hidden pane", "arrows unit · PgUp/PgDn layer"),
        ("Trajectory", "↑↓ unit ←→ clicks h z r d"),
        ("l / s / Esc", "layer / scale / clear unit"),
        ("? / Esc", "help / back"),
        ("q", "quit"),
        ("mouse", "click an item or suggestion: add it"),
        ("", "click a tab: switch; wheel: scroll"),
    ]

    static func draw(_ state: ShellState, in rect: Rect, into buffer: inout ScreenBuffer) {
        buffer.box(rect, title: "Help", focused: true, style: Theme.focusedBox)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0 else { return }
        let commands = [("Commands", "")] + CommandTable.all.map { ($0.usage, $0.summary) }
        let keyLines = [("Keys", "")] + keys
        var columns: [[(String, String)]]
        if inner.width >= 100 {
            columns = [commands, keyLines]
        } else {
            columns = [commands + [("", "")] + keyLines]
        }
        let left = min(64, inner.width * 55 / 100)
        let widths = columns.count == 2 ? [left, inner.width - left - 2] : [inner.width]
        let longest = columns.map { $0.count }.max() ?? 0
        let offset = min(state.helpOffset, max(0, longest - inner.height))
        for (c, column) in columns.enumerated() {
            let x = c == 0 ? inner.x : inner.x + widths[0] + 2
            let columnWidth = widths[c]
            let keyWidth = c == 1 ? 16 : 24
            for (row, line) in column.dropFirst(offset).prefix(inner.height).enumerated() {
                let y = inner.y + row
                if line.1.isEmpty {
                    buffer.put(fit(line.0, columnWidth), x: x, y: y, style: Theme.title)
                } else {
                    buffer.put(fit(line.0, keyWidth), x: x, y: y, style: Theme.info)
                    buffer.put(fit(line.1, max(0, columnWidth - keyWidth - 1)), x: x + keyWidth + 1, y: y)
                }
            }
        }
        if longest > inner.height {
            let more = " ↑↓ \(offset + 1)-\(min(longest, offset + inner.height))/\(longest) "
            buffer.put(more, x: rect.maxX - DisplayWidth.of(more) - 2, y: rect.maxY - 1, style: Theme.dim)
        }
    }
}
