import Foundation
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// A `width` x `height` screen with a box around the edge and `draw` called
/// on its interior, so snapshots show the widget's rectangle.
func framed(_ width: Int, _ height: Int, _ draw: (inout ScreenBuffer, Rect) -> Void) -> ScreenBuffer {
    var b = ScreenBuffer(width: width, height: height)
    b.box(b.bounds)
    draw(&b, b.bounds.interior)
    return b
}

@Suite struct CompactNumberTests {
    @Test(arguments: [
        (0.0, "0"), (1.0, "1"), (-1.5, "-1.5"), (12.345, "12.3"), (100.0, "100"), (999.4, "999"),
        (999.6, "1k"), (1234.0, "1.23k"), (12345.0, "12.3k"), (123456.0, "123k"), (1e6, "1M"),
        (2.5e9, "2.5G"), (3e12, "3T"), (0.1234, "0.123"), (0.05, "0.05"), (0.00123, "0.00123"),
        (0.0000123, "1.2e-5"), (Double.nan, "nan"), (-Double.infinity, "-inf"), (4.2e17, "4.2e17"),
    ])
    func format(value: Double, expected: String) {
        #expect(CompactNumber.format(value) == expected)
    }
}

@Suite struct LineChartTests {
    static let loss = (0..<30).map { 2.5 * exp(-Double($0) / 8) + 0.3 }
    static let recall = (0..<30).map { 0.6 * (1 - exp(-Double($0) / 6)) }

