import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Text snapshots of every view at the compact minimum (80x24), the full
/// layout (120x40) and a large terminal (200x60). Heat maps use the no-colour glyphs so that they show in text.
@Suite struct AppSnapshotTests {
    static let sizes = [(80, 24), (120, 40), (200, 60)]

    func snapshot(_ state: ShellState, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = Shell.render(state, width: state.width, height: state.height).text
        assertSnapshot(text, named: "App.\(name).\(state.width)x\(state.height)", sourceLocation: sourceLocation)
    }

    /// A session of four clicks with the third click selected in the session pane.
    func session(_ width: Int, _ height: Int) -> ShellState {
        var state = AppFixture.state(width: width, height: height)
        state.commands("click Red mug", "click Blue mug", "click Mug rack", "click 抹茶 matcha")
        return state
    }

    @Test(arguments: sizes) func mainEmpty(width: Int, height: Int) {
        snapshot(AppFixture.state(width: width, height: height), "main.empty")
    }

    @Test(arguments: sizes) func mainSession(width: Int, height: Int) {
        var state = session(width, height)
        state.keys(.tab, .up)
        snapshot(state, "main.session")
    }

    @Test(arguments: sizes) func mainExcludedAndTop5(width: Int, height: Int) {
        var state = session(width, height)
        state.commands("exclude on", "topk 5")
        state.keys(.tab, .tab, .down)
        snapshot(state, "main.exclude")
    }

    @Test(arguments: sizes) func mainFilter(width: Int, height: Int) {
        var state = session(width, height)
        state.keys(.character("/"))
        state.type("mug")
        state.keys(.down)
        snapshot(state, "main.filter")
    }

    @Test(arguments: sizes) func mainError(width: Int, height: Int) {
        var state = session(width, height)
        state.commands("click Honey jr")
        snapshot(state, "main.error")
    }

    @Test(arguments: sizes) func commandLineCompletion(width: Int, height: Int) {
        var state = session(width, height)
        state.keys(.character(":"))
        state.type("click T")
        state.keys(.tab)
        snapshot(state, "main.completion")
    }

    @Test(arguments: sizes) func training(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        state.commands("view training")
        snapshot(state, "training")
    }

    @Test(arguments: sizes) func trainingWithoutLog(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height, withLog: false)
        state.commands("view training")
        snapshot(state, "training.nolog")
    }

    @Test(arguments: sizes) func replay(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        state.commands("replay S1", "step", "step", "step", "replay S3", "step", "step", "step")
        snapshot(state, "replay")
    }

    @Test(arguments: sizes) func replayEmpty(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        state.commands("view replay")
        snapshot(state, "replay.empty")
    }

    @Test(arguments: sizes) func replayAll(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        state.drive("replay all", "replay worst", "step", "step")
        snapshot(state, "replay.all")
    }

    @Test(arguments: sizes) func replayAllRunning(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        if case .evaluate(let request)? = state.commands("replay all").last {
            state.send(.evaluationProgress(id: request.id, done: 40, total: 160))
        }
        snapshot(state, "replay.running")
    }

    @Test(arguments: sizes) func analysis(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        state.drive("view analysis")
        snapshot(state, "analysis")
    }

    @Test(arguments: sizes) func help(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        state.commands("help click")
        snapshot(state, "help")
    }

    @Test func tooSmall() {
        var state = AppFixture.state(width: 60, height: 20)
        state.commands("click Red mug")
        snapshot(state, "toosmall")
    }

    @Test func colorsUseThe256Palette() {
        var state = AppFixture.state(colorMode: .twoFiftySix)
        state.commands("click Red mug", "click Blue mug")
        let screen = Shell.render(state, width: 120, height: 40)
        // The focused pane's frame, and heat-map cells as palette backgrounds.
        #expect(screen[0, 1].character == "┏")
        #expect(screen[0, 1].style.fg == .palette(39))
        let hiddenX = 120 - 43 + 1, mapY = 4
        let cell = screen[hiddenX, mapY]
        guard case .palette = cell.style.bg else {
            Issue.record("expected a palette background in the heat map, got \(cell.style)")
            return
        }
        #expect(screen.text.contains("h state"))
    }
}
