import Foundation

/// One session-parallel training step of GRU4Rec: wiring over the layers' kernels, each a
/// forward/backward pair in `Kernels/` that inference runs too (llm.c's `gpt2_forward` /
/// `gpt2_backward`):
///
///     setup       gather the Wy and By rows of the step's distinct items, draw the dropout
///                 masks, the logQ shift, zero the gradients            (one fork-join)
///     forward     embeddingForward (shared, separate) -> per layer gruCellForward, or in
///                 one-hot mode gruEmbeddingForward for layer 0 -> outputScoresForward ->
///                 outputLoss
///     backward    outputScoresBackward -> the layers in reverse -> embeddingBackward
///     update      the optimizer, dense tensors and the rows the step touched
///
/// The parameters are resolved once at init (``ParameterTensors``), the activations live
/// in one arena (``TrainingActivations``). Every kernel splits its work in two parts the
/// same way with one thread or two (over ``parallelism``, given by the trainer), so results
/// do not depend on the thread count. Scores are computed over the DISTINCT items of y = targets ++ negatives
/// (Kernels/OutputLayer.swift).
public final class TrainingStep {
    public let model: GRU4RecModel
    let hp: Hyperparameters
    let layers: [Int]
    let maxRows: Int
    let nSample: Int
    public let optimizer: Optimizer
    /// The threads every kernel of the step splits its work over (given at init).
    public let parallelism: Parallelism
    /// Dense gradients (only the dense tensors; the item tables' row gradients are in `act`).
    let grads: ParameterStore
    /// Views of the parameters and of `grads`, resolved once.
    let params: ParameterTensors, gradients: ParameterTensors
    /// Activations and scratch, one arena sized at init.
    let act: TrainingActivations
    // Hidden state: current (fed into the step) and next (produced by it), per layer, (maxRows x H_k).
    var hidden: [FloatBuffer]
    var hiddenNext: [FloatBuffer]
    let wySlots: SlotMap, inputSlots: SlotMap
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

    public init(model: GRU4RecModel, parallelism: Parallelism, seed: UInt64? = nil) {
        self.model = model
        self.parallelism = parallelism
        hp = model.hyperparameters
        layers = hp.layers
        maxRows = hp.batchSize
        nSample = hp.nSample
        optimizer = Optimizer(hyperparameters: hp, parameters: model.parameters)
        grads = ParameterStore(layout: model.parameters.specs.filter { $0.update == .dense }.map { ($0.name, $0.shape, $0.update) })
        params = ParameterTensors(model.parameters, layers: layers.count, mode: model.inputMode)
        gradients = ParameterTensors(grads, layers: layers.count, mode: model.inputMode)
        act = TrainingActivations(model: model)
        let b = maxRows
        hidden = layers.map { FloatBuffer(b * $0) }
        hiddenNext = layers.map { FloatBuffer(b * $0) }
        wySlots = SlotMap(itemCount: model.itemCount)
        inputSlots = SlotMap(itemCount: model.itemCount)
        dropoutRNG = SeededGenerator(seed: (seed ?? hp.seed) ^ 0xD809_0D7A)
        let store = model.parameters
        guard let wy = store.spec("Wy.weight"), let by = store.spec("By.weight") else {
            preconditionFailure("a GRU4Rec model always has Wy.weight and By.weight")
        }
        wySpec = wy
        bySpec = by
        inputTableSpec = store.spec(hp.inputMode == .oneHot ? "GE.Wx0.weight" : "E.weight")
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
        values.withUnsafeBufferPointer { if let v = $0.baseAddress { hidden[l].pointer.update(from: v, count: values.count) } }
    }

    // MARK: The step

