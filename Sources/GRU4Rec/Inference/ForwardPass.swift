import CKernels
import Foundation

/// The GRU layers without dropout or gradients, for evaluation and live sessions.
///
/// Holds per-layer hidden state for up to `maxRows` rows and the gate
/// activations of the last step. The same kernels as training are used.
public final class ForwardPass {
    public let model: GRU4RecModel
    let layers: [Int]
    public let maxRows: Int
    var hidden: [FloatBuffer], hiddenNext: [FloatBuffer]
    var gates: [FloatBuffer], cn: [FloatBuffer], preA: [FloatBuffer], preC: [FloatBuffer]
    let x0 = FloatBuffer()
    let geV = FloatBuffer(), geW = FloatBuffer(), geRH = FloatBuffer(), geCand = FloatBuffer()
    public private(set) var rows = 0

    public init(model: GRU4RecModel, maxRows: Int) {
        self.model = model
        layers = model.layers
        self.maxRows = maxRows
        hidden = layers.map { FloatBuffer(maxRows * $0) }
        hiddenNext = layers.map { FloatBuffer(maxRows * $0) }
        gates = layers.map { FloatBuffer(maxRows * 3 * $0) }
        cn = layers.map { FloatBuffer(maxRows * $0) }
        preA = layers.map { FloatBuffer(maxRows * 3 * $0) }
        preC = layers.map { FloatBuffer(maxRows * 3 * $0) }
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
        let params = model.parameters
        let mode = model.inputMode
        let i0 = mode == .oneHot ? 0 : model.inputSize(ofLayer: 0)
        let x = x0.reserve(max(1, b * i0))
        switch mode {
        case .shared: gatherRows(params["Wy.weight"], n: i0, index: items, count: b, into: x)
        case .separate: gatherRows(params["E.weight"], n: i0, index: items, count: b, into: x)
        case .oneHot: break
        }
        for k in 0..<layers.count {
            let h = layers[k]
            if k == 0 && mode == .oneHot {
                let w = GRUEmbeddingWeights(wx0: params["GE.Wx0.weight"], wrz0: params["GE.Wrz0"], wh0: params["GE.Wh0"], bh0: params["GE.Bh0"])
                let cache = GRUEmbeddingCache(v: geV.reserve(b * 3 * h), w: geW.reserve(b * 2 * h), rh: geRH.reserve(b * h), cand: geCand.reserve(b * h))
                gruEmbeddingForward(rows: b, hidden: h, items: items, h: hidden[k].pointer, w: w, cache: cache, hOut: hiddenNext[k].pointer)
                // Record gates as [r | z | candidate] like the GRUCell layers.
                let g = gates[k].pointer
                for row in 0..<b {
                    let v = geV.pointer + row * 3 * h, dst = g + row * 3 * h
                    (dst).update(from: v + h, count: h)
                    (dst + h).update(from: v + 2 * h, count: h)
                    (dst + 2 * h).update(from: geCand.pointer + row * h, count: h)
                }
            } else {
                let input = k == 0 ? UnsafePointer(x) : UnsafePointer(hiddenNext[k - 1].pointer)
                let w = GRUCellWeights(wIH: params["G.\(k).weight_ih"], wHH: params["G.\(k).weight_hh"], bIH: params["G.\(k).bias_ih"], bHH: params["G.\(k).bias_hh"])
                gruCellForward(rows: b, input: model.inputSize(ofLayer: k), hidden: h, u: input, h: hidden[k].pointer, w: w,
                               cache: GRUCellCache(gates: gates[k].pointer, cN: cn[k].pointer, preA: preA[k].pointer, preC: preC[k].pointer),
                               hOut: hiddenNext[k].pointer)
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
        let n = model.itemCount, l = model.outputSize, params = model.parameters
        let by = params["By.weight"], wy = params["Wy.weight"]
        let h = UnsafePointer(hidden[layers.count - 1].pointer)
        // Two halves of the catalog, one per thread (the product reads all of Wy:
        // 40 MB at 100,000 items x 100 units, more than one core's memory bandwidth).
        Parallel.run { part in
            let items = Parallel.half(n, part: part, align: 16)
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
