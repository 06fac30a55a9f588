import Foundation

/// The Session pane's part for tracked items (`track`): a rank column per
/// item (its rank after each click, bold when within the top-k) and, under
/// the clicks, one row per item with its name, rank now and a sparkline of
/// the rank over the clicks (taller is better: the height is -log(rank)).
enum TrackedRanks {
    static let columnWidth = 5

    /// Column headers: T1, T2, T3 (the sparkline rows name them).
    static func drawHeaders(_ state: ShellState, x: Int, y: Int, into buffer: inout ScreenBuffer) {
        for t in state.explainState.tracked.indices {
            buffer.put(fit("T\(t + 1)", columnWidth, .right), x: x + t * (columnWidth + 1), y: y, style: Theme.header)
        }
    }

    /// The tracked items' ranks after click `click` (0-based).
    static func drawRanks(_ state: ShellState, click: Int, x: Int, y: Int, selected: Bool, into buffer: inout ScreenBuffer) {
        let shown = shownClicks(state)
        for (t, ranks) in state.explainState.trackedRanks.enumerated() {
            guard click < min(ranks.count, shown) else {
                // A deferred full pass (the rank after this click) not yet here.
                if click < state.trace.steps.count {
                    buffer.put(fit("…", columnWidth, .right), x: x + t * (columnWidth + 1), y: y, style: selected ? Theme.selected : Theme.dim)
                }
                continue
            }
            let rank = ranks[click]
            let style = selected ? Theme.selected : (rank <= state.topK ? Theme.hit : Theme.plain)
            buffer.put(fit("#" + CompactNumber.format(Double(rank)), columnWidth, .right), x: x + t * (columnWidth + 1), y: y, style: style)
        }
    }

    /// How many clicks of the live session the tracked ranks are of: all of
    /// them, or fewer while deferred full passes catch up (none when the
    /// ranks are of a session the live one no longer starts with).
    static func shownClicks(_ state: ShellState) -> Int {
        let tracked = state.explainState.trackedSession
        return state.trace.items.starts(with: tracked) ? tracked.count : 0
    }

    /// Draws the sparkline rows at the bottom of `rect`; returns the rows left for the list.
    static func drawSparklines(_ state: ShellState, in rect: Rect, into buffer: inout ScreenBuffer) -> Rect {
        let tracked = state.explainState.tracked
        guard !tracked.isEmpty, rect.height > tracked.count + 1, let d = state.directory else { return rect }
        let top = rect.maxY - tracked.count
        let shown = shownClicks(state)
        for (t, item) in tracked.enumerated() {
            let ranks = t < state.explainState.trackedRanks.count ? Array(state.explainState.trackedRanks[t].prefix(shown)) : []
            let now = state.trace.isComplete ? (ranks.last.map { "#" + CompactNumber.format(Double($0)) } ?? "—") : "…"
            let label = "T\(t + 1) " + d.names[item]
            let tail = " " + now
            let sparkWidth = min(ranks.count, max(0, rect.width / 2))
            let labelWidth = max(0, rect.width - sparkWidth - DisplayWidth.of(tail) - 1)
            let y = top + t
            buffer.put(fit(label, labelWidth), x: rect.x, y: y, style: Theme.info)
            buffer.put(tail, x: rect.x + labelWidth, y: y, style: (ranks.last ?? Int.max) <= state.topK ? Theme.hit : Theme.plain)
            let spark = Sparkline(values: ranks.map { -log(Double($0)) }, style: Theme.bar)
            spark.draw(into: &buffer, in: Rect(x: rect.maxX - sparkWidth, y: y, width: sparkWidth, height: 1))
        }
        return Rect(x: rect.x, y: rect.y, width: rect.width, height: rect.height - tracked.count)
    }
}
