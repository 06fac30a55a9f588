import Foundation

/// The nearest neighbours of an item by cosine over the model's item
/// vectors: the output embedding (`Wy`) and, where the model has a
/// separate one, the input embedding (`E`), marked in the "via" column.
/// Enter or a mouse click adds the neighbour to the session; e explains it.
enum SimilarPane: PaneBehaviour {
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        let list = state.explainState.similarList
        if let s = list.selected, s < state.explainState.similar.count {
            let item = state.explainState.similar[s].item
            if key == .enter { return state.execute(.click(.index(item))) }
            if key == .character("e") { return state.execute(.explain(.item(.index(item)))) }
        }
        state.explainState.similarList.move(key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.explainState.similarList.scroll(by: delta) }

    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] {
        guard let index = state.explainState.similarList.index(atRow: row), index < state.explainState.similar.count else { return [] }
        state.explainState.similarList.select(index)
        return state.execute(.click(.index(state.explainState.similar[index].item)))
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let d = state.directory
        drawItemBox("Similar", state.explainState.similarItem, state, in: rect, focused: focused, into: &buffer)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, let d else { return }
        let entries = state.explainState.similar
        let both = Set(entries.map(\.vectors)).count > 1
        let place = 2, cosine = 6, via = both ? 3 : 0
        let nameWidth = max(0, inner.width - place - cosine - via - 2 - (both ? 1 : 0))
        buffer.putRow([
            Column(text: "#", width: place, align: .right, style: Theme.header),
            Column(text: "item", width: nameWidth, style: Theme.header),
            Column(text: "cos", width: cosine, align: .right, style: Theme.header),
            Column(text: both ? "via" : "", width: via, style: Theme.header),
        ], x: inner.x, y: inner.y)
        let listRect = ShellLayout.listRect(of: .similar, in: rect)
        guard !entries.isEmpty else {
            putDim(["no item yet:", "similar <id|name>, or", "explain a suggestion"], in: listRect, into: &buffer)
            return
        }
        let inSession = Set(state.sessionItems)
        let list = state.explainState.similarList.fitted(count: entries.count, visibleRows: listRect.height)
        var placeInKind = 0
        for index in 0..<entries.count {
            placeInKind = index > 0 && entries[index - 1].vectors == entries[index].vectors ? placeInKind + 1 : 0
            guard list.visibleRange.contains(index) else { continue }
            let entry = entries[index]
            let y = listRect.y + index - list.offset
            let isSelected = index == list.selected && focused
            let base = isSelected ? Theme.selected : Theme.plain
            if isSelected { buffer.fill(Rect(x: listRect.x, y: y, width: listRect.width, height: 1), style: base) }
            buffer.putRow([
                Column(text: String(placeInKind + 1), width: place, align: .right, style: isSelected ? base : Theme.dim),
                Column(text: (inSession.contains(entry.item) ? "●" : "") + d.names[entry.item], width: nameWidth, style: base),
                Column(text: String(format: "%.3f", entry.similarity), width: cosine, align: .right, style: base),
                Column(text: both ? (entry.vectors == .output ? "Wy" : "E") : "", width: via, style: isSelected ? base : Theme.dim),
            ], x: listRect.x, y: y)
        }
    }
}
