import Foundation

/// The activation applied to the raw scores before a ranking loss.
/// A loss over the raw scores (cross-entropy, whose softmax is its own) ignores this
/// setting, as the reference does (``LossFunction/usesFinalActivation``).
public enum FinalActivation: Equatable, Codable, Sendable, CustomStringConvertible {
    case linear
    case elu(Float)
    case tanh

    /// Parses `linear`, `tanh`, `elu` (alpha 1), `elu-<alpha>`.
    public init?(name: String) {
        switch name {
        case "linear": self = .linear
        case "tanh": self = .tanh
        case "elu": self = .elu(1)
        default:
            guard name.hasPrefix("elu-"), let a = Float(name.dropFirst(4)), a > 0 else { return nil }
            self = .elu(a)
        }
    }

    public var description: String {
        switch self {
        case .linear: return "linear"
        case .tanh: return "tanh"
        case .elu(let a): return "elu-\(formatCompact(Double(a)))"
        }
    }

    public init(from decoder: Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        guard let v = FinalActivation(name: s) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown final activation '\(s)'"))
        }
        self = v
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Which optimizer updates the parameters.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    /// Adagrad with momentum and lazy row-sparse updates, as the reference (default).
    case adagrad
    /// Adam (dense moments; row-sparse parameters update only the rows used).
    case adam
    /// Plain SGD with optional momentum.
    case sgd
}

/// How the input item is fed to the first layer.
public enum InputMode: String, Codable, Sendable {
    /// The output matrix `Wy` doubles as input embedding (`constrained_embedding=True`).
    case shared
    /// A separate embedding table `E` of size `embedding`.
    case separate
    /// One-hot input into a GRU embedding layer (`embedding=0`, unconstrained).
    case oneHot = "one-hot"
}

/// Every hyperparameter of GRU4Rec, under the reference implementation's names.
///
/// Defaults are those of the reference's PyTorch port. Parameter files and
/// `key=value,key=value` strings use the reference's snake_case names (see
/// ``Hyperparameters/set(_:to:)``).
public struct Hyperparameters: Equatable, Sendable {
    /// GRU layer sizes, e.g. `[100]` or `[100, 100]`.
    public var layers: [Int] = [100]
    public var loss: LossFunction = .crossEntropy
    /// Final activation for ranking losses. The reference's `elu_param` > 0 means `elu-<elu_param>`.
    public var finalActivation: FinalActivation = .elu(0.5)
    public var batchSize: Int = 64
    public var dropoutPEmbed: Float = 0
    public var dropoutPHidden: Float = 0
    public var learningRate: Float = 0.05
    public var momentum: Float = 0
    /// Extra negatives shared by the whole mini-batch.
    public var nSample: Int = 2048
    /// Negatives are drawn with probability proportional to support^sample_alpha.
    public var sampleAlpha: Float = 0.5
    /// Size of the precomputed store of negative ids (0: draw at every step).
    public var sampleStore: Int = 10_000_000
    /// BPR-max score regularisation.
    public var bpreg: Float = 1.0
    /// logQ correction strength for cross-entropy (0...1).
    public var logq: Float = 0
    /// Size of a separate input embedding (0: none).
    public var embedding: Int = 0
    /// Use the output matrix as the input embedding.
    public var constrainedEmbedding: Bool = true
    public var nEpochs: Int = 10
    public var optimizer: OptimizerKind = .adagrad
    /// Adam's moment decay rates and epsilon.
    public var adamBeta1: Float = 0.9
    public var adamBeta2: Float = 0.999
    public var adamEpsilon: Float = 1e-8
    /// Clip the global gradient norm to this value (0: no clipping).
    public var gradClip: Float = 0
    /// Seed for initialisation, dropout masks and negative sampling.
    public var seed: UInt64 = 42

    public init() {}

    /// The input mode implied by `constrained_embedding` and `embedding`.
    public var inputMode: InputMode {
        if constrainedEmbedding { return .shared }
        return embedding > 0 ? .separate : .oneHot
    }

    /// The reference's `elu_param`: alpha of an ELU final activation, 0 otherwise.
    public var eluParam: Float {
        if case .elu(let a) = finalActivation { return a }
        return 0
    }

    /// Parses the reference's `key=value,key=value` string form. Layers use `/`.
    public mutating func apply(parameterString: String) throws {
        for pair in parameterString.split(separator: ",") where !pair.trimmingCharacters(in: .whitespaces).isEmpty {
            guard let eq = pair.firstIndex(of: "=") else {
                throw HyperparameterError.malformed(truncatedForMessage(String(pair)), hint: "write key=value pairs separated by commas, e.g. loss=bpr-max,layers=100/100")
            }
            try set(String(pair[..<eq]).trimmingCharacters(in: .whitespaces), to: String(pair[pair.index(after: eq)...]))
        }
    }

    /// Every hyperparameter as reference-named display strings (stable order):
    /// layers as `100/100`, numbers in short form (see ``typedValues`` for the exact, typed values).
    public var asDictionary: [(String, String)] {
        typedValues.map { key, value in
            if case .number(let v) = value { return (key, formatCompact(Double(v))) }
            return (key, value.exactText)
        }
    }

    /// Rebuilds hyperparameters from reference-named strings (`asDictionary`'s form,
    /// or ``HyperparameterValue/exactText``).
    public init(dictionary: [String: String]) throws {
        self.init()
        // Order matters where keys interact: final_act after elu_param, embedding after layers.
        for key in Self.names {
            if let v = dictionary[key], key != "elu_param" || dictionary["final_act"] == nil { try set(key, to: v) }
        }
    }

    /// Checks combinations the model cannot run, with a hint for each.
    /// (One-hot input with several layers is allowed: the reference crashes there; here
    /// layer 0's output feeds the next layer.)
    public func validate() throws {
        try validateSizes()
        if nSample == 0 && loss.needsNegatives && batchSize < 2 {
            throw HyperparameterError.invalidCombination("a ranking loss needs negatives: set n_sample > 0 or batch_size >= 2")
        }
    }
}

public enum HyperparameterError: Error, CustomStringConvertible, Equatable {
    case unknownKey(String, suggestion: String?)
    case invalidValue(key: String, value: String, expected: String)
    case malformed(String, hint: String)
    case invalidCombination(String)

    public var description: String {
        switch self {
        case let .unknownKey(k, s):
            return "unknown hyperparameter '\(clippedForMessage(k))'" + (s.map { "; did you mean '\($0)'?" } ?? "")
                + "\n  hint: known names: " + Hyperparameters.names.joined(separator: ", ")
        case let .invalidValue(k, v, e):
            return "invalid value '\(clippedForMessage(v))' for \(clippedForMessage(k)): expected \(e)"
        case let .malformed(p, h):
            return "malformed parameter '\(clippedForMessage(p))'\n  hint: \(h)"
        case let .invalidCombination(m):
            return "invalid hyperparameters: \(m)"
        }
    }
}
