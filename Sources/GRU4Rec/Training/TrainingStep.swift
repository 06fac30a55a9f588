import Foundation

/// A growable scratch buffer, allocated once and reused (no allocation in the hot loop).
final class ScratchBuffer<Element: Numeric> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int
    init(_ capacity: Int = 16) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }
    deinit { pointer.deallocate() }
    /// Ensures room for `n` elements (contents are lost when it grows).
    @discardableResult
    func reserve(_ n: Int) -> UnsafeMutablePointer<Element> {
        if n > capacity {
            pointer.deallocate()
            capacity = n
            pointer = .allocate(capacity: n)
            pointer.initialize(repeating: 0, count: n)
        }
        return pointer
    }
}

typealias FloatBuffer = ScratchBuffer<Float>
typealias DoubleBuffer = ScratchBuffer<Double>

/// Maps item indices to dense slots for one step (the distinct rows of a
/// row-sparse parameter that the step touches). Raw storage, allocated once.
final class SlotMap {
    private let slot: UnsafeMutablePointer<Int32>
    /// The distinct items in slot order (`count` of them).
    let rowsPointer: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    let itemCount: Int
    init(itemCount: Int) {
        self.itemCount = itemCount
        slot = .allocate(capacity: max(1, itemCount))
        slot.initialize(repeating: -1, count: max(1, itemCount))
        rowsPointer = .allocate(capacity: max(1, itemCount))
        rowsPointer.initialize(repeating: 0, count: max(1, itemCount))
    }
    deinit { slot.deallocate(); rowsPointer.deallocate() }
    /// Assigns slots to `n` items (new items get the next slots) and writes each one's slot.
    func assign(_ items: UnsafePointer<Int32>, count n: Int, slots out: UnsafeMutablePointer<Int32>) {
        var c = count
        let slot = self.slot, rows = rowsPointer
        for j in 0..<n {
            let item = Int(items[j])
            var s = slot[item]
            if s < 0 {
                s = Int32(c)
                slot[item] = s
                rows[c] = Int32(item)
                c += 1
            }
            out[j] = s
        }
        count = c
    }
    /// The distinct items in slot order.
    var rows: [Int32] { Array(UnsafeBufferPointer(start: rowsPointer, count: count)) }
    func clear() {
        for k in 0..<count { slot[Int(rowsPointer[k])] = -1 }
        count = 0
    }
}

/// Time spent in each phase of training steps, when a clock is injected (benchmarks).
public struct StepProfile: Sendable {
    public var gather: UInt64 = 0, gruForward: UInt64 = 0, scores: UInt64 = 0, loss: UInt64 = 0
    public var scoreBackward: UInt64 = 0, gruBackward: UInt64 = 0, optimizer: UInt64 = 0
    public var steps = 0
    /// Sum over the steps of the distinct output items scored (the score columns computed).
    public var distinctColumns = 0
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
    let hiddenMask: [FloatBuffer]
    /// The masks' storage (sized for the configured batch at init, never reallocated).
    let hiddenMaskPointers: [UnsafeMutablePointer<Float>]
    var dOut: [FloatBuffer]
    let x0 = FloatBuffer(), dX0 = FloatBuffer(), embedMask = FloatBuffer()
    // One-hot layer caches.
    let geV = FloatBuffer(), geW = FloatBuffer(), geRH = FloatBuffer(), geCand = FloatBuffer(), geDRows = FloatBuffer()
    let geS1 = FloatBuffer(), geS2 = FloatBuffer()
    // Scores.
    let wU = FloatBuffer(), bU = FloatBuffer(), ru = FloatBuffer(), dRu = FloatBuffer()
    let scoresBuffer = FloatBuffer(), dScores = FloatBuffer(), shift = FloatBuffer(), lossScratch = FloatBuffer()
    let rowLosses = DoubleBuffer(), dTopHalf = FloatBuffer()
    let gWU = FloatBuffer(), gBU = FloatBuffer(), gInput = FloatBuffer()
    let wySlots: SlotMap, inputSlots: SlotMap
    /// Per column: its item (y = targets ++ negatives) and slot; per row: the input's slot.
    let y = ScratchBuffer<Int32>(), columnSlot = ScratchBuffer<Int32>(), inputSlot = ScratchBuffer<Int32>()
    /// ln P0 and ln(P0^alpha) per item, for logQ.
    let lnP0 = FloatBuffer(), lnP0Alpha = FloatBuffer()
    /// The step's input items (a copy: parallel parts read it through a pointer).
    let inputItems = ScratchBuffer<Int32>()
    var dropoutRNG: SeededGenerator
    /// The row-sparse tensors the optimizer updates (resolved once).
    let wySpec: TensorSpec, bySpec: TensorSpec, inputTableSpec: TensorSpec?

