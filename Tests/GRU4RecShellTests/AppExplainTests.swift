import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// `explain` and `similar` through `Shell.update`: what the Explain view
/// holds is the core's explanation and neighbour list for the live session.
@Suite struct AppExplainTests {
    /// The tiny shell after four clicks.
    func session() -> ShellState {
        var state = AppFixture.state()
        state.commands("click Red mug", "click Blue mug", "click Mug rack", "click 抹茶 matcha")
        return state
    }

    @Test func explainByPlaceByNameAndByKeyAgree() throws {
        var byPlace = session()
        byPlace.commands("explain 2")
        let second = byPlace.suggestions[1].item
        let model = try #require(byPlace.loaded?.model)
        let expected = SuggestionExplanation(model: model, session: byPlace.sessionItems, item: second, parallelism: .tests)
        #expect(byPlace.explainState.item == second)
        #expect(byPlace.explainState.explanation == expected)
        #expect(byPlace.view == .explain)
        #expect(byPlace.focus == .explain)

        var byName = session()
        byName.commands("explain " + (byName.itemName(second) ?? ""))
        #expect(byName.explainState.explanation == expected)

        // e on the selected suggestion in the main view.
        var byKey = session()
        byKey.keys(.tab, .tab)
        #expect(byKey.focus == .suggestions)
        byKey.keys(.down)
        let selected = try #require(byKey.suggestionList.selected)
        byKey.keys(.character("e"))
        #expect(byKey.explainState.item == byKey.suggestions[selected].item)
        #expect(byKey.view == .explain)

        // No argument: the first suggestion when the Suggestions pane has no focus.
        var first = session()
        first.commands("explain")
        #expect(first.explainState.item == first.suggestions[0].item)
    }

    @Test func theMessageNamesTheMostInfluentialClick() throws {
        var state = session()
        state.commands("explain 1")
        let e = try #require(state.explainState.explanation)
        let top = try #require(e.byInfluence.first)
        let name = try #require(state.itemName(top.item))
        let text = try #require(state.notice?.text)
        #expect(state.notice?.kind == .info)
        #expect(text.contains("click \(top.position + 1) (\(name)) moves it most: without it #\(top.rankWithout)"))
        #expect(text.contains("#\(e.rank)"))
        // The pane lists every click, the most influential first.
        let screen = state.screen
        #expect(screen.contains("without"))
        #expect(screen.contains("score"))
        let rows = state.screenLines.filter { line in e.influences.contains { line.contains(state.itemName($0.item) ?? "?") } }
        #expect(rows.count >= e.influences.count)
    }

    @Test func theExplanationFollowsTheSession() throws {
        var state = session()
        state.commands("explain 1")
        let item = try #require(state.explainState.item)
        state.commands("click Tea towel", "undo", "remove 1")
        let model = try #require(state.loaded?.model)
        #expect(state.explainState.session == state.sessionItems)
        #expect(state.explainState.explanation == SuggestionExplanation(model: model, session: state.sessionItems, item: item, parallelism: .tests))
        // An empty session: the score is the output bias alone, no influences.
        state.commands("reset")
        #expect(state.explainState.explanation?.influences.isEmpty == true)
        #expect(state.explainState.explanation?.score == model.parameters["By.weight"][item])
        #expect(state.screen.contains("empty session: score = output bias"))
    }

    @Test func elsewhereAClickLeavesTheExplanationUntilTheExplainViewOpens() throws {
        var state = session()
        state.commands("explain 1")
        let item = try #require(state.explainState.item)
        let model = try #require(state.loaded?.model)
        let before = try #require(state.explainState.explanation)
        // In the Session view a click costs no leave-one-out pass: the explanation stays that of 4 clicks.
        state.commands("view main", "click Tea towel", "click Earl Grey")
        #expect(state.explainState.session.count == 4)
        #expect(state.explainState.explanation == before)
        // Opening the Explain view (F6, view, a tab) brings it up to date, equal to a full recomputation.
        state.keys(.function(6))
        #expect(state.explainState.session == state.sessionItems)
        #expect(state.explainState.explanation == SuggestionExplanation(model: model, session: state.sessionItems, item: item, parallelism: .tests))
        #expect(state.screen.contains("6 clicks"))
        // While it is open, every click recomputes it.
        state.commands("click Teapot")
        #expect(state.explainState.explanation == SuggestionExplanation(model: model, session: state.sessionItems, item: item, parallelism: .tests))
    }

