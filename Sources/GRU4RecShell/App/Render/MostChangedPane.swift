import Foundation

/// The units the last click changed most in the layer shown, by |Δh|,
/// largest first: index, Δh, h after the click and a bar of |Δh|. The unit
/// under the cursor is marked "●"; a click on a row (or Enter) puts the
/// cursor on that unit, and ↑ ↓ move the cursor along this ranking.
enum MostChangedPane: PaneBehaviour {
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        if state.sharedUnitKey(key) { return [] }
        let ranking = state.trace.mostChanged(layer: state.layer).map(\.unit)
        guard !ranking.isEmpty else { return [] }
        let place = state.inspection.unit.flatMap { ranking.firstIndex(of: $0) }
        switch key {
        case .up: state.setUnitCursor(ranking[max(0, (place ?? 1) - 1)])
        case .down: state.setUnitCursor(ranking[min(ranking.count - 1, place.map { $0 + 1 } ?? 0)])
        case .home: state.setUnitCursor(ranking[0])
        case .enter: return state.execute(.unit(state.inspection.unit ?? ranking[0]))
        default: break
        }
        return []
    }

    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] {
        let ranking = state.trace.mostChanged(layer: state.layer)
        guard row >= 0, row < ranking.count else { return [] }
        return state.execute(.unit(ranking[row].unit))
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let steps = state.trace.steps.count
        let titles = steps > 0 ? ["Most changed · click \(steps)", "Most changed", "Changed"] : ["Most changed", "Changed"]
        buffer.box(rect, title: boxTitle(titles, width: rect.width), focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let list = ShellLayout.listRect(of: .changes, in: rect)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0 else { return }
        let ranking = state.trace.mostChanged(layer: state.layer)
        guard let largest = ranking.first.map({ abs($0.change) }) else {
            buffer.put(fit("after a click: the units it moved most", inner.width), x: inner.x, y: inner.y, style: Theme.dim)
            return
        }
        let unitWidth = max(4, String(state.layerUnits - 1).count + 1)
        let valueWidth = 6
        let showH = inner.width >= unitWidth + 2 * (valueWidth + 1) + 1
        let barWidth = max(0, inner.width - unitWidth - (valueWidth + 1) * (showH ? 2 : 1) - 1)
        buffer.putRow([
            Column(text: "unit", width: unitWidth, align: .right, style: Theme.header),
            Column(text: "Δh", width: valueWidth, align: .right, style: Theme.header),
            Column(text: "h", width: showH ? valueWidth : 0, align: .right, style: Theme.header),
        ], x: inner.x, y: inner.y, gap: 1)
        let s = steps - 1
        for (row, entry) in ranking.prefix(list.height).enumerated() {
            let isCursor = entry.unit == state.inspection.unit
            let h = state.trace.value(.h, step: s, layer: state.layer, unit: entry.unit)
            let columns = [
                Column(text: (isCursor ? "●" : "") + String(entry.unit), width: unitWidth, align: .right,
                       style: isCursor ? Theme.target : .plain),
                Column(text: String(format: "%+.3f", entry.change), width: valueWidth, align: .right,
                       style: entry.change < 0 ? Theme.down : Theme.up),
                Column(text: String(format: "%+.2f", h), width: showH ? valueWidth : 0, align: .right),
            ]
            let y = list.y + row
            buffer.putRow(columns, x: list.x, y: y, gap: 1)
            if barWidth > 0, largest > 0 {
                let x = list.maxX - barWidth
                Bar(value: abs(entry.change), maximum: largest, style: Theme.bar)
                    .draw(into: &buffer, in: Rect(x: x, y: y, width: barWidth, height: 1))
            }
        }
    }
}
