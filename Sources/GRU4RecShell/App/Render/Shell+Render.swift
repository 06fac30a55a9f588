import Foundation

extension Shell {
    /// Draws the whole screen: a pure function of the state and the size.
    ///
    /// Below 80x24 only a "terminal too small" message is drawn. Each pane is
    /// drawn by its own function of the state and its rectangle.
    public static func render(_ state: ShellState, width: Int, height: Int) -> ScreenBuffer {
        var buffer = ScreenBuffer(width: width, height: height)
        let layout = ShellLayout(width: width, height: height, view: state.view, topK: state.topK)
        guard !layout.isTooSmall else {
            drawTooSmall(into: &buffer)
            return buffer
        }
        drawTabBar(state, layout, into: &buffer)
        for (pane, rect) in layout.panes {
            let focused = pane == state.focus && !state.commandLine.isActive
            pane.behaviour.draw(state, in: rect, focused: focused, into: &buffer)
        }
        if state.view == .training { TrainingView.drawCharts(state, in: layout.charts, into: &buffer) }
        drawCommandLine(state, in: layout.commandLine, into: &buffer)
        drawMessageLine(state, in: layout.messageLine, into: &buffer)
        drawStatusLine(state, in: layout.statusLine, into: &buffer)
        return buffer
    }

    /// Where the terminal cursor belongs (on the command line or in the
    /// catalog filter while they are edited), or `nil` to hide it.
    public static func cursorPosition(_ state: ShellState, width: Int, height: Int) -> (x: Int, y: Int)? {
        let layout = ShellLayout(width: width, height: height, view: state.view, topK: state.topK)
        guard !layout.isTooSmall else { return nil }
        if state.commandLine.isActive {
            let before = String(state.commandLine.text.prefix(state.commandLine.cursor))
            return (min(width - 1, layout.commandLine.x + 1 + DisplayWidth.of(before)), layout.commandLine.y)
        }
        if state.isEditingFilter, let rect = layout.rect(of: .catalog) {
            let inner = rect.interior
            return (min(inner.maxX - 1, inner.x + 1 + DisplayWidth.of(state.catalogFilter)), inner.y)
        }
        return nil
    }

    static func drawTooSmall(into buffer: inout ScreenBuffer) {
        let lines = [
            "terminal too small (need \(ShellLayout.minimumWidth)x\(ShellLayout.minimumHeight))",
            "now \(buffer.width)x\(buffer.height): enlarge the window, or press q to quit",
        ]
        let top = max(0, (buffer.height - lines.count) / 2)
        for (k, line) in lines.enumerated() {
            let w = DisplayWidth.of(line)
            buffer.put(line, x: max(0, (buffer.width - w) / 2), y: top + k, style: k == 0 ? Theme.error : Theme.plain)
        }
    }

    static func drawTabBar(_ state: ShellState, _ layout: ShellLayout, into buffer: inout ScreenBuffer) {
        let bar = layout.tabBar
        buffer.fill(bar, style: Theme.tabBar)
        if bar.width >= ShellLayout.namedTabBarWidth { buffer.put(" gru4rec", x: bar.x, y: bar.y, style: Theme.tabBar.bolded) }
        for tab in layout.tabs() {
            buffer.put(tab.label, x: bar.x + tab.x, y: bar.y, style: tab.view == state.view ? Theme.activeTab : Theme.tabBar)
        }
        let exclude = state.excludeSessionItems ? "on" : "off"
        let layers = state.loaded?.model.layers.count
        let playing = state.replay.playing ? "▶ playing · " : ""
        let long = "top \(state.topK) · exclude \(exclude)" + (layers.map { " · layer \(state.layer + 1)/\($0)" } ?? "")
        let short = "top \(state.topK) · excl \(exclude)" + (layers.map { " · L\(state.layer + 1)/\($0)" } ?? "")
        let end = (layout.tabs().last.map { $0.x + $0.label.count } ?? 0) + 2
        // The longest form that leaves a space on both sides.
        if let settings = [playing + long, playing + short, short].first(where: { bar.width - end > DisplayWidth.of($0) + 1 }) {
            buffer.put(settings, x: bar.maxX - DisplayWidth.of(settings) - 1, y: bar.y, style: Theme.tabBar)
        }
    }

    static func drawMessageLine(_ state: ShellState, in rect: Rect, into buffer: inout ScreenBuffer) {
        if state.commandLine.isActive, !state.commandLine.candidates.isEmpty {
            let shown = state.commandLine.candidates.map { $0.split(separator: " ", maxSplits: 1).last.map(String.init) ?? $0 }
            buffer.put(fit(shown.joined(separator: "  "), rect.width), x: rect.x, y: rect.y, style: Theme.dim)
            return
        }
        guard let notice = state.notice else { return }
        let head = (notice.kind == .error ? "✗ " : "") + notice.text
        let style = notice.kind == .error ? Theme.error : Theme.info
        // The hint in a quieter style after the message itself.
        let parts = [(head, style)] + (notice.hint.map { [(" — " + $0, Theme.plain)] } ?? [])
        let rows = messageCanWrap(state) ? 2 : 1
        for (row, spans) in wrap(parts, width: rect.width, rows: rows).enumerated() {
            var x = rect.x
            for (text, style) in spans {
                buffer.put(text, x: x, y: rect.y + row, style: style)
                x += DisplayWidth.of(text)
            }
        }
    }

