import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// `track`: ranks after every click, kept in step with clicks, edits and replays.
@Suite struct AppTrackTests {
    /// The oracle: each item's rank after every prefix, from a live session.
    func bruteForce(_ state: ShellState, _ items: [Int]) throws -> [[Int]] {
        let live = LiveSession(model: try #require(state.loaded?.model), parallelism: .tests)
        var out = [[Int]](repeating: [], count: items.count)
        for clicked in state.sessionItems {
            _ = live.feed(clicked)
            let scores = live.scores()
            for (t, item) in items.enumerated() { out[t].append(1 + scores.filter { $0 > scores[item] }.count) }
        }
        return out
    }

    @Test func ranksFollowClicksEditsAndReplays() throws {
        var state = AppFixture.state()
        state.commands("click Red mug", "click Blue mug")
        state.commands("track Tea towel", "track Earl Grey")
        let items = [state.item(named: "Tea towel"), state.item(named: "Earl Grey")]
        #expect(state.explainState.tracked == items)
        #expect(state.explainState.trackedRanks == (try bruteForce(state, items)))
        state.commands("click Mug rack", "click 抹茶 matcha")
        #expect(state.explainState.trackedRanks == (try bruteForce(state, items)))
        state.commands("remove 1", "undo")
        #expect(state.explainState.trackedRanks == (try bruteForce(state, items)))
        state.commands("replay S1", "step", "step", "step")
        #expect(state.sessionItems.count == 3)
        #expect(state.explainState.trackedRanks == (try bruteForce(state, items)))
        state.commands("back")
        #expect(state.explainState.trackedRanks == (try bruteForce(state, items)))
        state.commands("track off")
        #expect(state.explainState.tracked.isEmpty)
        #expect(state.notice?.text == "no items tracked")
    }

    @Test func aClickAddsOneRankEqualToTheFullRecomputation() throws {
        var state = AppFixture.state()
        let model = try #require(state.loaded?.model)
        state.commands("click Red mug", "track Tea towel", "track Earl Grey", "track Yoga mat")
        let items = state.explainState.tracked
        for name in ["Blue mug", "Mug rack", "Teapot", "Yoga mat", "Red mug", "Towel", "Ink bottle", "Blue mug"] {
            state.commands("click \(name)")
            // The incremental path (one rank per click from the scores already computed) equals `RankTrajectory`.
            #expect(state.explainState.trackedRanks == RankTrajectory.ranks(model: model, session: state.sessionItems, items: items, parallelism: .tests))
        }
        #expect(state.explainState.trackedRanks.allSatisfy { $0.count == 9 })
    }

    @Test func theMessageSaysWhereTheItemEnteredAndLeftTheTopK() throws {
        var state = AppFixture.state()
        state.commands("click Red mug", "click Blue mug", "click Mug rack", "click 抹茶 matcha", "topk 3")
        let item = state.item(named: "Tea towel")
        let ranks = try bruteForce(state, [item])[0]
        state.commands("track A6")
        let text = try #require(state.notice?.text)
        #expect(text.hasPrefix("tracking Tea towel (A6): #\(ranks.last ?? 0) now"))
        var inside = false
        for (j, rank) in ranks.enumerated() where (rank <= 3) != inside {
            inside = rank <= 3
            #expect(text.contains("\(inside ? "entered" : "left") the top 3 at click \(j + 1)"))
        }
    }

    @Test func trackFailsClearly() {
        var state = AppFixture.state()
        state.commands("track")
        #expect(state.notice?.text == "track needs an item id or name, or off")
        state.commands("track Red mug", "track Red mug")
        #expect(state.notice?.text == "Red mug (A1) is tracked already")
        state.commands("track Blue mug", "track Green mug", "track Tea towel")
        #expect(state.notice?.text == "already tracking 3 items")
        #expect(state.explainState.tracked.count == 3)
        state.commands("track Nothing like it")
        #expect(state.notice?.kind == .error)
        // Before any click there are no ranks yet, and the screen still draws.
        #expect(state.explainState.trackedRanks == [[], [], []])
        #expect(state.screen.contains("T3"))
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)]) func snapshot(width: Int, height: Int) {
        var state = AppFixture.state(width: width, height: height)
        state.commands("click Red mug", "click Blue mug", "click Mug rack", "click 抹茶 matcha")
        state.commands("track Tea towel", "track Earl Grey")
        AppSnapshotTests().snapshot(state, "main.track")
    }
}
