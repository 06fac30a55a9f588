import Foundation
import CKernels

/// The PyTorch `GRUCell` convention, used by every layer except the one-hot
/// input layer (GRU4Rec.md, "The math"). Shapes are row-major, B = rows, I = input
/// size, H = hidden size:
///
///     a  = u · W_ih^T + b_ih           (B x 3H)  column blocks [r | z | n]
///     c  = h · W_hh^T + b_hh           (B x 3H)  column blocks [r | z | n]
///     r  = σ(a_r + c_r)
///     z  = σ(a_z + c_z)
///     n  = tanh(a_n + r ⊙ c_n)         reset gate AFTER the recurrent product (c_n includes b_hh's n block)
///     h' = (1 - z) ⊙ n + z ⊙ h         z KEEPS the old state
///
/// `W_ih` is (3H x I) and `W_hh` is (3H x H), row blocks r, z, n (out x in layout).
struct GRUCellWeights {
    var wIH: UnsafeMutablePointer<Float>  // (3H, I)
    var wHH: UnsafeMutablePointer<Float>  // (3H, H)
    var bIH: UnsafeMutablePointer<Float>  // (3H)
    var bHH: UnsafeMutablePointer<Float>  // (3H)
}

/// What the forward pass keeps for the backward pass.
struct GRUCellCache {
    var gates: UnsafeMutablePointer<Float>  // (B, 3H): r, z, n after their nonlinearities
    var cN: UnsafeMutablePointer<Float>     // (B, H): c_n = (h · W_hh^T + b_hh) n block
    var preA: UnsafeMutablePointer<Float>   // (B, 3H) scratch for a
    var preC: UnsafeMutablePointer<Float>   // (B, 3H) scratch for c
}

/// A layer's dropout masks (inverted dropout: each element 0 or 1/(1 - p), drawn by the
/// training step); nil where that dropout is off, and always in evaluation.
struct LayerDropout {
    /// On the layer's input (B x I): embedding dropout on layer 0.
    var input: UnsafePointer<Float>? = nil
    /// On the layer's output (B x H): hidden dropout (embedding dropout on the one-hot
    /// layer). The dropped output is the state the row carries to its next step.
    var output: UnsafePointer<Float>? = nil

    static let none = LayerDropout()
}

/// Forward: writes h' into `hOut` (B x H). `u` is (B x I), `h` is (B x H). With
/// `dropout.input`, `u` is multiplied by that mask IN PLACE first (the backward pass reads
/// the dropped input); with `dropout.output`, h' is multiplied by that mask.
///
/// Two fork-joins (over `parallelism`): the two products (one per part), then the gates by
/// halves of the rows. Training and inference both run this function.
func gruCellForward(
    parallelism: Parallelism,
    rows b: Int, input i: Int, hidden hs: Int,
    u: UnsafeMutablePointer<Float>, h: UnsafePointer<Float>,
    w: GRUCellWeights, cache: GRUCellCache, hOut: UnsafeMutablePointer<Float>, dropout: LayerDropout = .none
) {
    parallelism.run { part in
        if part == 0, let mask = dropout.input { multiplyElementwise(u, by: mask, count: b * i) }
        gruCellForwardProduct(part: part, rows: b, input: i, hidden: hs, u: u, h: h, w: w, cache: cache)
    }
    parallelism.run { part in
        let rows = Parallelism.half(b, part: part)
        gruCellForwardGates(rows, hidden: hs, h: h, cache: cache, hOut: hOut)
        if let mask = dropout.output {
            multiplyElementwise(hOut + rows.lowerBound * hs, by: mask + rows.lowerBound * hs, count: rows.count * hs)
        }
    }
}

/// The forward pass's two independent products, one per part:
/// part 0: a = u · W_ih^T + b_ih; part 1: c = h · W_hh^T + b_hh (into cache.preA / cache.preC).
@inline(__always)
private func gruCellForwardProduct(
    part: Int, rows b: Int, input i: Int, hidden hs: Int,
    u: UnsafePointer<Float>, h: UnsafePointer<Float>, w: GRUCellWeights, cache: GRUCellCache
) {
    let g3 = 3 * hs
    if part == 0 {
        broadcastRows(w.bIH, rows: b, n: g3, into: cache.preA, ld: g3)
        BLAS.gemm(transB: true, m: b, n: g3, k: i, a: u, lda: i, b: w.wIH, ldb: i, beta: 1, c: cache.preA, ldc: g3)
    } else {
        broadcastRows(w.bHH, rows: b, n: g3, into: cache.preC, ld: g3)
        BLAS.gemm(transB: true, m: b, n: g3, k: hs, a: h, lda: hs, b: w.wHH, ldb: hs, beta: 1, c: cache.preC, ldc: g3)
    }
}

/// The gates and h' for the rows in `rows` (after both products).
@inline(__always)
private func gruCellForwardGates(
    _ rows: Range<Int>, hidden hs: Int, h: UnsafePointer<Float>, cache: GRUCellCache, hOut: UnsafeMutablePointer<Float>
) {
    let g3 = 3 * hs
    for row in rows {
        g4r_gru_gates(cache.preA + row * g3, cache.preC + row * g3, h + row * hs, cache.gates + row * g3,
                      cache.cN + row * hs, hOut + row * hs, hs)
    }
}

