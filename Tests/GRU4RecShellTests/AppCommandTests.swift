import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Typed commands: keys produce command values, `.execute` runs them, the
/// one table drives parsing, completion and help; edits, redo, and item
/// lookup with suggestions.
@Suite struct AppCommandTests {
    @Test func keysAndTypedLinesGiveTheSameResult() {
        var byKey = AppFixture.state()
        var byLine = AppFixture.state()
        var byValue = AppFixture.state()
        byKey.keys(.character("+"), .character("+"), .character("-"))
        byLine.commands("topk 11")
        byValue.send(.execute(.topK(11)))
        #expect(byKey.topK == 11)
        #expect(byLine.topK == 11 && byValue.topK == 11)
        #expect(byKey.notice?.text == byLine.notice?.text)

        // A key that goes past the limit fails exactly like the typed command.
        var limit = AppFixture.state()
        limit.commands("topk 24")
        limit.keys(.character("+"))
        #expect(limit.topK == 24)
        #expect(limit.notice?.text == "topk needs a number from 1 to 24")
        #expect(limit.sending("topk 25").notice?.text == "topk needs a number from 1 to 24")
        #expect(limit.sending("topk many").notice?.text == "topk needs a number from 1 to 24")
    }

    @Test func clickByIndexAndByText() {
        var state = AppFixture.state()
        let red = state.item(named: "Red mug")
        state.send(.execute(.click(.index(red))), .execute(.click(.text("A2"))))
        #expect(state.sessionItems == [red, state.item(named: "Blue mug")])
        // An index outside the catalog does nothing.
        state.send(.execute(.click(.index(10_000))))
        #expect(state.sessionItems.count == 2)
    }

    @Test func everyCommandOfTheTableParsesAndHasHelp() {
        var state = AppFixture.state()
        state.commands("help")
        let help = state.screen
        for line in ["click A1", "undo", "redo", "remove 1", "reset", "topk 5", "exclude on", "find mug", "layer 1", "view training",
                     "replay next", "step", "back", "play", "pause", "speed 200", "sessions s.tsv", "load m.safetensors",
                     "save s.json", "timings", "help click", "quit"] {
            let name = String(line.split(separator: " ")[0])
            #expect(Shell.completions(for: String(name.prefix(name.count - 1)), state: state).contains(name), "\(name) completes")
            #expect(help.contains(name), "\(name) is in the help view")
            var copy = AppFixture.state()
            copy.commands(line)
            #expect(copy.notice?.text.hasPrefix("unknown command") != true, "\(line) parses")
        }
    }

    @Test func undoAndRemoveMarkMovementAgainstTheScreenBeforeTheEdit() {
        var state = AppFixture.state()
        state.commands("click Red mug", "click Blue mug", "click Green mug")
        let onScreen = state.suggestions.map(\.item)
        state.commands("undo")
        #expect(state.suggestions.map(\.movement) == Suggestion.Movement.expected(state.suggestions, against: onScreen))
        // After undo the session is [Red, Blue]: the plain click of Blue marked against [Red] differs.
        var clicked = AppFixture.state()
        clicked.commands("click Red mug", "click Blue mug")
        #expect(clicked.suggestions.map(\.item) == state.suggestions.map(\.item))
        #expect(clicked.suggestions.map(\.movement) != state.suggestions.map(\.movement))

        // remove 1: against the top-k of the three-click session.
        state.commands("redo")
        #expect(state.sessionItems.count == 3)
        let beforeRemove = state.suggestions.map(\.item)
        state.commands("remove 1")
        #expect(state.suggestions.map(\.movement) == Suggestion.Movement.expected(state.suggestions, against: beforeRemove))
        // The next click marks against its previous step again.
        state.commands("click Teapot")
        var fresh = AppFixture.state()
        fresh.commands("click Blue mug", "click Green mug", "click Teapot")
        #expect(state.sessionItems == fresh.sessionItems)
        #expect(state.suggestions == fresh.suggestions)
    }