    @Test func twoSeriesBraille() {
        let chart = LineChart(series: [
            .init(name: "loss", values: Self.loss, color: .red),
            .init(name: "recall@20", values: Self.recall, color: .palette(39)),
        ], xDomain: 1...30)
        let b = framed(50, 14) { chart.draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.braille")
        // The legend keys carry the series colours.
        let keys = (0..<b.width).map { b[$0, 12] }.filter { $0.character == "━" }.map(\.style.fg)
        #expect(keys == [.red, .red, .palette(39), .palette(39)])
    }

    @Test func blockFallback() {
        let chart = LineChart(series: [.init(name: "loss", values: Self.loss, color: .red)], marker: .block)
        let b = framed(40, 12) { chart.draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.block")
    }

    @Test func narrowChartDropsLabels() {
        let chart = LineChart(series: [.init(name: "loss", values: Self.loss)])
        let b = framed(9, 6) { chart.draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.narrow")
    }

    @Test func singlePoint() {
        let chart = LineChart(series: [.init(name: "only", values: [0.42])])
        let b = framed(30, 9) { chart.draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.singlePoint")
    }

    @Test func constantSeries() {
        let chart = LineChart(series: [.init(name: "flat", values: Array(repeating: 5, count: 20))])
        #expect(chart.effectiveYRange == 4.5...5.5)
        let b = framed(30, 9) { chart.draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.constant")
    }

    @Test func nanGaps() {
        var values = (0..<24).map { sin(Double($0) / 3) }
        for i in 8..<12 { values[i] = .nan }
        values[18] = .infinity
        let chart = LineChart(series: [.init(name: "sin", values: values)])
        let b = framed(40, 10) { chart.draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.gaps")
    }

    @Test func emptyData() {
        for series in [[], [LineChart.Series(name: "x", values: [])], [.init(name: "x", values: [.nan, .nan])]] {
            let b = framed(20, 5) { LineChart(series: series).draw(into: &$0, in: $1) }
            #expect(b.lines[2] == "│     no data      │")
        }
        let b = framed(20, 5) { LineChart(series: []).draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.empty")
    }

    @Test func fixedRangeClipsOutliers() {
        let chart = LineChart(series: [.init(name: "v", values: [0, 0.5, 1e12, 0.5, -1e300, 1])], yRange: 0...1)
        let b = framed(24, 8) { chart.draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "LineChart.clipped")
    }

    @Test func colours() {
        let chart = LineChart(series: [
            .init(name: "a", values: [0, 1, 0, 1], color: .red),
            .init(name: "b", values: [1, 0, 1, 0], color: .blue),
        ], showLegend: false)
        var b = ScreenBuffer(width: 12, height: 4)
        chart.draw(into: &b, in: b.bounds)
        let map = b.map { $0.style.fg == .red ? "r" : $0.style.fg == .blue ? "b" : " " }
        assertSnapshot(b.text + "\n\n" + map, named: "LineChart.colours")
    }
}

@Suite struct SparklineTests {
    @Test func levels() {
        #expect(Sparkline(values: (0..<8).map(Double.init)).glyphs(width: 8) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline(values: (0..<8).map(Double.init)).glyphs(width: 3) == "▁▅█")  // last 3: 5,6,7; 3.5 rounds up
        #expect(Sparkline(values: [1, .nan, 3]).glyphs(width: 10) == "▁ █")
        #expect(Sparkline(values: [2, 2, 2]).glyphs(width: 10) == "▄▄▄")
        #expect(Sparkline(values: [0.5, 2], range: 0...1).glyphs(width: 10) == "▅█")
        #expect(Sparkline(values: []).glyphs(width: 10) == "")
        #expect(Sparkline(values: [1, 2]).glyphs(width: 0) == "")
    }

    @Test func drawsInTheFirstRow() {
        let b = framed(14, 4) { Sparkline(values: (0..<40).map { sin(Double($0) / 2) }).draw(into: &$0, in: $1) }
        assertSnapshot(b.text, named: "Sparkline.sine")
    }
}

@Suite struct BarTests {
    @Test func eighths() {
        #expect(Bar.glyphs(fraction: 0, width: 4) == "")
        #expect(Bar.glyphs(fraction: 1, width: 4) == "████")
        #expect(Bar.glyphs(fraction: 0.5, width: 4) == "██")
        #expect(Bar.glyphs(fraction: 0.55, width: 4) == "██▎")  // 17.6 -> 18 eighths
        #expect(Bar.glyphs(fraction: 1 / 32, width: 4) == "▏")
        #expect(Bar.glyphs(fraction: 2, width: 3) == "███")
        #expect(Bar.glyphs(fraction: .nan, width: 3) == "")
        #expect(Bar(value: 3, maximum: 4).fraction == 0.75)
        #expect(Bar(value: 3, maximum: 0).fraction == 0)
    }

    @Test func drawsRowsOfBars() {
        var b = ScreenBuffer(width: 20, height: 5)
        for (i, v) in [0.0, 0.1, 0.33, 0.9, 1.2].enumerated() {
            b.put(CompactNumber.format(v), x: 0, y: i)
            Bar(value: v).draw(into: &b, in: Rect(x: 5, y: i, width: 10, height: 1))
            b.put("|", x: 15, y: i)
        }
        assertSnapshot(b.text, named: "Bar.rows")
    }
}

@Suite struct HeatMapTests {
    /// A 6 x 9 matrix sweeping -1...1 with a NaN in the corner.
    static let values: [Double] = (0..<54).map { (i: Int) -> Double in
        if i == 53 { return .nan }
        let column = Double(i % 9), row = Double(i / 9)
        return column / 4 - 1 + row * 0.04
    }

    @Test func paletteScale() {
        #expect(HeatMap.paletteColor(for: -1) == .palette(21))
        #expect(HeatMap.paletteColor(for: -0.5) == .cube(red: 2, green: 2, blue: 5))
        #expect(HeatMap.paletteColor(for: 0) == .palette(231))
        #expect(HeatMap.paletteColor(for: 1) == .palette(196))
        #expect(HeatMap.paletteColor(for: 7) == .palette(196))
        #expect(HeatMap.paletteColor(for: .nan) == .palette(231))
    }

    @Test func twoFiftySixColours() {
        let map = HeatMap(values: Self.values, rows: 6, columns: 9, mode: .twoFiftySix)
        var b = ScreenBuffer(width: 18, height: 6)
        map.draw(into: &b, in: b.bounds)
        // One letter per 256-colour step: a..e blue side, W white, A..E red side.
        let letters = b.map { cell in
            guard case .palette(let p) = cell.style.bg else { return cell.character }
            let scale: [UInt8] = [21, 63, 105, 147, 189, 231, 224, 217, 210, 203, 196]
            guard let k = scale.firstIndex(of: p) else { return "!" }
            return Array("abcdeWEDCBA")[k]
        }
        assertSnapshot(letters, named: "HeatMap.256")
    }

    @Test func eightColoursUseShadesAndColour() {
        let map = HeatMap(values: Self.values, rows: 6, columns: 9, mode: .eight)
        var b = ScreenBuffer(width: 18, height: 6)
        map.draw(into: &b, in: b.bounds)
        let colours = b.map { $0.style.fg == .blue ? "b" : $0.style.fg == .red ? "r" : "." }
        assertSnapshot(b.text + "\n\n" + colours, named: "HeatMap.8")
    }

    @Test func noColourUsesGlyphsAndSigns() {
        var b = ScreenBuffer(width: 30, height: 13)
        HeatMap(values: Self.values, rows: 6, columns: 9, mode: .none).draw(into: &b, in: Rect(width: 30, height: 6))
        HeatMap(values: Self.values, rows: 6, columns: 9, cellWidth: 1, mode: .none)
            .draw(into: &b, in: Rect(x: 0, y: 7, width: 30, height: 6))
        #expect(b.cells.allSatisfy { $0.style.fg == .default && $0.style.bg == .default })
        assertSnapshot(b.text, named: "HeatMap.none")
    }

    @Test func clipsAndScrolls() {
        var b = ScreenBuffer(width: 9, height: 3)
        HeatMap(values: Self.values, rows: 6, columns: 9, rowOffset: 4, columnOffset: 5, mode: .none)
            .draw(into: &b, in: Rect(width: 9, height: 3))
        // 2 rows left after the offset; 4 columns fit in 9 cells of width 2.
        assertSnapshot(b.text, named: "HeatMap.scrolled")
    }
}

@Suite struct ScrollListTests {
    @Test func emptyList() {
        var list = ScrollList(count: 0, visibleRows: 5)
        #expect(list.selected == nil && list.offset == 0 && list.visibleRange.isEmpty)
        list.move(by: 3)
        list.pageDown()
        list.end()
        #expect(list.selected == nil && list.offset == 0)
        #expect(list.index(atRow: 0) == nil)
    }

    @Test func shortListNeverScrolls() {
        var list = ScrollList(count: 3, visibleRows: 10)
        list.end()
        #expect(list.selected == 2 && list.offset == 0 && list.visibleRange == 0..<3)
        list.scroll(by: 5)
        #expect(list.offset == 0)
        #expect(list.index(atRow: 2) == 2 && list.index(atRow: 3) == nil)
    }

    @Test func selectionScrollsMinimally() {
        var list = ScrollList(count: 100, visibleRows: 10)
        list.move(by: 9)
        #expect(list.selected == 9 && list.offset == 0)
        list.move(by: 1)
        #expect(list.selected == 10 && list.offset == 1)
        list.pageDown()
        #expect(list.selected == 20 && list.offset == 11)
        list.move(by: -15)
        #expect(list.selected == 5 && list.offset == 5)
        list.end()
        #expect(list.selected == 99 && list.offset == 90 && list.visibleRange == 90..<100)
        list.move(by: 7)
        #expect(list.selected == 99)
        list.home()
        #expect(list.selected == 0 && list.offset == 0)
        list.move(by: -1)
        #expect(list.selected == 0)
    }

    @Test func wheelScrollsTheWindowOnly() {
        var list = ScrollList(count: 30, visibleRows: 10, selected: 2)
        list.scroll(by: 15)
        #expect(list.offset == 15 && list.selected == 2)
        list.scroll(by: 100)
        #expect(list.offset == 20)
        list.scroll(by: -100)
        #expect(list.offset == 0)
        list.scroll(by: 12)
        list.move(by: 1)  // moving brings the selection back into view
        #expect(list.selected == 3 && list.offset == 3)
        #expect(list.row(of: 3) == 0 && list.row(of: 2) == nil)
    }

    @Test func initClampsAndResizeKeepsSelectionVisible() {
        var list = ScrollList(count: 10, visibleRows: 4, selected: 50, offset: -3)
        #expect(list.selected == 9 && list.offset == 6)
        list.resize(count: 5, visibleRows: 4)
        #expect(list.selected == 4 && list.offset == 1)
        list.resize(count: 5, visibleRows: 0)
        #expect(list.visibleRange.isEmpty && list.selected == 4)
        list.resize(count: 5, visibleRows: 2)
        #expect(list.offset == 3 && list.visibleRange == 3..<5)
        list.resize(count: 0, visibleRows: 2)
        #expect(list.selected == nil && list.offset == 0)
        list.resize(count: 8, visibleRows: 2)
        #expect(list.selected == 0)
    }
}