/// Backward. `dOut` (B x H) holds dL/dh' as the layer's reader sees it (after output
/// dropout) and is used as scratch: `dOutAddend` (B x H, a second partial sum of the same
/// gradient, or nil) is added into it and the output mask applied, row by row.
/// ACCUMULATES into the weight gradients `grad` and, when non-nil, into `dH` (B x H, the
/// gradient w.r.t. the previous state; training truncates it, tests check it).
/// OVERWRITES `dU` (B x I), when non-nil, with the gradient w.r.t. the layer's input before
/// input dropout. `scratchA`, `scratchC` are (B x 3H) buffers.
///
/// Two fork-joins: gates by halves of the rows, then the products (the weight gradients one
/// per part, dU by halves of the rows).
func gruCellBackward(
    parallelism: Parallelism,
    rows b: Int, input i: Int, hidden hs: Int,
    u: UnsafePointer<Float>, h: UnsafePointer<Float>,
    w: GRUCellWeights, grad: GRUCellWeights, cache: GRUCellCache,
    dOut: UnsafeMutablePointer<Float>, dOutAddend: UnsafePointer<Float>? = nil, dropout: LayerDropout = .none,
    dU: UnsafeMutablePointer<Float>?, dH: UnsafeMutablePointer<Float>?,
    scratchA: UnsafeMutablePointer<Float>, scratchC: UnsafeMutablePointer<Float>
) {
    parallelism.run { part in
        let rows = Parallelism.half(b, part: part)
        let lo = rows.lowerBound * hs, count = rows.count * hs
        if let addend = dOutAddend { for j in lo..<(lo + count) { dOut[j] += addend[j] } }
        if let mask = dropout.output { multiplyElementwise(dOut + lo, by: mask + lo, count: count) }
        gruCellBackwardGates(rows, hidden: hs, h: h, cache: cache, dOut: dOut, scratchA: scratchA, scratchC: scratchC)
        if let dU { (dU + rows.lowerBound * i).update(repeating: 0, count: rows.count * i) }
    }
    parallelism.run { part in
        gruCellBackwardProducts(part: part, rows: b, input: i, hidden: hs, u: u, h: h, w: w, grad: grad,
                                dU: dU, scratchA: scratchA, scratchC: scratchC)
        if let dU, let mask = dropout.input {
            let rows = Parallelism.half(b, part: part)
            multiplyElementwise(dU + rows.lowerBound * i, by: mask + rows.lowerBound * i, count: rows.count * i)
        }
    }
    if let dH {
        let g3 = 3 * hs
        BLAS.gemm(m: b, n: hs, k: g3, a: scratchC, lda: g3, b: w.wHH, ldb: hs, beta: 1, c: dH, ldc: hs)
        for row in 0..<b {
            let z = cache.gates + row * g3 + hs, dh = dOut + row * hs, o = dH + row * hs
            for j in 0..<hs { o[j] += dh[j] * z[j] }
        }
    }
}

/// Backward through the gates for the rows in `rows`: the gradients of the
/// pre-activations a (into `scratchA`) and c (into `scratchC`).
@inline(__always)
private func gruCellBackwardGates(
    _ rows: Range<Int>, hidden hs: Int, h: UnsafePointer<Float>, cache: GRUCellCache, dOut: UnsafePointer<Float>,
    scratchA: UnsafeMutablePointer<Float>, scratchC: UnsafeMutablePointer<Float>
) {
    let g3 = 3 * hs
    for row in rows {
        let g = cache.gates + row * g3, cn = cache.cN + row * hs
        let hp = h + row * hs, dh = dOut + row * hs
        let da = scratchA + row * g3, dc = scratchC + row * g3
        for j in 0..<hs {
            let r = g[j], z = g[hs + j], n = g[2 * hs + j]
            let dn = dh[j] * (1 - z)
            let dz = dh[j] * (hp[j] - n)
            let dpn = dn * (1 - n * n)
            let dr = dpn * cn[j]
            let dpr = dr * r * (1 - r)
            let dpz = dz * z * (1 - z)
            da[j] = dpr; da[hs + j] = dpz; da[2 * hs + j] = dpn
            dc[j] = dpr; dc[hs + j] = dpz; dc[2 * hs + j] = dpn * r
        }
    }
}

/// The backward products, split in two parts that write disjoint memory:
/// part 0: dW_ih += da^T · u and b_ih's column sums; part 1: dW_hh += dc^T · h and
/// b_hh's; and each part dU += da · W_ih for its half of the rows.
@inline(__always)
private func gruCellBackwardProducts(
    part: Int, rows b: Int, input i: Int, hidden hs: Int,
    u: UnsafePointer<Float>, h: UnsafePointer<Float>, w: GRUCellWeights, grad: GRUCellWeights,
    dU: UnsafeMutablePointer<Float>?, scratchA: UnsafeMutablePointer<Float>, scratchC: UnsafeMutablePointer<Float>
) {
    let g3 = 3 * hs
    if part == 0 {
        BLAS.gemm(transA: true, m: g3, n: i, k: b, a: scratchA, lda: g3, b: u, ldb: i, beta: 1, c: grad.wIH, ldc: i)
        accumulateColumnSums(scratchA, rows: b, n: g3, ld: g3, into: grad.bIH)
    } else {
        BLAS.gemm(transA: true, m: g3, n: hs, k: b, a: scratchC, lda: g3, b: h, ldb: hs, beta: 1, c: grad.wHH, ldc: hs)
        accumulateColumnSums(scratchC, rows: b, n: g3, ld: g3, into: grad.bHH)
    }
    if let dU {
        let r = Parallelism.half(b, part: part)
        BLAS.gemm(m: r.count, n: i, k: g3, a: scratchA + r.lowerBound * g3, lda: g3, b: w.wIH, ldb: i, beta: 1,
                  c: dU + r.lowerBound * i, ldc: i)
    }
}
