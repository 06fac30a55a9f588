import Foundation

/// The GRU's hidden state for the selected layer after the last click: heat
/// maps (units in a grid, row by row, reflowed to the pane) of the state h
/// and its change Δh on a diverging scale (`scale fixed`: -1...1; `scale
/// auto`: ± the session's robust bound, see `SessionTrace.robustBound`), and
/// of the step's update gate z and reset gate r on a sequential scale (0
/// blank ... 1 full); a legend of both scales; with a unit under the cursor,
/// its h, Δh, z and r and a sparkline of its h over the session; then
/// sparklines of ‖h‖ and ‖Δh‖. Maps that do not fit are left out in the
/// order r, z, Δh (the gates' means are shown instead); a layer too large
/// for even one map shows the page of units that holds the cursor.
enum HiddenStatePane: PaneBehaviour {
    /// Arrows move the unit cursor on the grid, Home/End to the first/last
    /// unit; PgUp/PgDn (and `l`) choose the layer; `s` switches the scale;
    /// Enter opens the Trajectory view.
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        if state.sharedUnitKey(key) { return [] }
        switch key {
        case .left: state.moveUnit(by: -1)
        case .right: state.moveUnit(by: 1)
        case .up, .down:
            let layout = ShellLayout(width: state.width, height: state.height, view: state.view, topK: state.topK)
            let columns = layout.rect(of: .hidden).map { plan(state, inner: $0.interior).arrangement.shape.columns } ?? 1
            state.moveUnit(by: key == .up ? -max(1, columns) : max(1, columns))
        case .home: state.setUnitCursor(0)
        case .end: state.setUnitCursor(state.layerUnits - 1)
        case .pageUp: state.showLayer(state.layer - 1)
        case .pageDown: state.showLayer(state.layer + 1)
        case .enter: return state.execute(.trajectory(nil))
        default: break
        }
        return []
    }

    /// Where things go inside the pane: the maps' area and its arrangement,
    /// the rows of the legend, the unit lines and the sparklines (`nil`: left out).
    struct Plan {
        var mapArea: Rect
        var arrangement: Arrangement
        var legendRows: [Int]
        var unitRows: [Int]
        var sparkRows: [Int]
    }

    static func plan(_ state: ShellState, inner: Rect) -> Plan {
        let units = state.layerUnits
        let h = inner.height
        // From the bottom: ‖h‖ and ‖Δh‖, the unit's lines, the legend (each when there is room).
        let sparks = h >= 6 ? 2 : 0
        let unitLines = state.inspection.unit == nil ? 0 : (h >= 13 ? 3 : (h >= 8 ? 1 : 0))
        let legend = h >= 16 ? 2 : (h >= 9 ? 1 : 0)
        var y = inner.maxY
        func take(_ n: Int) -> [Int] {
            y -= n
            return (0..<n).map { y + $0 }
        }
        let sparkRows = take(sparks), unitRows = take(unitLines), legendRows = take(legend)
        let mapArea = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: max(0, y - inner.y - 1))
        return Plan(mapArea: mapArea, arrangement: arrange(units: units, in: mapArea), legendRows: legendRows,
                    unitRows: unitRows, sparkRows: sparkRows)
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let layers = state.loaded?.model.layers ?? []
        let scaleTag = state.inspection.scale == .auto ? " · auto" : ""
        let titles = layers.count > 1
            ? ["Hidden state · layer \(state.layer + 1)/\(layers.count)\(scaleTag)", "Hidden state · layer \(state.layer + 1)/\(layers.count)",
               "Hidden · layer \(state.layer + 1)/\(layers.count)", "Hidden L\(state.layer + 1)/\(layers.count)"]
            : ["Hidden state\(scaleTag)", "Hidden state"]
        buffer.box(rect, title: boxTitle(titles, width: rect.width), focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, state.layer < layers.count else { return }
        let units = layers[state.layer]
        let trace = state.trace
        let steps = trace.steps
        let header = steps.isEmpty
            ? plural(units, "unit")
            : firstFitting([
                "\(plural(units, "unit")) · after \(plural(steps.count, "click"))",
                "\(plural(units, "unit")) · \(plural(steps.count, "click"))", plural(units, "unit"),
            ], inner.width)
        buffer.put(fit(header, inner.width), x: inner.x, y: inner.y, style: Theme.dim)
        guard let last = steps.last else {
            let lines = ["all zeros until", "the first click"]
            for (k, line) in lines.enumerated() where k + 2 < inner.height {
                buffer.put(fit(line, inner.width), x: inner.x, y: inner.y + 2 + k, style: Theme.dim)
            }
            return
        }

        let l = state.layer, s = steps.count - 1
        let scale = state.inspection.scale
        let maps: [(labels: [String], values: [Double], scale: HeatMap.Scale)] = [
            (["h state", "h"], trace.scaledValues(.h, step: s, layer: l, scale: scale), .diverging),
            (["Δh since last step", "Δh change", "Δh"], trace.scaledValues(.dh, step: s, layer: l, scale: scale), .diverging),
            (["z update gate", "z update", "z"], trace.scaledValues(.z, step: s, layer: l, scale: scale), .sequential),
            (["r reset gate", "r reset", "r"], trace.scaledValues(.r, step: s, layer: l, scale: scale), .sequential),
        ]

        let plan = plan(state, inner: inner)
        let arrangement = plan.arrangement
        let shape = arrangement.shape
        // A clipped grid shows the page of units that holds the cursor.
        let first = shape.shown < units ? ((state.inspection.unit ?? 0) / max(1, shape.shown)) * shape.shown : 0
        let clipped = shape.shown < units ? " (\(first)-\(min(units, first + shape.shown) - 1))" : ""
        var y = plan.mapArea.y
        for tileRow in 0..<arrangement.tileRows {
            for tileColumn in 0..<arrangement.tileColumns {
                let k = tileRow * arrangement.tileColumns + tileColumn
                guard k < maps.count else { continue }
                let x = plan.mapArea.x + tileColumn * (arrangement.tileWidth + 1)
                let label = maps[k].labels.map { $0 + clipped }.first { DisplayWidth.of($0) <= arrangement.tileWidth }
                    ?? maps[k].labels.last ?? ""
                buffer.put(fit(label, arrangement.tileWidth), x: x, y: y, style: Theme.dim)
                let values = Array(maps[k].values.dropFirst(first))
                drawMap(values, shape: shape, x: x, y: y + 1, mode: state.colorMode, scale: maps[k].scale, into: &buffer)
                if let unit = state.inspection.unit {
                    drawCursor(unit - first, value: values.indices.contains(unit - first) ? values[unit - first] : .nan,
                               shape: shape, x: x, y: y + 1, mode: state.colorMode, scale: maps[k].scale, into: &buffer)
                }
            }
            y += 1 + shape.rows
        }
        let shownMaps = arrangement.tileRows * arrangement.tileColumns
        if shownMaps < 3, y < plan.mapArea.maxY {
            let mean = { (v: [Float]) in v.isEmpty ? 0 : Double(v.reduce(0, +)) / Double(v.count) }
            let zMean = mean(last.updateGate[l]), rMean = mean(last.resetGate[l])
            let text = firstFitting([
                String(format: "mean gates: z %.2f · r %.2f", zMean, rMean),
                String(format: "mean z %.2f r %.2f", zMean, rMean),
            ], inner.width)
            buffer.put(fit(text, inner.width), x: inner.x, y: y, style: Theme.dim)
        }

        drawLegends(state, rows: plan.legendRows, cellWidth: shape.cellWidth, inner: inner, into: &buffer)
        if let unit = state.inspection.unit, unit < units {
            drawUnitLines(state, unit: unit, rows: plan.unitRows, inner: inner, into: &buffer)
        }
        guard plan.sparkRows.count == 2 else { return }
        // Only the last `inner.width` steps can show.
        let recent = steps.suffix(inner.width)
        sparkline("‖h‖", recent.map { $0.hiddenNorm[l] }, y: plan.sparkRows[0], inner: inner, into: &buffer)
        sparkline("‖Δh‖", recent.map { $0.changeNorm[l] }, y: plan.sparkRows[1], inner: inner, into: &buffer)
    }

    /// The legends of the diverging (h, Δh) and the sequential (z, r) scale:
    /// on one row when both fit, else on two, else the diverging one alone.
    static func drawLegends(_ state: ShellState, rows: [Int], cellWidth: Int, inner: Rect, into buffer: inout ScreenBuffer) {
        guard let firstRow = rows.first else { return }
        let bound = state.trace.scaleBound(state.inspection.scale, layer: state.layer)
        let signed = HeatLegend.variants(label: "h Δh", scale: .diverging, bound: bound,
                                         scaleName: state.inspection.scale.rawValue, mode: state.colorMode, cellWidth: cellWidth)
        let gates = HeatLegend.variants(label: "z r", scale: .sequential, bound: 1, scaleName: nil,
                                        mode: state.colorMode, cellWidth: cellWidth)
        let used = HeatLegend.draw(signed, x: inner.x, y: firstRow, width: inner.width, into: &buffer)
        let room = inner.width - used - 2
        if let gateLegend = gates.first, HeatLegend.width(gateLegend) <= room {
            HeatLegend.draw([gateLegend], x: inner.x + used + 2, y: firstRow, width: room, into: &buffer)
        } else if rows.count > 1 {
            HeatLegend.draw(gates, x: inner.x, y: rows[1], width: inner.width, into: &buffer)
        }
    }

    /// The cursor's unit: its values after the last click, then a sparkline
    /// of its h over the session (on the scale's range), as rows allow.
    static func drawUnitLines(_ state: ShellState, unit: Int, rows: [Int], inner: Rect, into buffer: inout ScreenBuffer) {
        let trace = state.trace
        let s = trace.steps.count - 1
        let v = { (q: UnitInspection.Quantity) in trace.value(q, step: s, layer: state.layer, unit: unit) }
        let values = firstFitting([
            String(format: "unit %d · h %+.3f · Δh %+.3f", unit, v(.h), v(.dh)),
            String(format: "u%d h %+.2f Δh %+.2f", unit, v(.h), v(.dh)),
            String(format: "u%d h%+.2f Δ%+.2f", unit, v(.h), v(.dh)),
        ], inner.width)
        let gates = firstFitting([
            String(format: "z %.2f update · r %.2f reset", v(.z), v(.r)),
            String(format: "z %.2f · r %.2f", v(.z), v(.r)),
            String(format: "z%.2f r%.2f", v(.z), v(.r)),
        ], inner.width)
        let lines = rows.count >= 3 ? [values, gates] : [values + "  " + gates]
        for (row, line) in zip(rows, lines) {
            buffer.put(fit(DisplayWidth.of(line) <= inner.width ? line : values, inner.width), x: inner.x, y: row, style: Theme.target)
        }
        guard rows.count >= 3 else { return }
        let bound = trace.scaleBound(state.inspection.scale, layer: state.layer)
        let series = trace.steps.indices.map { trace.value(.h, step: $0, layer: state.layer, unit: unit) }
        let head = fit("u\(unit)", 5) + fit(String(format: "%+.2f", series.last ?? 0), 6, .right) + " "
        buffer.put(head, x: inner.x, y: rows[2], style: Theme.dim, maxWidth: inner.width)
        let x = inner.x + DisplayWidth.of(head)
        Sparkline(values: series, range: -bound...bound, style: Theme.target)
            .draw(into: &buffer, in: Rect(x: x, y: rows[2], width: inner.maxX - x, height: 1))
    }

    /// "label value ▁▃▅█": the label, the last value and the series' sparkline.
    static func sparkline(_ label: String, _ values: [Double], y: Int, inner: Rect, into buffer: inout ScreenBuffer) {
        let head = fit(label, 5) + fit(String(format: "%.2f", values.last ?? 0), 6, .right) + " "
        buffer.put(head, x: inner.x, y: y, style: Theme.dim, maxWidth: inner.width)
        let x = inner.x + DisplayWidth.of(head)
        Sparkline(values: values, style: Theme.bar).draw(into: &buffer, in: Rect(x: x, y: y, width: inner.maxX - x, height: 1))
    }

    /// The grid of one heat map: columns of `cellWidth` cells, rows, and how
    /// many units it shows (fewer than all when clipped).
    struct GridShape: Equatable {
        var cellWidth: Int
        var columns: Int
        var rows: Int
        var shown: Int
        var width: Int { columns * cellWidth }
    }

    /// A near-square grid for `units` values within `width` columns and
    /// `maxRows` rows, two columns per value when that fits; `nil` when even
    /// one column per value does not hold them all.
    static func gridShape(units: Int, width: Int, maxRows: Int) -> GridShape? {
        guard units > 0, width > 0, maxRows > 0 else { return nil }
        for cellWidth in [2, 1] {
            let maxColumns = width / cellWidth
            guard maxColumns > 0 else { continue }
            var columns = min(maxColumns, Int(Double(units).squareRoot().rounded(.up)))
            var rows = (units + columns - 1) / columns
            if rows > maxRows {
                columns = min(maxColumns, (units + maxRows - 1) / maxRows)
                rows = (units + columns - 1) / columns
            }
            if rows <= maxRows { return GridShape(cellWidth: cellWidth, columns: columns, rows: rows, shown: units) }
        }
        return nil
    }

    /// How the maps tile the area: 2x2, 2 side by side, 2 stacked, or one
    /// (clipped to the area when even that does not fit).
    struct Arrangement {
        var tileColumns: Int
        var tileRows: Int
        var tileWidth: Int
        var shape: GridShape
    }

    static func arrange(units: Int, in area: Rect) -> Arrangement {
        let half = (area.width - 1) / 2
        let candidates: [(columns: Int, rows: Int, width: Int)] = [(2, 2, half), (2, 1, half), (1, 2, area.width), (1, 1, area.width)]
        for c in candidates {
            let maxRows = area.height / c.rows - 1
            if let shape = gridShape(units: units, width: c.width, maxRows: maxRows) {
                return Arrangement(tileColumns: c.columns, tileRows: c.rows, tileWidth: c.width, shape: shape)
            }
        }
        let rows = max(0, area.height - 1)
        let columns = max(1, area.width)
        let shape = GridShape(cellWidth: 1, columns: columns, rows: rows, shown: min(units, columns * rows))
        return Arrangement(tileColumns: 1, tileRows: rows > 0 ? 1 : 0, tileWidth: area.width, shape: shape)
    }

    /// Draws `values` (the first `shape.shown`) row by row, leaving the unused
    /// cells of the last row empty.
    static func drawMap(
        _ values: [Double], shape: GridShape, x: Int, y: Int, mode: ColorMode, scale: HeatMap.Scale, into buffer: inout ScreenBuffer
    ) {
        let shown = Array(values.prefix(shape.shown))
        let fullRows = shown.count / shape.columns
        if fullRows > 0 {
            HeatMap(values: Array(shown.prefix(fullRows * shape.columns)), rows: fullRows, columns: shape.columns,
                    cellWidth: shape.cellWidth, mode: mode, scale: scale)
                .draw(into: &buffer, in: Rect(x: x, y: y, width: shape.width, height: fullRows))
        }
        let rest = shown.count - fullRows * shape.columns
        if rest > 0 {
            HeatMap(values: Array(shown.suffix(rest)), rows: 1, columns: rest, cellWidth: shape.cellWidth, mode: mode, scale: scale)
                .draw(into: &buffer, in: Rect(x: x, y: y + fullRows, width: rest * shape.cellWidth, height: 1))
        }
    }

    /// Marks grid position `index` (0-based within the drawn page) as the
    /// cursor: "[]" (one column: "@") on the cell's own colour, bold and, without
    /// colours, reversed. Nothing when the index is not on the grid.
    static func drawCursor(
        _ index: Int, value: Double, shape: GridShape, x: Int, y: Int, mode: ColorMode, scale: HeatMap.Scale,
        into buffer: inout ScreenBuffer
    ) {
        guard index >= 0, index < shape.shown, shape.columns > 0 else { return }
        var style = HeatMap.cell(for: value, width: shape.cellWidth, mode: mode, scale: scale).style
        style.bold = true
        if mode == .twoFiftySix { style.fg = .black } else { style.reverse = true }
        let text = shape.cellWidth >= 2 ? "[" + String(repeating: "]", count: shape.cellWidth - 1) : "@"
        buffer.put(text, x: x + (index % shape.columns) * shape.cellWidth, y: y + index / shape.columns, style: style)
    }
}