    /// Runs one training step on `step` with the given negatives (nSample ids).
    /// The hidden state must have been prepared with ``prepareHidden(_:)``.
    /// - Parameter update: apply the optimizer (false: compute loss and gradients only).
    @discardableResult
    public func run(_ step: BatchStep, negatives: UnsafePointer<Int32>, update: Bool = true) -> Double {
        let b = step.rows
        precondition(b <= maxRows, "a step of \(b) rows for a batch size of \(maxRows)")
        rows = b
        if let clock { mark = clock(); profile.steps += 1 }
        let s = nSample, n = b + s
        let l = model.outputSize
        let mode = model.inputMode
        let act = self.act, top = layers.count - 1
        guard let pWy = params.outputWeights, let pBy = params.outputBias, let table = params.inputTable else {
            preconditionFailure("a GRU4Rec model always has Wy, By and an input table")
        }

        // Columns y = targets ++ negatives and their distinct slots (inputs too: shared mode
        // reads the input rows from Wy, so they share its slots).
        wySlots.clear()
        inputSlots.clear()
        let yP = act.y, inSlot = act.inputSlot, inputIDs = act.inputItems
        step.input.withUnsafeBufferPointer { if let p = $0.baseAddress { inputIDs.update(from: p, count: b) } }
        step.target.withUnsafeBufferPointer { if let p = $0.baseAddress { yP.update(from: p, count: b) } }
        (yP + b).update(from: negatives, count: s)
        wySlots.assign(yP, count: n, slots: act.columnSlot)
        let uy = wySlots.count
        if clock != nil { profile.distinctColumns += uy }
        switch mode {
        case .shared: wySlots.assign(inputIDs, count: b, slots: inSlot)
        case .separate, .oneHot: inputSlots.assign(inputIDs, count: b, slots: inSlot)
        }
        let u = wySlots.count
        let i0 = mode == .oneHot ? 0 : model.inputSize(ofLayer: 0)

        // Setup (one fork-join): both parts gather half of the Wy rows and By values, take
        // half of the logQ shift and zero half of the gradients the backward pass
        // accumulates into (the dense ones and By's rows; Wy's rows of input-only items and
        // the input table's rows on one part each: this is the step's only zero_grad);
        // part 0 gathers the input embedding; part 1 draws the dropout masks, in the order
        // of the layers (one random stream).
        let pEmbed = hp.dropoutPEmbed, pHidden = hp.dropoutPHidden
        let embedWidth = mode == .oneHot ? layers[0] : i0, inputWidth = mode == .oneHot ? 3 * layers[0] : i0
        let wyRows = UnsafePointer(wySlots.rowsPointer)
        let useShift = hp.loss.usesLogq && hp.logq > 0
        let logq = hp.logq, m = hp.batchSize  // the configured batch size splits the columns (GRU4Rec.md, Loss normalisation)
        let gradsBase = grads.base, gradsCount = grads.count
        parallelism.run { part in
            let rowsU = Parallelism.half(u, part: part)
            gatherRows(pWy, n: l, index: wyRows + rowsU.lowerBound, count: rowsU.count, into: act.w + rowsU.lowerBound * l)
            let rowsUy = Parallelism.half(uy, part: part)
            for k in rowsUy { act.bias[k] = pBy[Int(wyRows[k])] }
            if useShift {
                for j in Parallelism.half(n, part: part) {
                    act.shift[j] = logq * (j < m ? act.lnP0[Int(yP[j])] : act.lnP0Alpha[Int(yP[j])])
                }
            }
            let z = Parallelism.half(gradsCount, part: part, align: 16)
            (gradsBase + z.lowerBound).update(repeating: 0, count: z.count)
            (act.gB + rowsUy.lowerBound).update(repeating: 0, count: rowsUy.count)
            if part == 0 {
                if mode != .oneHot { embeddingForward(table: table, width: i0, items: inputIDs, rows: b, out: act.x0) }
                if mode != .shared { act.gInput.update(repeating: 0, count: inputSlots.count * inputWidth) }
            } else {
                if u > uy { (act.gW + uy * l).update(repeating: 0, count: (u - uy) * l) }
                if pEmbed > 0 { fillMask(act.embedMask, count: b * embedWidth, p: pEmbed) }
                if pHidden > 0 {
                    for k in 0..<layers.count where !(k == 0 && mode == .oneHot) {
                        fillMask(act.hiddenMask[k], count: b * layers[k], p: pHidden)
                    }
                }
            }
        }
        lap(\.gather)

        // Forward through the GRU layers.
        for k in 0..<layers.count {
            let h = layers[k], hIn = hidden[k].pointer, hOut = hiddenNext[k].pointer
            if let cell = params.cells[k] {
                let input = k == 0 ? act.x0 : hiddenNext[k - 1].pointer
                gruCellForward(parallelism: parallelism, rows: b, input: model.inputSize(ofLayer: k), hidden: h, u: input, h: hIn, w: cell,
                               cache: act.cellCache(k), hOut: hOut, dropout: dropout(k))
            } else if let cell = params.embeddingCell {
                gruEmbeddingForward(rows: b, hidden: h, items: inputIDs, table: table, h: hIn, w: cell,
                                    cache: act.embeddingCellCache, hOut: hOut, outputMask: dropout(k).output)
            }
        }
        let hTop = UnsafePointer(hiddenNext[top].pointer)
        lap(\.gruForward)

        // Scores over the distinct output items, then the loss.
        outputScoresForward(parallelism: parallelism, rows: b, columns: uy, width: l, hTop: hTop, w: act.w, bias: act.bias, scores: act.ru)
        lap(\.scores)
        let settings = LossSettings(kind: hp.loss, activation: hp.finalActivation, bpreg: hp.bpreg, normalizer: Float(hp.batchSize))
        lastLoss = outputLoss(settings, parallelism: parallelism, rows: b, columns: n, distinct: uy, columnSlot: act.columnSlot, scores: act.ru,
                              shift: useShift ? UnsafePointer(act.shift) : nil, r: act.scores, dR: act.dScores,
                              dRu: act.dRu, rowLoss: act.rowLoss, scratch: act.lossScratch)
        lap(\.loss)

        // Backward, in exact reverse.
        outputScoresBackward(parallelism: parallelism, rows: b, columns: uy, width: l, hTop: hTop, w: act.w, dRu: act.dRu, gW: act.gW, gB: act.gB,
                             dTop: act.dOut[top], dTopPartial: act.dTopPartial)
        lap(\.scoreBackward)
        for k in stride(from: top, through: 0, by: -1) {
            let h = layers[k], hIn = hidden[k].pointer
            let addend: UnsafePointer<Float>? = k == top ? UnsafePointer(act.dTopPartial) : nil
            if let cell = params.cells[k], let cellGrad = gradients.cells[k] {
                let ik = model.inputSize(ofLayer: k)
                let input = k == 0 ? act.x0 : hiddenNext[k - 1].pointer
                gruCellBackward(parallelism: parallelism, rows: b, input: ik, hidden: h, u: input, h: hIn, w: cell, grad: cellGrad, cache: act.cellCache(k),
                                dOut: act.dOut[k], dOutAddend: addend, dropout: dropout(k),
                                dU: k == 0 ? act.dX0 : act.dOut[k - 1], dH: nil, scratchA: act.preA[k], scratchC: act.preC[k])
            } else if let cell = params.embeddingCell, let cellGrad = gradients.embeddingCell {
                gruEmbeddingBackward(rows: b, hidden: h, h: hIn, w: cell, grad: cellGrad, cache: act.embeddingCellCache,
                                     dOut: act.dOut[k], dOutAddend: addend, outputMask: dropout(k).output,
                                     dRows: act.geDRows, dH: nil, s1: act.geS1, s2: act.geS2)
            }
        }
        lap(\.gruBackward)

        // The input table's row gradients, summed per distinct row in row order. In shared
        // mode they add onto the Wy rows; each part of the optimizer sums the rows it owns
        // just before updating them.
        let dInput = mode == .oneHot ? UnsafePointer(act.geDRows) : UnsafePointer(act.dX0)
        var addInputRows: ((Int) -> Void)? = nil
        if mode == .shared {
            addInputRows = { part in
                embeddingBackward(rows: b, width: l, slots: inSlot, dOut: dInput, into: act.gW,
                                  include: { Optimizer.part(ofRow: wyRows[$0]) == part })
            }
        } else {
            embeddingBackward(rows: b, width: inputWidth, slots: inSlot, dOut: dInput, into: act.gInput)
        }

        if update {
            var sparse: [(TensorSpec, SparseRowGradient)] = [
                (wySpec, SparseRowGradient(rows: wyRows, count: u, values: act.gW)),
                (bySpec, SparseRowGradient(rows: wyRows, count: uy, values: act.gB)),
            ]
            if mode != .shared, let spec = inputTableSpec {
                sparse.append((spec, SparseRowGradient(rows: inputSlots.rowsPointer, count: inputSlots.count, values: act.gInput)))
            }
            if hp.gradClip > 0 {
                if let addInputRows { parallelism.run(addInputRows) }
                optimizer.clip(maxNorm: hp.gradClip, dense: grads, sparse: sparse)
                optimizer.step(parameters: model.parameters, dense: grads, sparse: sparse, parallelism: parallelism)
            } else {
                optimizer.step(parameters: model.parameters, dense: grads, sparse: sparse, parallelism: parallelism,
                               beforeEachPart: addInputRows)
            }
        } else if let addInputRows {
            parallelism.run(addInputRows)
        }
        lap(\.optimizer)
        // The produced state becomes the current state.
        for k in 0..<layers.count { swap(&hidden[k], &hiddenNext[k]) }
        return lastLoss
    }

