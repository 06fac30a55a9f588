import GRU4RecShell
import Testing

/// `Shell.completions(for:state:)`: whole replacement lines.
@Suite struct AppCompletionTests {
    let state = AppFixture.state()

    @Test func commandNames() {
        #expect(Shell.completions(for: "", state: state).count == 30)  // with explain, similar, track, metrics, compare, unit, scale, trajectory
        #expect(Shell.completions(for: "cl", state: state) == ["click"])
        #expect(Shell.completions(for: "re", state: state) == ["redo", "remove", "reset", "replay"])
        #expect(Shell.completions(for: "xyz", state: state).isEmpty)
    }

    @Test func itemIdsAndNamesForClick() {
        #expect(Shell.completions(for: "click Red", state: state) == ["click Red mug"])
        #expect(Shell.completions(for: "click a1", state: state) == ["click A1"])
        // Most popular first: Teapot (20) before Tea towel and Tea strainer (18).
        #expect(Shell.completions(for: "click te", state: state) == ["click Teapot", "click Tea towel", "click Tea strainer"])
        #expect(Shell.completions(for: "click ", state: state).count == 48)  // 24 ids + 24 names
        #expect(Shell.completions(for: "click 抹", state: state) == ["click 抹茶 matcha"])
    }

    @Test func argumentsOfOtherCommands() {
        #expect(Shell.completions(for: "view t", state: state) == ["view training", "view trajectory"])
        #expect(Shell.completions(for: "view ", state: state) == [
            "view main", "view session", "view training", "view replay", "view help", "view analysis", "view explain", "view trajectory",
        ])
        #expect(Shell.completions(for: "exclude o", state: state) == ["exclude on", "exclude off"])
        #expect(Shell.completions(for: "help st", state: state) == ["help step"])
        #expect(Shell.completions(for: "layer ", state: state) == ["layer 1"])
        #expect(Shell.completions(for: "replay n", state: state) == ["replay next"])
        #expect(Shell.completions(for: "replay w", state: state) == ["replay worst"])
        #expect(Shell.completions(for: "metrics ", state: state) == ["metrics reset"])
        #expect(Shell.completions(for: "replay S5", state: state) == ["replay S5", "replay S50", "replay S51", "replay S52",
                                                                       "replay S53", "replay S54", "replay S55", "replay S56",
                                                                       "replay S57", "replay S58", "replay S59"])
        #expect(Shell.completions(for: "load m", state: state).isEmpty)
        var clicked = state
        _ = Shell.update(&clicked, .command("click A1"))
        _ = Shell.update(&clicked, .command("click A2"))
        #expect(Shell.completions(for: "remove ", state: clicked) == ["remove 1", "remove 2"])
    }
}
