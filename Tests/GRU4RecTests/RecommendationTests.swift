import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// ``LiveSession/recommend(session:k:excludeSeen:)`` (the one code path of `gru4rec
/// recommend` and the server) and ``LiveSessionState`` (what the server keeps per session).
struct RecommendationTests {
    let tiny = TinyModel()

    @Test("recommend: the session fed in order, unknown ids skipped, top-k with ids and ranks")
    func replay() {
        let m = tiny.model
        let ids = ["A1", "nope", "A2", "A3", "also-not"]
        let answer = LiveSession(model: m, parallelism: .tests).recommend(session: ids, k: 5, excludeSeen: false)
        #expect(answer.unknown == ["nope", "also-not"])
        #expect(answer.session == ["A1", "A2", "A3"].compactMap { m.catalog.index(of: $0) })

        let manual = LiveSession(model: m, parallelism: .tests)
        for id in ["A1", "A2", "A3"] { manual.feed(m.catalog.index(of: id)!) }
        let top = manual.topK(5)
        #expect(answer.items.map(\.item) == top.map(\.item))
        #expect(answer.items.map(\.score) == top.map(\.score))
        #expect(answer.items.map(\.rank) == [1, 2, 3, 4, 5])
        #expect(answer.items.map(\.id) == top.map { m.catalog.ids[$0.item] })
    }

    @Test("excludeSeen leaves the session's items out; a reused live session starts from zero")
    func excludeSeenAndReuse() {
        let m = tiny.model
        let live = LiveSession(model: m, parallelism: .tests)
        _ = live.recommend(session: ["D1", "D2", "D3", "D4"], k: 3, excludeSeen: false)
        let seen = live.recommend(session: ["A1", "A2"], k: m.itemCount, excludeSeen: true)
        let fresh = LiveSession(model: m, parallelism: .tests).recommend(session: ["A1", "A2"], k: m.itemCount, excludeSeen: true)
        #expect(seen == fresh)
        #expect(seen.items.count == m.itemCount - 2)
        #expect(!seen.items.contains { $0.id == "A1" || $0.id == "A2" })
    }

    @Test("ties: equal scores rank by the lower catalog index")
    func ties() {
        let m = TinyModel(epochs: 0).model
        // Zero output rows and equal biases: all scores tie exactly.
        m.parameters.setValues("Wy.weight", [Float](repeating: 0, count: m.itemCount * m.outputSize))
        m.parameters.setValues("By.weight", [Float](repeating: 0.25, count: m.itemCount))
        let answer = LiveSession(model: m, parallelism: .tests).recommend(session: [m.catalog.ids[3]], k: 6, excludeSeen: true)
        #expect(answer.items.map(\.item) == [0, 1, 2, 4, 5, 6])
        #expect(Set(answer.items.map(\.score)).count == 1)
    }

    @Test("state and restore: continuing from a saved state equals feeding straight through")
    func stateRoundTrip() {
        let m = TinyModel(layers: [8, 6]).model
        let straight = LiveSession(model: m, parallelism: .tests)
        for i in [1, 4, 2, 7] { straight.feed(i) }

        let first = LiveSession(model: m, parallelism: .tests)
        first.feed(1)
        first.feed(4)
        let saved = first.state
        #expect(saved.items == [1, 4])
        #expect(saved.hidden.count == 14)

        let other = LiveSession(model: m, parallelism: .tests)
        other.feed(9)  // whatever it held before is replaced
        other.restore(saved)
        other.feed(2)
        other.feed(7)
        #expect(other.items == straight.items)
        #expect(other.state == straight.state)
        #expect(other.scores() == straight.scores())
        #expect(other.recommendation(k: 5, excludeSeen: true) == straight.recommendation(k: 5, excludeSeen: true))
    }
}
