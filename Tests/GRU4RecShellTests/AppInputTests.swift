import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Keys, mouse, the catalog filter and the command line through `update`.
@Suite struct AppInputTests {
    @Test func tabCyclesFocusAndArrowsMoveInThePane() {
        var state = AppFixture.state()
        #expect(state.focus == .catalog)
        state.keys(.tab)
        #expect(state.focus == .session)
        state.keys(.tab, .tab)
        #expect(state.focus == .hidden)
        state.keys(.tab)
        #expect(state.focus == .catalog)
        state.keys(.backTab)
        #expect(state.focus == .hidden)
        state.keys(.tab)

        state.keys(.down, .down)
        #expect(state.catalogList.selected == 2)
        state.keys(.end)
        #expect(state.catalogList.selected == 23)
        state.keys(.home, .pageDown)
        #expect(state.catalogList.selected == min(23, state.catalogList.visibleRows))
        state.keys(.home, .down, .enter)
        #expect(state.sessionItems == [state.catalogRows[1]])
    }

    @Test func enterOnASuggestionAddsIt() {
        var state = AppFixture.state()
        state.commands("click Red mug")
        state.keys(.tab, .tab, .down, .enter)
        #expect(state.focus == .suggestions)
        #expect(state.sessionItems.count == 2)
        #expect(state.sessionItems[1] == AppFixture.state().sending("click Red mug").suggestions[1].item)
    }

    @Test func deleteRemovesTheSelectedClick() {
        var state = AppFixture.state()
        state.commands("click Red mug", "click Teapot", "click Honey jar")
        state.keys(.tab, .up, .delete)
        #expect(state.sessionItems == [state.item(named: "Red mug"), state.item(named: "Honey jar")])
        state.keys(.character("u"))
        #expect(state.sessionItems == [state.item(named: "Red mug")])
    }

    @Test func slashFiltersTheCatalogIncrementally() {
        var state = AppFixture.state()
        state.keys(.character("/"))
        #expect(state.isEditingFilter)
        state.type("mu")
        #expect(state.catalogFilter == "mu")
        let names = state.catalogRows.map { state.itemName($0)! }
        #expect(Set(names) == ["Red mug", "Blue mug", "Green mug", "Mug rack"])
        state.type("g r")
        #expect(state.catalogRows.map { state.itemName($0)! } == ["Mug rack"])
        state.keys(.backspace, .backspace, .backspace)
        #expect(state.catalogRows.count == 4)
        // Ids match too.
        state.keys(.ctrl("u"))
        state.type("b5")
        #expect(state.catalogRows.map { state.itemName($0)! } == ["Teapot"])
        state.keys(.enter)
        #expect(!state.isEditingFilter)
        #expect(state.sessionItems == [state.item(named: "Teapot")])
        #expect(state.catalogFilter == "b5")
        state.keys(.escape)
        #expect(state.catalogFilter.isEmpty)
        #expect(state.catalogRows.count == 24)

        state.commands("find tea")
        #expect(Set(state.catalogRows.map { state.itemName($0)! }) == ["Tea towel", "Oolong tea", "Tea strainer", "Teapot"])
        state.commands("find zzz")
        #expect(state.catalogRows.isEmpty)
        #expect(state.screen.contains("no item matches"))
    }

    @Test func mouseClicksSelectAndAdd() {
        var state = AppFixture.state()  // 120x40: catalog x 0..<32, list from row 4
        state.send(.input(.mouse(MouseEvent(x: 5, y: 4, kind: .click))))
        #expect(state.sessionItems == [state.catalogRows[0]])
        state.send(.input(.mouse(MouseEvent(x: 5, y: 6, kind: .press))), .input(.mouse(MouseEvent(x: 5, y: 6, kind: .release))))
        #expect(state.sessionItems == [state.catalogRows[0], state.catalogRows[2]])
        #expect(state.catalogList.selected == 2)

        // Suggestions: rows 24..<37 with k = 10, list from row 26, columns 32..<77.
        let second = state.suggestions[1].item
        state.send(.input(.mouse(MouseEvent(x: 40, y: 27, kind: .click))))
        #expect(state.focus == .suggestions)
        #expect(state.sessionItems.last == second)

        // A click in the session pane selects, never adds.
        state.send(.input(.mouse(MouseEvent(x: 40, y: 3, kind: .click))))
        #expect(state.focus == .session)
        #expect(state.sessionList.selected == 0)
        #expect(state.sessionItems.count == 3)

        // Tabs switch the view.
        state.send(.input(.mouse(MouseEvent(x: 26, y: 0, kind: .click))))
        #expect(state.view == .training)
    }

    @Test func wheelScrollsThePaneUnderThePointer() {
        var state = AppFixture.state(width: 80, height: 24)  // catalog shows 8 of 24
        state.send(.input(.mouse(MouseEvent(x: 3, y: 6, kind: .wheelDown))))
        #expect(state.catalogList.offset == 3)
        #expect(state.catalogList.selected == 0)
        state.send(.input(.mouse(MouseEvent(x: 3, y: 6, kind: .wheelUp))))
        #expect(state.catalogList.offset == 0)
    }