    /// A monotonic clock in nanoseconds; when set, ``profile`` accumulates phase times.
    /// (The step itself never reads the clock; the trainer and the evaluator time whole
    /// epochs and passes for their reports.)
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
        hiddenMaskPointers = hiddenMask.map(\.pointer)
        dOut = layers.map { FloatBuffer(b * $0) }
        wySlots = SlotMap(itemCount: model.itemCount)
        inputSlots = SlotMap(itemCount: model.itemCount)
        let support = model.itemSupport
        let lnP0P = lnP0.reserve(support.count), lnP0AlphaP = lnP0Alpha.reserve(support.count)
        let alpha = hp.sampleAlpha
        for (i, c) in support.enumerated() {
            lnP0P[i] = logf(Float(c))
            lnP0AlphaP[i] = logf(powf(Float(c), alpha))
        }
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
    ///
    /// The work is split in two parts at every stage (``Parallel``): rows of the
    /// gathered tables, the two GRU products, score columns, loss rows, the
    /// backward products' output rows, optimizer rows. The split is the same with
    /// one thread or two, so results do not depend on the thread count.
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
        let yP = y.reserve(n), colSlotP = columnSlot.reserve(n), inSlot = inputSlot.reserve(b)
        let inputIDs = inputItems.reserve(b)
        step.input.withUnsafeBufferPointer { inputIDs.update(from: $0.baseAddress!, count: b) }
        step.target.withUnsafeBufferPointer { yP.update(from: $0.baseAddress!, count: b) }
        (yP + b).update(from: negatives, count: s)
        wySlots.assign(yP, count: n, slots: colSlotP)
        let uy = wySlots.count
        if clock != nil { profile.distinctColumns += uy }
        switch mode {
        case .shared: wySlots.assign(inputIDs, count: b, slots: inSlot)
        case .separate, .oneHot: inputSlots.assign(inputIDs, count: b, slots: inSlot)
        }
        let u = wySlots.count

        // Buffers (reserved before any parallel part uses them).
        let w = wU.reserve(u * l), bias = bU.reserve(uy)
        let i0 = mode == .oneHot ? 0 : model.inputSize(ofLayer: 0)
        let x0p = x0.reserve(max(1, b * i0))
        let pEmbed = hp.dropoutPEmbed, pHidden = hp.dropoutPHidden
        let embedWidth = mode == .oneHot ? layers[0] : i0
        let embedMaskP = embedMask.reserve(b * embedWidth)
        let hiddenMaskP = hiddenMaskPointers
        let ruP = ru.reserve(b * uy)
        let r = scoresBuffer.reserve(b * n)
        let dR = dScores.reserve(b * n)
        let dRuP = dRu.reserve(b * uy)
        let gW = gWU.reserve(u * l), gB = gBU.reserve(uy)
        let top = layers.count - 1
        let dTop = dOut[top].reserve(b * l)
        let scratchLength = 3 * n
        let scratch = lossScratch.reserve(2 * scratchLength)
        let rowLoss = rowLosses.reserve(b)
        let useShift = hp.loss == .crossEntropy && hp.logq > 0
        let shiftP = shift.reserve(n)

