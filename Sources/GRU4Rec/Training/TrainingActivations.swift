import Foundation

/// The training step's activations and scratch (llm.c's `ActivationTensors`): one float
/// allocation, sized at init for the largest step of a configuration, cut into named
/// slices, each starting on a 64-byte boundary; the step's integer index arrays and its
/// row losses (double) are two more allocations beside it. Nothing grows during training.
///
/// Sizes: B = the configured batch size (a step has at most B rows), S = `n_sample`,
/// N = B + S score columns, H_k layer k's size, L the last layer's, I_0 layer 0's input size
/// (0 in one-hot mode), n items. A step's distinct output items U_y <= min(n, N); with the
/// input items of shared mode U <= min(n, N + B); distinct input items U_in <= min(n, B).
final class TrainingActivations {
    // Per layer k.
    /// (B, 3H_k) gates after their nonlinearities (the one-hot layer: unused).
    let gates: [UnsafeMutablePointer<Float>]
    /// (B, H_k) c_n, the recurrent product's n block.
    let cN: [UnsafeMutablePointer<Float>]
    /// (B, 3H_k) a then, in backward, da; (B, 3H_k) c then dc.
    let preA: [UnsafeMutablePointer<Float>], preC: [UnsafeMutablePointer<Float>]
    /// (B, H_k) hidden dropout mask (in one-hot mode layer 0 uses `embedMask`).
    let hiddenMask: [UnsafeMutablePointer<Float>]
    /// (B, H_k) dL/d(layer k's output); for k < top the layer above writes it as its dU.
    let dOut: [UnsafeMutablePointer<Float>]

    // Input.
    /// (B, I_0) the input embedding e (shared, separate); dropped in place.
    let x0: UnsafeMutablePointer<Float>
    /// (B, I_0) dL/de.
    let dX0: UnsafeMutablePointer<Float>
    /// (B, I_0) embedding dropout mask; (B, H_0) in one-hot mode.
    let embedMask: UnsafeMutablePointer<Float>
    /// The one-hot layer: (B, 3H_0) v, (B, 2H_0) w, (B, H_0) r ⊙ h, (B, H_0) c~,
    /// (B, 3H_0) dL/dWx0[x] per row, scratch (B, 2H_0) and (B, H_0).
    let geV: UnsafeMutablePointer<Float>, geW: UnsafeMutablePointer<Float>, geRH: UnsafeMutablePointer<Float>
    let geCand: UnsafeMutablePointer<Float>, geDRows: UnsafeMutablePointer<Float>
    let geS1: UnsafeMutablePointer<Float>, geS2: UnsafeMutablePointer<Float>

    // Output layer.
    /// (U, L) the gathered Wy rows; (U_y) the gathered By values.
    let w: UnsafeMutablePointer<Float>, bias: UnsafeMutablePointer<Float>
    /// (B, U_y) scores over distinct items; (B, U_y) their gradient.
    let ru: UnsafeMutablePointer<Float>, dRu: UnsafeMutablePointer<Float>
    /// (B, N) the reference's score matrix R and dR.
    let scores: UnsafeMutablePointer<Float>, dScores: UnsafeMutablePointer<Float>
    /// (N) the logQ shift; (2, 3N) loss scratch, one block per part.
    let shift: UnsafeMutablePointer<Float>, lossScratch: UnsafeMutablePointer<Float>
    /// (B, L) the second partial sum of dL/dh_top.
    let dTopPartial: UnsafeMutablePointer<Float>

    // Row-sparse gradients of the step (one row per distinct item, in slot order).
    /// (U, L) Wy rows; (U_y) By rows; (U_in, I_0 or 3H_0) input table rows (separate, one-hot).
    let gW: UnsafeMutablePointer<Float>, gB: UnsafeMutablePointer<Float>, gInput: UnsafeMutablePointer<Float>

    // Per item (constants of the model): ln q and ln q^alpha for logQ, (n) each.
    let lnP0: UnsafeMutablePointer<Float>, lnP0Alpha: UnsafeMutablePointer<Float>

    // Integers: (N) the columns' items y; (N) their slots; (B) each row's input slot;
    // (B) the step's input items.
    let y: UnsafeMutablePointer<Int32>, columnSlot: UnsafeMutablePointer<Int32>
    let inputSlot: UnsafeMutablePointer<Int32>, inputItems: UnsafeMutablePointer<Int32>
    /// (B) each row's loss before normalisation.
    let rowLoss: UnsafeMutablePointer<Double>

    private let floats: UnsafeMutableRawPointer, byteCount: Int, ints: UnsafeMutablePointer<Int32>
    /// Floats in the float allocation (for tests and reports).
    let floatCount: Int

