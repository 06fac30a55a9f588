import Foundation
import Testing
import CKernels
@testable import GRU4Rec
import GRU4RecTestSupport

/// The vectorised C kernels against plain Swift oracles.
struct KernelOracleTests {
    @Test("exp: relative error below 3e-7 over [-80, 80]")
    func exponent() {
        var xs = stride(from: -80.0 as Float, through: 80, by: 0.0137).map { $0 }
        let expected = xs.map { expf($0) }
        g4r_exp(&xs, xs.count)
        var worst: Float = 0
        for (a, b) in zip(xs, expected) { worst = max(worst, abs(a - b) / b) }
        #expect(worst < 3e-7, "worst relative error \(worst)")
    }

    @Test("Adagrad over listed rows: each part updates exactly its rows, as the per-row kernel does", arguments: [true, false])
    func adagradRows(_ withMomentum: Bool) {
        var r = TestRandom(seed: 31)
        let rowsN = 41, len = 13
        let theta0 = r.floats(rowsN * len), acc0 = r.floats(rowsN * len, 0, 2), mom0 = r.floats(rowsN * len)
        let list: [Int32] = [7, 0, 22, 15, 16, 33, 31, 3, 40]  // blocks of 16 rows: parts 0, 1, 0 (15|16, 31|32)
        let grads = r.floats(list.count * len)
        var theta = theta0, acc = acc0, mom = mom0
        for part: Int32 in [0, 1] {
            theta.withUnsafeMutableBufferPointer { t in acc.withUnsafeMutableBufferPointer { a in mom.withUnsafeMutableBufferPointer { m in
                g4r_adagrad_rows(t.baseAddress!, a.baseAddress!, withMomentum ? m.baseAddress! : nil, len, list, list.count,
                                 grads, part, 4, 0.1, 0.3, 1e-6)
            } } }
        }
        var eTheta = theta0, eAcc = acc0, eMom = mom0
        for (k, row) in list.enumerated() {
            let at = Int(row) * len
            eTheta.withUnsafeMutableBufferPointer { t in eAcc.withUnsafeMutableBufferPointer { a in eMom.withUnsafeMutableBufferPointer { m in
                grads.withUnsafeBufferPointer { g in
                    g4r_adagrad(t.baseAddress! + at, g.baseAddress! + k * len, a.baseAddress! + at, withMomentum ? m.baseAddress! + at : nil,
                                len, 0.1, 0.3, 1e-6)
                }
            } } }
        }
        #expect(theta == eTheta && acc == eAcc && mom == eMom)
        let untouched = Set(0..<rowsN).subtracting(list.map(Int.init))
        for row in untouched { #expect(Array(theta[row * len..<(row + 1) * len]) == Array(theta0[row * len..<(row + 1) * len])) }
    }

    @Test("top-k and rank counts: one vectorised pass matches the heap and a plain count (ties, short rows, k > n)")
    func topKAndRanks() {
        var rng = SeededGenerator(seed: 41)
        for n in [1, 7, 8, 9, 31, 1000, 4099] {
            // Coarse values: many ties; a rising tail makes the threshold move often.
            var scores = (0..<n).map { _ in Float(rng.nextInt(below: 40)) / 4 }
            for j in stride(from: n / 2, to: n, by: 3) { scores[j] = Float(j) / Float(n) * 12 }
            for k in [1, 5, 20, n + 3] {
                let kk = min(k, n)
                let fast = scores.withUnsafeBufferPointer { topK($0.baseAddress!, count: n, k: k) }
                let oracle = scores.withUnsafeBufferPointer { topKHeap($0.baseAddress!, count: n, k: kk, excluded: []) }
                #expect(fast.map(\.item) == oracle.map(\.item), "n \(n) k \(k)")
                #expect(fast.map(\.score) == oracle.map(\.score))
            }
            for target in [0, n / 2, n - 1] {
                var higher = 0, equal = 0
                g4r_rank_counts(scores, n, scores[target], &higher, &equal)
                #expect(higher == scores.filter { $0 > scores[target] }.count)
                #expect(equal == scores.filter { $0 == scores[target] }.count)
            }
        }
    }

    @Test("cross-entropy row: vectorised kernel matches the Swift oracle", arguments: [false, true])
    func crossEntropyRow(_ withShift: Bool) {
        var r = TestRandom(seed: withShift ? 5 : 6)
        let n = 517
        let row = r.floats(n, -6, 6), shift = r.floats(n, -2, 3)
        var fast = [Float](repeating: 0, count: n), oracle = [Float](repeating: 0, count: n)
        for t in [0, 3, n - 1] {
            let lf = shift.withUnsafeBufferPointer { s in g4r_xe_row(row, withShift ? s.baseAddress : nil, n, t, &fast, 0.25) }
            let lo = row.withUnsafeBufferPointer { rp in shift.withUnsafeBufferPointer { s in
                oracle.withUnsafeMutableBufferPointer { o in crossEntropyRowReference(rp.baseAddress!, n: n, target: t, shift: withShift ? s.baseAddress : nil, grad: o.baseAddress!, invD: 0.25) } } }
            #expect(abs(Double(lf) - lo) / lo < 1e-5)
            #expect(maxAbsDiff(fast, oracle) < 1e-7)
        }
    }

    @Test("GRU gates: vectorised kernel matches the formulas")
    func gates() {
        var r = TestRandom(seed: 8)
        let h = 37
        let a = r.floats(3 * h, -4, 4), c = r.floats(3 * h, -4, 4), prev = r.floats(h)
        var gates = [Float](repeating: 0, count: 3 * h), cn = [Float](repeating: 0, count: h), out = [Float](repeating: 0, count: h)
        g4r_gru_gates(a, c, prev, &gates, &cn, &out, h)
        for j in 0..<h {
            let rr = 1 / (1 + expf(-(a[j] + c[j]))), z = 1 / (1 + expf(-(a[h + j] + c[h + j])))
            let nn = tanhf(a[2 * h + j] + rr * c[2 * h + j])
            #expect(abs(gates[j] - rr) < 1e-6 && abs(gates[h + j] - z) < 1e-6 && abs(gates[2 * h + j] - nn) < 1e-6)
            #expect(abs(out[j] - ((1 - z) * nn + z * prev[j])) < 1e-6)
        }
    }

    @Test("BPR-max row: vectorised kernel matches the Swift oracle", arguments: [Float(0), 0.5, 1])
    func bprMax(_ alpha: Float) {
        var r = TestRandom(seed: 12)
        let n = 301, bpreg: Float = 1.3
        let row = r.floats(n, -3, 3)
        var fast = [Float](repeating: 0, count: n), scratch = [Float](repeating: 0, count: 3 * n)
        for t in [0, 7, n - 1] {
            let lf = g4r_bprmax_row(row, n, t, alpha, bpreg, &fast, &scratch, 0.5)
            var o = [Float](repeating: 0, count: n), d = [Float](repeating: 0, count: n), g = [Float](repeating: 0, count: n)
            applyActivation(alpha > 0 ? .elu(alpha) : .linear, row, n: n, out: &o, derivative: &d)
            let lo = bprMaxRowReference(&o, n: n, target: t, bpreg: bpreg, grad: &g)
            for j in 0..<n { g[j] *= d[j] * 0.5 }
            #expect(abs(Double(lf) - lo) / abs(lo) < 1e-5)
            #expect(maxNormalisedDiff(fast, g) < 1e-5)
        }
    }
}
