import Foundation

/// A growable scratch buffer of floats, allocated once and reused (no allocation in the hot loop).
final class FloatBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int
    init(_ capacity: Int = 16) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }
    deinit { pointer.deallocate() }
    /// Ensures room for `n` floats (contents are lost when it grows).
    @discardableResult
    func reserve(_ n: Int) -> UnsafeMutablePointer<Float> {
        if n > capacity {
            pointer.deallocate()
            capacity = n
            pointer = .allocate(capacity: n)
            pointer.initialize(repeating: 0, count: n)
        }
        return pointer
    }
}

/// Maps item indices to dense slots for one step (the distinct rows of a
/// row-sparse parameter that the step touches).
struct SlotMap {
    private var slot: [Int32]
    private(set) var rows: [Int32] = []
    init(itemCount: Int) { slot = [Int32](repeating: -1, count: itemCount) }
    /// The slot of `item`, assigning the next one if new.
    @inline(__always)
    mutating func slot(for item: Int32) -> Int32 {
        let s = slot[Int(item)]
        if s >= 0 { return s }
        let n = Int32(rows.count)
        slot[Int(item)] = n
        rows.append(item)
        return n
    }
    var count: Int { rows.count }
    mutating func clear() {
        for r in rows { slot[Int(r)] = -1 }
        rows.removeAll(keepingCapacity: true)
    }
    mutating func growItems(to n: Int) { if slot.count < n { slot += [Int32](repeating: -1, count: n - slot.count) } }
}

/// Time spent in each phase of training steps, when a clock is injected (benchmarks).
public struct StepProfile: Sendable {
    public var gather: UInt64 = 0, gruForward: UInt64 = 0, scores: UInt64 = 0, loss: UInt64 = 0
    public var scoreBackward: UInt64 = 0, gruBackward: UInt64 = 0, optimizer: UInt64 = 0
    public var steps = 0
    public init() {}
    /// (phase, nanoseconds) in step order.
    public var phases: [(String, UInt64)] {
        [("gather + embedding", gather), ("GRU forward", gruForward), ("scores (product)", scores), ("loss", loss),
         ("score backward (products)", scoreBackward), ("GRU backward", gruBackward), ("optimizer", optimizer)]
    }
}

/// One session-parallel training step of GRU4Rec: forward through the input
/// embedding and GRU layers, scores over in-batch targets plus shared negatives,
/// the loss, backward in exact reverse order, and the optimizer update.
///
/// Score columns are computed over DISTINCT items: y = targets ++ negatives
/// (N = B + S columns) has far fewer distinct items than N when popular items
/// repeat. With U_y the distinct items of y and `colSlot[j]` the slot of y_j:
///
///     Ru = h_top · Wy[U_y]^T + By[U_y]^T      (B x |U_y|)
///     R[i, j] = Ru[i, colSlot[j]]             (B x N)  the reference's score matrix
///     dRu[i, u] = Σ_{j: colSlot[j] = u} dR[i, j]
///
/// which is the same gradient as the reference's (only the order of additions differs).
public final class TrainingStep {
    public let model: GRU4RecModel
    let hp: Hyperparameters
    let layers: [Int]
    let maxRows: Int
    let nSample: Int
    public let optimizer: Optimizer
    /// Dense gradients (only the dense tensors).
    let grads: ParameterStore
    // Hidden state: current (fed into the step) and next (produced by it), per layer, (maxRows x H_k).
    var hidden: [FloatBuffer]
    var hiddenNext: [FloatBuffer]
    // Per-layer buffers.
    var cacheGates: [FloatBuffer], cacheCN: [FloatBuffer], preA: [FloatBuffer], preC: [FloatBuffer]
    var hiddenMask: [FloatBuffer]
    var dOut: [FloatBuffer]
    let x0 = FloatBuffer(), dX0 = FloatBuffer(), embedMask = FloatBuffer()
    // One-hot layer caches.
    let geV = FloatBuffer(), geW = FloatBuffer(), geRH = FloatBuffer(), geCand = FloatBuffer(), geDRows = FloatBuffer()
    let geS1 = FloatBuffer(), geS2 = FloatBuffer()
    // Scores.
    let wU = FloatBuffer(), bU = FloatBuffer(), ru = FloatBuffer(), dRu = FloatBuffer()
    let scoresBuffer = FloatBuffer(), dScores = FloatBuffer(), shift = FloatBuffer(), lossScratch = FloatBuffer()
    let gWU = FloatBuffer(), gBU = FloatBuffer(), gInput = FloatBuffer()
    var wySlots: SlotMap, inputSlots: SlotMap
    var columnSlot: [Int32] = []
    var inputSlot: [Int32] = []
    var y: [Int32] = []
    /// ln P0 and ln(P0^alpha) per item, for logQ.
    var lnP0: [Float], lnP0Alpha: [Float]
    var dropoutRNG: SeededGenerator
    /// The row-sparse tensors the optimizer updates (resolved once).
    let wySpec: TensorSpec, bySpec: TensorSpec, inputTableSpec: TensorSpec?

