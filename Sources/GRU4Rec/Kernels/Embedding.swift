/// The input embedding of shared and separate modes (GRU4Rec.md, "The math", Input):
///
///     e = T[x]      (B x d)   T = Wy (shared: d = L) or E (separate)
///
/// Embedding dropout is the first GRU layer's input mask (``LayerDropout/input``), applied
/// where that layer's forward pass starts. In one-hot mode the table is `GE.Wx0` (n, 3H_0),
/// read by ``gruEmbeddingForward`` itself; its row gradients come back the same way here.

/// Forward: writes rows `table[items[r]]` (row length `width`) into `out` (rows x width).
/// Training and inference both run this function.
@inline(__always)
func embeddingForward(
    table: UnsafePointer<Float>, width: Int, items: UnsafePointer<Int32>, rows b: Int, out: UnsafeMutablePointer<Float>
) {
    gatherRows(table, n: width, index: items, count: b, into: out)
}

/// Backward: ACCUMULATES each row's gradient `dOut[r]` (rows x width) into the table's
/// per-step row gradient `dTableRows[slots[r]]` (one row per distinct item of the step, in
/// slot order), in row order. With `include`, only the rows whose slot it accepts (the
/// optimizer's part that owns the row, so each part sums its own rows).
@inline(__always)
func embeddingBackward(
    rows b: Int, width: Int, slots: UnsafePointer<Int32>, dOut: UnsafePointer<Float>,
    into dTableRows: UnsafeMutablePointer<Float>, include: ((Int) -> Bool)? = nil
) {
    for r in 0..<b {
        let slot = Int(slots[r])
        if let include, !include(slot) { continue }
        let dst = dTableRows + slot * width, src = dOut + r * width
        for j in 0..<width { dst[j] += src[j] }
    }
}
