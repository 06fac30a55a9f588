import Foundation

/// A training loss: its name as the reference implementation spells it, a line of help,
/// and the row kernel that computes it. The losses are the rows of one table,
/// ``allCases`` in `Kernels/Losses.swift`; everything else (parsing `loss=...`, the CLI's
/// choices and help, the model file, the logQ shift, the checks of final activation and
/// negatives, the gradient checks) reads the table, so adding a loss is adding a row
/// there (GRU4Rec.docc, "Adding a loss").
///
/// Two losses are equal when their names are.
public struct LossFunction: RawRepresentable, CaseIterable, Hashable, Codable, Sendable, CustomStringConvertible {
    /// The name, as the reference spells it (`loss=` in a parameter string, the model file).
    public let rawValue: String
    /// One line for help texts.
    public let summary: String
    /// Whether ``Hyperparameters/bpreg`` enters the loss.
    public let usesBpreg: Bool
    /// How a row of the score matrix is turned into its loss and gradient.
    let row: LossRow

    init(name: String, summary: String, usesBpreg: Bool = false, row: LossRow) {
        self.rawValue = name
        self.summary = summary
        self.usesBpreg = usesBpreg
        self.row = row
    }

    /// The table's row named `rawValue`, or nil.
    public init?(rawValue: String) {
        guard let loss = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = loss
    }

    /// Whether the loss reads the final activation's output O = act(R) (the ranking
    /// losses) rather than the raw scores (cross-entropy, whose softmax is its own).
    public var usesFinalActivation: Bool {
        if case .activated = row { return true }
        return false
    }

    /// Whether the logQ correction (``Hyperparameters/logq``) applies: it shifts the raw
    /// scores, so only a loss over raw scores receives it.
    public var usesLogq: Bool { !usesFinalActivation }

    /// Whether the loss compares the target with negatives (a ranking loss: with one
    /// column it has nothing to rank).
    public var needsNegatives: Bool { usesFinalActivation }

    public var description: String { rawValue }

    public static func == (a: LossFunction, b: LossFunction) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let loss = LossFunction(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown loss '\(name)' (known: \(Self.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        self = loss
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// How a loss computes one row i of the score matrix R (N columns; the target is column i).
/// Every kernel returns the row's loss before normalisation; ``lossRow`` divides the
/// gradient by the normaliser D (see ``LossSettings``).
enum LossRow: Sendable {
    /// Over the raw scores: `kernel(row, shift, n, i, grad, invD)` gets the row and the logQ
    /// shift (N floats, or nil when logq is 0) and writes dLoss/dR already multiplied by `invD`.
    case raw(@Sendable (UnsafePointer<Float>, UnsafePointer<Float>?, Int, Int, UnsafeMutablePointer<Float>, Float) -> Double)
    /// Over O = act(R), the final activation's output: `reference(o, n, i, bpreg, grad)` writes
    /// dLoss/dO into `grad` (``lossRow`` applies act'(R) and 1/D). `fused`, if given, is a
    /// (C) kernel for the linear and ELU activations that does all of it in one pass:
    /// `fused(row, n, i, eluAlpha (0: linear), bpreg, grad, scratch (3N floats), invD)`
    /// writes dLoss/dR multiplied by `invD`; the tanh activation always takes `reference`.
    case activated(
        reference: @Sendable (UnsafeMutablePointer<Float>, Int, Int, Float, UnsafeMutablePointer<Float>) -> Double,
        fused: (@Sendable (UnsafePointer<Float>, Int, Int, Float, Float, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, Float) -> Double)?)
}
