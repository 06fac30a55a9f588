/// A line chart of one or more series over a shared index axis, drawn with
/// braille dots (2 x 4 dots per cell) or, as a fallback, half blocks
/// (1 x 2 per cell).
///
/// Layout inside the rectangle, top to bottom: the plot with y-axis labels
/// (max at the top row, the middle row's value, min at the bottom row) and a
/// `┤`-ticked axis on its left; the x axis `└───`; x labels (first, middle,
/// last); a legend line (with the x axis's title at its right end). Parts
/// are dropped when the rectangle is too small.
/// Sample `i` of every series sits at x position `i`; NaN and infinite values
/// leave gaps. A constant series is drawn across the middle; a single sample
/// is a single dot. With no finite value at all, "no data" is shown.
public struct LineChart: Hashable, Sendable {
    /// One named line.
    public struct Series: Hashable, Sendable {
        public var name: String
        public var values: [Double]
        public var color: Color

        public init(name: String, values: [Double], color: Color = .default) {
            self.name = name
            self.values = values
            self.color = color
        }
    }

    /// How dots are drawn.
    public enum Marker: Hashable, Sendable {
        /// Braille patterns: 2 columns x 4 rows of dots per cell.
        case braille
        /// Half blocks ▀ ▄ █: 1 column x 2 rows per cell, for fonts without braille.
        case block
    }

    public var series: [Series]
    public var marker: Marker
    /// The value range of the y axis; `nil` fits the data. Dots outside are not drawn.
    public var yRange: ClosedRange<Double>?
    /// The x values of the first and last sample, for the x labels; `nil`
    /// means sample indices (0 ... count-1).
    public var xDomain: ClosedRange<Double>?
    public var showLegend: Bool
    /// What the x axis counts ("epoch", "batch"), shown at the right end of
    /// the legend line as `x: epoch` when there is room.
    public var xTitle: String?
    /// Style of axes and labels.
    public var axisStyle: Style

    public init(
        series: [Series], marker: Marker = .braille, yRange: ClosedRange<Double>? = nil,
        xDomain: ClosedRange<Double>? = nil, showLegend: Bool = true, xTitle: String? = nil, axisStyle: Style = .plain
    ) {
        self.series = series
        self.marker = marker
        self.yRange = yRange
        self.xDomain = xDomain
        self.showLegend = showLegend
        self.xTitle = xTitle
        self.axisStyle = axisStyle
    }

    /// The y range actually used: `yRange`, or the finite data's min...max,
    /// widened when empty-width (by 10% of the value, or by 1 around zero).
    /// `nil` when there is no finite value.
    public var effectiveYRange: ClosedRange<Double>? {
        var lo = Double.infinity, hi = -Double.infinity
        if let yRange {
            lo = yRange.lowerBound
            hi = yRange.upperBound
        } else {
            for s in series { for v in s.values where v.isFinite { lo = min(lo, v); hi = max(hi, v) } }
            guard lo <= hi else { return nil }
        }
        if hi == lo {
            let pad = lo != 0 ? abs(lo) * 0.1 : 1
            lo -= pad
            hi += pad
        }
        return lo...hi
    }

    private var sampleCount: Int { series.map(\.values.count).max() ?? 0 }
    private var hasData: Bool { series.contains { $0.values.contains { $0.isFinite } } }

    /// Draws the chart into `rect` of `buffer`.
    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
        let area = rect.intersection(buffer.bounds)
        guard !area.isEmpty else { return }
        guard hasData, let range = effectiveYRange else {
            let message = "no data"
            let x = area.x + max(0, (area.width - message.count) / 2)
            buffer.put(message, x: x, y: area.y + (area.height - 1) / 2, style: axisStyle, maxWidth: area.maxX - x)
            return
        }

        // Vertical budget.
        var rows = area.height
        let legend = showLegend && !series.isEmpty && rows >= 5
        if legend { rows -= 1 }
        let xAxis = rows >= 4
        if xAxis { rows -= 2 }
        let plotHeight = rows

        // Horizontal budget: y labels and the axis column.
        let dotsDown = marker == .braille ? 4 : 2
        let dotsAcross = marker == .braille ? 2 : 1
        let labelValues = yLabelValues(range: range, plotHeight: plotHeight, dotsDown: dotsDown)
        var labelWidth = labelValues.map { DisplayWidth.of(CompactNumber.format($0.value)) }.max() ?? 0
        var axisColumn = 1
        if area.width - labelWidth - 1 < 4 { labelWidth = 0 }
        if area.width < 4 { axisColumn = 0 }
        let plot = Rect(
            x: area.x + labelWidth + axisColumn, y: area.y,
            width: area.width - labelWidth - axisColumn, height: plotHeight)
        guard plot.width > 0, plot.height > 0 else { return }

