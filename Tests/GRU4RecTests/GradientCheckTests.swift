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

/// Random inverted-dropout masks: each element 0 (probability 0.3) or 1/0.7.
private func dropoutMask(_ r: inout TestRandom, _ n: Int) -> Buf {
    Buf(r.floats(n, 0, 1).map { $0 < 0.3 ? 0 : 1 / 0.7 })
}

struct GradientCheckTests {
    /// The GRU layer's dropout cases: (input mask, output mask, dOut split into two addends).
    static let cellCases: [(String, Bool, Bool, Bool)] = [
        ("no dropout", false, false, false), ("input dropout", true, false, false),
        ("output dropout", false, true, false), ("input and output dropout, dOut in two partial sums", true, true, true),
    ]

    @Test("GRU layer (GRUCell): input, state, weights and biases, with its dropout masks", arguments: 0..<cellCases.count)
    func gruCell(_ index: Int) {
        let (_, inputDropout, outputDropout, split) = Self.cellCases[index]
        var r = TestRandom(seed: 7 + UInt64(index))
        let b = 3, i = 5, hs = 4
        let u = Buf(r.floats(b * i)), h = Buf(r.floats(b * hs)), probe = Buf(r.floats(b * hs))
        let inputMask = dropoutMask(&r, b * i), outputMask = dropoutMask(&r, b * hs)
        let dropout = LayerDropout(input: inputDropout ? UnsafePointer(inputMask.p) : nil,
                                   output: outputDropout ? UnsafePointer(outputMask.p) : nil)
        let w = GRUCellWeights(wIH: Buf(r.floats(3 * hs * i)).retained, wHH: Buf(r.floats(3 * hs * hs)).retained,
                               bIH: Buf(r.floats(3 * hs, -0.5, 0.5)).retained, bHH: Buf(r.floats(3 * hs, -0.5, 0.5)).retained)
        let g = GRUCellWeights(wIH: Buf(zeros: 3 * hs * i).retained, wHH: Buf(zeros: 3 * hs * hs).retained,
                               bIH: Buf(zeros: 3 * hs).retained, bHH: Buf(zeros: 3 * hs).retained)
        let cache = GRUCellCache(gates: Buf(zeros: b * 3 * hs).retained, cN: Buf(zeros: b * hs).retained,
                                 preA: Buf(zeros: b * 3 * hs).retained, preC: Buf(zeros: b * 3 * hs).retained)
        let out = Buf(zeros: b * hs), dU = Buf(r.floats(b * i)), dH = Buf(zeros: b * hs)
        // The forward pass drops its input in place: it runs on a copy of u.
        let uDropped = Buf(zeros: b * i)
        func loss() -> Double {
            uDropped.p.update(from: u.p, count: b * i)
            gruCellForward(parallelism: .tests, rows: b, input: i, hidden: hs, u: uDropped.p, h: h.p, w: w, cache: cache, hOut: out.p, dropout: dropout)
            var s = 0.0
            for k in 0..<(b * hs) { s += Double(out.p[k] * probe.p[k]) }
            return s
        }
        _ = loss()
        // dL/dh' = probe, given whole or as two partial sums (the second as the addend).
        let addend = Buf(r.floats(b * hs)), dOut = Buf(probe.array)
        if split { for k in 0..<(b * hs) { dOut.p[k] -= addend.p[k] } }
        gruCellBackward(parallelism: .tests, rows: b, input: i, hidden: hs, u: uDropped.p, h: h.p, w: w, grad: g, cache: cache, dOut: dOut.p,
                        dOutAddend: split ? UnsafePointer(addend.p) : nil, dropout: dropout,
                        dU: dU.p, dH: dH.p, scratchA: Buf(zeros: b * 3 * hs).retained, scratchC: Buf(zeros: b * 3 * hs).retained)
        var failures = 0
        failures += FD.check("u", u.p, count: b * i, analytic: dU.array, loss: loss)
        failures += FD.check("h", h.p, count: b * hs, analytic: dH.array, loss: loss)
        failures += FD.check("W_ih", w.wIH, count: 3 * hs * i, analytic: arr(g.wIH, 3 * hs * i), loss: loss)
        failures += FD.check("W_hh", w.wHH, count: 3 * hs * hs, analytic: arr(g.wHH, 3 * hs * hs), loss: loss)
        failures += FD.check("b_ih", w.bIH, count: 3 * hs, analytic: arr(g.bIH, 3 * hs), loss: loss)
        failures += FD.check("b_hh", w.bHH, count: 3 * hs, analytic: arr(g.bHH, 3 * hs), loss: loss)
        #expect(failures == 0)
        if inputDropout { #expect((0..<(b * i)).contains { inputMask.p[$0] == 0 && dU.p[$0] == 0 }, "dropped inputs get no gradient") }
    }

    @Test("GRU embedding layer (one-hot input): rows, state, weights, bias; with and without its output mask", arguments: [false, true])
    func gruEmbedding(_ withDropout: Bool) {
        var r = TestRandom(seed: withDropout ? 12 : 11)
        let b = 3, hs = 4, n = 6
        let items: [Int32] = [2, 5, 2]  // a repeated row: its gradients add up
        let h = Buf(r.floats(b * hs)), probe = Buf(r.floats(b * hs))
        let mask = dropoutMask(&r, b * hs), outputMask: UnsafePointer<Float>? = withDropout ? UnsafePointer(mask.p) : nil
        let table = Buf(r.floats(n * 3 * hs))
        let w = GRUEmbeddingWeights(wrz0: Buf(r.floats(hs * 2 * hs)).retained,
                                    wh0: Buf(r.floats(hs * hs)).retained, bh0: Buf(r.floats(3 * hs, -0.5, 0.5)).retained)
        let g = GRUEmbeddingWeights(wrz0: Buf(zeros: hs * 2 * hs).retained,
                                    wh0: Buf(zeros: hs * hs).retained, bh0: Buf(zeros: 3 * hs).retained)
        let cache = GRUEmbeddingCache(v: Buf(zeros: b * 3 * hs).retained, w: Buf(zeros: b * 2 * hs).retained,
                                      rh: Buf(zeros: b * hs).retained, cand: Buf(zeros: b * hs).retained)
        let out = Buf(zeros: b * hs), dRows = Buf(r.floats(b * 3 * hs)), dH = Buf(zeros: b * hs)
        let s1 = Buf(zeros: b * 2 * hs), s2 = Buf(zeros: b * hs)
        func loss() -> Double {
            items.withUnsafeBufferPointer {
                gruEmbeddingForward(rows: b, hidden: hs, items: $0.baseAddress!, table: table.p, h: h.p, w: w, cache: cache,
                                    hOut: out.p, outputMask: outputMask)
            }
            var s = 0.0
            for k in 0..<(b * hs) { s += Double(out.p[k] * probe.p[k]) }
            return s
        }
        _ = loss()
        let addend = Buf(r.floats(b * hs)), dOut = Buf(probe.array)
        for k in 0..<(b * hs) { dOut.p[k] -= addend.p[k] }
        gruEmbeddingBackward(rows: b, hidden: hs, h: h.p, w: w, grad: g, cache: cache, dOut: dOut.p, dOutAddend: addend.p,
                             outputMask: outputMask, dRows: dRows.p, dH: dH.p, s1: s1.p, s2: s2.p)
        // The table's gradient as training sums it: one row per distinct item.
        let slots: [Int32] = [0, 1, 0], tableRows = Buf(zeros: 2 * 3 * hs)
        slots.withUnsafeBufferPointer { embeddingBackward(rows: b, width: 3 * hs, slots: $0.baseAddress!, dOut: dRows.p, into: tableRows.p) }
        var wx0Grad = [Float](repeating: 0, count: n * 3 * hs)
        for (slot, item) in [(0, 2), (1, 5)] { for j in 0..<(3 * hs) { wx0Grad[item * 3 * hs + j] = tableRows.p[slot * 3 * hs + j] } }
        var failures = 0
        failures += FD.check("Wx0", table.p, count: n * 3 * hs, analytic: wx0Grad, samples: 72, loss: loss)
        failures += FD.check("h", h.p, count: b * hs, analytic: dH.array, loss: loss)
        failures += FD.check("Wrz0", w.wrz0, count: 2 * hs * hs, analytic: arr(g.wrz0, 2 * hs * hs), loss: loss)
        failures += FD.check("Wh0", w.wh0, count: hs * hs, analytic: arr(g.wh0, hs * hs), loss: loss)
        failures += FD.check("Bh0", w.bh0, count: 3 * hs, analytic: arr(g.bh0, 3 * hs), loss: loss)
        #expect(failures == 0)
    }

    @Test("input embedding (shared and separate): table rows, repeated items summed per slot")
    func embedding() {
        var r = TestRandom(seed: 13)
        let b = 4, d = 3, n = 5
        let items: [Int32] = [4, 1, 4, 0], slots: [Int32] = [0, 1, 0, 2]
        let table = Buf(r.floats(n * d)), probe = Buf(r.floats(b * d)), e = Buf(zeros: b * d)
        func loss() -> Double {
            items.withUnsafeBufferPointer { embeddingForward(table: table.p, width: d, items: $0.baseAddress!, rows: b, out: e.p) }
            var s = 0.0
            for k in 0..<(b * d) { s += Double(e.p[k] * probe.p[k]) }
            return s
        }
        _ = loss()
        let rowGrads = Buf(zeros: 3 * d)
        slots.withUnsafeBufferPointer { embeddingBackward(rows: b, width: d, slots: $0.baseAddress!, dOut: probe.p, into: rowGrads.p) }
        var analytic = [Float](repeating: 0, count: n * d)
        for (slot, item) in [(0, 4), (1, 1), (2, 0)] { for j in 0..<d { analytic[item * d + j] = rowGrads.p[slot * d + j] } }
        #expect(FD.check("E", table.p, count: n * d, analytic: analytic, loss: loss) == 0)
        #expect(analytic[4 * d] == probe.p[0] + probe.p[2 * d], "the repeated item's rows add up")
    }

    /// Every loss of the table (``LossFunction/allCases``) under every setting it reads:
    /// the final activations (linear, ELU with two alphas, tanh) for a loss over O = act(R),
    /// with and without the logQ shift for a loss over raw scores, bpreg 0 and non-zero where
    /// it applies. A new loss is checked here without a new test.
    static let lossCases: [(LossFunction, FinalActivation, Float, Bool)] = LossFunction.allCases.flatMap { loss in
        let activations: [FinalActivation] = loss.usesFinalActivation ? [.linear, .elu(0.5), .elu(1), .tanh] : [.linear]
        let bpregs: [Float] = loss.usesBpreg ? [0, 1.5] : [0]
        let logqs = loss.usesLogq ? [false, true] : [false]
        return activations.flatMap { act in bpregs.flatMap { bpreg in logqs.map { (loss, act, bpreg, $0) } } }
    }

    @Test("output layer and loss: scores, h_top, Wy and By rows for every loss, activation, logQ and bpreg; repeated items",
          arguments: 0..<lossCases.count)
    func losses(_ index: Int) {
        let (kind, act, bpreg, logq) = Self.lossCases[index]
        var r = TestRandom(seed: UInt64(100 + index))
        // 3 rows, 8 columns (3 targets, 5 negatives) over 5 distinct items: items repeat among
        // the targets and negatives, and a negative hits a row's target.
        let b = 3, n = 8, uy = 5, l = 4
        let columnSlot: [Int32] = [0, 1, 0, 2, 3, 1, 4, 4]
        let hTop = Buf(r.floats(b * l)), w = Buf(r.floats(uy * l)), bias = Buf(r.floats(uy, -0.5, 0.5))
        let ru = Buf(zeros: b * uy), scores = Buf(zeros: b * n), dR = Buf(zeros: b * n), dRu = Buf(zeros: b * uy)
        let rowLoss = UnsafeMutablePointer<Double>.allocate(capacity: b)
        defer { rowLoss.deallocate() }
        let scratch = Buf(zeros: 2 * 3 * n), shift = Buf(r.floats(n, -1, 2))
        let settings = LossSettings(kind: kind, activation: act, bpreg: bpreg, normalizer: 4)
        func lossOfScores() -> Double {
            columnSlot.withUnsafeBufferPointer {
                outputLoss(settings, parallelism: .tests, rows: b, columns: n, distinct: uy, columnSlot: $0.baseAddress!, scores: ru.p,
                           shift: logq ? UnsafePointer(shift.p) : nil, r: scores.p, dR: dR.p, dRu: dRu.p, rowLoss: rowLoss, scratch: scratch.p)
            }
        }
        func loss() -> Double {
            outputScoresForward(parallelism: .tests, rows: b, columns: uy, width: l, hTop: hTop.p, w: w.p, bias: bias.p, scores: ru.p)
            return lossOfScores()
        }
        _ = loss()
        let label = "\(kind.rawValue)/\(act)/bpreg=\(bpreg)/logq=\(logq)"
        var failures = FD.check("\(label) scores", ru.p, count: b * uy, analytic: dRu.array, loss: lossOfScores)
        let gW = Buf(r.floats(uy * l)), gB = Buf(zeros: uy), dTop = Buf(zeros: b * l), dTopPartial = Buf(zeros: b * l)
        _ = loss()
        #expect(dRu.array.contains { $0 != 0 }, "the gradient is not trivially zero")
        outputScoresBackward(parallelism: .tests, rows: b, columns: uy, width: l, hTop: hTop.p, w: w.p, dRu: dRu.p, gW: gW.p, gB: gB.p,
                             dTop: dTop.p, dTopPartial: dTopPartial.p)
        let dh = (0..<(b * l)).map { dTop.p[$0] + dTopPartial.p[$0] }
        failures += FD.check("\(label) h_top", hTop.p, count: b * l, analytic: dh, loss: loss)
        failures += FD.check("\(label) Wy rows", w.p, count: uy * l, analytic: gW.array, loss: loss)
        failures += FD.check("\(label) By rows", bias.p, count: uy, analytic: gB.array, loss: loss)
        #expect(failures == 0)
    }

    static let stepCases: [(String, String)] = [
        ("shared, cross-entropy + logq, dropout", "loss=cross-entropy,logq=1,layers=6,dropout_p_embed=0.3,dropout_p_hidden=0.3"),
        ("shared, bpr-max + elu, two layers", "loss=bpr-max,elu_param=0.5,bpreg=1,layers=6/5"),
        ("separate embedding, top1-max, two layers, dropout", "loss=top1-max,constrained_embedding=false,embedding=4,layers=5/6,dropout_p_embed=0.2,dropout_p_hidden=0.25"),
        ("one-hot, bpr-max, embedding dropout", "loss=bpr-max,constrained_embedding=false,embedding=0,layers=5,dropout_p_embed=0.3,elu_param=1"),
        ("one-hot, two layers, bpr", "loss=bpr,constrained_embedding=false,embedding=0,layers=5/4,elu_param=0"),
        ("shared, top1, tanh", "loss=top1,final_act=tanh,layers=5"),
        // Every loss of the table through the whole step (ELU alpha 1: its derivative is continuous
        // at 0, so a difference step across a zero score stays exact; alpha 0.5 has a kink there).
    ] + LossFunction.allCases.map { ("shared, \($0), every loss of the table", "loss=\($0.rawValue),layers=5,elu_param=1,bpreg=0.5,logq=1") }

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
        let step = TrainingStep(model: model, parallelism: .tests)
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