    @Test func commandLineEditsRunsAndRemembers() {
        var state = AppFixture.state()
        let effects = state.keys(.character(":"))
        #expect(effects == [.startLineEditing(text: "")])
        #expect(state.commandLine.isActive)
        state.type("topk 3")
        #expect(state.commandLine.text == "topk 3")
        #expect(state.keys(.enter) == [.stopLineEditing])
        #expect(state.topK == 3)
        #expect(!state.commandLine.isActive)

        state.keys(.character(":"), .up)
        #expect(state.commandLine.text == "topk 3")
        state.keys(.backspace)
        state.type("7")
        state.keys(.home, .right, .right, .right, .right, .delete)
        #expect(state.commandLine.text == "topk7")
        #expect(state.commandLine.cursor == 4)
        state.type(" ")
        state.keys(.enter)
        #expect(state.topK == 7)
    }

    @Test func escapeCancelsTheCommandLine() {
        var state = AppFixture.state()
        state.keys(.character(":"))
        state.type("reset")
        #expect(state.keys(.escape) == [.stopLineEditing])
        #expect(!state.commandLine.isActive)
        #expect(state.commandLine.text.isEmpty)
    }

    @Test func tabCompletesOnTheCommandLine() {
        var state = AppFixture.state()
        state.keys(.character(":"))
        state.type("cli")
        state.keys(.tab)
        #expect(state.commandLine.text == "click ")
        state.type("Red")
        state.keys(.tab)
        #expect(state.commandLine.text == "click Red mug")
        state.keys(.enter)
        #expect(state.sessionItems == [state.item(named: "Red mug")])

        state.keys(.character(":"))
        state.type("click Te")
        state.keys(.tab)
        #expect(state.commandLine.candidates.count == 3)
        #expect(state.commandLine.text == "click Tea")
        #expect(state.screenLines[37] == "Teapot  Tea towel  Tea strainer")
    }

    @Test func readlineMessagesDriveTheCommandLine() {
        var state = AppFixture.state()
        state.send(.lineEdited(text: "topk 4", cursor: 6))
        #expect(state.commandLine.isActive)
        #expect(Shell.cursorPosition(state, width: 120, height: 40)! == (7, 38))
        #expect(state.screenLines[38] == ":topk 4")
        state.send(.lineSubmitted("topk 4"))
        #expect(state.topK == 4)
        #expect(!state.commandLine.isActive)
        state.send(.lineEdited(text: "x", cursor: 1), .lineCancelled)
        #expect(!state.commandLine.isActive)
    }

    @Test func quitReturnsTheQuitEffect() {
        var state = AppFixture.state()
        #expect(state.keys(.character("q")) == [.quit])
        #expect(state.quitRequested)
        var other = AppFixture.state()
        #expect(other.commands("quit") == [.quit])
    }

    @Test func tooSmallTerminalShowsAMessageAndNeverCrashes() {
        var state = AppFixture.state()
        state.send(.input(.resize(width: 79, height: 24)))
        #expect(state.screen.contains("terminal too small (need 80x24)"))
        state.send(.input(.resize(width: 100, height: 10)))
        state.send(.input(.mouse(MouseEvent(x: 5, y: 4, kind: .click))), .input(.key(.down)), .input(.key(.enter)))
        #expect(state.screen.contains("terminal too small"))
        for (w, h) in [(0, 0), (1, 1), (10, 3), (80, 23), (79, 24)] {
            let text = Shell.render(state, width: w, height: h).text
            #expect(!text.contains("Catalog"))
        }
        state.send(.input(.resize(width: 80, height: 24)))
        #expect(state.screen.contains("Catalog"))
    }

    @Test func measuredTimesShowInTheStatusLine() {
        var state = AppFixture.state()
        state.send(.measured(updateSeconds: 0.0008, renderSeconds: 0.0012))
        #expect(!state.screen.contains("update 0.80 ms"))  // only with --debug or the t key
        state.keys(.character("t"))
        #expect(state.showTimings)
        #expect(state.screen.contains("update 0.80 ms + draw 1.20 ms"))
        state.commands("timings")
        #expect(!state.screen.contains("update 0.80 ms"))
        let debug = ShellState(model: AppFixture.loaded().0, colorMode: .none, showTimings: true, parallelism: .tests)
        #expect(debug.showTimings)
    }
}

extension ShellState {
    /// This state after `command` (for one-line expectations).
    func sending(_ command: String) -> ShellState {
        var copy = self
        _ = Shell.update(&copy, .command(command))
        return copy
    }
}

@Suite struct AppReadlineCompletionTests {
    @Test func completionsShownByReadlineAppearUnderTheLine() {
        var state = AppFixture.state()
        state.send(.lineEdited(text: "click Te", cursor: 8), .completionsShown(["click Teapot", "click Tea towel"]))
        #expect(state.screenLines[37] == "Teapot  Tea towel")
        state.send(.lineEdited(text: "click Tea", cursor: 9))
        #expect(state.commandLine.candidates.isEmpty)
    }
}