    /// A monotonic clock in nanoseconds; when set, ``profile`` accumulates phase times.
    /// (The library never reads the clock itself.)
    public var clock: (() -> UInt64)? = nil
    public var profile = StepProfile()
    private var mark: UInt64 = 0
    @inline(__always) private func lap(_ phase: WritableKeyPath<StepProfile, UInt64>) {
        guard let clock else { return }
        let now = clock()
        profile[keyPath: phase] += now - mark
        mark = now
    }

    /// Rows in the last step.
    public private(set) var rows = 0
    /// Normalised loss of the last step.
    public private(set) var lastLoss: Double = 0

    public init(model: GRU4RecModel, seed: UInt64? = nil) {
        self.model = model
        hp = model.hyperparameters
        layers = hp.layers
        maxRows = hp.batchSize
        nSample = hp.nSample
        optimizer = Optimizer(hyperparameters: hp, parameters: model.parameters)
        grads = ParameterStore(layout: model.parameters.specs.filter { $0.update == .dense }.map { ($0.name, $0.shape, $0.update) })
        let b = maxRows
        hidden = layers.map { FloatBuffer(b * $0) }
        hiddenNext = layers.map { FloatBuffer(b * $0) }
        cacheGates = layers.map { FloatBuffer(b * 3 * $0) }
        cacheCN = layers.map { FloatBuffer(b * $0) }
        preA = layers.map { FloatBuffer(b * 3 * $0) }
        preC = layers.map { FloatBuffer(b * 3 * $0) }
        hiddenMask = layers.map { FloatBuffer(b * $0) }
        dOut = layers.map { FloatBuffer(b * $0) }
        wySlots = SlotMap(itemCount: model.itemCount)
        inputSlots = SlotMap(itemCount: model.itemCount)
        lnP0 = model.itemSupport.map { logf(Float($0)) }
        let alpha = hp.sampleAlpha
        lnP0Alpha = model.itemSupport.map { logf(powf(Float($0), alpha)) }
        dropoutRNG = SeededGenerator(seed: (seed ?? hp.seed) ^ 0xD809_0D7A)
        let params = model.parameters
        guard let wy = params.spec("Wy.weight"), let by = params.spec("By.weight") else {
            preconditionFailure("a GRU4Rec model always has Wy.weight and By.weight")
        }
        wySpec = wy
        bySpec = by
        inputTableSpec = params.spec(hp.inputMode == .oneHot ? "GE.Wx0.weight" : "E.weight")
    }

    // MARK: Hidden state

    /// Sets the hidden state fed to the next step: zero for reset rows, otherwise
    /// the state that row `previousRow[k]` produced.
    public func prepareHidden(_ step: BatchStep) {
        rearrangeHiddenRows(step, layers: layers, hidden: &hidden, scratch: &hiddenNext)
    }

    /// Zeroes every row's hidden state (start of an epoch).
    public func resetHidden() {
        for l in 0..<layers.count { hidden[l].pointer.update(repeating: 0, count: maxRows * layers[l]) }
    }