        // Gather Wy rows (all touched) and By (output rows); the input embedding x0
        // (not in one-hot mode) with embedding dropout.
        let wyRows = UnsafePointer(wySlots.rowsPointer)
        let pE: UnsafeMutablePointer<Float>? = mode == .separate ? params["E.weight"] : nil
        Parallel.run { part in
            let rowsU = Parallel.half(u, part: part)
            gatherRows(pWy, n: l, index: wyRows + rowsU.lowerBound, count: rowsU.count, into: w + rowsU.lowerBound * l)
            for k in Parallel.half(uy, part: part) { bias[k] = pBy[Int(wyRows[k])] }
            if part == 0 {
                for i in 0..<b {
                    let dst = x0p + i * i0
                    switch mode {
                    case .shared: dst.update(from: pWy + Int(inputIDs[i]) * l, count: l)
                    case .separate: if let pE { dst.update(from: pE + Int(inputIDs[i]) * i0, count: i0) }
                    case .oneHot: break
                    }
                }
            } else {
                // Dropout masks, drawn in the order of the layers (one random stream).
                if pEmbed > 0 { fillMask(embedMaskP, count: b * embedWidth, p: pEmbed) }
                if pHidden > 0 {
                    for k in 0..<layers.count where !(k == 0 && mode == .oneHot) {
                        fillMask(hiddenMaskP[k], count: b * layers[k], p: pHidden)
                    }
                }
            }
        }

        lap(\.gather)
        // GRU layers.
        for k in 0..<layers.count {
            let h = layers[k]
            let hIn = hidden[k].pointer, hOut = hiddenNext[k].pointer
            if k == 0 && mode == .oneHot {
                gruEmbeddingForward(rows: b, hidden: h, items: inputIDs, h: hIn, w: geWeights(params), cache: geCache(b, h), hOut: hOut)
                if pEmbed > 0 { Self.multiply(hOut, by: embedMaskP, count: b * h) }
            } else {
                let input = k == 0 ? UnsafePointer(x0p) : UnsafePointer(hiddenNext[k - 1].pointer)
                let ik = model.inputSize(ofLayer: k)
                let weights = cellWeights(params, k), cache = cellCache(k)
                let mask = hiddenMaskP[k]
                Parallel.run { part in
                    if k == 0 && part == 0 && pEmbed > 0 { Self.multiply(x0p, by: embedMaskP, count: b * i0) }
                    gruCellForwardProduct(part: part, rows: b, input: ik, hidden: h, u: input, h: hIn, w: weights, cache: cache)
                }
                Parallel.run { part in
                    let rowsB = Parallel.half(b, part: part)
                    gruCellForwardGates(rowsB, hidden: h, h: hIn, cache: cache, hOut: hOut)
                    if pHidden > 0 {
                        Self.multiply(hOut + rowsB.lowerBound * h, by: mask + rowsB.lowerBound * h, count: rowsB.count * h)
                    }
                }
            }
        }
        let hTop = UnsafePointer(hiddenNext[top].pointer)
        lap(\.gruForward)

        // Scores over distinct output items (column halves); the logQ shift.
        let lnP0P = lnP0.pointer, lnP0AlphaP = lnP0Alpha.pointer
        let logq = hp.logq, m = hp.batchSize  // the configured batch size splits the columns (GRU4Rec.md, Loss normalisation)
        Parallel.run { part in
            let cols = Parallel.half(uy, part: part, align: 8)
            if !cols.isEmpty {
                for i in 0..<b { (ruP + i * uy + cols.lowerBound).update(from: bias + cols.lowerBound, count: cols.count) }
                BLAS.gemm(transB: true, m: b, n: cols.count, k: l, a: hTop, lda: l, b: w + cols.lowerBound * l, ldb: l,
                          beta: 1, c: ruP + cols.lowerBound, ldc: uy)
            }
            if useShift {
                for j in Parallel.half(n, part: part) {
                    shiftP[j] = logq * (j < m ? lnP0P[Int(yP[j])] : lnP0AlphaP[Int(yP[j])])
                }
            }
        }

