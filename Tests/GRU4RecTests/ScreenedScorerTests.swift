import Foundation
import Testing
import CKernels
@testable import GRU4Rec
import GRU4RecTestSupport

/// ``ScreenedScorer``: the screened top-k is exactly the top-k of full f32 scoring (items,
/// order and every score bit), on random, tied, near-tied and hostile weights, for
/// every scan variant; and it does screen (re-scores a small share of the catalog).
struct ScreenedScorerTests {
    /// A model of `items` items and one layer of `hidden` units, uniform weights.
    static func model(items: Int, hidden: Int, seed: UInt64 = 3) throws -> GRU4RecModel {
        var hp = Hyperparameters()
        hp.layers = [hidden]
        let m = GRU4RecModel(hyperparameters: hp, catalog: ItemCatalog(ids: (0..<items).map { "i\($0)" }),
                             itemSupport: [Int](repeating: 1, count: items))
        try m.initialize(.uniform(seed: seed))
        return m
    }

    /// The oracle: every item scored (the live session's full pass), then the existing top-k.
    static func fullTopK(_ m: GRU4RecModel, _ h: [Float], k: Int, excluding: Set<Int> = []) -> [(item: Int, score: Float)] {
        var scores = [Float](repeating: 0, count: m.itemCount)
        let wy = m.parameters["Wy.weight"], by = m.parameters["By.weight"]
        h.withUnsafeBufferPointer { hp in
            scores.withUnsafeMutableBufferPointer { out in
                g4r_score_rows(wy, by, m.outputSize, hp.baseAddress, 0, m.itemCount, out.baseAddress)
            }
        }
        return scores.withUnsafeBufferPointer { topK($0.baseAddress!, count: $0.count, k: k, excluded: excluding) }
    }

    static func same(_ a: [(item: Int, score: Float)], _ b: [(item: Int, score: Float)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.item == $1.item && $0.score.bitPattern == $1.score.bitPattern }
    }

