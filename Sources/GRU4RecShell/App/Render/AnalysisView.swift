import Foundation
import GRU4Rec

/// The Analysis view (F5): the loaded model's Recall@K and MRR@K per slice
/// over its sessions file, as bar charts with the count of events in each
/// slice, one chart per dimension (length, position, popularity, repeat;
/// see `SliceDimension`). The evaluation runs in the background when the
/// view is shown (`ShellState.analysisIfShown`); meanwhile a progress bar.
/// With a compared model both are shown on the events both know (`SharedCatalog.pair`),
/// each slice as two rows: A's bars, then B's.
enum AnalysisView: PaneBehaviour {
    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        guard rect.height > 1, rect.width > 0 else { return }
        let batch = state.batch
        let info = rect.row(0)
        guard state.loaded != nil, let data = state.sessions, data.sessionCount > 0 else {
            buffer.put(fit(state.loaded == nil ? "no model loaded: load <model.safetensors>"
                               : "no sessions file: start with --sessions FILE, or sessions <file>", info.width),
                       x: info.x, y: info.y, style: Theme.dim)
            return
        }
        if let progress = batch.progress {
            WorstSessionsPane.drawProgress(progress, in: Rect(x: rect.x, y: rect.y, width: rect.width, height: 2), into: &buffer)
            return
        }
        guard let result = batch.result else { return }
        let stale = result.cutoff != state.topK ? " (K changed: reopen the view)" : ""
        let name = state.loaded?.name ?? ""
        let source = ((state.sessionsPath ?? "sessions") as NSString).lastPathComponent
        var text = "\(name) on \(source): \(result.figures) over \(plural(result.events, "event")) in "
            + "\(plural(result.sessions, "session")); bars: Recall@\(result.cutoff) | MRR@\(result.cutoff)\(stale)"
        if let c = result.comparison {
            let b = state.compared?.loaded.name ?? "B"
            text = "A \(name) vs B \(b) on the \(plural(c.events, "event")) both know: "
                + String(format: "Recall@%d A %.4f B %.4f · MRR@%d A %.4f B %.4f", result.cutoff, c.recall.a, c.recall.b,
                         result.cutoff, c.mrr.a, c.mrr.b) + stale
        }
        buffer.put(fit(text, info.width), x: info.x, y: info.y, style: Theme.title)
        let grid = Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: rect.height - 1)
        let rows = grid.split(.vertical, [.fill, .fill])
        let cells = rows.flatMap { $0.split(.horizontal, [.fill, .fill]) }
        if let c = result.comparison {
            for ((a, b), cell) in zip(zip(c.a, c.b), cells) { drawChart(a, compared: b, cutoff: result.cutoff, in: cell, into: &buffer) }
        } else {
            for (breakdown, cell) in zip(result.breakdowns, cells) { drawChart(breakdown, cutoff: result.cutoff, in: cell, into: &buffer) }
        }
    }

    /// One dimension: a box of rows `label  events  recall-bar value  mrr-bar value`.
    static func drawChart(_ breakdown: EvaluationBreakdown, compared other: EvaluationBreakdown? = nil, cutoff: Int,
                          in rect: Rect, into buffer: inout ScreenBuffer) {
        buffer.box(rect, title: "By \(breakdown.dimension.rawValue)", style: Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0 else { return }
        let labelWidth = max(6, (breakdown.slices.map { DisplayWidth.of($0.label) }.max() ?? 0) + (other == nil ? 0 : 2))
        let countWidth = 7, valueWidth = 6
        let barWidth = max(1, (inner.width - labelWidth - countWidth - 2 * valueWidth - 5) / 2)
        let all = breakdown.slices + (other?.slices ?? [])
        let maxRecall = all.map { $0.recall.first ?? 0 }.max() ?? 0
        let maxMRR = all.map { $0.mrr.first ?? 0 }.max() ?? 0
        // Rows: each slice once, or A's row then B's with a compared model.
        var rows: [(label: String, slice: SliceMetrics, style: (Style, Style))] = []
        for (k, slice) in breakdown.slices.enumerated() {
            guard let other, k < other.slices.count else {
                rows.append((slice.label, slice, (Theme.bar, Theme.hit)))
                continue
            }
            rows.append((slice.label + " A", slice, (Theme.bar, Theme.hit)))
            rows.append(("  B", other.slices[k], (Theme.new, Theme.target)))
        }
        var y = inner.y
        if inner.height > rows.count {
            buffer.putRow([
                Column(text: "slice", width: labelWidth, style: Theme.header),
                Column(text: "events", width: countWidth, align: .right, style: Theme.header),
                Column(text: "Recall@\(cutoff)", width: barWidth + valueWidth + 1, style: Theme.header),
                Column(text: "MRR@\(cutoff)", width: barWidth + valueWidth + 1, style: Theme.header),
            ], x: inner.x, y: y)
            y += 1
        }
        for (label, slice, styles) in rows where y < inner.maxY {
            let recall = slice.recall.first ?? 0, mrr = slice.mrr.first ?? 0
            let empty = slice.events == 0
            buffer.putRow([
                Column(text: label, width: labelWidth, style: empty ? Theme.dim : Theme.plain),
                Column(text: grouped(slice.events), width: countWidth, align: .right, style: Theme.dim),
            ], x: inner.x, y: y)
            var x = inner.x + labelWidth + countWidth + 2
            for (value, maximum, style) in [(recall, maxRecall, styles.0), (mrr, maxMRR, styles.1)] {
                Bar(value: value, maximum: maximum, style: style).draw(into: &buffer, in: Rect(x: x, y: y, width: barWidth, height: 1))
                buffer.put(empty ? fit("—", valueWidth, .right) : String(format: "%.4f", value), x: x + barWidth + 1, y: y,
                           style: empty ? Theme.dim : Theme.plain)
                x += barWidth + valueWidth + 2
            }
            y += 1
        }
    }
}
