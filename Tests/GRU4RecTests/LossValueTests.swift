import Foundation
import Testing
@testable import GRU4Rec

/// Each loss's value on small rows against its formula (`Kernels/Losses.swift`), written
/// here again in plain double arithmetic; the linear final activation, so O = R and
/// t = O[target]. Gradients are checked by finite differences in `GradientCheckTests` for
/// every row of the loss table; this is where a new loss gets its one test of its own.
struct LossValueTests {
    typealias Formula = @Sendable (_ o: [Double], _ target: Int, _ shift: [Double], _ bpreg: Double) -> Double

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// Softmax over the negatives (j != target); 0 at the target.
    static func softmaxNegatives(_ o: [Double], _ i: Int) -> [Double] {
        let m = o.indices.filter { $0 != i }.map { o[$0] }.reduce(-Double.infinity, max)
        let e = o.indices.map { $0 == i ? 0 : exp(o[$0] - m) }
        let sum = e.reduce(0, +)
        return e.map { $0 / sum }
    }

    /// The formula of every loss, by name. A loss in the table without one fails `value`.
    static let formulas: [String: Formula] = [
        "cross-entropy": { o, i, shift, _ in
            let z = zip(o, shift).map { $0 - $1 }
            let m = z.reduce(-Double.infinity, max)
            return -(z[i] - m - log(z.map { exp($0 - m) }.reduce(0, +)))
        },
        "bpr-max": { o, i, _, bpreg in
            let s = softmaxNegatives(o, i)
            let p = o.indices.map { s[$0] * sigmoid(o[i] - o[$0]) }.reduce(0, +)
            return -log(p) + bpreg * o.indices.map { s[$0] * o[$0] * o[$0] }.reduce(0, +)
        },
        "top1-max": { o, i, _, _ in
            let s = softmaxNegatives(o, i)
            return o.indices.map { s[$0] * (sigmoid(o[$0] - o[i]) + sigmoid(o[$0] * o[$0])) }.reduce(0, +)
        },
        "bpr": { o, i, _, _ in o.map { -log(sigmoid(o[i] - $0)) }.reduce(0, +) / Double(o.count) },
        "top1": { o, i, _, _ in o.map { sigmoid($0 - o[i]) + sigmoid($0 * $0) }.reduce(0, +) / Double(o.count) },
    ]

    @Test("every loss of the table: its row value matches its formula (targets first, middle and last)",
          arguments: LossFunction.allCases.map(\.rawValue))
    func value(_ name: String) throws {
        let loss = try #require(LossFunction(rawValue: name))
        let formula = try #require(Self.formulas[name], "write the formula of loss '\(name)' into LossValueTests.formulas")
        let scores: [Float] = [0.7, -0.3, 1.2, 0.1, -0.9, 0.45]
        let shift: [Float] = [0.2, -0.1, 0.4, 0, 0.3, -0.25]
        let n = scores.count
        let bpreg: Float = loss.usesBpreg ? 0.75 : 0
        let settings = LossSettings(kind: loss, activation: .linear, bpreg: bpreg, normalizer: 2)
        for withShift in loss.usesLogq ? [false, true] : [false] {
            for target in [0, 2, n - 1] {
                var grad = [Float](repeating: 0, count: n), scratch = [Float](repeating: 0, count: 3 * n)
                let got = scores.withUnsafeBufferPointer { row in
                    shift.withUnsafeBufferPointer { s in
                        grad.withUnsafeMutableBufferPointer { g in
                            scratch.withUnsafeMutableBufferPointer { sc in
                                lossRow(settings, row: target, columns: n, scores: row.baseAddress!,
                                        shift: withShift ? s.baseAddress : nil, grad: g.baseAddress!, scratch: sc.baseAddress!)
                            }
                        }
                    }
                }
                let expected = formula(scores.map(Double.init), target, withShift ? shift.map(Double.init) : Array(repeating: 0, count: n),
                                       Double(bpreg))
                #expect(abs(got - expected) <= 1e-5 * max(1, abs(expected)),
                        "\(name), target \(target)\(withShift ? ", logQ shift" : ""): \(got) vs formula \(expected)")
                #expect(grad.contains { $0 != 0 }, "\(name) writes a gradient")
            }
        }
    }

    @Test("the reference's losses are in the table under the reference's names, and the names parse back")
    func names() throws {
        for name in ["cross-entropy", "bpr-max", "top1-max", "bpr", "top1"] {
            let loss = try #require(LossFunction(rawValue: name))
            var hp = Hyperparameters()
            try hp.set("loss", to: name)
            #expect(hp.loss == loss && hp.loss.rawValue == name)
        }
        #expect(LossFunction(rawValue: "softmax") == nil)
        #expect(Set(LossFunction.allCases.map(\.rawValue)).count == LossFunction.allCases.count, "names are unique")
        let encoded = try JSONEncoder().encode(LossFunction.bprMax)
        #expect(String(decoding: encoded, as: UTF8.self) == "\"bpr-max\"")
        #expect(try JSONDecoder().decode(LossFunction.self, from: encoded) == .bprMax)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(LossFunction.self, from: Data("\"nope\"".utf8)) }
    }
}
