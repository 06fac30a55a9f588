import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// Finite-difference checks of every kernel's backward pass (central differences
/// in float32 with a step of 1e-2; loss sums are accumulated in double).
/// A check passes when |numeric - analytic| <= 2e-3 + 3e-2 * |analytic|.
enum FD {
    static let h: Float = 1e-2

    /// Compares d(loss)/d(x[i]) numerically with `analytic[i]` for a sample of indices.
    static func check(_ label: String, _ x: UnsafeMutablePointer<Float>, count: Int, analytic: [Float],
                      samples: Int = 24, seed: UInt64 = 1, loss: () -> Double) -> Int {
        var rng = SeededGenerator(seed: seed)
        var failures = 0
        let indices = count <= samples ? Array(0..<count) : (0..<samples).map { _ in rng.nextInt(below: count) }
        for i in indices {
            let old = x[i]
            x[i] = old + h
            let lp = loss()
            x[i] = old - h
            let lm = loss()
            x[i] = old
            let numeric = Float((lp - lm) / Double(2 * h))
            let a = analytic[i]
            if abs(numeric - a) > 2e-3 + 3e-2 * abs(a) {
                failures += 1
                Issue.record("\(label)[\(i)]: numeric \(numeric) vs analytic \(a)")
            }
        }
        return failures
    }
}

/// A buffer of floats that stays put (tests take pointers into it).
final class Buf {
    let p: UnsafeMutablePointer<Float>
    let count: Int
    init(_ values: [Float]) {
        count = values.count
        p = .allocate(capacity: max(count, 1))
        p.initialize(repeating: 0, count: max(count, 1))
        for i in 0..<count { p[i] = values[i] }
    }
    convenience init(zeros n: Int) { self.init([Float](repeating: 0, count: n)) }
    deinit { p.deallocate() }
    var array: [Float] { Array(UnsafeBufferPointer(start: p, count: count)) }
    func zero() { p.update(repeating: 0, count: count) }
}

struct GradientCheckTests {
    @Test("GRUCell: input, state, weights and biases")
    func gruCell() {
        var r = TestRandom(seed: 7)
        let b = 3, i = 5, hs = 4
        let u = Buf(r.floats(b * i)), h = Buf(r.floats(b * hs)), probe = Buf(r.floats(b * hs))
        let w = GRUCellWeights(wIH: Buf(r.floats(3 * hs * i)).retained, wHH: Buf(r.floats(3 * hs * hs)).retained,
                               bIH: Buf(r.floats(3 * hs, -0.5, 0.5)).retained, bHH: Buf(r.floats(3 * hs, -0.5, 0.5)).retained)
        let g = GRUCellWeights(wIH: Buf(zeros: 3 * hs * i).retained, wHH: Buf(zeros: 3 * hs * hs).retained,
                               bIH: Buf(zeros: 3 * hs).retained, bHH: Buf(zeros: 3 * hs).retained)
        let cache = GRUCellCache(gates: Buf(zeros: b * 3 * hs).retained, cN: Buf(zeros: b * hs).retained,
                                 preA: Buf(zeros: b * 3 * hs).retained, preC: Buf(zeros: b * 3 * hs).retained)
        let out = Buf(zeros: b * hs), dU = Buf(zeros: b * i), dH = Buf(zeros: b * hs)
        let sA = Buf(zeros: b * 3 * hs), sC = Buf(zeros: b * 3 * hs)
        func loss() -> Double {
            gruCellForward(rows: b, input: i, hidden: hs, u: u.p, h: h.p, w: w, cache: cache, hOut: out.p)
            var s = 0.0
            for k in 0..<(b * hs) { s += Double(out.p[k] * probe.p[k]) }
            return s
        }
        _ = loss()
        gruCellBackward(rows: b, input: i, hidden: hs, u: u.p, h: h.p, w: w, grad: g, cache: cache, dOut: probe.p,
                        dU: dU.p, dH: dH.p, scratchA: sA.p, scratchC: sC.p)
        var failures = 0
        failures += FD.check("u", u.p, count: b * i, analytic: dU.array, loss: loss)
        failures += FD.check("h", h.p, count: b * hs, analytic: dH.array, loss: loss)
        failures += FD.check("W_ih", w.wIH, count: 3 * hs * i, analytic: arr(g.wIH, 3 * hs * i), loss: loss)
        failures += FD.check("W_hh", w.wHH, count: 3 * hs * hs, analytic: arr(g.wHH, 3 * hs * hs), loss: loss)
        failures += FD.check("b_ih", w.bIH, count: 3 * hs, analytic: arr(g.bIH, 3 * hs), loss: loss)
        failures += FD.check("b_hh", w.bHH, count: 3 * hs, analytic: arr(g.bHH, 3 * hs), loss: loss)
        #expect(failures == 0)
    }

