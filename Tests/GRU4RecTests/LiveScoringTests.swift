import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// The kernels of a live click besides the scores: the top-k with exclusions and the
/// softmax normaliser, each against a plain oracle.
struct LiveScoringTests {
    @Test("top-k with exclusions: one vectorised pass equals the heap (ties, exclusions inside and outside the row)")
    func topKExcludingMatchesHeap() {
        var rng = SeededGenerator(seed: 43)
        for n in [1, 9, 1_000, 4_099] {
            let scores = (0..<n).map { _ in Float(rng.nextInt(below: 30)) / 4 }
            for excluded in [Set<Int>([0]), Set([n - 1, n + 4, -2]), Set((0..<n).filter { $0 % 3 == 0 }), Set(0..<n)] {
                for k in [1, 7, 50, n + 2] {
                    let kk = min(k, n - excluded.count)
                    let fast = scores.withUnsafeBufferPointer { topK($0.baseAddress!, count: n, k: k, excluded: excluded) }
                    let oracle = kk > 0 ? scores.withUnsafeBufferPointer { topKHeap($0.baseAddress!, count: n, k: kk, excluded: excluded) } : []
                    #expect(fast.map(\.item) == oracle.map(\.item), "n \(n) k \(k) excluded \(excluded.count)")
                    #expect(fast.map(\.score) == oracle.map(\.score))
                }
            }
        }
    }

    @Test("log-sum-exp: the vectorised pass agrees with a plain double loop; NaN, none, one, -inf")
    func logSumExpMatchesPlainLoop() {
        var rng = SeededGenerator(seed: 8)
        for (n, spread) in [(1, 1), (7, 3), (1_000, 40), (100_003, 900)] as [(Int, Float)] {
            let scores = (0..<n).map { _ in (rng.nextUnitFloat() * 2 - 1) * spread }
            let top = Double(scores.max()!)
            let plain = top + log(scores.reduce(0.0) { $0 + exp(Double($1) - top) })
            let fast = scoreLogSumExp(scores)
            #expect(abs(fast - plain) <= 1e-12 * max(1, abs(plain)), "n \(n): \(fast) vs \(plain)")
        }
        #expect(scoreLogSumExp([]) == 0)
        #expect(scoreLogSumExp([1, .nan, 2]).isNaN)
        #expect(abs(scoreLogSumExp([3, -.infinity]) - 3) < 1e-15)
        #expect(abs(scoreLogSumExp([0, 0]) - log(2)) < 1e-15)
    }
}