        lap(\.scores)
        // Per row: the reference's B x N score row, its loss and dR, and dR summed
        // over the columns of each distinct item.
        let settings = LossSettings(kind: hp.loss, activation: hp.finalActivation, bpreg: hp.bpreg, normalizer: Float(hp.batchSize))
        Parallel.run { part in
            let sc = scratch + part * scratchLength
            for i in Parallel.half(b, part: part) {
                let src = ruP + i * uy, dst = r + i * n
                for j in 0..<n { dst[j] = src[Int(colSlotP[j])] }
                let grad = dR + i * n
                rowLoss[i] = lossRow(settings, row: i, columns: n, scores: dst, shift: useShift ? UnsafePointer(shiftP) : nil,
                                     grad: grad, scratch: sc)
                let red = dRuP + i * uy
                red.update(repeating: 0, count: uy)
                for j in 0..<n { red[Int(colSlotP[j])] += grad[j] }
            }
        }
        var total = 0.0
        for i in 0..<b { total += rowLoss[i] }
        lastLoss = total / Double(settings.normalizer)

        lap(\.loss)
        // Backward: each part takes half of the distinct items: their Wy and By row
        // gradients, and their share of dL/dh_top (a partial product over its columns;
        // the two partials are added in a fixed order); and zeroes half of the dense
        // gradients.
        let gradsBase = grads.base, gradsCount = grads.count
        let dTopPartial = dTopHalf.reserve(b * l)
        Parallel.run { part in
            let cols = Parallel.half(uy, part: part, align: 8)
            BLAS.gemm(transA: true, m: cols.count, n: l, k: b, a: dRuP + cols.lowerBound, lda: uy, b: hTop, ldb: l,
                      c: gW + cols.lowerBound * l, ldc: l)
            (gB + cols.lowerBound).update(repeating: 0, count: cols.count)
            accumulateColumnSums(dRuP + cols.lowerBound, rows: b, n: cols.count, ld: uy, into: gB + cols.lowerBound)
            if part == 1 && u > uy { (gW + uy * l).update(repeating: 0, count: (u - uy) * l) }
            BLAS.gemm(m: b, n: l, k: cols.count, a: dRuP + cols.lowerBound, lda: uy, b: w + cols.lowerBound * l, ldb: l,
                      c: part == 0 ? dTop : dTopPartial, ldc: l)
            let z = Parallel.half(gradsCount, part: part, align: 16)
            (gradsBase + z.lowerBound).update(repeating: 0, count: z.count)
        }
        // (dTop += dTopPartial happens row by row where the GRU backward starts.)

        lap(\.scoreBackward)
        // GRU layers in reverse.
        var inputRowGrad: UnsafeMutablePointer<Float>? = nil
        for k in stride(from: layers.count - 1, through: 0, by: -1) {
            let h = layers[k]
            let d = dOut[k].pointer
            let hIn = hidden[k].pointer
            if k == 0 && mode == .oneHot {
                if k == top { for j in 0..<(b * h) { d[j] += dTopPartial[j] } }
                if pEmbed > 0 { Self.multiply(d, by: embedMaskP, count: b * h) }
                let rowsGrad = geDRows.reserve(b * 3 * h)
                gruEmbeddingBackward(rows: b, hidden: h, h: hIn, w: geWeights(params), grad: geWeights(grads),
                                     cache: geCache(b, h), dOut: d, dRows: rowsGrad, dH: nil,
                                     s1: geS1.reserve(b * 2 * h), s2: geS2.reserve(b * h))
                inputRowGrad = rowsGrad
            } else {
                let ik = model.inputSize(ofLayer: k)
                let dIn: UnsafeMutablePointer<Float> = k == 0 ? dX0.reserve(b * ik) : dOut[k - 1].reserve(b * ik)
                let input = k == 0 ? UnsafePointer(x0p) : UnsafePointer(hiddenNext[k - 1].pointer)
                let weights = cellWeights(params, k), gradients = cellWeights(grads, k), cache = cellCache(k)
                let mask = hiddenMaskP[k]
                let sA = preA[k].pointer, sC = preC[k].pointer
                Parallel.run { part in
                    let rowsB = Parallel.half(b, part: part)
                    if k == top {
                        for j in (rowsB.lowerBound * h)..<(rowsB.upperBound * h) { d[j] += dTopPartial[j] }
                    }
                    if pHidden > 0 {
                        Self.multiply(d + rowsB.lowerBound * h, by: mask + rowsB.lowerBound * h, count: rowsB.count * h)
                    }
                    gruCellBackwardGates(rowsB, hidden: h, h: hIn, cache: cache, dOut: d, scratchA: sA, scratchC: sC)
                    (dIn + rowsB.lowerBound * ik).update(repeating: 0, count: rowsB.count * ik)
                }
                Parallel.run { part in
                    gruCellBackwardProducts(part: part, rows: b, input: ik, hidden: h, u: input, h: hIn, w: weights,
                                            grad: gradients, dU: dIn, scratchA: sA, scratchC: sC)
                    if k == 0 && pEmbed > 0 {
                        let rowsB = Parallel.half(b, part: part)
                        Self.multiply(dIn + rowsB.lowerBound * ik, by: embedMaskP + rowsB.lowerBound * ik, count: rowsB.count * ik)
                    }
                }
                if k == 0 { inputRowGrad = dIn }
            }
        }