        // Axes and labels.
        if axisColumn == 1 {
            let ax = area.x + labelWidth
            buffer.vline(x: ax, y: plot.y, length: plot.height, character: "│", style: axisStyle)
            for (row, value) in labelWidth > 0 ? labelValues : [] {
                buffer.set(x: ax, y: plot.y + row, "┤", style: axisStyle)
                let label = CompactNumber.format(value)
                buffer.put(label, x: ax - DisplayWidth.of(label), y: plot.y + row, style: axisStyle)
            }
            if xAxis {
                buffer.set(x: ax, y: plot.maxY, "└", style: axisStyle)
                buffer.hline(x: plot.x, y: plot.maxY, length: plot.width, character: "─", style: axisStyle)
            }
        } else if xAxis {
            buffer.hline(x: plot.x, y: plot.maxY, length: plot.width, character: "─", style: axisStyle)
        }
        if xAxis { drawXLabels(into: &buffer, plot: plot, row: plot.maxY + 1, dotsAcross: dotsAcross) }
        if legend { drawLegend(into: &buffer, x: plot.x, y: area.maxY - 1, maxX: area.maxX) }

        drawDots(into: &buffer, plot: plot, range: range, dotsAcross: dotsAcross, dotsDown: dotsDown)
    }

    /// (row in the plot, value) for the max, middle and min labels. The
    /// middle label names the midpoint of the range, on the row where a dot
    /// at that value is drawn.
    private func yLabelValues(range: ClosedRange<Double>, plotHeight: Int, dotsDown: Int) -> [(row: Int, value: Double)] {
        guard plotHeight > 0 else { return [] }
        if plotHeight == 1 { return [(0, range.upperBound)] }
        var labels: [(row: Int, value: Double)] = [(0, range.upperBound)]
        let totalDots = plotHeight * dotsDown
        let midDot = Int((Double(totalDots - 1) / 2).rounded())
        let midRow = (totalDots - 1 - midDot) / dotsDown
        if midRow > 0, midRow < plotHeight - 1 {
            labels.append((midRow, (range.lowerBound + range.upperBound) / 2))
        }
        labels.append((plotHeight - 1, range.lowerBound))
        return labels
    }

    /// First and last x values under the plot, and a middle one (rounded
    /// down to a whole number when both ends are whole) at its own column.
    private func drawXLabels(into buffer: inout ScreenBuffer, plot: Rect, row: Int, dotsAcross: Int) {
        let n = sampleCount
        let start = xDomain?.lowerBound ?? 0
        let end = xDomain?.upperBound ?? Double(max(0, n - 1))
        let first = CompactNumber.format(start)
        buffer.put(first, x: plot.x, y: row, style: axisStyle, maxWidth: plot.width)
        guard n > 1 || xDomain != nil, end != start else { return }
        let last = CompactNumber.format(end)
        let lastX = plot.maxX - DisplayWidth.of(last)
        let firstEnd = plot.x + DisplayWidth.of(first)
        guard lastX > firstEnd else { return }
        buffer.put(last, x: lastX, y: row, style: axisStyle)

        var midValue = (start + end) / 2
        if start == start.rounded(), end == end.rounded() { midValue = midValue.rounded(.down) }
        let totalDots = Double(plot.width * dotsAcross - 1)
        let midDot = Int(((midValue - start) / (end - start) * totalDots).rounded())
        let mid = CompactNumber.format(midValue)
        let midX = plot.x + midDot / dotsAcross - (DisplayWidth.of(mid) - 1) / 2
        if midX > firstEnd, midX + DisplayWidth.of(mid) < lastX {
            buffer.put(mid, x: midX, y: row, style: axisStyle)
        }
    }

    private func drawLegend(into buffer: inout ScreenBuffer, x: Int, y: Int, maxX: Int) {
        var column = x
        for s in series {
            let item = "━━ " + s.name
            let w = DisplayWidth.of(item)
            if column + w > maxX { break }
            buffer.put("━━", x: column, y: y, style: Style(fg: s.color, bold: true))
            buffer.put(" " + s.name, x: column + 2, y: y, style: axisStyle)
            column += w + 2
        }
        if let xTitle {
            let title = "x: " + xTitle
            let titleX = maxX - DisplayWidth.of(title)
            if titleX >= column { buffer.put(title, x: titleX, y: y, style: axisStyle) }
        }
    }

    private func drawDots(
        into buffer: inout ScreenBuffer, plot: Rect, range: ClosedRange<Double>, dotsAcross: Int, dotsDown: Int
    ) {
        let pw = plot.width * dotsAcross
        let ph = plot.height * dotsDown
        var bits = [UInt8](repeating: 0, count: plot.width * plot.height)
        var owner = [Int](repeating: -1, count: plot.width * plot.height)
        let n = sampleCount
        let span = range.upperBound - range.lowerBound

        func xDot(_ i: Int) -> Double {
            n <= 1 ? 0 : Double(i) * Double(pw - 1) / Double(n - 1)
        }
        /// Dot row counted from the bottom; may fall outside the plot.
        func yDot(_ v: Double) -> Double {
            (v - range.lowerBound) / span * Double(ph - 1)
        }
        func plotDot(_ px: Int, _ py: Int, _ seriesIndex: Int) {
            guard px >= 0, px < pw, py >= 0, py < ph else { return }
            let fromTop = ph - 1 - py
            let cell = (fromTop / dotsDown) * plot.width + px / dotsAcross
            bits[cell] |= dotBit(column: px % dotsAcross, row: fromTop % dotsDown)
            owner[cell] = seriesIndex
        }
        let box = (minX: -0.5, maxX: Double(pw) - 0.5, minY: -0.5, maxY: Double(ph) - 0.5)

        for (si, s) in series.enumerated() {
            var previous: (x: Double, y: Double)?
            for (i, v) in s.values.enumerated() {
                guard v.isFinite else { previous = nil; continue }
                let point = (x: xDot(i), y: yDot(v))
                if let p = previous {
                    if let (a, b) = Self.clip(from: p, to: point, box: box) {
                        Self.line(from: a, to: b) { plotDot($0, $1, si) }
                    }
                } else if point.y >= box.minY, point.y < box.maxY {
                    plotDot(Int(point.x.rounded()), Int(point.y.rounded()), si)
                }
                previous = point
            }
        }

        for row in 0..<plot.height {
            for column in 0..<plot.width {
                let b = bits[row * plot.width + column]
                guard b != 0 else { continue }
                let color = series[owner[row * plot.width + column]].color
                buffer.set(x: plot.x + column, y: plot.y + row, glyph(b), style: Style(fg: color))
            }
        }
    }

    /// The bit of a dot within a cell, for the marker in use.
    private func dotBit(column: Int, row: Int) -> UInt8 {
        switch marker {
        case .block:
            return row == 0 ? 1 : 2
        case .braille:
            // Unicode braille numbering: dots 1-3 and 7 in the left column, 4-6 and 8 in the right.
            let left: [UInt8] = [0x01, 0x02, 0x04, 0x40]
            let right: [UInt8] = [0x08, 0x10, 0x20, 0x80]
            return column == 0 ? left[row] : right[row]
        }
    }

    private func glyph(_ bits: UInt8) -> Character {
        switch marker {
        case .block:
            return bits == 1 ? "▀" : bits == 2 ? "▄" : "█"
        case .braille:
            return Character(Unicode.Scalar(0x2800 + UInt32(bits)) ?? " ")
        }
    }

    /// The part of the segment a-b inside `box` (Liang-Barsky), as rounded
    /// dot positions; `nil` when the segment misses the box.
    static func clip(
        from a: (x: Double, y: Double), to b: (x: Double, y: Double),
        box: (minX: Double, maxX: Double, minY: Double, maxY: Double)
    ) -> ((x: Int, y: Int), (x: Int, y: Int))? {
        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { return nil }
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        let edges = [(-dx, a.x - box.minX), (dx, box.maxX - a.x), (-dy, a.y - box.minY), (dy, box.maxY - a.y)]
        for (p, q) in edges {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
                if t0 > t1 { return nil }
            }
        }
        func dot(_ t: Double) -> (x: Int, y: Int) {
            (Int((a.x + t * dx).rounded()), Int((a.y + t * dy).rounded()))
        }
        return (dot(t0), dot(t1))
    }

    /// Bresenham's line between two dots, both ends included.
    static func line(from a: (x: Int, y: Int), to b: (x: Int, y: Int), _ plot: (Int, Int) -> Void) {
        var x = a.x, y = a.y
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var err = dx + dy
        while true {
            plot(x, y)
            if x == b.x && y == b.y { return }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }
}
