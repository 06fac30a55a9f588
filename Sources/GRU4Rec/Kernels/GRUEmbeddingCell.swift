import Foundation

/// The reference's one-hot input layer ("GRUEmbedding", GRU4Rec.md, "The math"),
/// which follows the GRU4Rec paper's convention. H = hidden size, x = input items:
///
///     v  = Wx0[x] + Bh0               (B x 3H)  column blocks [c | r | z]  (candidate FIRST)
///     w  = h · Wrz0                   (B x 2H)  column blocks [r | z]      (in x out layout, no transpose)
///     r  = σ(v_r + w_r)
///     z  = σ(v_z + w_z)
///     c~ = tanh((r ⊙ h) · Wh0 + v_c)  reset gate BEFORE the recurrent product; no hidden-side bias
///     h' = (1 - z) ⊙ h + z ⊙ c~       z selects the NEW candidate (opposite of GRUCell)
///
/// `Wx0` (n, 3H, row-sparse) is the layer's input table: ``ParameterTensors/inputTable``,
/// passed to the forward pass apart from these dense weights; its per-row gradients come
/// out of the backward pass as `dRows` and go through ``embeddingBackward``.
struct GRUEmbeddingWeights {
    var wrz0: UnsafeMutablePointer<Float>  // (H, 2H)
    var wh0: UnsafeMutablePointer<Float>   // (H, H)
    var bh0: UnsafeMutablePointer<Float>   // (3H)
}

struct GRUEmbeddingCache {
    var v: UnsafeMutablePointer<Float>      // (B, 3H) v, then r and z stored in place of v_r, v_z
    var w: UnsafeMutablePointer<Float>      // (B, 2H)
    var rh: UnsafeMutablePointer<Float>     // (B, H) r ⊙ h
    var cand: UnsafeMutablePointer<Float>   // (B, H) c~
}

/// Forward: writes h' into `hOut` (B x H) for the rows' items `x` (rows of `table`, the
/// layer's `Wx0`) and states `h` (B x H); with `outputMask` (embedding dropout in one-hot
/// mode), h' is multiplied by it. Training and inference both run this function.
func gruEmbeddingForward(
    rows b: Int, hidden hs: Int, items x: UnsafePointer<Int32>, table: UnsafePointer<Float>, h: UnsafePointer<Float>,
    w: GRUEmbeddingWeights, cache: GRUEmbeddingCache, hOut: UnsafeMutablePointer<Float>,
    outputMask: UnsafePointer<Float>? = nil
) {
    let g3 = 3 * hs, g2 = 2 * hs
    for row in 0..<b {
        let src = table + Int(x[row]) * g3, dst = cache.v + row * g3
        for j in 0..<g3 { dst[j] = src[j] + w.bh0[j] }
    }
    BLAS.gemm(m: b, n: g2, k: hs, a: h, lda: hs, b: w.wrz0, ldb: g2, c: cache.w, ldc: g2)
    for row in 0..<b {
        let v = cache.v + row * g3, ww = cache.w + row * g2, hp = h + row * hs, rh = cache.rh + row * hs
        for j in 0..<hs {
            let r = sigmoid(v[hs + j] + ww[j])
            let z = sigmoid(v[g2 + j] + ww[hs + j])
            v[hs + j] = r
            v[g2 + j] = z
            rh[j] = r * hp[j]
        }
    }
    BLAS.gemm(m: b, n: hs, k: hs, a: cache.rh, lda: hs, b: w.wh0, ldb: hs, c: cache.cand, ldc: hs)
    for row in 0..<b {
        let v = cache.v + row * g3, c = cache.cand + row * hs, hp = h + row * hs, ho = hOut + row * hs
        for j in 0..<hs {
            let cand = tanhf(c[j] + v[j])
            c[j] = cand
            let z = v[g2 + j]
            ho[j] = (1 - z) * hp[j] + z * cand
        }
    }
    if let outputMask { multiplyElementwise(hOut, by: outputMask, count: b * hs) }
}

