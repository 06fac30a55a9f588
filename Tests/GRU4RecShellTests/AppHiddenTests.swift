import Foundation
import GRU4Rec
@testable import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Reading the hidden state: the unit cursor (`unit`, arrows, Esc), the
/// layer (`layer`, PgUp/PgDn, `l`), the colour scale (`scale`, `s`), the
/// Trajectory view (`trajectory`, F7, its keys) and the Most-changed list,
/// driven through `update` and checked against the trace's own numbers.
@Suite struct AppHiddenTests {
    /// A shell on a model with `layers`, after four clicks.
    static func state(layers: [Int] = [8], epochs: Int = 6, width: Int = 120, height: Int = 40) -> ShellState {
        let tiny = TinyModel(epochs: epochs, layers: layers)
        let loaded = LoadedModel(model: tiny.model, facts: tiny.facts, path: "models/tiny.safetensors", itemNames: tiny.itemNames)
        var state = ShellState(model: loaded, sessions: tiny.sessions, width: width, height: height, colorMode: .none, parallelism: .tests)
        state.commands("click Red mug", "click Blue mug", "click Mug rack", "click 抹茶 matcha")
        return state
    }

    @Test func unitCommandPutsTheCursorAndPrintsTheUnitsValues() throws {
        var state = Self.state()
        state.commands("unit 5")
        #expect(state.inspection.unit == 5)
        let last = try #require(state.trace.steps.last)
        let h = Double(last.hidden[0][5]), z = Double(last.updateGate[0][5]), r = Double(last.resetGate[0][5])
        let dh = Double(last.hidden[0][5]) - Double(state.trace.steps[2].hidden[0][5])
        let expected = String(format: "unit 5 of layer 1/1: h %+.3f · Δh %+.3f · z %.2f · r %.2f after click 4", h, dh, z, r)
        #expect(state.notice?.text == expected)
        #expect(state.notice?.kind == .info)
        // The pane prints the same values and the unit's sparkline.
        #expect(state.screen.contains(String(format: "unit 5 · h %+.3f · Δh %+.3f", h, dh)))
        #expect(state.screen.contains(String(format: "z %.2f update · r %.2f reset", z, r)))
        #expect(state.screen.contains("u5"))

        state.commands("unit 8")
        #expect(state.notice?.text == "unit needs a number from 0 to 7, or off")
        #expect(state.inspection.unit == 5, "a bad unit leaves the cursor where it was")
        state.commands("unit five")
        #expect(state.notice?.kind == .error)
        state.commands("unit off")
        #expect(state.inspection.unit == nil)
        #expect(!state.screen.contains("unit 5 ·"))
    }

    @Test func arrowsMoveTheCursorOnTheGridAndEscClearsIt() {
        var state = Self.state()
        state.keys(.tab, .tab, .tab)
        #expect(state.focus == .hidden)
        state.keys(.right)
        #expect(state.inspection.unit == 0, "the first arrow starts on unit 0")
        state.keys(.right, .right)
        #expect(state.inspection.unit == 2)
        // ↓ moves one grid row: as many units as the grid has columns (8 units: a 3-column grid).
        let columns = HiddenStatePane.gridShape(units: 8, width: 20, maxRows: 8)?.columns
        #expect(columns == 3)
        state.keys(.down)
        #expect(state.inspection.unit == 5)
        state.keys(.down)
        #expect(state.inspection.unit == 7, "clamped to the last unit")
        state.keys(.up, .left)
        #expect(state.inspection.unit == 3)
        state.keys(.home)
        #expect(state.inspection.unit == 0)
        state.keys(.end)
        #expect(state.inspection.unit == 7)
        // The cursor's cell on the h map shows as [].
        #expect(state.screen.contains("[]"))
        state.keys(.escape)
        #expect(state.inspection.unit == nil)
        #expect(state.notice?.text == "unit cursor cleared")
        #expect(!state.screen.contains("[]"))
    }

    @Test func layersByCommandPageKeysAndL() {
        var state = Self.state(layers: [8, 6])
        state.commands("unit 7", "layer 2")
        #expect(state.layer == 1)
        #expect(state.inspection.unit == nil, "layer 2 has no unit 7")
        #expect(state.notice?.text == "showing layer 2 of 2 (6 units)")
        state.commands("unit 7")
        #expect(state.notice?.text == "unit needs a number from 0 to 5, or off")
        state.commands("unit 3", "layer 1")
        #expect(state.inspection.unit == 3, "unit 3 exists in both layers")
        state.keys(.tab, .tab, .tab)
        #expect(state.focus == .hidden)
        state.keys(.pageDown)
        #expect(state.layer == 1)
        state.keys(.character("l"))
        #expect(state.layer == 0, "l wraps to the first layer")
        #expect(state.screen.contains("Hidden state · layer 1/2"))
        // The trajectory's title says the layer too.
        state.commands("trajectory", "layer 2")
        #expect(state.screen.contains("Trajectory · h · layer 2/2"))
    }

