import Foundation

/// The Replay view's sessions ranked worst first after `replay all`: rank,
/// session id, length and MRR@K (or the rank of the chosen step), a mark on
/// those already opened, and the filter in the title. Enter or a click opens
/// the selected session for replay; `replay worst` opens the next unopened.
enum WorstSessionsPane: PaneBehaviour {
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        if key == .enter, let selected = state.worstList.selected { return state.openRanked(selected) }
        state.worstList.move(key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.worstList.scroll(by: delta) }

    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] {
        guard let index = state.worstList.index(atRow: row) else { return [] }
        return state.openRanked(index)
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let batch = state.batch
        var title = "Sessions, worst first"
        if let filter = batch.filter { title += " · \(filter)" }
        buffer.box(rect, title: boxTitle([title, "Worst sessions"], width: rect.width), focused: focused,
                   style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0 else { return }
        if let progress = batch.progress {
            drawProgress(progress, in: inner, into: &buffer)
            return
        }
        guard let result = batch.result else {
            let lines = ["replay all evaluates every session", "and lists them here, worst first"]
            for (k, line) in lines.enumerated() where k < inner.height {
                buffer.put(fit(line, inner.width), x: inner.x, y: inner.y + k, style: Theme.dim)
            }
            return
        }
        let ranked = batch.ranked
        guard let data = state.sessions else { return }
        let key = batch.sortStep.map { "rank@\($0)" } ?? "MRR@\(result.cutoff)"
        let numberWidth = max(2, String(ranked.count).count)
        let lengthWidth = 4, valueWidth = 9
        let idWidth = max(0, inner.width - 1 - numberWidth - lengthWidth - valueWidth - 4)
        buffer.putRow([
            Column(text: "", width: 1), Column(text: "#", width: numberWidth, align: .right, style: Theme.header),
            Column(text: "session", width: idWidth, style: Theme.header),
            Column(text: "len", width: lengthWidth, align: .right, style: Theme.header),
            Column(text: key, width: valueWidth, align: .right, style: Theme.header),
        ], x: inner.x, y: inner.y)
        let listRect = ShellLayout.listRect(of: .worst, in: rect)
        if ranked.isEmpty {
            buffer.put(fit("no session passes the filter", listRect.width), x: listRect.x, y: listRect.y, style: Theme.dim)
            return
        }
        let list = state.worstList.fitted(count: ranked.count, visibleRows: listRect.height)
        for index in list.visibleRange {
            let y = listRect.y + index - list.offset
            let score = ranked[index]
            let opened = batch.opened.contains(score.session)
            let value = batch.sortStep.map { rankText(score.ranks[$0 - 1]) } ?? String(format: "%.4f", score.mrr)
            let style = opened ? Theme.dim : Theme.plain
            buffer.putRow([
                Column(text: opened ? "✓" : "", width: 1, style: Theme.dim),
                Column(text: String(index + 1), width: numberWidth, align: .right, style: Theme.dim),
                Column(text: data.sessionIDs[score.session], width: idWidth, style: style),
                Column(text: String(score.length), width: lengthWidth, align: .right, style: style),
                Column(text: value, width: valueWidth, align: .right, style: style),
            ], x: listRect.x, y: y)
            if index == list.selected, focused {
                buffer.restyle(Rect(x: listRect.x, y: y, width: listRect.width, height: 1)) { $0.reversed }
            }
        }
    }

    /// "evaluating 1,234 of 5,678 events" and a bar, for a running evaluation.
    static func drawProgress(_ progress: (done: Int, total: Int), in rect: Rect, into buffer: inout ScreenBuffer) {
        let share = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 0
        let text = "evaluating: \(grouped(progress.done)) of \(plural(progress.total, "event")) (\(Int(share * 100))%)"
        buffer.put(fit(text, rect.width), x: rect.x, y: rect.y, style: Theme.title)
        guard rect.height > 1 else { return }
        Bar(value: share, style: Theme.hit).draw(into: &buffer, in: Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1))
    }
}
