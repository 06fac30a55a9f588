/// Which of a model's item vectors to compare.
public enum ItemVectors: String, Sendable, CaseIterable {
    /// The output embedding: row i of `Wy.weight` (n x L_last), the vector each
    /// item's score is the dot product with. Every model has it. In shared
    /// (constrained) embedding mode it is the input embedding too.
    case output
    /// The separate input embedding: row i of `E.weight` (n x d). Only models
    /// trained with a separate embedding (`InputMode.separate`) have one.
    case input
}

/// One neighbour of an item: its catalog index and the cosine similarity.
public struct ItemNeighbour: Sendable, Equatable {
    public var item: Int
    public var similarity: Float

    public init(item: Int, similarity: Float) {
        self.item = item
        self.similarity = similarity
    }
}

/// Nearest items by cosine similarity of a model's item vectors.
///
/// Conventions:
/// - similarity(a, b) = (v_a · v_b) / (|v_a| · |v_b|) in `Float`, where `v_i` is
///   row i of the chosen matrix (``ItemVectors``); it is 0 when either vector is zero.
/// - ``nearest(to:k:)`` leaves the item itself out and orders by similarity,
///   highest first, ties by the lower catalog index: exact and deterministic
///   (the same order as a full sort with that tie rule).
/// - Row norms are computed once, at initialisation; a query is one
///   matrix-vector product over all rows and a partial selection.
///
/// Immutable after initialisation, so one instance may serve many threads; it
/// reads the model's parameters, which must not change while it is in use.
public final class ItemNeighbours: @unchecked Sendable {
    /// The model whose vectors are compared.
    public let model: GRU4RecModel
    /// Which vectors: output (`Wy`) or input (`E`).
    public let vectors: ItemVectors
    /// Length of each vector.
    public let dimension: Int
    /// Euclidean norm of each item's vector, by catalog index.
    public let norms: [Float]
    private let rows: UnsafePointer<Float>

    /// The vectors a model has: `.output` always, `.input` in separate embedding mode.
    public static func available(for model: GRU4RecModel) -> [ItemVectors] {
        model.inputMode == .separate ? [.output, .input] : [.output]
    }

    /// Prepares the search over `vectors` of `model` (computes the row norms).
    ///
    /// - Throws: ``ItemNeighboursError/noInputEmbedding(_:)`` when `.input` is asked
    ///   of a model without a separate input embedding.
    public init(model: GRU4RecModel, vectors: ItemVectors = .output) throws {
        self.model = model
        self.vectors = vectors
        switch vectors {
        case .output:
            dimension = model.outputSize
            rows = UnsafePointer(model.parameters["Wy.weight"])
        case .input:
            guard model.inputMode == .separate else { throw ItemNeighboursError.noInputEmbedding(model.inputMode) }
            dimension = model.hyperparameters.embedding
            rows = UnsafePointer(model.parameters["E.weight"])
        }
        let d = dimension, rows = rows
        norms = (0..<model.itemCount).map { i in
            var sum: Float = 0
            for j in 0..<d { sum += rows[i * d + j] * rows[i * d + j] }
            return sum.squareRoot()
        }
    }

    /// The vector of `item` (a copy).
    public func vector(of item: Int) -> [Float] {
        precondition(item >= 0 && item < model.itemCount, "item index out of range")
        return Array(UnsafeBufferPointer(start: rows + item * dimension, count: dimension))
    }

    /// Cosine similarity of two items (0 when either vector is zero).
    public func similarity(_ a: Int, _ b: Int) -> Float {
        precondition(a >= 0 && a < model.itemCount && b >= 0 && b < model.itemCount, "item index out of range")
        var dot: Float = 0
        for j in 0..<dimension { dot += rows[a * dimension + j] * rows[b * dimension + j] }
        return Self.cosine(dot: dot, norms[a], norms[b])
    }

    /// The `k` items most similar to `item`, best first, without `item` itself
    /// (fewer when the catalog is smaller). Ties: lower catalog index first.
    public func nearest(to item: Int, k: Int) -> [ItemNeighbour] {
        precondition(item >= 0 && item < model.itemCount, "item index out of range")
        let n = model.itemCount, d = dimension
        guard k > 0, n > 1 else { return [] }
        var scores = [Float](repeating: 0, count: n)
        let qNorm = norms[item]
        scores.withUnsafeMutableBufferPointer { out in
            guard let y = out.baseAddress else { return }
            BLAS.gemv(m: n, n: d, a: rows, lda: d, x: rows + item * d, y: y)
            for j in 0..<n { y[j] = Self.cosine(dot: y[j], qNorm, norms[j]) }
        }
        return scores.withUnsafeBufferPointer { buffer in
            guard let p = buffer.baseAddress else { return [] }
            return topK(p, count: n, k: k, excluded: [item]).map { ItemNeighbour(item: $0.item, similarity: $0.score) }
        }
    }

    /// dot / (|a| |b|), 0 when a norm is 0.
    @inline(__always)
    static func cosine(dot: Float, _ normA: Float, _ normB: Float) -> Float {
        let denominator = normA * normB
        return denominator > 0 ? dot / denominator : 0
    }
}

/// Why item vectors cannot be compared.
public enum ItemNeighboursError: Error, CustomStringConvertible, Equatable, Sendable {
    /// `.input` was asked of a model whose input is not a separate embedding.
    case noInputEmbedding(InputMode)

    public var description: String {
        switch self {
        case .noInputEmbedding(let mode):
            let why = mode == .shared
                ? "its input embedding is the output embedding Wy (shared mode): use the output vectors"
                : "its input is one-hot (no embedding table): use the output vectors"
            return "the model has no separate input embedding; \(why)"
        }
    }
}
