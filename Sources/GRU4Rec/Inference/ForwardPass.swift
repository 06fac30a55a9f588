import CKernels
import Foundation

/// The GRU layers without dropout or gradients, for evaluation and live sessions.
///
/// Holds per-layer hidden state for up to `maxRows` rows and the gate
/// activations of the last step. It runs the training step's forward kernels
/// (``embeddingForward``, ``gruCellForward``, ``gruEmbeddingForward``) over the same
/// parameter views (``ParameterTensors``, resolved once), without the dropout masks.
public final class ForwardPass {
    public let model: GRU4RecModel
    let layers: [Int]
    public let maxRows: Int
    let params: ParameterTensors
    var hidden: [FloatBuffer], hiddenNext: [FloatBuffer]
    var gates: [FloatBuffer], cn: [FloatBuffer], preA: [FloatBuffer], preC: [FloatBuffer]
    /// (maxRows, I_0) the input embedding (shared, separate).
    let x0: FloatBuffer
    /// The one-hot layer's cache: (maxRows, 3H_0), (maxRows, 2H_0), (maxRows, H_0) twice.
    let geV: FloatBuffer, geW: FloatBuffer, geRH: FloatBuffer, geCand: FloatBuffer
    public private(set) var rows = 0
    /// The threads the layers and the scores split their work over.
    public let parallelism: Parallelism

    public init(model: GRU4RecModel, maxRows: Int, parallelism: Parallelism) {
        self.model = model
        self.parallelism = parallelism
        layers = model.layers
        self.maxRows = maxRows
        params = ParameterTensors(model.parameters, layers: layers.count, mode: model.inputMode)
        hidden = layers.map { FloatBuffer(maxRows * $0) }
        hiddenNext = layers.map { FloatBuffer(maxRows * $0) }
        gates = layers.map { FloatBuffer(maxRows * 3 * $0) }
        cn = layers.map { FloatBuffer(maxRows * $0) }
        preA = layers.map { FloatBuffer(maxRows * 3 * $0) }
        preC = layers.map { FloatBuffer(maxRows * 3 * $0) }
        let oneHot = model.inputMode == .oneHot, h0 = oneHot ? layers[0] : 0
        x0 = FloatBuffer(oneHot ? 0 : maxRows * model.inputSize(ofLayer: 0))
        geV = FloatBuffer(maxRows * 3 * h0)
        geW = FloatBuffer(maxRows * 2 * h0)
        geRH = FloatBuffer(maxRows * h0)
        geCand = FloatBuffer(maxRows * h0)
    }

    /// Zeroes all hidden state.
    public func reset() {
        for l in 0..<layers.count { hidden[l].pointer.update(repeating: 0, count: maxRows * layers[l]) }
    }

    /// Re-arranges hidden rows for a new batch step (reset rows get zeros).
    public func prepare(_ step: BatchStep) {
        rearrangeHiddenRows(step, layers: layers, hidden: &hidden, scratch: &hiddenNext)
    }

    /// Advances `rows` rows by one event each (`items[k]` for row k); the new state replaces the old.
    public func step(items: UnsafePointer<Int32>, rows b: Int) {
        precondition(b <= maxRows)
        rows = b
        guard let table = params.inputTable else { preconditionFailure("a GRU4Rec model always has an input table") }
        if model.inputMode != .oneHot {
            embeddingForward(table: table, width: model.inputSize(ofLayer: 0), items: items, rows: b, out: x0.pointer)
        }
        for k in 0..<layers.count {
            let h = layers[k]
            if let cell = params.cells[k] {
                let input = k == 0 ? x0.pointer : hiddenNext[k - 1].pointer
                gruCellForward(parallelism: parallelism, rows: b, input: model.inputSize(ofLayer: k), hidden: h, u: input, h: hidden[k].pointer, w: cell,
                               cache: GRUCellCache(gates: gates[k].pointer, cN: cn[k].pointer, preA: preA[k].pointer, preC: preC[k].pointer),
                               hOut: hiddenNext[k].pointer)
            } else if let cell = params.embeddingCell {
                let cache = GRUEmbeddingCache(v: geV.pointer, w: geW.pointer, rh: geRH.pointer, cand: geCand.pointer)
                gruEmbeddingForward(rows: b, hidden: h, items: items, table: table, h: hidden[k].pointer, w: cell,
                                    cache: cache, hOut: hiddenNext[k].pointer)
                // Record gates as [r | z | candidate] like the GRUCell layers.
                let g = gates[k].pointer
                for row in 0..<b {
                    let v = geV.pointer + row * 3 * h, dst = g + row * 3 * h
                    (dst).update(from: v + h, count: h)
                    (dst + h).update(from: v + 2 * h, count: h)
                    (dst + 2 * h).update(from: geCand.pointer + row * h, count: h)
                }
            }
        }
        for k in 0..<layers.count { swap(&hidden[k], &hiddenNext[k]) }
    }

    /// Pointer to the current hidden state of layer `l` (maxRows x H_l).
    public func hiddenPointer(layer l: Int) -> UnsafeMutablePointer<Float> { hidden[l].pointer }

    /// Pointer to the last step's gates of layer `l`: (rows x 3H) blocks [reset | update | candidate].
    public func gatePointer(layer l: Int) -> UnsafePointer<Float> { UnsafePointer(gates[l].pointer) }

    /// Scores of all items for the current top hidden state of `rows` rows into `out` (rows x n):
    /// S = h_top · Wy^T + By^T.
    public func scoreAll(rows b: Int, into out: UnsafeMutablePointer<Float>) {
        let n = model.itemCount, l = model.outputSize
        guard let wy = params.outputWeights, let by = params.outputBias else {
            preconditionFailure("a GRU4Rec model always has Wy and By")
        }
        let h = UnsafePointer(hidden[layers.count - 1].pointer)
        // Two halves of the catalog, one per thread (the product reads all of Wy:
        // 40 MB at 100,000 items x 100 units, more than one core's memory bandwidth).
        parallelism.run { part in
            let items = Parallelism.half(n, part: part, align: 16)
            if items.isEmpty { return }
            let lo = items.lowerBound
            if b == 1 {
                // One row: the exact live scores that ScreenedScorer re-checks against (CKernels/screen.c).
                g4r_score_rows(wy, by, l, h, lo, items.upperBound, out + lo)
            } else {
                for i in 0..<b { (out + i * n + lo).update(from: by + lo, count: items.count) }
                BLAS.gemm(transB: true, m: b, n: items.count, k: l, a: h, lda: l, b: wy + lo * l, ldb: l, beta: 1,
                          c: out + lo, ldc: n)
            }
        }
    }
}

/// Re-arranges per-layer hidden rows (each `maxRows x H_l`) for a batch step: rows of
/// new sessions are zeroed, the others take the state of the previous step's row they
/// continue (`previousRow`). `scratch` is written and swapped with `hidden`.
func rearrangeHiddenRows(_ step: BatchStep, layers: [Int], hidden: inout [FloatBuffer], scratch: inout [FloatBuffer]) {
    guard step.changesState else { return }
    for l in 0..<layers.count {
        let h = layers[l], src = hidden[l].pointer, dst = scratch[l].pointer
        for k in 0..<step.rows {
            if step.reset[k] { (dst + k * h).update(repeating: 0, count: h) }
            else { (dst + k * h).update(from: src + step.previousRow[k] * h, count: h) }
        }
        swap(&hidden[l], &scratch[l])
    }
}
