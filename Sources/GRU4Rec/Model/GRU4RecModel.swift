/// A GRU4Rec model: hyperparameters, item catalog, item support and parameters.
///
/// Parameter names and shapes follow the reference (GRU4Rec.md, Parameters):
///
/// | name | shape | mode |
/// |---|---|---|
/// | `Wy.weight` | (n, L_last) | all; the input embedding too in shared mode |
/// | `By.weight` | (n, 1) | all |
/// | `E.weight` | (n, d) | separate |
/// | `G.k.weight_ih` | (3H_k, I_k) | GRUCell layers; row blocks r, z, n |
/// | `G.k.weight_hh` | (3H_k, H_k) | " |
/// | `G.k.bias_ih`, `G.k.bias_hh` | (3H_k) | " |
/// | `GE.Wx0.weight` | (n, 3H_0) | one-hot; column blocks candidate, r, z |
/// | `GE.Wrz0` | (H_0, 2H_0) | one-hot; column blocks r, z |
/// | `GE.Wh0` | (H_0, H_0) | one-hot |
/// | `GE.Bh0` | (3H_0) | one-hot |
///
/// In one-hot mode layer 0 is the GRU embedding layer and layers 1... are
/// GRUCells named `G.1`, `G.2`, ... (the reference supports only one layer there).
public final class GRU4RecModel {
    public let hyperparameters: Hyperparameters
    public let catalog: ItemCatalog
    /// Training support (event count) per item: the popularity used by logQ and sampling.
    public let itemSupport: [Int]
    public let parameters: ParameterStore

    public var itemCount: Int { catalog.count }
    public var layers: [Int] { hyperparameters.layers }
    public var inputMode: InputMode { hyperparameters.inputMode }
    /// Size of the last layer (the dimension of item output vectors).
    public var outputSize: Int { layers[layers.count - 1] }
    /// Index of the first GRUCell layer (1 in one-hot mode, else 0).
    public var firstCellLayer: Int { inputMode == .oneHot ? 1 : 0 }

    /// Input size of layer k.
    public func inputSize(ofLayer k: Int) -> Int {
        if k > 0 { return layers[k - 1] }
        switch inputMode {
        case .shared: return outputSize
        case .separate: return hyperparameters.embedding
        case .oneHot: return itemCount
        }
    }

    /// Creates a model with zeroed parameters (call an initialiser or load values).
    public convenience init(hyperparameters: Hyperparameters, catalog: ItemCatalog, itemSupport: [Int]) {
        self.init(hyperparameters: hyperparameters, catalog: catalog, itemSupport: itemSupport,
                  parameters: ParameterStore(layout: Self.layout(hyperparameters, itemCount: catalog.count)))
    }

    /// A model over given parameters (loaded from a file), which must hold the tensors of
    /// `layout(hyperparameters, itemCount: catalog.count)`.
    init(hyperparameters: Hyperparameters, catalog: ItemCatalog, itemSupport: [Int], parameters: ParameterStore) {
        precondition(itemSupport.count == catalog.count)
        self.hyperparameters = hyperparameters
        self.catalog = catalog
        self.itemSupport = itemSupport
        self.parameters = parameters
    }

    /// The parameter layout (name, shape, update kind) of a configuration.
    public static func layout(_ hp: Hyperparameters, itemCount n: Int) -> [(String, [Int], UpdateKind)] {
        var out: [(String, [Int], UpdateKind)] = []
        let layers = hp.layers, last = layers[layers.count - 1]
        var first = 0
        switch hp.inputMode {
        case .shared: break
        case .separate: out.append(("E.weight", [n, hp.embedding], .rowSparse))
        case .oneHot:
            let h = layers[0]
            out.append(("GE.Wx0.weight", [n, 3 * h], .rowSparse))
            out.append(("GE.Wrz0", [h, 2 * h], .dense))
            out.append(("GE.Wh0", [h, h], .dense))
            out.append(("GE.Bh0", [3 * h], .dense))
            first = 1
        }
        for k in first..<layers.count {
            let h = layers[k]
            let i: Int
            if k > 0 { i = layers[k - 1] } else { i = hp.inputMode == .shared ? last : hp.embedding }
            out.append(("G.\(k).weight_ih", [3 * h, i], .dense))
            out.append(("G.\(k).weight_hh", [3 * h, h], .dense))
            out.append(("G.\(k).bias_ih", [3 * h], .dense))
            out.append(("G.\(k).bias_hh", [3 * h], .dense))
        }
        out.append(("Wy.weight", [n, last], .rowSparse))
        out.append(("By.weight", [n, 1], .rowSparse))
        return out
    }

    /// Initialisation schemes.
    public enum Initialization: Sendable {
        /// Uniform in ±sqrt(6/(fan_in + fan_out)) per gate block, biases zero, from a seeded generator.
        case uniform(seed: UInt64)
        /// The reference's `compatibility_mode` (NumPy MT19937, seed 42), bit for bit.
        /// Valid only when every GRUCell layer has input size == hidden size == the first layer's input size.
        case numpyCompatible
    }

