import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Text snapshots of the Explain view (Explain and Similar panes) at 80x24,
/// 120x40 and 200x60.
@Suite struct AppExplainSnapshotTests {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    func session(_ width: Int, _ height: Int) -> ShellState {
        var state = AppFixture.state(width: width, height: height)
        state.commands("click Red mug", "click Blue mug", "click Mug rack", "click 抹茶 matcha")
        return state
    }

    @Test(arguments: sizes) func explain(width: Int, height: Int) {
        var state = session(width, height)
        state.commands("explain 1")
        AppSnapshotTests().snapshot(state, "explain")
    }

    @Test(arguments: sizes) func similar(width: Int, height: Int) {
        var state = session(width, height)
        state.commands("similar Blue mug")
        state.keys(.down)
        AppSnapshotTests().snapshot(state, "explain.similar")
    }

    @Test(arguments: sizes) func nothingExplained(width: Int, height: Int) {
        var state = session(width, height)
        state.commands("view explain")
        AppSnapshotTests().snapshot(state, "explain.empty")
    }
}
