import Foundation
import CKernels

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + expf(-x)) }

/// `x[k] *= m[k]` for `count` elements (applying a dropout mask).
@inline(__always)
func multiplyElementwise(_ x: UnsafeMutablePointer<Float>, by m: UnsafePointer<Float>, count: Int) {
    for k in 0..<count { x[k] *= m[k] }
}

/// Copies `bias` (n floats) into each of `rows` rows of `out` (row stride `ld`).
@inline(__always)
func broadcastRows(_ bias: UnsafePointer<Float>, rows: Int, n: Int, into out: UnsafeMutablePointer<Float>, ld: Int) {
    for i in 0..<rows { (out + i * ld).update(from: bias, count: n) }
}

/// `acc[j] += Σ_i m[i, j]` over `rows` rows of `n` columns (row stride `ld`).
@inline(__always)
func accumulateColumnSums(_ m: UnsafePointer<Float>, rows: Int, n: Int, ld: Int, into acc: UnsafeMutablePointer<Float>) {
    for i in 0..<rows {
        let r = m + i * ld
        for j in 0..<n { acc[j] += r[j] }
    }
}

/// Gathers rows `index[k]` of `table` (row length `n`) into consecutive rows of `out`.
@inline(__always)
func gatherRows(_ table: UnsafePointer<Float>, n: Int, index: UnsafePointer<Int32>, count: Int, into out: UnsafeMutablePointer<Float>) {
    g4r_gather_rows(table, n, index, count, out)
}