    /// Layer k's dropout masks in this step (none where the probability is 0): embedding
    /// dropout on layer 0's input (on its output in one-hot mode), hidden dropout on the
    /// other layers' outputs.
    @inline(__always)
    private func dropout(_ k: Int) -> LayerDropout {
        let oneHot = model.inputMode == .oneHot
        var d = LayerDropout()
        if k == 0 && hp.dropoutPEmbed > 0 {
            if oneHot { d.output = UnsafePointer(act.embedMask) } else { d.input = UnsafePointer(act.embedMask) }
        }
        if hp.dropoutPHidden > 0 && !(k == 0 && oneHot) { d.output = UnsafePointer(act.hiddenMask[k]) }
        return d
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
    package var lastScores: [Float] { Array(UnsafeBufferPointer(start: act.scores, count: rows * (rows + nSample))) }

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
        case "Wy.weight": scatter(wySlots.rows, act.gW, count: wySlots.count)
        case "By.weight": scatter(wySlots.rows, act.gB, count: Set(UnsafeBufferPointer(start: act.columnSlot, count: rows + nSample)).count)
        default: scatter(inputSlots.rows, act.gInput, count: inputSlots.count)
        }
        return out
    }

    /// Sorted distinct rows of a row-sparse parameter updated by the last step.
    package func touchedRows(_ name: String) -> [Int] {
        switch name {
        case "Wy.weight": return wySlots.rows.map(Int.init).sorted()
        case "By.weight": return Set(UnsafeBufferPointer(start: act.y, count: rows + nSample).map(Int.init)).sorted()
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
}