    @Test func aClickInTheExplainViewAsksForTheExplanationByAnEffect() throws {
        var state = session()
        state.commands("explain 1")
        let item = try #require(state.explainState.item)
        let before = try #require(state.explainState.explanation)
        let effects = Shell.update(&state, .command("click Tea towel"))
        guard case .explain(let request)? = effects.last else {
            Issue.record("expected an .explain effect, got \(effects)")
            return
        }
        #expect(request.session == state.sessionItems && request.item == item)
        // Until the answer comes, the explanation on screen is the earlier one, marked as updating.
        #expect(state.explainState.explanation == before)
        #expect(state.explainState.isUpdating)
        #expect(state.screen.contains("· 4 clicks"))
        #expect(state.screen.contains("updating to 5 clicks…"))
        // The same request is not asked for twice; a late answer to an older request is ignored.
        #expect(Shell.update(&state, .command("topk 10")).isEmpty)
        let stale = Shell.update(&state, .command("click Teapot"))
        guard case .explain(let newer)? = stale.last else {
            Issue.record("expected an .explain effect, got \(stale)")
            return
        }
        _ = Shell.update(&state, .explained(id: request.id, request.compute()))
        #expect(state.explainState.explanation == before)
        _ = Shell.update(&state, .explained(id: newer.id, newer.compute()))
        let model = try #require(state.loaded?.model)
        #expect(state.explainState.explanation == SuggestionExplanation(model: model, session: state.sessionItems, item: item, parallelism: .tests))
        #expect(!state.explainState.isUpdating)
        #expect(state.screen.contains("6 clicks") && !state.screen.contains("updating"))
    }

    @Test func theTerminalLoopComputesTheExplanationOffTheUIThread() throws {
        let terminal = MemoryTerminal()
        let loop = ShellLoop(state: AppFixture.state(width: terminal.width, height: terminal.height),
                             environment: AppFixture.environment(), terminal: terminal)
        for line in ["click Red mug", "click Blue mug", "explain 1", "click Mug rack", "click Teapot"] { loop.send(.command(line)) }
        loop.finishEvaluations()
        let model = try #require(loop.state.loaded?.model)
        let item = try #require(loop.state.explainState.item)
        #expect(loop.state.explainState.session == loop.state.sessionItems)
        #expect(loop.state.explainState.explanation == SuggestionExplanation(model: model, session: loop.state.sessionItems, item: item, parallelism: .tests))
        #expect(!loop.state.explainState.isUpdating)
        #expect(!loop.isEvaluating)
    }

    @Test func explainFailsClearly() {
        var empty = AppFixture.state()
        empty.commands("explain")
        #expect(empty.notice?.kind == .error)
        #expect(empty.notice?.text == "no suggestion to explain")
        #expect(empty.view == .main)

        var state = session()
        state.commands("explain Nothing like it")
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text.hasPrefix("unknown item 'Nothing like it'") == true)
        #expect(state.explainState.item == nil)
        // A number beyond the suggestions is looked up as an id or name.
        state.commands("explain 999")
        #expect(state.notice?.text.hasPrefix("unknown item '999'") == true)
        state.commands("similar")
        #expect(state.notice?.text == "similar needs an item id or name")

        var none = ShellState(parallelism: .tests)
        none.commands("explain 1")
        #expect(none.notice?.text == "no model loaded")
    }

    @Test func similarListsTheCoreNeighboursAndClicksThem() throws {
        var state = session()
        let rack = state.item(named: "Mug rack")
        state.commands("similar Mug rack")
        let model = try #require(state.loaded?.model)
        let expected = try ItemNeighbours(model: model, vectors: .output).nearest(to: rack, k: 10)
        #expect(state.explainState.similarItem == rack)
        #expect(state.explainState.similar.map(\.item) == expected.map(\.item))
        #expect(state.explainState.similar.map(\.similarity) == expected.map(\.similarity))
        #expect(state.explainState.similar.allSatisfy { $0.vectors == .output })
        #expect(state.focus == .similar)
        let firstName = try #require(state.itemName(expected[0].item))
        #expect(state.notice?.text.hasPrefix("nearest to") == true)
        #expect(state.notice?.text.contains(firstName) == true)

        // Enter adds the selected neighbour; e explains it.
        state.keys(.down)
        let selected = try #require(state.explainState.similarList.selected)
        let neighbour = state.explainState.similar[selected].item
        state.keys(.enter)
        #expect(state.sessionItems.last == neighbour)
        state.keys(.character("e"))
        #expect(state.explainState.item == neighbour)
        #expect(state.explainState.similarItem == neighbour)
    }

    @Test func explainingListsTheItemsNeighbours() throws {
        var state = session()
        state.commands("explain 1")
        let item = try #require(state.explainState.item)
        let model = try #require(state.loaded?.model)
        #expect(state.explainState.similarItem == item)
        #expect(state.explainState.similar.map(\.item) == (try ItemNeighbours(model: model).nearest(to: item, k: 10)).map(\.item))
    }

    @Test func f6AndViewOpenTheExplainView() {
        var state = session()
        state.keys(.function(6))
        #expect(state.view == .explain)
        #expect(state.screen.contains("nothing explained yet"))
        state.keys(.function(1))
        state.commands("view explain")
        #expect(state.view == .explain)
    }
}