    /// The hidden state of layer `l` (rows x H_l) as it stands (after the last step).
    public func hiddenState(layer l: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: hidden[l].pointer, count: rows * layers[l]))
    }

    /// Overwrites the current hidden state of layer `l` for `rows` rows.
    package func setHiddenState(layer l: Int, rows r: Int, _ values: [Float]) {
        precondition(values.count == r * layers[l])
        values.withUnsafeBufferPointer { hidden[l].pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    // MARK: The step

    /// Runs one training step on `step` with the given negatives (nSample ids).
    /// The hidden state must have been prepared with ``prepareHidden(_:)``.
    /// - Parameter update: apply the optimizer (false: compute loss and gradients only).
    @discardableResult
    public func run(_ step: BatchStep, negatives: UnsafePointer<Int32>, update: Bool = true) -> Double {
        let b = step.rows
        rows = b
        if let clock { mark = clock(); profile.steps += 1 }
        let s = nSample, n = b + s
        let l = model.outputSize
        let params = model.parameters
        let mode = model.inputMode
        let pWy = params["Wy.weight"], pBy = params["By.weight"]

        // Columns y = targets ++ negatives and their distinct slots.
        wySlots.clear()
        inputSlots.clear()
        if y.count < n { y = [Int32](repeating: 0, count: n); columnSlot = [Int32](repeating: 0, count: n) }
        for i in 0..<b { y[i] = step.target[i] }
        for j in 0..<s { y[b + j] = negatives[j] }
        for j in 0..<n { columnSlot[j] = wySlots.slot(for: y[j]) }
        let uy = wySlots.count
        if inputSlot.count < b { inputSlot = [Int32](repeating: 0, count: b) }
        switch mode {
        case .shared: for i in 0..<b { inputSlot[i] = wySlots.slot(for: step.input[i]) }
        case .separate, .oneHot: for i in 0..<b { inputSlot[i] = inputSlots.slot(for: step.input[i]) }
        }
        let u = wySlots.count

        // Gather Wy rows (all touched) and By (output rows).
        let w = wU.reserve(u * l), bias = bU.reserve(uy)
        wySlots.rows.withUnsafeBufferPointer { gatherRows(pWy, n: l, index: $0.baseAddress!, count: u, into: w) }
        for k in 0..<uy { bias[k] = pBy[Int(wySlots.rows[k])] }

        // Input embedding x0 (not in one-hot mode) with embedding dropout.
        let i0 = mode == .oneHot ? 0 : model.inputSize(ofLayer: 0)
        let x0p = x0.reserve(max(1, b * i0))
        switch mode {
        case .shared: for i in 0..<b { (x0p + i * i0).update(from: w + Int(inputSlot[i]) * l, count: l) }
        case .separate: for i in 0..<b { (x0p + i * i0).update(from: params["E.weight"] + Int(step.input[i]) * i0, count: i0) }
        case .oneHot: break
        }
        let pEmbed = hp.dropoutPEmbed, pHidden = hp.dropoutPHidden
        let embedWidth = mode == .oneHot ? layers[0] : i0
        if pEmbed > 0 {
            fillMask(embedMask.reserve(b * embedWidth), count: b * embedWidth, p: pEmbed)
            if mode != .oneHot { multiply(x0p, by: embedMask.pointer, count: b * i0) }
        }

        lap(\.gather)
        // GRU layers.
        for k in 0..<layers.count {
            let h = layers[k]
            let hIn = hidden[k].pointer, hOut = hiddenNext[k].pointer
            if k == 0 && mode == .oneHot {
                step.input.withUnsafeBufferPointer { xs in
                    gruEmbeddingForward(rows: b, hidden: h, items: xs.baseAddress!, h: hIn, w: geWeights(params), cache: geCache(b, h), hOut: hOut)
                }
                if pEmbed > 0 { multiply(hOut, by: embedMask.pointer, count: b * h) }
            } else {
                let input = k == 0 ? UnsafePointer(x0p) : UnsafePointer(hiddenNext[k - 1].pointer)
                gruCellForward(rows: b, input: model.inputSize(ofLayer: k), hidden: h, u: input, h: hIn,
                               w: cellWeights(params, k), cache: cellCache(k), hOut: hOut)
                if pHidden > 0 {
                    fillMask(hiddenMask[k].reserve(b * h), count: b * h, p: pHidden)
                    multiply(hOut, by: hiddenMask[k].pointer, count: b * h)
                }
            }
        }
        let hTop = hiddenNext[layers.count - 1].pointer
        lap(\.gruForward)

        // Scores over distinct output items, expanded to the reference's B x N matrix.
        let ruP = ru.reserve(b * uy)
        broadcastRows(bias, rows: b, n: uy, into: ruP, ld: uy)
        BLAS.gemm(transB: true, m: b, n: uy, k: l, a: hTop, lda: l, b: w, ldb: l, beta: 1, c: ruP, ldc: uy)
        let r = scoresBuffer.reserve(b * n)
        for i in 0..<b {
            let src = ruP + i * uy, dst = r + i * n
            for j in 0..<n { dst[j] = src[Int(columnSlot[j])] }
        }

        lap(\.scores)
        // Loss and dR.
        var shiftP: UnsafeMutablePointer<Float>? = nil
        if hp.loss == .crossEntropy && hp.logq > 0 {
            let sp = shift.reserve(n)
            let m = hp.batchSize  // the configured batch size splits the columns (FORMAT.md 5.2)
            for j in 0..<n { sp[j] = hp.logq * (j < m ? lnP0[Int(y[j])] : lnP0Alpha[Int(y[j])]) }
            shiftP = sp
        }
        let dR = dScores.reserve(b * n)
        let settings = LossSettings(kind: hp.loss, activation: hp.finalActivation, bpreg: hp.bpreg, normalizer: Float(hp.batchSize))
        lastLoss = lossAndGradient(settings, rows: b, columns: n, scores: r, ld: n, shift: shiftP, dR: dR, ldD: n,
                                   scratch: lossScratch.reserve(3 * n))

        lap(\.loss)
        // Backward: reduce dR to distinct columns.
        let dRuP = dRu.reserve(b * uy)
        dRuP.update(repeating: 0, count: b * uy)
        for i in 0..<b {
            let src = dR + i * n, dst = dRuP + i * uy
            for j in 0..<n { dst[Int(columnSlot[j])] += src[j] }
        }
        grads.zero()
        let gW = gWU.reserve(u * l), gB = gBU.reserve(uy)
        // Row gradients of Wy (output rows) and By.
        BLAS.gemm(transA: true, m: uy, n: l, k: b, a: dRuP, lda: uy, b: hTop, ldb: l, c: gW, ldc: l)
        if u > uy { (gW + uy * l).update(repeating: 0, count: (u - uy) * l) }
        gB.update(repeating: 0, count: uy)
        accumulateColumnSums(dRuP, rows: b, n: uy, ld: uy, into: gB)
        // dL/dh_top.
        let top = layers.count - 1
        let dTop = dOut[top].reserve(b * l)
        BLAS.gemm(m: b, n: l, k: uy, a: dRuP, lda: uy, b: w, ldb: l, c: dTop, ldc: l)

        lap(\.scoreBackward)
        // GRU layers in reverse.
        var inputRowGrad: UnsafeMutablePointer<Float>? = nil
        for k in stride(from: layers.count - 1, through: 0, by: -1) {
            let h = layers[k]
            let d = dOut[k].pointer
            let hIn = hidden[k].pointer
            if k == 0 && mode == .oneHot {
                if pEmbed > 0 { multiply(d, by: embedMask.pointer, count: b * h) }
                let rowsGrad = geDRows.reserve(b * 3 * h)
                gruEmbeddingBackward(rows: b, hidden: h, h: hIn, w: geWeights(params), grad: geWeights(grads),
                                     cache: geCache(b, h), dOut: d, dRows: rowsGrad, dH: nil,
                                     s1: geS1.reserve(b * 2 * h), s2: geS2.reserve(b * h))
                inputRowGrad = rowsGrad
            } else {
                if pHidden > 0 { multiply(d, by: hiddenMask[k].pointer, count: b * h) }
                let ik = model.inputSize(ofLayer: k)
                let dIn: UnsafeMutablePointer<Float> = k == 0 ? dX0.reserve(b * ik) : dOut[k - 1].reserve(b * ik)
                dIn.update(repeating: 0, count: b * ik)
                let input = k == 0 ? UnsafePointer(x0p) : UnsafePointer(hiddenNext[k - 1].pointer)
                gruCellBackward(rows: b, input: ik, hidden: h, u: input, h: hIn, w: cellWeights(params, k),
                                grad: cellWeights(grads, k), cache: cellCache(k), dOut: d, dU: dIn, dH: nil,
                                scratchA: preA[k].pointer, scratchC: preC[k].pointer)
                if k == 0 {
                    if pEmbed > 0 { multiply(dIn, by: embedMask.pointer, count: b * ik) }
                    inputRowGrad = dIn
                }
            }
        }

        lap(\.gruBackward)
        // Input-table row gradients (summed per distinct row).
        var sparse: [(TensorSpec, SparseRowGradient)] = []
        if mode == .shared, let g = inputRowGrad {
            for i in 0..<b {
                let dst = gW + Int(inputSlot[i]) * l, src = g + i * l
                for j in 0..<l { dst[j] += src[j] }
            }
        }
        let gIn: UnsafeMutablePointer<Float>?
        if mode != .shared, let g = inputRowGrad {
            let width = mode == .oneHot ? 3 * layers[0] : i0
            let buf = gInput.reserve(inputSlots.count * width)
            buf.update(repeating: 0, count: inputSlots.count * width)
            for i in 0..<b {
                let dst = buf + Int(inputSlot[i]) * width, src = g + i * width
                for j in 0..<width { dst[j] += src[j] }
            }
            gIn = buf
        } else { gIn = nil }

        if update {
            wySlots.rows.withUnsafeBufferPointer { wyRows in
                inputSlots.rows.withUnsafeBufferPointer { inRows in
                    sparse.append((wySpec, SparseRowGradient(rows: wyRows.baseAddress!, count: u, values: gW)))
                    sparse.append((bySpec, SparseRowGradient(rows: wyRows.baseAddress!, count: uy, values: gB)))
                    if let gIn, let spec = inputTableSpec {
                        sparse.append((spec, SparseRowGradient(rows: inRows.baseAddress!, count: inputSlots.count, values: gIn)))
                    }
                    if hp.gradClip > 0 { optimizer.clip(maxNorm: hp.gradClip, dense: grads, sparse: sparse) }
                    optimizer.step(parameters: params, dense: grads, sparse: sparse)
                }
            }
        }
        lap(\.optimizer)
        // The produced state becomes the current state.
        for k in 0..<layers.count { swap(&hidden[k], &hiddenNext[k]) }
        return lastLoss
    }

    // MARK: Introspection for parity tests

    /// Sets the row count of the current hidden state (restoring a checkpoint).
    package func restoreRows(_ r: Int) { rows = r }

    /// The dropout generator (tests fix it to reuse one mask across evaluations).
    package var dropoutState: SeededGenerator {
        get { dropoutRNG }
        set { dropoutRNG = newValue }
    }

    /// The score matrix R (rows x (rows + nSample)) of the last step, before logQ / activation.
    package var lastScores: [Float] { Array(UnsafeBufferPointer(start: scoresBuffer.pointer, count: rows * (rows + nSample))) }

    /// Dense gradient of a parameter after the last step (row-sparse ones densified).
    package func lastGradient(_ name: String) -> [Float] {
        if let s = grads.spec(name) { return Array(UnsafeBufferPointer(start: grads.pointer(s), count: s.count)) }
        guard let spec = model.parameters.spec(name) else { return [] }
        var out = [Float](repeating: 0, count: spec.count)
        let len = spec.rowLength
        func scatter(_ rows: [Int32], _ values: UnsafePointer<Float>, count: Int) {
            for k in 0..<count { for j in 0..<len { out[Int(rows[k]) * len + j] += values[k * len + j] } }
        }
        switch name {
        case "Wy.weight": scatter(wySlots.rows, gWU.pointer, count: wySlots.count)
        case "By.weight": scatter(wySlots.rows, gBU.pointer, count: Set(columnSlot.prefix(rows + nSample)).count)
        default: scatter(inputSlots.rows, gInput.pointer, count: inputSlots.count)
        }
        return out
    }

    /// Sorted distinct rows of a row-sparse parameter updated by the last step.
    package func touchedRows(_ name: String) -> [Int] {
        switch name {
        case "Wy.weight": return wySlots.rows.map(Int.init).sorted()
        case "By.weight": return Set(y.prefix(rows + nSample).map(Int.init)).sorted()
        default: return inputSlots.rows.map(Int.init).sorted()
        }
    }

    // MARK: Helpers

    private func fillMask(_ m: UnsafeMutablePointer<Float>, count: Int, p: Float) {
        let scale = 1 / (1 - p)
        for i in 0..<count { m[i] = dropoutRNG.nextUnitFloat() < p ? 0 : scale }
    }

    @inline(__always)
    private func multiply(_ x: UnsafeMutablePointer<Float>, by m: UnsafePointer<Float>, count: Int) {
        for i in 0..<count { x[i] *= m[i] }
    }

    private func cellWeights(_ store: ParameterStore, _ k: Int) -> GRUCellWeights {
        GRUCellWeights(wIH: store["G.\(k).weight_ih"], wHH: store["G.\(k).weight_hh"], bIH: store["G.\(k).bias_ih"], bHH: store["G.\(k).bias_hh"])
    }

    private func cellCache(_ k: Int) -> GRUCellCache {
        GRUCellCache(gates: cacheGates[k].pointer, cN: cacheCN[k].pointer, preA: preA[k].pointer, preC: preC[k].pointer)
    }

    private func geWeights(_ store: ParameterStore) -> GRUEmbeddingWeights {
        GRUEmbeddingWeights(wx0: store.contains("GE.Wx0.weight") ? store["GE.Wx0.weight"] : store.base,
                            wrz0: store["GE.Wrz0"], wh0: store["GE.Wh0"], bh0: store["GE.Bh0"])
    }

    private func geCache(_ b: Int, _ h: Int) -> GRUEmbeddingCache {
        GRUEmbeddingCache(v: geV.reserve(b * 3 * h), w: geW.reserve(b * 2 * h), rh: geRH.reserve(b * h), cand: geCand.reserve(b * h))
    }
}
