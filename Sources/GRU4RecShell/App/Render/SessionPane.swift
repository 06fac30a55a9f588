/// The live session: every click numbered, with the rank the model gave the
/// item just before it was clicked and a dot when that rank was within the
/// top-k (the first click has no prediction: "—").
///
///     ┌─ Session · 3 clicks ──────┐
///     │  # item          rank     │
///     │  1 Red mug          —     │
///     │  2 Blue mug        #3 ●   │
enum SessionPane: PaneBehaviour {
    /// Delete, Backspace or x removes the selected click; movement keys move the selection.
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        if key == .delete || key == .backspace || key == .character("x"), let s = state.sessionList.selected {
            return state.execute(.remove(s + 1))
        }
        state.sessionList.move(key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.sessionList.scroll(by: delta) }

    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] {
        state.sessionList.selectRow(row)
        return []
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let steps = state.trace.steps
        let title = steps.isEmpty ? "Session" : "Session · \(plural(steps.count, "click"))"
        buffer.box(rect, title: title, focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, let d = state.directory else { return }

        let numberWidth = max(2, String(steps.count).count)
        var rankWidth = 7
        // Tracked items (`track`): one rank column each, and a sparkline row each at the bottom.
        // When the names would get too narrow, the rank-before column gives way.
        let tracked = state.explainState.tracked
        let trackedWidth = tracked.isEmpty ? 0 : tracked.count * (TrackedRanks.columnWidth + 1)
        if !tracked.isEmpty, inner.width - numberWidth - rankWidth - 5 - trackedWidth < 10 { rankWidth = 0 }
        let nameWidth = max(0, inner.width - numberWidth - rankWidth - 2 - 3 - trackedWidth)
        buffer.putRow([
            Column(text: "#", width: numberWidth, align: .right, style: Theme.header),
            Column(text: "item", width: nameWidth, style: Theme.header),
            Column(text: "rank", width: rankWidth, align: .right, style: Theme.header),
        ], x: inner.x, y: inner.y)
        let trackedX = inner.x + numberWidth + nameWidth + rankWidth + 5
        TrackedRanks.drawHeaders(state, x: trackedX, y: inner.y, into: &buffer)

        var listRect = ShellLayout.listRect(of: .session, in: rect)
        listRect = TrackedRanks.drawSparklines(state, in: listRect, into: &buffer)
        guard !steps.isEmpty else {
            let lines = ["no clicks yet:", "Enter or a mouse click", "on a catalog item adds it"]
            for (k, line) in lines.enumerated() where k < listRect.height {
                buffer.put(fit(line, listRect.width), x: listRect.x, y: listRect.y + k, style: Theme.dim)
            }
            return
        }
        let list = state.sessionList.fitted(count: steps.count, visibleRows: listRect.height)
        for index in list.visibleRange {
            let step = steps[index]
            let y = listRect.y + index - list.offset
            let isSelected = index == list.selected && focused
            let base = isSelected ? Theme.selected : Theme.plain
            if isSelected { buffer.fill(Rect(x: listRect.x, y: y, width: listRect.width, height: 1), style: base) }
            let hit = step.rankBefore.map { $0 <= Double(state.topK) } ?? false
            buffer.putRow([
                Column(text: String(index + 1), width: numberWidth, align: .right, style: isSelected ? base : Theme.dim),
                Column(text: d.names[step.item], width: nameWidth, style: base),
                Column(text: rankText(step.rankBefore, pending: state.trace.isRankPending(step: index)), width: rankWidth, align: .right, style: base),
                Column(text: hit ? "●" : "", width: 1, style: isSelected ? base : Theme.hit),
            ], x: listRect.x, y: y)
            TrackedRanks.drawRanks(state, click: index, x: trackedX, y: y, selected: isSelected, into: &buffer)
        }
    }
}
