import Foundation

/// Why the model suggests the explained item after the live session: the
/// score split as the model computes it (output bias + top layer's h·Wy),
/// the softmax probability and rank, then every click's leave-one-out
/// influence, largest first: the item's score and rank had that click not
/// happened, the change, and a bar of it (▲ raised the item, ▼ lowered it).
///
///     ┌─ Explain · Blue mug ───────────────────────────────┐
///     │score 4.213 = bias 0.120 + h·Wy 4.093               │
///     │prob 12.3% · rank #1 of 40 · 4 clicks               │
///     │                                                    │
///     │ # without         score   rank   Δscore            │
///     │ 3 Mug rack        2.100     #4   ▲2.113 █████      │
enum ExplainPane: PaneBehaviour {
    /// Rows above the influence list (score, probability, blank, header).
    static let headerLines = 4

    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        state.explainState.influenceOffset = scrolled(state.explainState.influenceOffset, key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) {
        state.explainState.influenceOffset = max(0, state.explainState.influenceOffset + delta)
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let d = state.directory
        drawItemBox("Explain", state.explainState.item, state, in: rect, focused: focused, into: &buffer)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, let d else { return }
        guard let e = state.explainState.explanation, let model = state.loaded?.model else {
            putDim(["nothing explained yet:", "e on a selected suggestion,", "or explain <n|id|name>"], in: inner, into: &buffer)
            return
        }
        let w = inner.width
        let layers = model.layers.count
        let hName = layers > 1 ? "h\(layers)·Wy" : "h·Wy"
        buffer.put(fit(String(format: "score %.3f = bias %.3f + %@ %.3f", e.score, e.bias, hName, e.dot), w),
                   x: inner.x, y: inner.y, style: Theme.title)
        let clicks = state.explainState.session.count
        buffer.put(fit("prob \(SuggestionsPane.percent(e.probability)) · rank #\(grouped(e.rank)) of \(grouped(model.itemCount))"
                       + " · \(plural(clicks, "click"))", w), x: inner.x, y: inner.y + 1)
        if state.explainState.isUpdating, inner.height > 2 {
            buffer.put(fit("updating to \(plural(state.sessionItems.count, "click"))…", w), x: inner.x, y: inner.y + 2, style: Theme.dim)
        }
        guard inner.height > headerLines else { return }
        let listY = inner.y + headerLines
        let listHeight = inner.height - headerLines
        guard !e.influences.isEmpty else {
            buffer.put(fit("empty session: score = output bias", w), x: inner.x, y: listY - 1, style: Theme.dim)
            return
        }

        // The name takes up to 32 columns, the bar the rest (up to 40).
        let number = max(2, String(clicks).count), score = 7, rank = 6, change = 8
        let fixed = number + score + rank + change + 5
        var nameWidth = min(32, max(12, w - fixed - 8))
        var barWidth = min(40, max(0, w - fixed - nameWidth))
        if barWidth < 4 { barWidth = 0 }
        nameWidth = min(barWidth > 0 ? 32 : w, max(0, w - fixed - barWidth + (barWidth > 0 ? 0 : 1)))
        buffer.putRow([
            Column(text: "#", width: number, align: .right, style: Theme.header),
            Column(text: "without", width: nameWidth, style: Theme.header),
            Column(text: "score", width: score, align: .right, style: Theme.header),
            Column(text: "rank", width: rank, align: .right, style: Theme.header),
            Column(text: "Δscore", width: change, align: .right, style: Theme.header),
            Column(text: "", width: barWidth),
        ], x: inner.x, y: listY - 1)
        let ordered = e.byInfluence
        let largest = ordered.first.map { Double(abs($0.influence)) } ?? 0
        let offset = min(state.explainState.influenceOffset, max(0, ordered.count - listHeight))
        for (row, c) in ordered.dropFirst(offset).prefix(listHeight).enumerated() {
            let raised = c.influence >= 0
            let style = raised ? Theme.up : Theme.down
            buffer.putRow([
                Column(text: String(c.position + 1), width: number, align: .right, style: Theme.dim),
                Column(text: d.names[c.item], width: nameWidth),
                Column(text: String(format: "%.3f", c.scoreWithout), width: score, align: .right),
                Column(text: "#" + grouped(c.rankWithout), width: rank, align: .right),
                Column(text: (raised ? "▲" : "▼") + String(format: "%.3f", abs(c.influence)), width: change, align: .right, style: style),
                Column(text: Bar.glyphs(fraction: largest > 0 ? Double(abs(c.influence)) / largest : 0, width: barWidth),
                       width: barWidth, style: style),
            ], x: inner.x, y: listY + row)
        }
        if ordered.count > listHeight {
            let more = " ↑↓ \(offset + 1)-\(min(ordered.count, offset + listHeight))/\(ordered.count) "
            buffer.put(more, x: rect.maxX - DisplayWidth.of(more) - 2, y: rect.maxY - 1, style: Theme.dim)
        }
    }
}

/// The box of a pane about one item: "<title> · <name>" (just the title
/// when narrow or when there is no item).
func drawItemBox(_ title: String, _ item: Int?, _ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
    let name = item.flatMap { state.itemName($0) }
    buffer.box(rect, title: boxTitle(name.map { [title + " · " + $0, title] } ?? [title], width: rect.width),
               focused: focused, style: focused ? Theme.focusedBox : Theme.box)
}

/// Dimmed lines at the top of `rect` (what an empty pane says), as many as fit.
func putDim(_ lines: [String], in rect: Rect, into buffer: inout ScreenBuffer) {
    for (k, line) in lines.enumerated() where k < rect.height {
        buffer.put(fit(line, rect.width), x: rect.x, y: rect.y + k, style: Theme.dim)
    }
}

extension String {
    /// The string right-aligned in `width` characters (unchanged when longer).
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
