/// Named views of a ``ParameterStore``'s tensors, resolved once when a training step or a
/// forward pass is created (llm.c's `ParameterTensors`): the layers' kernels take these
/// pointers, so no tensor is looked up by name inside a step.
///
/// The same type views the parameters and a gradient store of the same layout. A gradient
/// store holds only the dense tensors (the row-sparse item tables' gradients are per-step
/// rows in the training step's arena), so there the item tables are nil.
///
/// Shapes (GRU4Rec.md, Parameters; n items, L = the last layer's size, H_k layer k's size,
/// I_k its input size, d the separate embedding's size):
struct ParameterTensors {
    /// `Wy.weight` (n, L): output item vectors (row-sparse); the input table in shared mode.
    let outputWeights: UnsafeMutablePointer<Float>?
    /// `By.weight` (n, 1): output item biases (row-sparse).
    let outputBias: UnsafeMutablePointer<Float>?
    /// The table layer 0 reads rows of (row-sparse): `Wy.weight` (n, L) in shared mode,
    /// `E.weight` (n, d) in separate mode, `GE.Wx0.weight` (n, 3H_0) in one-hot mode.
    let inputTable: UnsafeMutablePointer<Float>?
    /// Layer 0 in one-hot mode: `GE.Wrz0` (H_0, 2H_0), `GE.Wh0` (H_0, H_0), `GE.Bh0` (3H_0).
    let embeddingCell: GRUEmbeddingWeights?
    /// Per layer k, `G.k.weight_ih` (3H_k, I_k), `G.k.weight_hh` (3H_k, H_k), `G.k.bias_ih`,
    /// `G.k.bias_hh` (3H_k); nil for layer 0 in one-hot mode (the GRU embedding layer).
    let cells: [GRUCellWeights?]

    /// Resolves the views of `store` for a network of `layers` layers in input `mode`.
    /// Traps when a dense tensor of that layout is missing (a programming error: stores are
    /// built from ``GRU4RecModel/layout(_:itemCount:)``).
    init(_ store: ParameterStore, layers: Int, mode: InputMode) {
        func tensor(_ name: String) -> UnsafeMutablePointer<Float>? { store.spec(name).map(store.pointer) }
        outputWeights = tensor("Wy.weight")
        outputBias = tensor("By.weight")
        switch mode {
        case .shared: inputTable = outputWeights
        case .separate: inputTable = tensor("E.weight")
        case .oneHot: inputTable = tensor("GE.Wx0.weight")
        }
        if mode == .oneHot {
            embeddingCell = GRUEmbeddingWeights(wrz0: store["GE.Wrz0"], wh0: store["GE.Wh0"], bh0: store["GE.Bh0"])
        } else {
            embeddingCell = nil
        }
        cells = (0..<layers).map { k in
            if k == 0 && mode == .oneHot { return nil }
            return GRUCellWeights(wIH: store["G.\(k).weight_ih"], wHH: store["G.\(k).weight_hh"],
                                  bIH: store["G.\(k).bias_ih"], bHH: store["G.\(k).bias_hh"])
        }
    }
}