/// Backward. `dOut` (B x H) holds dL/dh' as the layer's reader sees it (after the output
/// mask) and is used as scratch: `dOutAddend` (a second partial sum of it, or nil) is added
/// in and `outputMask` applied first. ACCUMULATES into `grad.wrz0`, `grad.wh0`, `grad.bh0`
/// and, when non-nil, `dH` (the previous-state gradient); OVERWRITES `dRows` (B x 3H) with
/// the per-row gradient of `Wx0[x_row]` (``embeddingBackward`` sums them per item).
/// Scratch: `s1` (B x 2H), `s2` (B x H).
func gruEmbeddingBackward(
    rows b: Int, hidden hs: Int, h: UnsafePointer<Float>,
    w: GRUEmbeddingWeights, grad: GRUEmbeddingWeights, cache: GRUEmbeddingCache,
    dOut: UnsafeMutablePointer<Float>, dOutAddend: UnsafePointer<Float>? = nil, outputMask: UnsafePointer<Float>? = nil,
    dRows: UnsafeMutablePointer<Float>, dH: UnsafeMutablePointer<Float>?,
    s1: UnsafeMutablePointer<Float>, s2: UnsafeMutablePointer<Float>
) {
    let g3 = 3 * hs, g2 = 2 * hs
    if let dOutAddend { for j in 0..<(b * hs) { dOut[j] += dOutAddend[j] } }
    if let outputMask { multiplyElementwise(dOut, by: outputMask, count: b * hs) }
    // dpre_c = dh' z (1 - c~²): the candidate's pre-activation gradient, into dRows' c block.
    for row in 0..<b {
        let v = cache.v + row * g3, c = cache.cand + row * hs, dh = dOut + row * hs, dv = dRows + row * g3
        for j in 0..<hs {
            let z = v[g2 + j]
            dv[j] = dh[j] * z * (1 - c[j] * c[j])
        }
    }
    // d(r⊙h) = dpre_c · Wh0^T (B x H) into s2; dWh0 += (r⊙h)^T · dpre_c.
    BLAS.gemm(transB: true, m: b, n: hs, k: hs, a: dRows, lda: g3, b: w.wh0, ldb: hs, c: s2, ldc: hs)
    BLAS.gemm(transA: true, m: hs, n: hs, k: b, a: cache.rh, lda: hs, b: dRows, ldb: g3, beta: 1, c: grad.wh0, ldc: hs)
    for row in 0..<b {
        let v = cache.v + row * g3, c = cache.cand + row * hs, dh = dOut + row * hs
        let hp = h + row * hs, drh = s2 + row * hs, dv = dRows + row * g3, dw = s1 + row * g2
        for j in 0..<hs {
            let r = v[hs + j], z = v[g2 + j]
            let dr = drh[j] * hp[j]
            let dz = dh[j] * (c[j] - hp[j])
            let dpr = dr * r * (1 - r)
            let dpz = dz * z * (1 - z)
            dv[hs + j] = dpr
            dv[g2 + j] = dpz
            dw[j] = dpr
            dw[hs + j] = dpz
        }
    }
    // dWrz0 += h^T · dw ; dBh0 += column sums of dv.
    BLAS.gemm(transA: true, m: hs, n: g2, k: b, a: h, lda: hs, b: s1, ldb: g2, beta: 1, c: grad.wrz0, ldc: g2)
    accumulateColumnSums(dRows, rows: b, n: g3, ld: g3, into: grad.bh0)
    if let dH {
        // dh = dh'(1-z) + d(r⊙h) ⊙ r + dw · Wrz0^T
        BLAS.gemm(transB: true, m: b, n: hs, k: g2, a: s1, lda: g2, b: w.wrz0, ldb: g2, beta: 1, c: dH, ldc: hs)
        for row in 0..<b {
            let v = cache.v + row * g3, dh = dOut + row * hs, drh = s2 + row * hs, o = dH + row * hs
            for j in 0..<hs { o[j] += dh[j] * (1 - v[g2 + j]) + drh[j] * v[hs + j] }
        }
    }
}
