import Foundation

/// The top-k after the current session: place, item, score, softmax
/// probability, a bar of the probability (relative to the first), and the
/// movement since the step before (▲n, ▼n, "new", or "·" for no change).
/// A marker column shows ● for items already in the session and, in the
/// replay, ◆ for the session's true next item.
enum SuggestionsPane: PaneBehaviour {
    /// Enter adds the selected suggestion, e explains it; movement keys move the selection.
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        if key == .enter, let s = state.suggestionList.selected, s < state.suggestions.count {
            return state.execute(.click(.index(state.suggestions[s].item)))
        }
        if key == .character("e"), let s = state.suggestionList.selected, s < state.suggestions.count {
            return state.execute(.explain(.place(s + 1)))
        }
        state.suggestionList.move(key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.suggestionList.scroll(by: delta) }

    /// A click on a suggestion adds it.
    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] {
        guard let index = state.suggestionList.index(atRow: row), index < state.suggestions.count else { return [] }
        state.suggestionList.select(index)
        return state.execute(.click(.index(state.suggestions[index].item)))
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        if let compared = state.compared { return drawComparison(state, compared, in: rect, focused: focused, into: &buffer) }
        let base = "Suggestions · top \(state.topK)"
        let titles = state.excludeSessionItems
            ? [base + " · session items excluded", base + " · excl. session", base, "Top \(state.topK) · excl."]
            : [base, "Top \(state.topK)"]
        buffer.box(rect, title: boxTitle(titles, width: rect.width), focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, let d = state.directory else { return }

        let w = inner.width
        // The item name comes first: the score column, then the bar, give way when it gets narrow.
        let place = 2, marker = 1, prob = 6, move = 4, minimumName = 18
        var showScore = w >= 36
        var barWidth = w >= 56 ? 10 : (w >= 42 ? 6 : 0)
        func nameWidth() -> Int {
            let gaps = 3 + (showScore ? 1 : 0) + (barWidth > 0 ? 1 : 0)
            return max(0, w - place - marker - prob - move - (showScore ? 7 : 0) - barWidth - gaps)
        }
        if nameWidth() < minimumName { showScore = false }
        if nameWidth() < minimumName { barWidth = 0 }
        let score = showScore ? 7 : 0
        let name = nameWidth()
        buffer.putRow([
            Column(text: "#", width: place, align: .right, style: Theme.header),
            Column(text: "item", width: marker + name, style: Theme.header),
            Column(text: "score", width: score, align: .right, style: Theme.header),
            Column(text: "prob", width: prob, align: .right, style: Theme.header),
            Column(text: "", width: barWidth),
            Column(text: "move", width: move, align: .right, style: Theme.header),
        ], x: inner.x, y: inner.y)

        let listRect = ShellLayout.listRect(of: .suggestions, in: rect)
        guard !state.suggestions.isEmpty else {
            let lines = state.trace.steps.isEmpty
                ? ["the session is empty:", "add an item to see what the", "model suggests next"]
                : ["no suggestions (every item", "is excluded)"]
            for (k, line) in lines.enumerated() where k < listRect.height {
                buffer.put(fit(line, listRect.width), x: listRect.x, y: listRect.y + k, style: Theme.dim)
            }
            return
        }
        let target = upcomingItem(state)
        let inSession = Set(state.sessionItems)
        let top = state.suggestions.first?.probability ?? 1
        let pending = state.trace.isComplete ? "" : "…"
        let list = state.suggestionList.fitted(count: state.suggestions.count, visibleRows: listRect.height)
        for index in list.visibleRange {
            let s = state.suggestions[index]
            let y = listRect.y + index - list.offset
            let isSelected = index == list.selected && focused
            let isTarget = s.item == target
            let base = isSelected ? Theme.selected : (isTarget ? Theme.target : Theme.plain)
            if isSelected { buffer.fill(Rect(x: listRect.x, y: y, width: listRect.width, height: 1), style: base) }
            let mark = isTarget ? "◆" : (inSession.contains(s.item) ? "●" : "")
            let (moveText, moveStyle) = movement(s.movement)
            buffer.putRow([
                Column(text: String(index + 1), width: place, align: .right, style: isSelected ? base : Theme.dim),
                Column(text: mark, width: marker, style: base),
            ], x: listRect.x, y: y)
            buffer.putRow([
                Column(text: d.names[s.item], width: name, style: base),
                Column(text: String(format: "%.3f", s.score), width: score, align: .right, style: base),
                Column(text: s.probability.map(percent) ?? pending, width: prob, align: .right, style: base),
                Column(text: Bar.glyphs(fraction: top > 0 ? (s.probability ?? 0) / top : 0, width: barWidth),
                       width: barWidth, style: isSelected ? base : Theme.bar),
                Column(text: moveText, width: move, align: .right, style: isSelected ? base : moveStyle),
            ], x: listRect.x + place + 1 + marker, y: y)
        }
    }

    /// The replayed session's next item while a replay owns the session.
    static func upcomingItem(_ state: ShellState) -> Int? {
        guard state.replay.attached, let items = state.replayItems, state.replay.position < items.count else { return nil }
        return items[state.replay.position]
    }

    static func percent(_ p: Double) -> String {
        let v = p * 100
        if v >= 99.95 { return "100%" }
        return v >= 9.995 ? String(format: "%.1f%%", v) : String(format: "%.2f%%", v)
    }

    static func movement(_ m: Suggestion.Movement) -> (String, Style) {
        switch m {
        case .new: return ("new", Theme.new)
        case .same: return ("·", Theme.dim)
        case .up(let n): return ("▲\(n)", Theme.up)
        case .down(let n): return ("▼\(n)", Theme.down)
        case .pending: return ("…", Theme.dim)
        }
    }
}