    init(model: GRU4RecModel) {
        let hp = model.hyperparameters, layers = hp.layers, n = model.itemCount
        let b = hp.batchSize, s = hp.nSample, columns = b + s, l = model.outputSize
        let oneHot = model.inputMode == .oneHot
        let i0 = oneHot ? 0 : model.inputSize(ofLayer: 0)
        let h0 = layers[0]
        let uy = min(n, columns), u = min(n, columns + (model.inputMode == .shared ? b : 0)), uIn = min(n, b)
        let inputWidth = oneHot ? 3 * h0 : i0

        // Slices in order: (count) each, rounded up to 16 floats.
        var sizes: [Int] = []
        func slice(_ count: Int) -> Int { sizes.append((max(count, 1) + 15) / 16 * 16); return sizes.count - 1 }
        let gatesI = layers.map { slice(b * 3 * $0) }, cNI = layers.map { slice(b * $0) }
        let preAI = layers.map { slice(b * 3 * $0) }, preCI = layers.map { slice(b * 3 * $0) }
        let maskI = layers.map { slice(b * $0) }, dOutI = layers.map { slice(b * $0) }
        let x0I = slice(b * i0), dX0I = slice(b * i0), embedMaskI = slice(b * (oneHot ? h0 : i0))
        let g = oneHot ? h0 : 0
        let geVI = slice(b * 3 * g), geWI = slice(b * 2 * g), geRHI = slice(b * g), geCandI = slice(b * g)
        let geDRowsI = slice(b * 3 * g), geS1I = slice(b * 2 * g), geS2I = slice(b * g)
        let wI = slice(u * l), biasI = slice(uy), ruI = slice(b * uy), dRuI = slice(b * uy)
        let scoresI = slice(b * columns), dScoresI = slice(b * columns), shiftI = slice(columns)
        let lossScratchI = slice(2 * 3 * columns), dTopPartialI = slice(b * l)
        let gWI = slice(u * l), gBI = slice(uy), gInputI = slice(uIn * inputWidth)
        let lnP0I = slice(n), lnP0AlphaI = slice(n)

        floatCount = sizes.reduce(0, +)
        // Mapped directly, not through malloc: glibc raises its mmap threshold to the size of
        // the largest mapped block freed, so one large arena freed through malloc would move
        // every later allocation of up to that size (the evaluation's and live scoring's
        // buffers) onto the heap, which keeps freed pages (`gru4rec bench`'s peak memory:
        // 347 MB through malloc, 234 MB mapped; 246 MB before the arena). Page-aligned;
        // zeroed and touched here, not in the first step.
        byteCount = floatCount * MemoryLayout<Float>.stride
        guard let mapped = mmap(nil, byteCount, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              mapped != MAP_FAILED else {
            fatalError("out of memory mapping \(byteCount) bytes of training activations")
        }
        floats = mapped
        let base = floats.bindMemory(to: Float.self, capacity: floatCount)
        base.initialize(repeating: 0, count: floatCount)
        var offsets: [Int] = []
        var offset = 0
        for size in sizes { offsets.append(offset); offset += size }
        func at(_ index: Int) -> UnsafeMutablePointer<Float> { base + offsets[index] }

        gates = gatesI.map(at); cN = cNI.map(at); preA = preAI.map(at); preC = preCI.map(at)
        hiddenMask = maskI.map(at); dOut = dOutI.map(at)
        x0 = at(x0I); dX0 = at(dX0I); embedMask = at(embedMaskI)
        geV = at(geVI); geW = at(geWI); geRH = at(geRHI); geCand = at(geCandI)
        geDRows = at(geDRowsI); geS1 = at(geS1I); geS2 = at(geS2I)
        w = at(wI); bias = at(biasI); ru = at(ruI); dRu = at(dRuI)
        scores = at(scoresI); dScores = at(dScoresI); shift = at(shiftI); lossScratch = at(lossScratchI)
        dTopPartial = at(dTopPartialI)
        gW = at(gWI); gB = at(gBI); gInput = at(gInputI)
        lnP0 = at(lnP0I); lnP0Alpha = at(lnP0AlphaI)

        let intCount = 2 * columns + 2 * b
        ints = .allocate(capacity: max(intCount, 1))
        ints.initialize(repeating: 0, count: max(intCount, 1))
        y = ints; columnSlot = ints + columns; inputSlot = ints + 2 * columns; inputItems = ints + 2 * columns + b
        rowLoss = .allocate(capacity: max(b, 1))
        rowLoss.initialize(repeating: 0, count: max(b, 1))

        let alpha = hp.sampleAlpha
        for (item, c) in model.itemSupport.enumerated() {
            lnP0[item] = logf(Float(c))
            lnP0Alpha[item] = logf(powf(Float(c), alpha))
        }
    }

    deinit {
        munmap(floats, byteCount)
        ints.deallocate()
        rowLoss.deallocate()
    }

    /// The GRUCell layer k's forward cache.
    func cellCache(_ k: Int) -> GRUCellCache { GRUCellCache(gates: gates[k], cN: cN[k], preA: preA[k], preC: preC[k]) }

    /// The one-hot layer's forward cache.
    var embeddingCellCache: GRUEmbeddingCache { GRUEmbeddingCache(v: geV, w: geW, rh: geRH, cand: geCand) }
}
