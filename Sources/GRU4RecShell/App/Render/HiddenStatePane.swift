import Foundation

/// The GRU's hidden state for the selected layer after the last click: heat
/// maps (units in a grid, row by row, values -1...1) of the state h, its
/// change Δh since the step before, and the step's update gate z and reset
/// gate r (gates are 0...1, drawn as 2g-1 so that 0.5 is neutral); then
/// sparklines over the session of ‖h‖ and of ‖Δh‖. Maps that do not fit are
/// left out in the order r, z, Δh (the gates' means are shown instead).
enum HiddenStatePane: PaneBehaviour {
    /// Arrows, pages, Home and End choose the layer shown.
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        let layers = state.loaded?.model.layers.count ?? 1
        switch key {
        case .left, .up, .pageUp: state.layer = max(0, state.layer - 1)
        case .right, .down, .pageDown: state.layer = min(layers - 1, state.layer + 1)
        case .home: state.layer = 0
        case .end: state.layer = layers - 1
        default: break
        }
        return []
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        let layers = state.loaded?.model.layers ?? []
        let titles = layers.count > 1
            ? ["Hidden state · layer \(state.layer + 1)/\(layers.count)", "Hidden · layer \(state.layer + 1)/\(layers.count)",
               "Hidden L\(state.layer + 1)/\(layers.count)"]
            : ["Hidden state"]
        buffer.box(rect, title: boxTitle(titles, width: rect.width), focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, state.layer < layers.count else { return }
        let units = layers[state.layer]
        let steps = state.trace.steps
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

        let l = state.layer
        let h = last.hidden[l].map(Double.init)
        let before = steps.count > 1 ? steps[steps.count - 2].hidden[l].map(Double.init) : [Double](repeating: 0, count: units)
        let delta = zip(h, before).map { $0 - $1 }
        let z = last.updateGate[l].map { 2 * Double($0) - 1 }
        let r = last.resetGate[l].map { 2 * Double($0) - 1 }
        let maps: [(labels: [String], values: [Double])] = [
            (["h state", "h"], h), (["Δh since last step", "Δh change", "Δh"], delta),
            (["z update gate", "z update", "z"], z), (["r reset gate", "r reset", "r"], r),
        ]

        // Rows: header, the maps, then 2 sparklines (and a gate line when gates are left out).
        let sparkRows = inner.height >= 6 ? 2 : 0
        let mapArea = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: max(0, inner.height - 1 - sparkRows))
        let arrangement = arrange(units: units, in: mapArea)
        var y = mapArea.y
        for tileRow in 0..<arrangement.tileRows {
            for tileColumn in 0..<arrangement.tileColumns {
                let k = tileRow * arrangement.tileColumns + tileColumn
                guard k < maps.count else { continue }
                let x = mapArea.x + tileColumn * (arrangement.tileWidth + 1)
                let clipped = arrangement.shape.shown < units ? " (first \(arrangement.shape.shown))" : ""
                let label = maps[k].labels.map { $0 + clipped }.first { DisplayWidth.of($0) <= arrangement.tileWidth }
                    ?? maps[k].labels.last ?? ""
                buffer.put(fit(label, arrangement.tileWidth), x: x, y: y, style: Theme.dim)
                drawMap(maps[k].values, shape: arrangement.shape, x: x, y: y + 1, mode: state.colorMode, into: &buffer)
            }
            y += 1 + arrangement.shape.rows
        }
        let shownMaps = arrangement.tileRows * arrangement.tileColumns
        if shownMaps < 3, y < mapArea.maxY {
            let mean = { (v: [Float]) in v.isEmpty ? 0 : Double(v.reduce(0, +)) / Double(v.count) }
            let zMean = mean(last.updateGate[l]), rMean = mean(last.resetGate[l])
            let text = firstFitting([
                String(format: "mean gates: z %.2f · r %.2f", zMean, rMean),
                String(format: "mean z %.2f r %.2f", zMean, rMean),
            ], inner.width)
            buffer.put(fit(text, inner.width), x: inner.x, y: y, style: Theme.dim)
        }

        guard sparkRows == 2 else { return }
        // Only the last `inner.width` steps can show.
        let recent = steps.suffix(inner.width)
        let norms = recent.map { $0.hiddenNorm[l] }
        let changes = recent.map { $0.changeNorm[l] }
        sparkline("‖h‖", norms, y: inner.maxY - 2, inner: inner, into: &buffer)
        sparkline("‖Δh‖", changes, y: inner.maxY - 1, inner: inner, into: &buffer)
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
    static func drawMap(_ values: [Double], shape: GridShape, x: Int, y: Int, mode: ColorMode, into buffer: inout ScreenBuffer) {
        let shown = Array(values.prefix(shape.shown))
        let fullRows = shown.count / shape.columns
        if fullRows > 0 {
            HeatMap(values: Array(shown.prefix(fullRows * shape.columns)), rows: fullRows, columns: shape.columns,
                    cellWidth: shape.cellWidth, mode: mode)
                .draw(into: &buffer, in: Rect(x: x, y: y, width: shape.width, height: fullRows))
        }
        let rest = shown.count - fullRows * shape.columns
        if rest > 0 {
            HeatMap(values: Array(shown.suffix(rest)), rows: 1, columns: rest, cellWidth: shape.cellWidth, mode: mode)
                .draw(into: &buffer, in: Rect(x: x, y: y + fullRows, width: rest * shape.cellWidth, height: 1))
        }
    }
}
