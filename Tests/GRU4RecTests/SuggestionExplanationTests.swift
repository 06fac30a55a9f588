import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// Explanations of a suggestion against brute force: the session recomputed
/// without each click, one at a time, through a live session.
struct SuggestionExplanationTests {
    func bruteForce(_ model: GRU4RecModel, _ session: [Int], _ item: Int) -> (score: Float, rank: Int, probability: Double) {
        let live = LiveSession(model: model, parallelism: .tests)
        for i in session { live.feed(i) }
        let scores = live.scores()
        let m = scores.max() ?? 0
        let z = scores.reduce(0.0) { $0 + exp(Double($1 - m)) }
        return (scores[item], Int(live.rank(of: item)), exp(Double(scores[item] - m)) / z)
    }

    @Test("leave-one-click-out equals recomputing each shortened session; the score split adds up",
          arguments: [[8], [8, 6]])
    func matchesBruteForce(layers: [Int]) throws {
        let (model, data) = try SyntheticSessions.model(layers: layers, items: 30, epochs: 2)
        for s in [0, 5, 17] {
            let session = data.sessionItems(s).map(Int.init)
            for item in [0, Int(data.items[data.offsets[s]]), model.itemCount - 1] {
                let e = SuggestionExplanation(model: model, session: session, item: item, parallelism: .tests)
                let whole = bruteForce(model, session, item)
                #expect(e.score == whole.score && e.rank == whole.rank)
                #expect(abs(e.probability - whole.probability) < 1e-9)
                #expect(abs(e.bias + e.dot - e.score) < 1e-5)
                #expect(e.influences.count == session.count)
                for (j, influence) in e.influences.enumerated() {
                    var shorter = session
                    shorter.remove(at: j)
                    let expected = bruteForce(model, shorter, item)
                    #expect(influence.position == j && influence.item == session[j])
                    #expect(abs(influence.scoreWithout - expected.score) <= 1e-5 * max(1, abs(expected.score)))
                    #expect(influence.rankWithout == expected.rank)
                    #expect(influence.influence == e.score - influence.scoreWithout)
                }
                let order = e.byInfluence.map { abs($0.influence) }
                #expect(order == order.sorted(by: >))
            }
        }
    }

    @Test("a one-click session: without the click the state is zero and scores are the biases")
    func oneClick() throws {
        let (model, _) = try SyntheticSessions.model(items: 30, epochs: 1)
        let e = SuggestionExplanation(model: model, session: [3], item: 7, parallelism: .tests)
        let by = model.parameters.values("By.weight")
        #expect(e.influences.count == 1)
        #expect(e.influences[0].scoreWithout == by[7])
        #expect(e.influences[0].rankWithout == 1 + by.filter { $0 > by[7] }.count)
    }

    @Test("replay gives the same per-step states as feeding click by click")
    func replay() throws {
        let (model, data) = try SyntheticSessions.model(layers: [8, 6], items: 30, epochs: 1)
        let session = data.sessionItems(2).map(Int.init)
        let a = LiveSession(model: model, parallelism: .tests), b = LiveSession(model: model, parallelism: .tests)
        let steps = a.replay(session)
        #expect(steps.count == session.count)
        for (k, item) in session.enumerated() {
            let step = b.feed(item)
            #expect(step.hidden == steps[k].hidden && step.updateGate == steps[k].updateGate && step.resetGate == steps[k].resetGate)
        }
    }
}
