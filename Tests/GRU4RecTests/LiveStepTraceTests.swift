import Foundation
import GRU4Rec
import GRU4RecTestSupport
import Testing

/// ``LiveSession/replay(_:)`` gives, for every click and every layer, the
/// hidden state, both gates and Δh: checked against brute force, a fresh
/// session stepped click by click that reads the state before and after.
@Suite struct LiveStepTraceTests {
    @Test("replay: h, z, r of every layer equal stepping click by click; Δh = h after - h before", arguments: [[8], [8, 6]])
    func replayEqualsStepping(layers: [Int]) {
        let m = TinyModel(epochs: 2, layers: layers).model
        let session = [3, 7, 3, 12, 0, 19].filter { $0 < m.itemCount }
        let steps = LiveSession(model: m, parallelism: .tests).replay(session)
        #expect(steps.count == session.count)
        for t in session.indices {
            // Brute force: a fresh session fed the first t clicks, then click t.
            let fresh = LiveSession(model: m, parallelism: .tests)
            for item in session.prefix(t) { fresh.feed(item) }
            let before = m.layers.indices.map { fresh.hidden(layer: $0) }
            let step = fresh.feed(session[t])
            #expect(steps[t].item == session[t])
            for l in m.layers.indices {
                let after = fresh.hidden(layer: l)
                #expect(steps[t].hidden[l] == after, "h, click \(t + 1), layer \(l + 1)")
                #expect(steps[t].updateGate[l] == step.updateGate[l], "z, click \(t + 1), layer \(l + 1)")
                #expect(steps[t].resetGate[l] == step.resetGate[l], "r, click \(t + 1), layer \(l + 1)")
                #expect(steps[t].change[l].count == m.layers[l])
                let expected = zip(after, before[l]).map { $0 - $1 }
                #expect(steps[t].change[l] == expected, "Δh, click \(t + 1), layer \(l + 1)")
                // Gates are sigmoids: inside 0...1.
                #expect(steps[t].updateGate[l].allSatisfy { $0 >= 0 && $0 <= 1 })
                #expect(steps[t].resetGate[l].allSatisfy { $0 >= 0 && $0 <= 1 })
            }
        }
        // The first click's Δh is its state (the session starts from zero).
        if let first = steps.first { #expect(first.change == first.hidden) }
    }
}
