import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// ``RankTrajectory``: ranks after every click equal a live session fed click by click.
struct RankTrajectoryTests {
    @Test(arguments: [[8], [6, 5]]) func ranksEqualALiveSessionStepByStep(layers: [Int]) {
        let model = TinyModel(epochs: 2, layers: layers).model
        let session = [3, 1, 4, 1, 5, 9, 2, 6].map { $0 % model.itemCount }
        let items = [0, 7, model.itemCount - 1]
        let ranks = RankTrajectory.ranks(model: model, session: session, items: items, parallelism: .tests)
        let live = LiveSession(model: model, parallelism: .tests)
        for (j, clicked) in session.enumerated() {
            _ = live.feed(clicked)
            let scores = live.scores()
            for (t, item) in items.enumerated() {
                let bruteForce = 1 + scores.filter { $0 > scores[item] }.count
                #expect(ranks[t][j] == bruteForce, "item \(item) after click \(j + 1)")
            }
        }
        #expect(ranks.allSatisfy { $0.count == session.count })
        #expect(RankTrajectory.ranks(model: model, session: [], items: items, parallelism: .tests) == [[], [], []])
    }
}