    @Test func scaleAutoUsesThe98thPercentileOfTheSessionsAbsoluteState() throws {
        var state = Self.state()
        // Brute force: every |h| of every click, sorted, nearest rank.
        let values = state.trace.steps.flatMap { $0.hidden[0].map { abs(Double($0)) } }.sorted()
        let bound = values[Int((0.98 * Double(values.count)).rounded(.up)) - 1]
        #expect(state.trace.robustBound == [bound])
        state.commands("scale auto")
        #expect(state.inspection.scale == .auto)
        #expect(state.notice?.text == String(format: "h and Δh on the auto scale ±%.3g (the 98th percentile of |h|, layer 1)", bound))
        #expect(state.screen.contains("Hidden state · auto"))
        #expect(state.screen.contains(String(format: "+%.2f auto", bound)), "the legend shows the scale and its bound")
        // h is drawn divided by the bound: the heat map's cells are those of h / bound.
        let h = try #require(state.trace.steps.last?.hidden[0].map(Double.init))
        #expect(state.trace.scaledValues(.h, step: 3, layer: 0, scale: .auto) == h.map { $0 / bound })
        #expect(state.trace.scaledValues(.h, step: 3, layer: 0, scale: .fixed) == h)
        // Gates are never rescaled.
        let z = try #require(state.trace.steps.last?.updateGate[0].map(Double.init))
        #expect(state.trace.scaledValues(.z, step: 3, layer: 0, scale: .auto) == z)

        state.commands("scale wide")
        #expect(state.notice?.text == "scale needs auto or fixed")
        state.keys(.tab, .tab, .tab, .character("s"))
        #expect(state.inspection.scale == .fixed)
        #expect(state.screen.contains("+1 fixed"))
    }

    @Test func theAutoBoundAndTheRankingFollowEveryEditOfTheSession() {
        var state = Self.state(layers: [8, 6])
        func bruteForceBound(_ l: Int) -> Double {
            let values = state.trace.steps.flatMap { $0.hidden[l].map { abs(Double($0)) } }.sorted()
            return values[Int((0.98 * Double(values.count)).rounded(.up)) - 1]
        }
        func bruteForceRanking(_ l: Int) -> [Int] {
            guard let last = state.trace.steps.last else { return [] }
            return (0..<last.change[l].count).sorted {
                abs(last.change[l][$0]) != abs(last.change[l][$1]) ? abs(last.change[l][$0]) > abs(last.change[l][$1]) : $0 < $1
            }
        }
        for edit in ["click Teapot", "click Yoga mat", "undo", "remove 2", "redo", "reset", "click Towel"] {
            state.commands(edit)
            let empty = state.trace.steps.isEmpty
            #expect(state.trace.robustBound == (empty ? [] : [bruteForceBound(0), bruteForceBound(1)]), "after \(edit)")
            #expect(state.trace.changeRanking == (empty ? [] : [bruteForceRanking(0), bruteForceRanking(1)]), "after \(edit)")
        }
        state.commands("reset")
        #expect(state.trace.robustBound.isEmpty)
        #expect(state.trace.scaleBound(.auto, layer: 0) == 1, "no clicks: the auto scale falls back to 1")
    }

    @Test func trajectoryCommandAndF7OpenTheViewWithTheChosenQuantity() {
        var state = Self.state()
        state.commands("trajectory z")
        #expect(state.view == .trajectory)
        #expect(state.focus == .trajectory)
        #expect(state.inspection.quantity == .z)
        #expect(state.screen.contains("Trajectory · z"))
        state.commands("trajectory dh")
        #expect(state.inspection.quantity == .dh)
        state.commands("trajectory q")
        #expect(state.notice?.text == "trajectory needs h, z, r or dh")
        #expect(state.inspection.quantity == .dh)
        state.commands("view main")
        state.keys(.function(7))
        #expect(state.view == .trajectory)
        #expect(state.inspection.quantity == .dh, "F7 keeps the quantity shown last")
        // Keys of the Trajectory pane.
        state.keys(.character("r"))
        #expect(state.inspection.quantity == .r)
        state.keys(.character("h"))
        #expect(state.inspection.quantity == .h)
        state.keys(.down, .down)
        #expect(state.inspection.unit == 1)
        state.keys(.left)
        #expect(state.inspection.clicksBack == 1)
        state.keys(.left, .left, .left, .left)
        #expect(state.inspection.clicksBack == 3, "at most back to the first click")
        state.keys(.right, .right, .right, .right)
        #expect(state.inspection.clicksBack == 0)
    }

    @Test(arguments: UnitInspection.Quantity.allCases)
    func trajectoryCellsAreTheUnitsValuesAfterEveryClick(quantity: UnitInspection.Quantity) throws {
        var state = Self.state()
        state.commands("trajectory \(quantity.rawValue)", "unit 2")
        let lines = state.screenLines
        let row = try #require(lines.first { $0.contains("┃> 2 ") })
        let start = try #require(row.range(of: "┃> 2 ")).upperBound
        // Brute force: the unit's values read straight from the trace, drawn on the quantity's scale.
        let scale: HeatMap.Scale = quantity.isGate ? .sequential : .diverging
        let expected = state.trace.steps.map { step -> String in
            let v: Float
            switch quantity {
            case .h: v = step.hidden[0][2]
            case .z: v = step.updateGate[0][2]
            case .r: v = step.resetGate[0][2]
            case .dh: v = step.change[0][2]
            }
            return HeatMap.cell(for: Double(v), width: 2, mode: .none, scale: scale).text
        }.joined()
        #expect(String(row[start...].prefix(expected.count)) == expected)
        #expect(lines.contains { $0.contains("clicks 1-4 of 4 · units 0-7 of 8") })
    }

