import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// The live session through `update`: clicks, ranks, recomputation, settings.
@Suite struct AppSessionTests {
    /// An independent live session fed `items`, as the oracle.
    func oracle(_ state: ShellState, _ items: [Int]) -> LiveSession {
        let live = LiveSession(model: state.loaded!.model, parallelism: .tests)
        for item in items { live.feed(item) }
        return live
    }

    @Test func clickAddsTheItemAndRanksItBeforeTheClick() {
        var state = AppFixture.state()
        let red = state.item(named: "Red mug"), blue = state.item(named: "Blue mug")
        state.commands("click Red mug")
        #expect(state.sessionItems == [red])
        #expect(state.trace.steps[0].rankBefore == nil)
        #expect(state.suggestions.count == 10)
        #expect(state.notice?.kind == .info)

        state.commands("click A2")  // by id
        #expect(state.sessionItems == [red, blue])
        let live = oracle(state, [red])
        #expect(state.trace.steps[1].rankBefore == live.rank(of: blue))
        live.feed(blue)
        #expect(state.suggestions.map(\.item) == live.topK(10).map(\.item))
        #expect(state.trace.steps[1].hidden[0] == live.hidden(layer: 0))

        // Probabilities are the softmax over all items.
        let scores = live.scores().map(Double.init)
        let top = scores.max()!
        let total = scores.reduce(0) { $0 + exp($1 - top) }
        for s in state.suggestions {
            #expect(abs(s.probability! - exp(Double(s.score) - top) / total) < 1e-9)
        }
        #expect(state.suggestions.map { $0.probability! } == state.suggestions.map { $0.probability! }.sorted(by: >))
    }

    @Test func movementComparesWithThePreviousTopK() {
        var state = AppFixture.state()
        state.commands("click Red mug")
        #expect(state.suggestions.allSatisfy { $0.movement == .new })
        state.commands("click Blue mug")
        let live = oracle(state, [state.item(named: "Red mug")])
        let before = live.topK(10).map(\.item)
        #expect(state.suggestions.map(\.movement) == Suggestion.Movement.expected(state.suggestions, against: before))
    }

    @Test func undoRemoveAndResetRecomputeFromScratch() {
        var state = AppFixture.state()
        let a = state.item(named: "Red mug"), b = state.item(named: "Teapot"), c = state.item(named: "Green mug")
        state.commands("click Red mug", "click Teapot", "click Green mug")
        state.commands("remove 2")
        #expect(state.sessionItems == [a, c])
        // What if Teapot had not been clicked: Green mug's rank after Red mug alone.
        let live = oracle(state, [a])
        #expect(state.trace.steps[1].rankBefore == live.rank(of: c))
        live.feed(c)
        #expect(state.trace.steps[1].hidden == [live.hidden(layer: 0)])
        #expect(state.suggestions.map(\.item) == live.topK(10).map(\.item))

        state.commands("undo")
        #expect(state.sessionItems == [a])
        #expect(state.trace.previousScores.isEmpty)
        state.commands("click Teapot", "reset")
        #expect(state.sessionItems.isEmpty)
        #expect(state.suggestions.isEmpty)
        #expect(state.trace.scores.isEmpty)
        _ = b
    }