    @Test("GRU embedding layer (one-hot input): rows, state, weights, bias")
    func gruEmbedding() {
        var r = TestRandom(seed: 11)
        let b = 3, hs = 4, n = 6
        let items: [Int32] = [2, 5, 2]  // a repeated row: its gradients add up
        let h = Buf(r.floats(b * hs)), probe = Buf(r.floats(b * hs))
        let w = GRUEmbeddingWeights(wx0: Buf(r.floats(n * 3 * hs)).retained, wrz0: Buf(r.floats(hs * 2 * hs)).retained,
                                    wh0: Buf(r.floats(hs * hs)).retained, bh0: Buf(r.floats(3 * hs, -0.5, 0.5)).retained)
        let g = GRUEmbeddingWeights(wx0: Buf(zeros: 1).retained, wrz0: Buf(zeros: hs * 2 * hs).retained,
                                    wh0: Buf(zeros: hs * hs).retained, bh0: Buf(zeros: 3 * hs).retained)
        let cache = GRUEmbeddingCache(v: Buf(zeros: b * 3 * hs).retained, w: Buf(zeros: b * 2 * hs).retained,
                                      rh: Buf(zeros: b * hs).retained, cand: Buf(zeros: b * hs).retained)
        let out = Buf(zeros: b * hs), dRows = Buf(zeros: b * 3 * hs), dH = Buf(zeros: b * hs)
        let s1 = Buf(zeros: b * 2 * hs), s2 = Buf(zeros: b * hs)
        func loss() -> Double {
            items.withUnsafeBufferPointer { gruEmbeddingForward(rows: b, hidden: hs, items: $0.baseAddress!, h: h.p, w: w, cache: cache, hOut: out.p) }
            var s = 0.0
            for k in 0..<(b * hs) { s += Double(out.p[k] * probe.p[k]) }
            return s
        }
        _ = loss()
        gruEmbeddingBackward(rows: b, hidden: hs, h: h.p, w: w, grad: g, cache: cache, dOut: probe.p, dRows: dRows.p, dH: dH.p, s1: s1.p, s2: s2.p)
        var wx0Grad = [Float](repeating: 0, count: n * 3 * hs)
        for (row, item) in items.enumerated() { for j in 0..<(3 * hs) { wx0Grad[Int(item) * 3 * hs + j] += dRows.p[row * 3 * hs + j] } }
        var failures = 0
        failures += FD.check("Wx0", w.wx0, count: n * 3 * hs, analytic: wx0Grad, samples: 72, loss: loss)
        failures += FD.check("h", h.p, count: b * hs, analytic: dH.array, loss: loss)
        failures += FD.check("Wrz0", w.wrz0, count: 2 * hs * hs, analytic: arr(g.wrz0, 2 * hs * hs), loss: loss)
        failures += FD.check("Wh0", w.wh0, count: hs * hs, analytic: arr(g.wh0, hs * hs), loss: loss)
        failures += FD.check("Bh0", w.bh0, count: 3 * hs, analytic: arr(g.bh0, 3 * hs), loss: loss)
        #expect(failures == 0)
    }

    static let lossCases: [(LossFunction, FinalActivation, Float, Bool)] = [
        (.crossEntropy, .linear, 0, false), (.crossEntropy, .linear, 0, true),
        (.bprMax, .linear, 0, false), (.bprMax, .linear, 1.5, false), (.bprMax, .elu(0.5), 1, false), (.bprMax, .elu(1), 0, false),
        (.bprMax, .tanh, 0.5, false),
        (.top1Max, .linear, 0, false), (.top1Max, .elu(1), 0, false),
        (.bpr, .linear, 0, false), (.bpr, .elu(0.5), 0, false), (.bpr, .tanh, 0, false),
        (.top1, .linear, 0, false), (.top1, .elu(0.5), 0, false),
    ]