    /// Whether a long message may take the command line's row as well (it is idle).
    static func messageCanWrap(_ state: ShellState) -> Bool {
        !state.commandLine.isActive && !state.isEditingFilter
    }

    /// Whether the message line's text needs the command line's row too.
    static func messageWraps(_ state: ShellState, width: Int) -> Bool {
        guard messageCanWrap(state), let notice = state.notice else { return false }
        let text = (notice.kind == .error ? "✗ " : "") + notice.text + (notice.hint.map { " — " + $0 } ?? "")
        return DisplayWidth.of(text) > width
    }

    /// Styled text laid out in at most `rows` rows of `width` columns,
    /// broken at spaces where possible; the last row ends in "…" when the
    /// text does not fit.
    static func wrap(_ parts: [(String, Style)], width: Int, rows: Int) -> [[(String, Style)]] {
        guard width > 0, rows > 0 else { return [] }
        var lines: [[(String, Style)]] = [[]]
        var used = 0
        var remaining = parts
        while !remaining.isEmpty {
            var (text, style) = remaining.removeFirst()
            while !text.isEmpty {
                let room = width - used
                if DisplayWidth.of(text) <= room {
                    lines[lines.count - 1].append((text, style))
                    used += DisplayWidth.of(text)
                    break
                }
                if lines.count == rows {
                    // Last row: cut with "…" (what fits of the rest).
                    let rest = ([text] + remaining.map(\.0)).joined()
                    lines[lines.count - 1].append((ScreenBuffer.truncate(rest, to: room), style))
                    return lines
                }
                // Break at the last space that fits (else mid-word when nothing of this row is used yet).
                var cut = 0, width = 0, lastSpace: Int?
                for (k, ch) in text.enumerated() {
                    let w = DisplayWidth.of(ch)
                    if width + w > room { break }
                    width += w
                    cut = k + 1
                    if ch == " " { lastSpace = k }
                }
                let take = lastSpace.map { $0 + 1 } ?? (used == 0 ? max(1, cut) : 0)
                if take > 0 { lines[lines.count - 1].append((String(text.prefix(take)), style)) }
                text = String(text.dropFirst(take))
                lines.append([])
                used = 0
                if text.hasPrefix(" ") { text.removeFirst() }
            }
        }
        return lines
    }

    static func drawCommandLine(_ state: ShellState, in rect: Rect, into buffer: inout ScreenBuffer) {
        let line = state.commandLine
        if line.isActive {
            buffer.put(":", x: rect.x, y: rect.y, style: Theme.title)
            // Show the end of a line too long for the screen.
            let room = rect.width - 2
            var text = line.text
            while DisplayWidth.of(text) > room, !text.isEmpty { text.removeFirst() }
            buffer.put(text, x: rect.x + 1, y: rect.y, maxWidth: rect.width - 1)
        } else if state.isEditingFilter {
            buffer.put(fit("filter: type to narrow the catalog · Enter adds the item · Esc clears", rect.width),
                       x: rect.x, y: rect.y, style: Theme.dim)
        } else if !messageWraps(state, width: rect.width) {
            buffer.put(fit(": command (Tab completes) · / filter catalog · ? help", rect.width),
                       x: rect.x, y: rect.y, style: Theme.dim)
        }
    }

    static func drawStatusLine(_ state: ShellState, in rect: Rect, into buffer: inout ScreenBuffer) {
        buffer.fill(rect, style: Theme.statusBar)
        var left: String
        if let loaded = state.loaded {
            let model = loaded.model
            left = " \(loaded.name) · \(plural(model.itemCount, "item")) · layers \(model.layers.map(String.init).joined(separator: "/"))"
            if let loss = finalLoss(loaded) { left += " · loss " + String(format: "%.3f", loss) }
        } else {
            left = " no model loaded"
        }
        if state.showTimings, let u = state.lastUpdateSeconds {
            left += " · update " + milliseconds(u)
            if let r = state.lastRenderSeconds { left += " + draw " + milliseconds(r) }
        }
        buffer.put(left, x: rect.x, y: rect.y, style: Theme.statusBar, maxWidth: rect.width)
        let room = rect.width - DisplayWidth.of(left) - 2
        let hints = [
            "click/Enter add · Tab focus · : command · ? help · q quit ",
            "Tab focus · : command · ? help · q quit ",
            "? help · q quit ",
        ].first { DisplayWidth.of($0) <= room }
        if let hints {
            buffer.put(hints, x: rect.maxX - DisplayWidth.of(hints), y: rect.y, style: Theme.statusBar)
        }
    }

    /// The training loss to show: the model file's, else the log's last epoch.
    static func finalLoss(_ loaded: LoadedModel) -> Double? {
        if let loss = loaded.facts.finalLoss, loss.isFinite { return loss }
        for record in (loaded.trainingLog ?? []).reversed() {
            if case .epoch(_, let loss, _, _, _, _, _) = record, loss.isFinite { return loss }
        }
        return nil
    }

    static func milliseconds(_ seconds: Double) -> String {
        let ms = seconds * 1000
        return ms < 10 ? String(format: "%.2f ms", ms) : String(format: "%.0f ms", ms)
    }
}