    @Test func removeAndUndoErrorsSayWhatToDo() {
        var state = AppFixture.state()
        state.commands("undo")
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "the session is empty")
        state.commands("click Red mug", "remove 5")
        #expect(state.notice?.text == "no click '5'")
        #expect(state.notice?.hint == "give a number from 1 to 1")
        #expect(state.sessionItems.count == 1)
    }

    @Test func anOldStateValueKeepsItsOwnSession() {
        var state = AppFixture.state()
        state.commands("click Red mug")
        var before = state
        state.commands("click Teapot", "click Honey jar")
        #expect(before.sessionItems == [state.item(named: "Red mug")])
        before.commands("click Blue mug")
        let live = oracle(before, [before.item(named: "Red mug"), before.item(named: "Blue mug")])
        #expect(before.trace.steps.last?.hidden == [live.hidden(layer: 0)])
        #expect(state.sessionItems.count == 3)
    }

    @Test func topKExcludeAndLayer() {
        var state = AppFixture.state()
        state.commands("click Red mug", "click Blue mug", "topk 5")
        #expect(state.topK == 5)
        #expect(state.suggestions.count == 5)
        state.commands("topk 0")
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "topk needs a number from 1 to 24")
        #expect(state.topK == 5)

        state.commands("topk 20", "exclude on")
        #expect(state.excludeSessionItems)
        #expect(state.suggestions.count == 20)
        #expect(state.suggestions.allSatisfy { !state.sessionItems.contains($0.item) })
        state.commands("exclude off")
        #expect(state.suggestions.contains { state.sessionItems.contains($0.item) })
        state.commands("exclude maybe")
        #expect(state.notice?.text == "exclude needs on or off")

        state.commands("layer 2")
        #expect(state.notice?.text == "layer needs a number from 1 to 1")
        state.commands("layer 1")
        #expect(state.layer == 0)
        #expect(state.notice?.kind == .info)
    }

    @Test func viewsByNameAndKey() {
        var state = AppFixture.state()
        state.commands("view training")
        #expect(state.view == .training)
        #expect(state.focus == .training)
        state.commands("view session")
        #expect(state.view == .main)
        state.commands("view traning")
        #expect(state.notice?.text == "unknown view 'traning'; did you mean 'training'?")
        state.keys(.character("?"))
        #expect(state.view == .help)
        state.keys(.escape)
        #expect(state.view == .main)
        state.keys(.function(3))
        #expect(state.view == .replay)
        state.keys(.function(1))
        #expect(state.view == .main)
    }

    @Test func unknownItemsAndCommandsGetAHint() {
        var state = AppFixture.state()
        state.commands("click Red mgu")
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "unknown item 'Red mgu'; did you mean 'Red mug' (A1)?")
        #expect(state.notice?.hint == "find <text> filters the catalog by name or id")
        #expect(state.sessionItems.isEmpty)

        // As many matches as the catalog filter finds (the text anywhere in name or id).
        state.commands("click tea")
        let matches = state.sending("find tea").catalogRows.count
        #expect(matches > 3)
        #expect(state.notice?.text.hasPrefix("'tea' matches \(matches) items: ") == true)

        state.commands("clik Red mug")
        #expect(state.notice?.text == "unknown command 'clik'; did you mean 'click'?")
        #expect(state.notice?.hint == "help lists the commands")

        // Case-insensitive names and unique prefixes are found.
        state.commands("click red MUG", "click Honey")
        #expect(state.sessionItems == [state.item(named: "Red mug"), state.item(named: "Honey jar")])
    }

    @Test func withoutAModelCommandsSayHowToLoadOne() {
        var state = ShellState(width: 120, height: 40, parallelism: .tests)
        state.commands("click A1")
        #expect(state.notice?.text == "no model loaded")
        #expect(state.notice?.hint == "load <model.safetensors>")
        #expect(state.screen.contains("no model loaded"))
    }
}

/// A model with two GRU layers: the hidden-state pane follows the chosen layer.
@Suite struct AppLayerTests {
    @Test func layerIsChosenByCommandAndArrowKeys() {
        let (loaded, sessions) = AppFixture.loaded(epochs: 2, layers: [8, 6])
        var state = ShellState(model: loaded, sessions: sessions, width: 80, height: 24, colorMode: .none, parallelism: .tests)
        state.commands("click Red mug", "click Blue mug")
        #expect(state.trace.steps[1].hidden.map(\.count) == [8, 6])
        #expect(state.screen.contains("Hidden L1/2"))
        #expect(state.screen.contains("8 units"))
        state.commands("layer 2")
        #expect(state.layer == 1)
        #expect(state.screen.contains("Hidden L2/2"))
        #expect(state.screen.contains("6 units"))
        state.commands("layer 3")
        #expect(state.notice?.text == "layer needs a number from 1 to 2")
        // In the hidden-state pane PgUp and PgDn choose the layer (the arrows move the unit cursor).
        state.keys(.tab, .tab, .tab)
        #expect(state.focus == .hidden)
        state.keys(.pageUp)
        #expect(state.layer == 0)
        state.keys(.pageUp)
        #expect(state.layer == 0)
        state.keys(.pageDown, .pageDown)
        #expect(state.layer == 1)
        assertSnapshot(state.screen, named: "App.main.layer2.80x24")
    }
}
