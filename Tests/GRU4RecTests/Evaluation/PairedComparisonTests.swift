import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// The paired bootstrap and the two-model comparison.
struct PairedComparisonTests {
    /// Records of `sessions` sessions of `length` events, with ranks drawn so that A hits
    /// (rank 1) with probability `pA` and B with `pB`, else rank 50; B's hits are paired with
    /// A's (B hits whenever A does, plus extra hits), as two related models would be.
    func synthetic(sessions: Int, length: Int, pA: Double, pB: Double, seed: UInt64) -> (a: EvaluationRecords, b: EvaluationRecords) {
        var rng = SeededGenerator(seed: seed)
        var a = EvaluationRecords(), b = EvaluationRecords()
        let extra = (pB - pA) / (1 - pA)
        for s in 0..<sessions {
            for p in 1...length {
                let hitA = Double(rng.nextUnitFloat()) < pA
                let hitB = hitA || Double(rng.nextUnitFloat()) < extra
                append(&a, s, p, hitA ? 1 : 50)
                append(&b, s, p, hitB ? 1 : 50)
            }
        }
        return (a, b)
    }

    func append(_ r: inout EvaluationRecords, _ s: Int, _ p: Int, _ rank: Double) {
        r.session.append(Int32(s)); r.position.append(Int32(p)); r.input.append(0); r.target.append(0)
        r.rank.append(rank); r.score.append(0)
    }

    @Test("the bootstrap is reproducible for a seed and changes with it")
    func reproducible() throws {
        let (a, b) = synthetic(sessions: 300, length: 4, pA: 0.3, pB: 0.4, seed: 1)
        let one = try PairedComparison(a: a, b: b, cutoffs: [1, 10], resamples: 500, seed: 7)
        let again = try PairedComparison(a: a, b: b, cutoffs: [1, 10], resamples: 500, seed: 7)
        let other = try PairedComparison(a: a, b: b, cutoffs: [1, 10], resamples: 500, seed: 8)
        #expect(one.metrics == again.metrics)
        #expect(one.metrics.map(\.low) != other.metrics.map(\.low))
        #expect(one.metrics.map(\.name) == ["recall@1", "recall@10", "mrr@1", "mrr@10", "ndcg@1", "ndcg@10"])
        #expect(one.events == 1200 && one.sessions == 300)
        #expect(one.better + one.worse + one.equal == 1200 && one.worse == 0)
        for m in one.metrics { #expect(m.low <= m.difference && m.difference <= m.high, "\(m.name)") }
    }

    @Test("the 95% interval covers the true difference in about 95% of synthetic data sets")
    func coverage() throws {
        // True difference of recall@1: pB - pA = 0.1. 40 data sets: the interval should miss
        // it in about 2; more than 6 misses (p < 0.002 at 95% coverage) means a broken interval.
        var misses = 0, excludesZero = 0
        for seed in 1...40 {
            let (a, b) = synthetic(sessions: 200, length: 3, pA: 0.3, pB: 0.4, seed: UInt64(seed))
            let c = try PairedComparison(a: a, b: b, cutoffs: [1], resamples: 400, seed: UInt64(100 + seed))
            let recall = c.metrics[0]
            if recall.low > 0.1 || recall.high < 0.1 { misses += 1 }
            if recall.low > 0 { excludesZero += 1 }
            #expect(recall.high - recall.low < 0.1, "the interval is not absurdly wide")
        }
        #expect(misses <= 6, "\(misses) of 40 intervals missed the true difference")
        #expect(excludesZero >= 36, "a difference of 0.1 over 600 paired events is detected")
    }

    @Test("identical models: zero difference, zero-width interval, every event equal")
    func identical() throws {
        let (a, _) = synthetic(sessions: 50, length: 3, pA: 0.3, pB: 0.3, seed: 3)
        let c = try PairedComparison(a: a, b: a, cutoffs: [1, 5], resamples: 100, seed: 1)
        for m in c.metrics { #expect(m.difference == 0 && m.low == 0 && m.high == 0) }
        #expect(c.equal == a.count)
    }

    @Test("records of different events are refused")
    func misaligned() {
        let (a, b) = synthetic(sessions: 10, length: 3, pA: 0.3, pB: 0.4, seed: 3)
        var shorter = b
        shorter.session.removeLast(); shorter.position.removeLast(); shorter.rank.removeLast()
        #expect(throws: PairedComparison.MisalignedRecords.self) { try PairedComparison(a: a, b: shorter, cutoffs: [1]) }
    }

    @Test("shared catalog: events of items B does not know are dropped, the rest mapped to B's indices; no shared item is an error")
    func sharedCatalog() throws {
        let a = ItemCatalog(ids: ["x", "y", "z", "w"]), b = ItemCatalog(ids: ["w", "y", "x"])
        let shared = try SharedCatalog(a: a, b: b)
        #expect(shared.sharedCount == 3 && shared.aToB == [2, 1, -1, 0])
        let (data, _) = SessionData.build(sessionKeys: ["1", "1", "1", "2", "3", "3"], itemKeys: ["x", "z", "y", "z", "w", "x"],
                                          times: [1, 2, 3, 4, 5, 6], catalog: a)
        let pair = shared.pair(data)
        #expect(pair.dropped == 2)
        #expect(pair.a.sessionIDs == ["1", "3"] && pair.a.offsets == [0, 2, 4])
        #expect(pair.a.items.map { a.ids[Int($0)] } == ["x", "y", "w", "x"])
        #expect(pair.b.items.map { b.ids[Int($0)] } == ["x", "y", "w", "x"])
        #expect(pair.a.fileIndex == [0, 2, 4, 5] && pair.b.droppedUnknownItems == 2)
        #expect(throws: SharedCatalog.NoSharedItems.self) { try SharedCatalog(a: a, b: ItemCatalog(ids: ["q"])) }
    }
}