    @Test func redoPutsBackWhatUndoAndRemoveTookOut() {
        var state = AppFixture.state()
        let names = ["Red mug", "Blue mug", "Green mug"]
        state.commands("click Red mug", "click Blue mug", "click Green mug")
        let full = state.sessionItems
        let suggestions = state.suggestions.map(\.item)
        state.commands("remove 2", "undo")
        #expect(state.sessionItems == [state.item(named: names[0])])
        state.commands("redo")
        #expect(state.sessionItems == [state.item(named: "Red mug"), state.item(named: "Green mug")])
        #expect(state.notice?.text == "put back click 2 (Green mug)")
        state.commands("redo")
        #expect(state.sessionItems == full)
        #expect(state.notice?.text == "put back click 2 (Blue mug)")
        #expect(state.suggestions.map(\.item) == suggestions)
        #expect(state.sessionList.selected == 1)
        state.commands("redo")
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "nothing to redo")
        // A new click ends what can be redone.
        state.commands("undo", "click Teapot", "redo")
        #expect(state.notice?.text == "nothing to redo")
    }

    @Test func misspelledNamesGetASuggestionAndUnrelatedIdsNone() {
        var state = AppFixture.state()
        state.commands("click tea stariner")
        #expect(state.notice?.text == "unknown item 'tea stariner'; did you mean 'Tea strainer' (B4)?")
        state.commands("click oolong taa")
        #expect(state.notice?.text == "unknown item 'oolong taa'; did you mean 'Oolong tea' (B1)?")
        // Part of a longer name, misspelled.
        state.commands("click eral grey")
        #expect(state.notice?.text == "unknown item 'eral grey'; did you mean 'Earl Grey' (B3)?")
        // Ids: one edit in a short id is a suggestion; an unrelated number is not.
        state.commands("click Z9")
        #expect(state.notice?.text == "unknown item 'Z9'")
        state.commands("click 99999")
        #expect(state.notice?.text == "unknown item '99999'")
    }

    @Test func aHugeArgumentAnswersAtOnceAndIsQuotedShort() {
        var state = AppFixture.state()
        let huge = String(repeating: "x", count: 1_000_000)
        state.commands("click " + huge)
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "unknown item '\(String(repeating: "x", count: 39))…'")
        state.commands(huge)
        #expect(state.notice?.text.hasPrefix("unknown command 'xxx") == true)
        #expect((state.notice?.text.count ?? 0) < 80)
    }

    @Test func matchCountEqualsTheCatalogFilterAndTheMessageWraps() {
        var state = AppFixture.state(width: 80, height: 24)
        state.commands("click tea")
        let filtered = state.sending("find tea").catalogRows.count
        #expect(state.notice?.text.hasPrefix("'tea' matches \(filtered) items: ") == true)
        #expect(state.notice?.hint == "give the full name or the id; Tab completes; find tea lists them")
        // Too long for one row: it continues on the (idle) command line's row, hint included.
        let lines = state.screenLines
        #expect(lines[21].hasPrefix("✗ 'tea' matches"))
        #expect(lines[22].hasSuffix("find tea lists them") || lines[21].hasSuffix("find tea lists them"))
        #expect(!lines[21].hasSuffix("…") && !lines[22].hasSuffix("…"))
    }

    @Test func timingsShowOnlyWhenAsked() {
        var state = AppFixture.state()
        state.send(.measured(updateSeconds: 0.001, renderSeconds: 0.002))
        #expect(!state.screen.contains("update 1.00 ms"))
        state.commands("timings")
        #expect(state.screen.contains("update 1.00 ms + draw 2.00 ms"))
    }

    @Test func theValidationChartSaysWhyItIsEmpty() throws {
        var (loaded, sessions) = AppFixture.loaded()
        // Epochs without validation figures, as `gru4rec train` logs them without --valid.
        loaded.trainingLog = try ["{\"type\":\"epoch\",\"epoch\":1,\"loss\":6.2,\"events\":500,\"batches\":20,\"seconds\":1.5,\"events_per_s\":400}",
                                  "{\"type\":\"epoch\",\"epoch\":2,\"loss\":5.9,\"events\":500,\"batches\":20,\"seconds\":1.4,\"events_per_s\":410}"]
            .compactMap { try TrainingLogRecord(jsonLine: $0) }
        #expect(loaded.trainingLog?.count == 2)
        var state = ShellState(model: loaded, sessions: sessions, width: 120, height: 40, colorMode: .none, parallelism: .tests)
        state.commands("view training")
        #expect(state.screen.contains("no validation data:"))
        #expect(state.screen.contains("without --valid"))
        #expect(!AppFixture.state().sending("view training").screen.contains("without --valid"))
    }
}
