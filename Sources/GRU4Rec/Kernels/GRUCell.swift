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

/// Forward: writes h' into `hOut` (B x H). `u` is (B x I), `h` is (B x H).
func gruCellForward(
    rows b: Int, input i: Int, hidden hs: Int,
    u: UnsafePointer<Float>, h: UnsafePointer<Float>,
    w: GRUCellWeights, cache: GRUCellCache, hOut: UnsafeMutablePointer<Float>
) {
    Parallel.run { part in
        gruCellForwardProduct(part: part, rows: b, input: i, hidden: hs, u: u, h: h, w: w, cache: cache)
    }
    Parallel.run { part in
        gruCellForwardGates(Parallel.half(b, part: part), hidden: hs, h: h, cache: cache, hOut: hOut)
    }
}

/// The forward pass's two independent products, one per part:
/// part 0: a = u · W_ih^T + b_ih; part 1: c = h · W_hh^T + b_hh (into cache.preA / cache.preC).
@inline(__always)
func gruCellForwardProduct(
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
func gruCellForwardGates(
    _ rows: Range<Int>, hidden hs: Int, h: UnsafePointer<Float>, cache: GRUCellCache, hOut: UnsafeMutablePointer<Float>
) {
    let g3 = 3 * hs
    for row in rows {
        g4r_gru_gates(cache.preA + row * g3, cache.preC + row * g3, h + row * hs, cache.gates + row * g3,
                      cache.cN + row * hs, hOut + row * hs, hs)
    }
}

/// Backward: given dL/dh' (`dOut`, B x H), ACCUMULATES into the weight gradients
/// and into `dU` (B x I, input gradient) and, when non-nil, `dH` (B x H,
/// gradient w.r.t. the previous state; training truncates it, tests check it).
/// `scratchA`, `scratchC` are (B x 3H) buffers.
func gruCellBackward(
    rows b: Int, input i: Int, hidden hs: Int,
    u: UnsafePointer<Float>, h: UnsafePointer<Float>,
    w: GRUCellWeights, grad: GRUCellWeights, cache: GRUCellCache,
    dOut: UnsafePointer<Float>, dU: UnsafeMutablePointer<Float>?, dH: UnsafeMutablePointer<Float>?,
    scratchA: UnsafeMutablePointer<Float>, scratchC: UnsafeMutablePointer<Float>
) {
    Parallel.run { part in
        gruCellBackwardGates(Parallel.half(b, part: part), hidden: hs, h: h, cache: cache, dOut: dOut, scratchA: scratchA, scratchC: scratchC)
    }
    Parallel.run { part in
        gruCellBackwardProducts(part: part, rows: b, input: i, hidden: hs, u: u, h: h, w: w, grad: grad,
                                dU: dU, scratchA: scratchA, scratchC: scratchC)
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
func gruCellBackwardGates(
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
func gruCellBackwardProducts(
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
        let r = Parallel.half(b, part: part)
        BLAS.gemm(m: r.count, n: i, k: g3, a: scratchA + r.lowerBound * g3, lda: g3, b: w.wIH, ldb: i, beta: 1,
                  c: dU + r.lowerBound * i, ldc: i)
    }
}