        lap(\.gruBackward)
        // Input-table row gradients (summed per distinct row, in row order). In
        // shared mode they add onto the Wy rows; each part takes the rows the
        // optimizer gives it, so the sum can run just before that part's update.
        var sparse: [(TensorSpec, SparseRowGradient)] = []
        var addInputRows: ((Int) -> Void)? = nil
        if mode == .shared, let g = inputRowGrad {
            addInputRows = { part in
                for i in 0..<b {
                    let slot = Int(inSlot[i])
                    guard Optimizer.part(ofRow: wyRows[slot]) == part else { continue }
                    let dst = gW + slot * l, src = g + i * l
                    for j in 0..<l { dst[j] += src[j] }
                }
            }
        }
        let gIn: UnsafeMutablePointer<Float>?
        if mode != .shared, let g = inputRowGrad {
            let width = mode == .oneHot ? 3 * layers[0] : i0
            let buf = gInput.reserve(inputSlots.count * width)
            buf.update(repeating: 0, count: inputSlots.count * width)
            for i in 0..<b {
                let dst = buf + Int(inSlot[i]) * width, src = g + i * width
                for j in 0..<width { dst[j] += src[j] }
            }
            gIn = buf
        } else { gIn = nil }

        if update {
            sparse.append((wySpec, SparseRowGradient(rows: wyRows, count: u, values: gW)))
            sparse.append((bySpec, SparseRowGradient(rows: wyRows, count: uy, values: gB)))
            if let gIn, let spec = inputTableSpec {
                sparse.append((spec, SparseRowGradient(rows: inputSlots.rowsPointer, count: inputSlots.count, values: gIn)))
            }
            if hp.gradClip > 0 {
                if let addInputRows { Parallel.run(addInputRows) }
                optimizer.clip(maxNorm: hp.gradClip, dense: grads, sparse: sparse)
                optimizer.step(parameters: params, dense: grads, sparse: sparse)
            } else {
                optimizer.step(parameters: params, dense: grads, sparse: sparse, beforeEachPart: addInputRows)
            }
        } else if let addInputRows {
            Parallel.run(addInputRows)
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
        case "By.weight": scatter(wySlots.rows, gBU.pointer, count: Set(UnsafeBufferPointer(start: columnSlot.pointer, count: rows + nSample)).count)
        default: scatter(inputSlots.rows, gInput.pointer, count: inputSlots.count)
        }
        return out
    }

    /// Sorted distinct rows of a row-sparse parameter updated by the last step.
    package func touchedRows(_ name: String) -> [Int] {
        switch name {
        case "Wy.weight": return wySlots.rows.map(Int.init).sorted()
        case "By.weight": return Set(UnsafeBufferPointer(start: y.pointer, count: rows + nSample).map(Int.init)).sorted()
        default: return inputSlots.rows.map(Int.init).sorted()
        }
    }

    // MARK: Helpers

    private func fillMask(_ m: UnsafeMutablePointer<Float>, count: Int, p: Float) {
        let scale = 1 / (1 - p)
        var rng = dropoutRNG  // a local copy: no access checks on the property per draw
        for i in 0..<count { m[i] = rng.nextUnitFloat() < p ? 0 : scale }
        dropoutRNG = rng
    }

    @inline(__always)
    private static func multiply(_ x: UnsafeMutablePointer<Float>, by m: UnsafePointer<Float>, count: Int) {
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
