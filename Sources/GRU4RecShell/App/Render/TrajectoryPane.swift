import Foundation

/// Units x clicks of one layer: one row per unit, one column per click of
/// the session, each cell the unit's h, z, r or Δh after that click (the
/// quantity chosen by `trajectory h|z|r|dh` or the keys h, z, r, d), on the
/// heat map's scales. A column header numbers the clicks; the last clicks
/// show and ← → scroll back in time; the rows page so that the unit cursor
/// (marked ">") stays in view.
enum TrajectoryPane: PaneBehaviour {
    /// ↑ ↓ move the unit cursor, PgUp/PgDn by a page, Home/End; ← → scroll
    /// the clicks; h z r d choose the quantity; `l` the next layer; `s` the scale.
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        if state.sharedUnitKey(key) { return [] }
        let page = max(1, pageRows(state))
        switch key {
        case .up: state.moveUnit(by: -1)
        case .down: state.moveUnit(by: 1)
        case .pageUp: state.moveUnit(by: -page)
        case .pageDown: state.moveUnit(by: page)
        case .home: state.setUnitCursor(0)
        case .end: state.setUnitCursor(state.layerUnits - 1)
        case .left: state.scrollClicks(by: 1)
        case .right: state.scrollClicks(by: -1)
        case .character("h"): state.setQuantity(.h)
        case .character("z"): state.setQuantity(.z)
        case .character("r"): state.setQuantity(.r)
        case .character("d"): state.setQuantity(.dh)
        default: break
        }
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.moveUnit(by: delta) }

    /// Rows above the unit rows: the header, the legend and the click numbers.
    static let headerRows = 3

    /// Unit rows the pane shows in the current view (0 when it has no trajectory pane).
    static func pageRows(_ state: ShellState) -> Int {
        let layout = ShellLayout(width: state.width, height: state.height, view: state.view, topK: state.topK)
        return layout.rect(of: .trajectory).map { max(0, $0.interior.height - headerRows) } ?? 0
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let layers = state.loaded?.model.layers ?? []
        let quantity = state.inspection.quantity
        let layerText = layers.count > 1 ? " · layer \(state.layer + 1)/\(layers.count)" : ""
        let titles = ["Trajectory · \(quantity.label)\(layerText)", "Trajectory · \(quantity.label)", "Trajectory"]
        buffer.box(rect, title: boxTitle(titles, width: rect.width), focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, state.layer < layers.count else { return }
        let units = layers[state.layer]
        let trace = state.trace
        let steps = trace.steps.count
        guard steps > 0 else {
            buffer.put(fit("\(plural(units, "unit")) · no clicks yet", inner.width), x: inner.x, y: inner.y, style: Theme.dim)
            if inner.height > 2 {
                buffer.put(fit("each click adds a column", inner.width), x: inner.x, y: inner.y + 2, style: Theme.dim)
            }
            return
        }

        // Columns: the unit label, then one cell per click (two columns wide when there is room).
        let labelWidth = String(units - 1).count + 3
        let room = max(0, inner.width - labelWidth)
        let cellWidth = room >= 24 ? 2 : 1
        let columns = room / cellWidth
        let end = steps - min(state.inspection.clicksBack, steps - 1)
        let start = max(0, end - columns)
        // Rows: a page of units that holds the cursor.
        let rows = max(0, inner.height - headerRows)
        let top = rows > 0 ? ((state.inspection.unit ?? 0) / rows) * rows : 0
        let bottom = min(units, top + rows)

        let header = [
            "clicks \(start + 1)-\(end) of \(steps) · units \(top)-\(bottom - 1) of \(units)",
            "clicks \(start + 1)-\(end)/\(steps) · units \(top)-\(bottom - 1)/\(units)",
            "\(start + 1)-\(end)/\(steps) · u\(top)-\(bottom - 1)/\(units)",
        ]
        buffer.put(fit(firstFitting(header, inner.width), inner.width), x: inner.x, y: inner.y, style: Theme.dim)

        let scale: HeatMap.Scale = quantity.isGate ? .sequential : .diverging
        let bound = quantity.isGate ? 1 : trace.scaleBound(state.inspection.scale, layer: state.layer)
        if inner.height > 1 {
            let legend = HeatLegend.variants(
                label: quantity.label, scale: scale, bound: bound,
                scaleName: quantity.isGate ? nil : state.inspection.scale.rawValue, mode: state.colorMode, cellWidth: cellWidth)
            HeatLegend.draw(legend, x: inner.x, y: inner.y + 1, width: inner.width, into: &buffer)
        }
        if inner.height > 2 {
            let numbers = clickNumbers(start: start, end: end, cellWidth: cellWidth)
            buffer.put(fit("#", labelWidth - 1, .right), x: inner.x, y: inner.y + 2, style: Theme.dim)
            buffer.put(numbers, x: inner.x + labelWidth, y: inner.y + 2, style: Theme.dim, maxWidth: room)
        }

        guard top < bottom else { return }
        for unit in top..<bottom {
            let y = inner.y + headerRows + unit - top
            let isCursor = unit == state.inspection.unit
            let label = (isCursor ? ">" : " ") + fit(String(unit), labelWidth - 2, .right) + " "
            buffer.put(label, x: inner.x, y: y, style: isCursor ? Theme.target : Theme.dim)
            for step in start..<end {
                let value = trace.value(quantity, step: step, layer: state.layer, unit: unit) / bound
                let cell = HeatMap.cell(for: value, width: cellWidth, mode: state.colorMode, scale: scale)
                buffer.put(cell.text, x: inner.x + labelWidth + (step - start) * cellWidth, y: y, style: cell.style)
            }
        }
    }

    /// The click-number row: 1-based numbers right-aligned under their
    /// column, for the first shown click, every fifth and the last, where
    /// they do not run into one another.
    static func clickNumbers(start: Int, end: Int, cellWidth: Int) -> String {
        var row = [Character](repeating: " ", count: max(0, (end - start) * cellWidth))
        var free = 0  // the first column not yet written (plus a gap)
        for step in start..<end {
            let n = step + 1
            guard step == start || n % 5 == 0 || step == end - 1 else { continue }
            let text = Array(String(n))
            let right = (step - start + 1) * cellWidth
            let left = right - text.count
            guard left >= free, left >= 0 else { continue }
            row.replaceSubrange(left..<right, with: text)
            free = right + 1
        }
        return String(row)
    }
}
