import Foundation

/// The Suggestions pane while a model is compared: A's top-k and B's top-k
/// side by side, each item with its rank in the other model ("—" where the
/// other model does not know it, and then marked †), and the overlap
/// (items in both lists / k) in the title.
extension SuggestionsPane {
    static func drawComparison(_ state: ShellState, _ c: ComparedModel, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let k = state.topK
        let aTop = state.suggestions.map(\.item)
        let bTopInA = Set(c.top.compactMap { c.aIndex(ofB: $0) })
        let overlap = aTop.filter { bTopInA.contains($0) }.count
        let a = state.loaded?.name ?? "A", b = c.loaded.name
        // Clicks B does not know are left out of B's session: said in the title.
        let skip = c.unknownClicks > 0 ? " · B skips \(c.unknownClicks)" : ""
        let titles = [
            "Suggestions · top \(k) · A \(a) vs B \(b) · overlap \(overlap)/\(k)" + skip,
            "Top \(k) · A vs B · overlap \(overlap)/\(k)" + skip, "A vs B · \(overlap)/\(k)" + skip, "A vs B · \(overlap)/\(k)",
        ]
        buffer.box(rect, title: boxTitle(titles, width: rect.width), focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 1, let d = state.directory else { return }
        let halves = inner.split(.horizontal, [.fill, .fixed(1), .fill])
        let target = upcomingItem(state)
        let inSession = Set(state.sessionItems)
        // A's list: its items with B's rank of each.
        let aRows: [(String, String, Bool, Bool)] = aTop.map { item in
            let rank = c.rank(ofA: item)
            return (d.names[item], rank.map(rankText) ?? "—†", item == target, inSession.contains(item))
        }
        // B's list: its items with A's rank of each.
        let bRows: [(String, String, Bool, Bool)] = c.top.map { item in
            let inA = c.aIndex(ofB: item)
            let scores = state.trace.currentScores
            let rank = inA.flatMap { a in scores.flatMap { SessionTrace.rank(of: a, in: $0) } }
            let rankString = inA != nil && scores == nil ? rankText(nil, pending: true) : (rank.map(rankText) ?? "—†")
            return (inA.map { d.names[$0] } ?? c.name(item), rankString, inA != nil && inA == target,
                    inA.map { inSession.contains($0) } ?? false)
        }
        drawHalf("A · \(a)", otherRank: "in B", aRows, in: halves[0], into: &buffer)
        drawHalf("B · \(b)", otherRank: "in A", bRows, in: halves[2], into: &buffer)
        for y in inner.y..<inner.maxY { buffer.put("│", x: halves[1].x, y: y, style: Theme.box) }
        if state.trace.steps.isEmpty, inner.height > 2 {
            buffer.put(fit("the session is empty: add an item", inner.width), x: inner.x, y: inner.y + 1, style: Theme.dim)
        } else if c.unknownClicks > 0, inner.height > k + 2 {
            buffer.put(fit("B does not know \(plural(c.unknownClicks, "click")) of the session (left out of B's); † not in the other model",
                           inner.width), x: inner.x, y: inner.maxY - 1, style: Theme.dim)
        }
    }

    private static func drawHalf(_ title: String, otherRank: String, _ rows: [(name: String, rank: String, target: Bool, session: Bool)],
                                 in rect: Rect, into buffer: inout ScreenBuffer) {
        let place = 2, marker = 1, rankWidth = 5
        let name = max(0, rect.width - place - marker - rankWidth - 2)
        buffer.putRow([
            Column(text: "#", width: place, align: .right, style: Theme.header),
            Column(text: title, width: marker + name, style: Theme.header),
            Column(text: otherRank, width: rankWidth, align: .right, style: Theme.header),
        ], x: rect.x, y: rect.y)
        for (index, row) in rows.enumerated() where index + 1 < rect.height {
            let style = row.target ? Theme.target : Theme.plain
            buffer.putRow([
                Column(text: String(index + 1), width: place, align: .right, style: Theme.dim),
                Column(text: row.target ? "◆" : (row.session ? "●" : ""), width: marker, style: style),
                Column(text: row.name, width: name, style: style),
                Column(text: row.rank, width: rankWidth, align: .right, style: row.rank.hasSuffix("†") ? Theme.dim : style),
            ], x: rect.x, y: rect.y + 1 + index, gap: 0)
        }
    }
}