    static func randomHidden(_ n: Int, _ rng: inout SeededGenerator, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in (rng.nextUnitFloat() * 2 - 1) * scale }
    }

    @Test("live sessions: the screened top-k equals full scoring, with and without the session's items",
          arguments: [37, 64, 100])
    func liveSessionsMatchFullScoring(hidden: Int) throws {
        let m = try Self.model(items: 20_011, hidden: hidden)
        let scorer = try #require(ScreenedScorer(model: m, parallelism: .tests, anyCPU: true))
        let screened = LiveSession(model: m, parallelism: .tests, scorer: scorer), full = LiveSession(model: m, parallelism: .tests)
        var rng = SeededGenerator(seed: 7)
        for click in 0..<24 {
            if click % 8 == 0 { screened.reset(); full.reset() }
            let item = rng.nextInt(below: m.itemCount)
            screened.feed(item)
            full.feed(item)
            for k in [1, 10, 57] {
                let excluded = click % 2 == 0 ? Set(full.items) : []
                let a = screened.topK(k, excluding: excluded), b = full.topK(k, excluding: excluded)
                #expect(Self.same(a, b), "click \(click), k \(k)")
                #expect(a.count == k)
            }
        }
    }

    @Test("it screens: a small share of 20,011 items is re-scored, and the list is the full pass's")
    func screensAndBoundHolds() throws {
        let m = try Self.model(items: 20_011, hidden: 100)
        let scorer = try #require(ScreenedScorer(model: m, parallelism: .tests, anyCPU: true))
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<5 {
            let h = Self.randomHidden(100, &rng)
            let s = try #require(h.withUnsafeBufferPointer { scorer.screen(hidden: $0.baseAddress!, k: 10, excluding: [], parallelism: .tests) })
            #expect(s.rescored >= 10 && s.rescored < m.itemCount / 10, "\(s.rescored) re-scored")
            #expect(Self.same(s.top, Self.fullTopK(m, h, k: 10)))
        }
        // 64 bytes per item for 100 units: 104 4-bit weights (13 pairs of 4-column groups) + 3 floats.
        #expect(scorer.memoryBytes == (20_011 + 15) / 16 * 16 * (13 * 4 + 12))
    }

    @Test("ties and near-ties: duplicated rows, rows one ulp apart, equal biases: lower index first")
    func tiesAndNearTies() throws {
        let n = 4_099, hidden = 12
        let m = try Self.model(items: n, hidden: hidden)
        let wy = m.parameters["Wy.weight"], by = m.parameters["By.weight"]
        var rng = SeededGenerator(seed: 5)
        let prototypes = (0..<7).map { _ in Self.randomHidden(hidden, &rng, scale: 0.3) }
        for i in 0..<n {
            let p = prototypes[i % prototypes.count]
            for j in 0..<hidden { wy[i * hidden + j] = p[j] }
            // A third of the rows nudged by one ulp in one weight: near-ties below the 4-bit grid.
            if i % 3 == 1 { wy[i * hidden + i % hidden] = wy[i * hidden + i % hidden].nextUp }
            by[i] = i % 5 == 0 ? 0.125 : 0
        }
        let scorer = try #require(ScreenedScorer(model: m, parallelism: .tests, anyCPU: true))
        for level: Int32 in [0, 1, 2] {
            scorer.level = level
            for _ in 0..<6 {
                let h = Self.randomHidden(hidden, &rng)
                for k in [1, 5, 40, 700] {
                    let excluded: Set<Int> = [0, 7, 14, n - 1, n + 5]
                    let a = h.withUnsafeBufferPointer { scorer.topK(hidden: $0.baseAddress!, k: k, excluding: excluded, parallelism: .tests) }
                    #expect(a.map { Self.same($0, Self.fullTopK(m, h, k: k, excluding: excluded)) } == true, "level \(level) k \(k)")
                }
            }
        }
    }

    @Test("all scan variants agree on random data; k beyond the catalog, k = 0, everything excluded")
    func variantsAndEdges() throws {
        let m = try Self.model(items: 1_000, hidden: 9)
        let scorer = try #require(ScreenedScorer(model: m, parallelism: .tests, anyCPU: true))
        var rng = SeededGenerator(seed: 2)
        let h = Self.randomHidden(9, &rng)
        let call = { (k: Int, ex: Set<Int>) in h.withUnsafeBufferPointer { scorer.topK(hidden: $0.baseAddress!, k: k, excluding: ex, parallelism: .tests) } }
        let reference = Self.fullTopK(m, h, k: 50)
        for level: Int32 in [-1, 0, 1, 2] {
            scorer.level = level
            #expect(call(50, []).map { Self.same($0, reference) } == true)
        }
        #expect(call(0, [])?.isEmpty == true)
        #expect(call(1_000, []).map { Self.same($0, Self.fullTopK(m, h, k: 1_000)) } == true)
        #expect(call(2_000, [3]).map { Self.same($0, Self.fullTopK(m, h, k: 2_000, excluding: [3])) } == true)
        #expect(call(5, Set(0..<1_000))?.isEmpty == true)
        // K beyond what is screened (in a catalog larger than it): the caller is told to score everything.
        let big = try #require(ScreenedScorer(model: try Self.model(items: 5_000, hidden: 9), parallelism: .tests, anyCPU: true))
        #expect(h.withUnsafeBufferPointer { big.topK(hidden: $0.baseAddress!, k: ScreenedScorer.maximumK + 1, parallelism: .tests) } == nil)
        #expect(h.withUnsafeBufferPointer { big.topK(hidden: $0.baseAddress!, k: ScreenedScorer.maximumK, parallelism: .tests) }?.count == ScreenedScorer.maximumK)
    }

    @Test("hostile weights: huge, tiny, zero and non-finite rows; a non-finite state falls back")
    func hostileWeights() throws {
        let n = 2_000, hidden = 16
        let m = try Self.model(items: n, hidden: hidden)
        let wy = m.parameters["Wy.weight"], by = m.parameters["By.weight"]
        for j in 0..<hidden {
            wy[10 * hidden + j] = 1e18 * (j % 2 == 0 ? 1 : -1)  // huge (finite scores up to ~1e18)
            wy[11 * hidden + j] = Float(bitPattern: 1_000)        // subnormal: no 4-bit scale
            wy[12 * hidden + j] = 0                              // zero row
            wy[13 * hidden + j] = j == 3 ? 3e38 : 1e-3           // overflows to an infinite score
        }
        by[12] = 2
        let scorer = try #require(ScreenedScorer(model: m, parallelism: .tests, anyCPU: true))
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<8 {
            let h = Self.randomHidden(hidden, &rng)
            for k in [1, 3, 30] {
                let a = h.withUnsafeBufferPointer { scorer.topK(hidden: $0.baseAddress!, k: k, parallelism: .tests) }
                #expect(a.map { Self.same($0, Self.fullTopK(m, h, k: k)) } == true)
            }
        }
        var h = Self.randomHidden(hidden, &rng)
        h[2] = .nan
        #expect(h.withUnsafeBufferPointer { scorer.topK(hidden: $0.baseAddress!, k: 3, parallelism: .tests) } == nil)

        // A NaN weight: the scorer declines (its exact score is NaN), and the live session's
        // answer is the full pass's.
        wy[20 * hidden + 1] = .nan
        let nanScorer = try #require(ScreenedScorer(model: m, parallelism: .tests, anyCPU: true))
        let live = LiveSession(model: m, parallelism: .tests, scorer: nanScorer), plain = LiveSession(model: m, parallelism: .tests)
        for item in [5, 9, 300] { live.feed(item); plain.feed(item) }
        #expect(Self.same(live.topK(10), plain.topK(10)))
    }
}