    @Test("losses: dLoss/dR for every loss, activation, logQ and bpreg", arguments: 0..<lossCases.count)
    func losses(_ index: Int) {
        let (kind, act, bpreg, logq) = Self.lossCases[index]
        var r = TestRandom(seed: UInt64(100 + index))
        let b = 3, n = 8
        let scores = Buf(r.floats(b * n, -2, 2)), dR = Buf(zeros: b * n), scratch = Buf(zeros: 3 * n)
        let shift = Buf(r.floats(n, -1, 2))
        let settings = LossSettings(kind: kind, activation: act, bpreg: bpreg, normalizer: 4)
        func loss() -> Double {
            lossAndGradient(settings, rows: b, columns: n, scores: scores.p, ld: n, shift: logq ? UnsafePointer(shift.p) : nil,
                            dR: dR.p, ldD: n, scratch: scratch.p)
        }
        _ = loss()
        let analytic = dR.array
        let failures = FD.check("\(kind.rawValue)/\(act)/bpreg=\(bpreg)/logq=\(logq)", scores.p, count: b * n, analytic: analytic, loss: loss)
        #expect(failures == 0)
        #expect(analytic.contains { $0 != 0 }, "the gradient is not trivially zero")
    }

    static let stepCases: [(String, String)] = [
        ("shared, cross-entropy + logq, dropout", "loss=cross-entropy,logq=1,layers=6,dropout_p_embed=0.3,dropout_p_hidden=0.3"),
        ("shared, bpr-max + elu, two layers", "loss=bpr-max,elu_param=0.5,bpreg=1,layers=6/5"),
        ("separate embedding, top1-max, two layers, dropout", "loss=top1-max,constrained_embedding=false,embedding=4,layers=5/6,dropout_p_embed=0.2,dropout_p_hidden=0.25"),
        ("one-hot, bpr-max, embedding dropout", "loss=bpr-max,constrained_embedding=false,embedding=0,layers=5,dropout_p_embed=0.3,elu_param=1"),
        ("one-hot, two layers, bpr", "loss=bpr,constrained_embedding=false,embedding=0,layers=5/4,elu_param=0"),
        ("shared, top1, tanh", "loss=top1,final_act=tanh,layers=5"),
    ]

    @Test("whole training step: every parameter, with fixed dropout masks and repeated items", arguments: 0..<stepCases.count)
    func trainingStep(_ index: Int) throws {
        var hp = Hyperparameters()
        try hp.apply(parameterString: Self.stepCases[index].1)
        hp.batchSize = 4
        hp.nSample = 6
        hp.sampleStore = 0
        let n = 9
        let catalog = ItemCatalog(ids: (0..<n).map { "i\($0)" })
        let model = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: (0..<n).map { 1 + $0 * 3 })
        try model.initialize(.uniform(seed: UInt64(index + 1)))
        // Make biases non-zero so their gradients are exercised.
        var r = TestRandom(seed: 99)
        for spec in model.parameters.specs where spec.name.contains("bias") || spec.name.hasPrefix("By") || spec.name == "GE.Bh0" {
            model.parameters.setValues(spec.name, r.floats(spec.count, -0.3, 0.3))
        }
        let step = TrainingStep(model: model)
        var batch = BatchStep()
        batch.rows = 4
        batch.input = [1, 3, 1, 7]
        batch.target = [3, 3, 5, 2]
        batch.reset = [false, false, false, false]
        batch.previousRow = [0, 1, 2, 3]
        batch.session = [0, 1, 2, 3]
        let negatives: [Int32] = [3, 0, 8, 8, 5, 1]
        let hidden = hp.layers.map { r.floats(4 * $0, -0.8, 0.8) }
        let masks = step.dropoutState
        func loss() -> Double {
            for (l, h) in hidden.enumerated() { step.setHiddenState(layer: l, rows: 4, h) }
            step.dropoutState = masks
            return negatives.withUnsafeBufferPointer { step.run(batch, negatives: $0.baseAddress!, update: false) }
        }
        _ = loss()
        var failures = 0
        for spec in model.parameters.specs {
            let analytic = step.lastGradient(spec.name)
            failures += FD.check("\(Self.stepCases[index].0): \(spec.name)", model.parameters.pointer(spec), count: spec.count,
                                 analytic: analytic, samples: 40, seed: UInt64(spec.offset + 1), loss: loss)
        }
        #expect(failures == 0)
    }
}

private func arr(_ p: UnsafeMutablePointer<Float>, _ n: Int) -> [Float] { Array(UnsafeBufferPointer(start: p, count: n)) }

extension Buf {
    /// A pointer that outlives this expression (the buffer is kept alive for the test process).
    var retained: UnsafeMutablePointer<Float> {
        Buf.keepAlive.append(self)
        return p
    }
    nonisolated(unsafe) static var keepAlive: [Buf] = []
}
