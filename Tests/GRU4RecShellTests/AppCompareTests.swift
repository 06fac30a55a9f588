import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// `compare <file>` / `compare off`: a second model reading the same clicks,
/// matched by item id, side by side in the Suggestions pane, measured in replay.
@Suite struct AppCompareTests {
    /// Model B: A's hyperparameters on A's catalog less its last 4 items plus
    /// 2 of its own, with other weights.
    static func modelB() -> LoadedModel {
        let a = TinyModel().model
        let ids = Array(a.catalog.ids.dropLast(4)) + ["Z1", "Z2"]
        let b = GRU4RecModel(hyperparameters: a.hyperparameters, catalog: ItemCatalog(ids: ids),
                             itemSupport: [Int](repeating: 1, count: ids.count))
        try? b.initialize(.uniform(seed: 3))
        return LoadedModel(model: b, path: "models/b.safetensors")
    }

    /// A model sharing no item id with A.
    static func alien() -> LoadedModel {
        let a = TinyModel().model
        let m = GRU4RecModel(hyperparameters: a.hyperparameters, catalog: ItemCatalog(ids: ["Q1", "Q2"]), itemSupport: [1, 1])
        try? m.initialize(.uniform(seed: 3))
        return LoadedModel(model: m, path: "alien.safetensors")
    }

    static var environment: ShellEnvironment {
        let base = AppFixture.environment()
        return ShellEnvironment(
            loadModel: { path in
                switch path {
                case "b.safetensors": return modelB()
                case "alien.safetensors": return alien()
                default: return try base.loadModel(path)
                }
            },
            loadSessions: base.loadSessions, writeFile: base.writeFile)
    }

    func compared(width: Int = 120, height: Int = 40) -> ShellState {
        var state = AppFixture.state(width: width, height: height)
        state.drive("compare b.safetensors", environment: Self.environment)
        return state
    }

    @Test func compareLoadsThroughAnEffectAndSaysWhatIsShared() {
        var state = AppFixture.state()
        #expect(state.commands("compare b.safetensors") == [.loadComparison(path: "b.safetensors")])
        state = compared()
        #expect(state.compared != nil)
        #expect(state.notice?.text == "comparing tiny (A) with b (B): 20 items shared, 4 only in A, 2 only in B")
    }

    @Test func bFollowsTheClicksAndItsTopKIsItsOwn() throws {
        var state = compared()
        state.drive("click Red mug", "click Blue mug", "click Teapot")
        let c = try #require(state.compared)
        // B alone, clicked the same items by id, suggests the same items.
        var alone = ShellState(model: Self.modelB(), parallelism: .tests)
        for index in state.sessionItems { alone.drive("click " + (state.itemID(index) ?? "")) }
        #expect(alone.sessionItems.count == 3)
        #expect(c.top.map { alone.itemID($0) } == alone.suggestions.map { alone.itemID($0.item) })
        // The overlap in the title: A's top-k ids that are also in B's.
        let aIDs = Set(state.suggestions.compactMap { state.itemID($0.item) })
        let overlap = Set(alone.suggestions.compactMap { alone.itemID($0.item) }).intersection(aIDs).count
        #expect(state.screen.contains("overlap \(overlap)/10"))
    }

    @Test func itemsOnlyOneModelKnowsAreMarked() throws {
        var state = compared()
        let onlyA = try #require(state.itemID(state.loaded!.model.catalog.ids.count - 1))
        state.drive("click Red mug", "click " + onlyA)
        #expect(state.compared?.unknownClicks == 1)
        #expect(state.compared?.trace.steps.count == 1)
        #expect(state.screen.contains("B skips 1"))
        #expect(state.screen.contains("—†"))
    }

    @Test func noSharedItemIsAClearError() {
        var state = AppFixture.state()
        state.drive("compare alien.safetensors", environment: Self.environment)
        #expect(state.compared == nil)
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text.hasPrefix("cannot compare with alien.safetensors: the two models share no item ids (A has 24 items, B has 2)") == true)
    }

    @Test func replayMeasuresBothAndCompareOffStops() {
        var state = compared()
        state.drive("replay S1", "step", "step", "step", environment: Self.environment)
        #expect(state.replay.ranks.count == 2)
        #expect(state.replay.ranksB.count == 2)
        #expect(state.screen.contains(" · B "))
        state.drive("compare off")
        #expect(state.compared == nil)
        #expect(state.notice?.text == "stopped comparing with b")
        state.drive("compare off")
        #expect(state.notice?.kind == .error)
    }

    @Test func theAnalysisShowsBothModelsOnTheEventsBothKnow() throws {
        var state = compared()
        state.drive("view analysis", environment: Self.environment)
        let c = try #require(state.batch.result?.comparison)
        // The events whose item both know, as `gru4rec eval A B` pairs them.
        let shared = try SharedCatalog(a: state.loaded!.model.catalog, b: Self.modelB().model.catalog)
        let pair = shared.pair(try #require(state.sessions))
        var options = EvaluationOptions()
        options.cutoffs = [10]
        let b = Evaluator(model: Self.modelB().model, parallelism: .tests).evaluate(pair.b, options: options)
        #expect(c.events == b.events)
        #expect(abs(c.recall.b - (b.recall[10] ?? -1)) < 1e-12)
        for breakdown in c.b { #expect(breakdown.slices.map(\.events).reduce(0, +) == c.events) }
        #expect(state.screen.contains("A tiny vs B b on the"))
        // compare off: the view is computed again for A alone.
        let effects = state.commands("compare off")
        #expect(effects.contains { if case .evaluate(let r) = $0 { return r.compared == nil } else { return false } })
    }

    @Test(arguments: AppSnapshotTests.sizes) func analysisSnapshot(width: Int, height: Int) {
        var state = compared(width: width, height: height)
        state.drive("view analysis", environment: Self.environment)
        assertSnapshot(Shell.render(state, width: width, height: height).text, named: "App.analysis.compare.\(width)x\(height)")
    }

    @Test(arguments: AppSnapshotTests.sizes) func snapshot(width: Int, height: Int) {
        var state = compared(width: width, height: height)
        state.drive("click Red mug", "click Blue mug")
        assertSnapshot(Shell.render(state, width: width, height: height).text, named: "App.main.compare.\(width)x\(height)")
    }
}