    @Test func mostChangedListsUnitsByTheLastClicksAbsoluteChange() throws {
        var state = Self.state()
        state.commands("trajectory")
        let last = try #require(state.trace.steps.last)
        let before = state.trace.steps[2].hidden[0]
        let bruteForce = (0..<8).sorted {
            abs(last.hidden[0][$0] - before[$0]) > abs(last.hidden[0][$1] - before[$1])
        }
        #expect(state.trace.mostChanged(layer: 0).map(\.unit) == bruteForce)
        #expect(state.screen.contains("Most changed · click 4"))
        // A click on the list's second row puts the cursor on that unit.
        let layout = ShellLayout(width: 120, height: 40, view: .trajectory, topK: state.topK)
        let list = ShellLayout.listRect(of: .changes, in: try #require(layout.rect(of: .changes)))
        state.send(.input(.mouse(MouseEvent(x: list.x + 1, y: list.y + 1, kind: .click))))
        #expect(state.inspection.unit == bruteForce[1])
        #expect(state.notice?.text.hasPrefix("unit \(bruteForce[1]) of layer 1/1") == true)
        // ↓ in the list moves along the ranking.
        #expect(state.focus == .changes)
        state.keys(.down)
        #expect(state.inspection.unit == bruteForce[2])
    }

    @Test func gatesUseASequentialScaleAClosedGateIsBlankNotNegative() {
        for mode in ColorMode.allCases {
            let closed = HeatMap.cell(for: 0, width: 2, mode: mode, scale: .sequential)
            let negative = HeatMap.cell(for: -1, width: 2, mode: mode, scale: .diverging)
            #expect(closed != negative, "\(mode)")
            #expect(!closed.text.contains("-"))
            let open = HeatMap.cell(for: 1, width: 2, mode: mode, scale: .sequential)
            #expect(open != HeatMap.cell(for: 1, width: 2, mode: mode, scale: .diverging), "a full gate is not a strong positive h")
        }
        #expect(HeatMap.sequentialColor(for: 0) == .palette(231))
        #expect(HeatMap.sequentialColor(for: 1) == .cube(red: 0, green: 5, blue: 0))
        // Without colour the glyphs carry sign and magnitude: distinct ramps, and a sign marker at width 2.
        #expect(HeatMap.cell(for: -1, width: 1, mode: .none).text == "#")
        #expect(HeatMap.cell(for: 1, width: 1, mode: .none).text == "█")
        #expect(HeatMap.cell(for: -0.5, width: 2, mode: .none).text == "▒-")
        #expect(HeatMap.cell(for: 0.5, width: 2, mode: .none).text == "▒+")
        #expect(HeatMap.cell(for: 0.5, width: 2, mode: .none, scale: .sequential).text == "▒▒")
    }

    @Test func in256ColoursGatesAreGreenAndHIsBlueToRed() throws {
        var state = ShellState(model: AppFixture.loaded().0, width: 120, height: 40, colorMode: .twoFiftySix, parallelism: .tests)
        state.commands("click Red mug", "click Blue mug")
        let screen = Shell.render(state, width: 120, height: 40)
        let lines = screen.lines
        let x = 120 - 43 + 1  // the Hidden-state pane's interior
        let hRow = try #require(lines.firstIndex { $0.contains("h state") }) + 1
        let zRow = try #require(lines.firstIndex { $0.contains("z update gate") }) + 1
        let last = try #require(state.trace.steps.last)
        #expect(screen[x, hRow].style.bg == HeatMap.paletteColor(for: Double(last.hidden[0][0])))
        #expect(screen[x, zRow].style.bg == HeatMap.sequentialColor(for: Double(last.updateGate[0][0])))
    }

    @Test func scriptModeRunsTheNewCommands() {
        let lines = ["click Red mug", "click Blue mug", "unit 3", "scale auto", "trajectory z", "unit 9"]
        let result = Shell.runScript(lines: lines, state: AppFixture.state(), environment: AppFixture.environment())
        #expect(result.failed, "unit 9 does not exist")
        #expect(result.output.contains("unit 3 of layer 1/1: h "))
        #expect(result.output.contains("h and Δh on the auto scale ±"))
        #expect(result.output.contains("trajectory of z, layer 1"))
        #expect(result.output.contains("error (line 6): unit needs a number from 0 to 7, or off"))
        #expect(result.state.view == .trajectory)
        #expect(result.output.contains("Trajectory · z"))
    }

    @Test func helpListsTheNewCommands() {
        var state = Self.state()
        state.commands("help")
        for usage in ["unit <n>|off", "scale auto|fixed", "trajectory [h|z|r|dh]"] {
            #expect(state.screen.contains(usage), "\(usage)")
        }
    }
}