    /// Fills the parameters. Throws for `.numpyCompatible` on shapes the reference cannot initialise.
    public func initialize(_ scheme: Initialization) throws {
        parameters.zero()
        switch scheme {
        case .uniform(let seed):
            var rng = SeededGenerator(seed: seed)
            initializeUniform(&rng)
        case .numpyCompatible:
            try initializeNumpyCompatible()
        }
    }

    private func fillBlock(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int, sigmaRows: Int, sigmaCols: Int, _ draw: () -> Float) {
        let sigma = Float((6.0 / Double(sigmaRows + sigmaCols)).squareRoot())
        for r in 0..<rows { for c in 0..<cols { p[r * ld + c] = (draw() * 2) * sigma - sigma } }
    }

    private func initializeUniform(_ rng: inout SeededGenerator) {
        let n = itemCount
        var gen = rng
        let draw: () -> Float = { gen.nextUnitFloat() }
        switch inputMode {
        case .shared: break
        case .separate:
            let d = hyperparameters.embedding
            fillBlock(parameters["E.weight"], rows: n, cols: d, ld: d, sigmaRows: n, sigmaCols: d, draw)
        case .oneHot:
            let h = layers[0]
            for blk in 0..<3 { fillBlock(parameters["GE.Wx0.weight"] + blk * h, rows: n, cols: h, ld: 3 * h, sigmaRows: n, sigmaCols: h, draw) }
            for blk in 0..<2 { fillBlock(parameters["GE.Wrz0"] + blk * h, rows: h, cols: h, ld: 2 * h, sigmaRows: h, sigmaCols: h, draw) }
            fillBlock(parameters["GE.Wh0"], rows: h, cols: h, ld: h, sigmaRows: h, sigmaCols: h, draw)
        }
        for k in firstCellLayer..<layers.count {
            let h = layers[k], i = inputSize(ofLayer: k)
            for blk in 0..<3 {
                fillBlock(parameters["G.\(k).weight_ih"] + blk * h * i, rows: h, cols: i, ld: i, sigmaRows: h, sigmaCols: i, draw)
            }
            for blk in 0..<3 {
                fillBlock(parameters["G.\(k).weight_hh"] + blk * h * h, rows: h, cols: h, ld: h, sigmaRows: h, sigmaCols: h, draw)
            }
        }
        let l = outputSize
        fillBlock(parameters["Wy.weight"], rows: n, cols: l, ld: l, sigmaRows: n, sigmaCols: l, draw)
        rng = gen
    }

    private func initializeNumpyCompatible() throws {
        let n = itemCount
        let nIn: Int
        switch inputMode {
        case .shared: nIn = outputSize
        case .separate: nIn = hyperparameters.embedding
        case .oneHot: nIn = n
        }
        for k in firstCellLayer..<layers.count where !(nIn == layers[k] && inputSize(ofLayer: k) == nIn) {
            throw HyperparameterError.invalidCombination(
                "numpy-compatible initialisation needs every GRU layer's input and hidden size equal to \(nIn) (the reference crashes otherwise); use the default uniform initialisation")
        }
        var mt = MersenneTwister(seed: 42)
        // float32 arithmetic exactly as NumPy: (float32(u) * 2) * σ32 - σ32.
        func block(_ p: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int) {
            let sigma = Float((6.0 / Double(rows + cols)).squareRoot())
            for r in 0..<rows {
                for c in 0..<cols {
                    let u = Float(mt.nextDouble())
                    p[r * ld + c] = (u * 2) * sigma - sigma
                }
            }
        }
        switch inputMode {
        case .shared: break
        case .separate:
            let d = hyperparameters.embedding
            block(parameters["E.weight"], rows: n, cols: d, ld: d)
        case .oneHot:
            let h = layers[0]
            for blk in 0..<3 { block(parameters["GE.Wx0.weight"] + blk * h, rows: n, cols: h, ld: 3 * h) }
            for blk in 0..<2 { block(parameters["GE.Wrz0"] + blk * h, rows: h, cols: h, ld: 2 * h) }
            block(parameters["GE.Wh0"], rows: h, cols: h, ld: h)
        }
        for k in firstCellLayer..<layers.count {
            let h = layers[k]
            // Three (n_in, H) blocks stacked vertically; then three (H, H) blocks.
            for blk in 0..<3 { block(parameters["G.\(k).weight_ih"] + blk * nIn * h, rows: nIn, cols: h, ld: h) }
            for blk in 0..<3 { block(parameters["G.\(k).weight_hh"] + blk * h * h, rows: h, cols: h, ld: h) }
        }
        block(parameters["Wy.weight"], rows: n, cols: outputSize, ld: outputSize)
    }
}
