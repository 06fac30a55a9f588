/// The training output layer: scores over the step's columns y = targets ++ negatives
/// (N = B + S) and the loss (GRU4Rec.md, Scores and Losses), computed over the DISTINCT
/// items of y. With U_y of them, W = Wy[U_y] (U_y x L), b = By[U_y] and `colSlot[j]` the
/// slot of y_j:
///
///     Ru = h_top · Wᵀ + bᵀ                    (B x U_y)   outputScoresForward
///     R[i, j] = Ru[i, colSlot[j]]             (B x N)     the reference's score matrix
///     loss, dR = lossRow(R[i]) per row        (B x N)     outputLoss
///     dRu[i, u] = Σ_{j: colSlot[j] = u} dR[i, j]
///     dW = dRuᵀ · h_top,  db = Σ_i dRu[i]     (U_y x L)   outputScoresBackward
///     dh_top = dRu · W                        (B x L)
///
/// which is the reference's gradient (only the order of additions differs). Each function
/// splits its work in two parts (``Parallelism``, passed in) the same way for one thread or two.

/// Forward: Ru (B x U_y, row stride U_y) from `hTop` (B x L) and the gathered rows `w`
/// (U_y x L) and `bias` (U_y). Two halves of the columns (split at a multiple of 8).
func outputScoresForward(
    parallelism: Parallelism,
    rows b: Int, columns uy: Int, width l: Int, hTop: UnsafePointer<Float>,
    w: UnsafePointer<Float>, bias: UnsafePointer<Float>, scores ru: UnsafeMutablePointer<Float>
) {
    parallelism.run { part in
        let cols = Parallelism.half(uy, part: part, align: 8)
        if cols.isEmpty { return }
        for i in 0..<b { (ru + i * uy + cols.lowerBound).update(from: bias + cols.lowerBound, count: cols.count) }
        BLAS.gemm(transB: true, m: b, n: cols.count, k: l, a: hTop, lda: l, b: w + cols.lowerBound * l, ldb: l,
                  beta: 1, c: ru + cols.lowerBound, ldc: uy)
    }
}

/// The loss and its gradient: per row i, expands Ru into R's row (B x N, into `r`), takes
/// ``lossRow`` (logQ `shift`, N floats, or nil), writes dR (B x N) and OVERWRITES dRu
/// (B x U_y) with dR summed over the columns of each distinct item. Returns the normalised
/// loss (the row losses, kept in `rowLoss`, summed in row order, divided by D).
/// Two halves of the rows; `scratch` holds 2 x 3N floats (one block per part).
func outputLoss(
    _ settings: LossSettings, parallelism: Parallelism, rows b: Int, columns n: Int, distinct uy: Int, columnSlot: UnsafePointer<Int32>,
    scores ru: UnsafePointer<Float>, shift: UnsafePointer<Float>?,
    r: UnsafeMutablePointer<Float>, dR: UnsafeMutablePointer<Float>, dRu: UnsafeMutablePointer<Float>,
    rowLoss: UnsafeMutablePointer<Double>, scratch: UnsafeMutablePointer<Float>
) -> Double {
    parallelism.run { part in
        let sc = scratch + part * 3 * n
        for i in Parallelism.half(b, part: part) {
            let src = ru + i * uy, dst = r + i * n
            for j in 0..<n { dst[j] = src[Int(columnSlot[j])] }
            let grad = dR + i * n
            rowLoss[i] = lossRow(settings, row: i, columns: n, scores: dst, shift: shift, grad: grad, scratch: sc)
            let red = dRu + i * uy
            red.update(repeating: 0, count: uy)
            for j in 0..<n { red[Int(columnSlot[j])] += grad[j] }
        }
    }
    var total = 0.0
    for i in 0..<b { total += rowLoss[i] }
    return total / Double(settings.normalizer)
}

/// Backward: WRITES the step's row gradients dW (U_y x L, into `gW`) and ACCUMULATES
/// db (U_y, into `gB`), and writes dL/dh_top in two partial sums, one per part's half of
/// the columns: `dTop` and `dTopPartial` (B x L each); the layer below adds the second
/// into the first (its `dOutAddend`), so the sum's order is fixed.
func outputScoresBackward(
    parallelism: Parallelism,
    rows b: Int, columns uy: Int, width l: Int, hTop: UnsafePointer<Float>, w: UnsafePointer<Float>,
    dRu: UnsafePointer<Float>, gW: UnsafeMutablePointer<Float>, gB: UnsafeMutablePointer<Float>,
    dTop: UnsafeMutablePointer<Float>, dTopPartial: UnsafeMutablePointer<Float>
) {
    parallelism.run { part in
        let cols = Parallelism.half(uy, part: part, align: 8)
        BLAS.gemm(transA: true, m: cols.count, n: l, k: b, a: dRu + cols.lowerBound, lda: uy, b: hTop, ldb: l,
                  c: gW + cols.lowerBound * l, ldc: l)
        accumulateColumnSums(dRu + cols.lowerBound, rows: b, n: cols.count, ld: uy, into: gB + cols.lowerBound)
        BLAS.gemm(m: b, n: l, k: cols.count, a: dRu + cols.lowerBound, lda: uy, b: w + cols.lowerBound * l, ldb: l,
                  c: part == 0 ? dTop : dTopPartial, ldc: l)
    }
}
