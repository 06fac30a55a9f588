import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Text snapshots of the unit cursor, the legends, the Trajectory view and
/// the Most-changed list at 80x24, 120x40 and 200x60, on the tiny model (8
/// units) and on models of 224 units and of two layers (224 and 500 units),
/// whose heat maps reflow to the pane. No colours, so that glyphs show.
@Suite struct AppHiddenSnapshotTests {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    func snapshot(_ state: ShellState, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        assertSnapshot(state.screen, named: "App.\(name).\(state.width)x\(state.height)", sourceLocation: sourceLocation)
    }

    @Test(arguments: sizes) func unitCursorOnTheHeatMap(width: Int, height: Int) {
        var state = AppHiddenTests.state(width: width, height: height)
        state.commands("unit 5", "scale auto")
        snapshot(state, "main.unit")
    }

    @Test(arguments: sizes) func trajectoryOfH(width: Int, height: Int) {
        var state = AppHiddenTests.state(width: width, height: height)
        state.commands("click Green mug", "click Oolong tea", "trajectory h", "unit 2")
        snapshot(state, "trajectory")
    }

    @Test(arguments: sizes) func trajectoryOfTheUpdateGate(width: Int, height: Int) {
        var state = AppHiddenTests.state(width: width, height: height)
        state.commands("trajectory z")
        snapshot(state, "trajectory.z")
    }

    @Test(arguments: sizes) func units224(width: Int, height: Int) {
        var state = AppHiddenTests.state(layers: [224], epochs: 1, width: width, height: height)
        state.commands("unit 223")
        #expect(state.screen.contains("224 units"))
        #expect(state.screen.contains("223"))
        // The grid reflows: from 120x40 all 224 units show; at 80x24 the page that holds the cursor.
        #expect(state.screen.contains("h state (") == (width == 80), "a clipped map names its units: h state (162-223)")
        snapshot(state, "main.units224")
    }

    @Test(arguments: sizes) func twoLayersOf224And500Units(width: Int, height: Int) {
        var state = AppHiddenTests.state(layers: [224, 500], epochs: 1, width: width, height: height)
        state.commands("layer 2", "unit 300", "trajectory dh")
        #expect(state.screen.contains("Trajectory · Δh · layer 2/2"))
        #expect(state.screen.contains("> 300 "), "the page of units holds the cursor")
        snapshot(state, "trajectory.units500")
    }
}
