import Foundation

extension Hyperparameters {
    /// Every hyperparameter, in the stable order of ``names`` (also the order in which
    /// ``init(dictionary:)`` applies them: `final_act` after `elu_param`, `embedding`
    /// after `layers`). See ``HyperparameterField``.
    public static var table: [HyperparameterField] {
        [
            HyperparameterField(
                name: "layers", aliases: [], help: "GRU layer sizes, e.g. 100 or 100,100 (the reference writes 100/100).",
                parse: { hp, text in
                    let parts = text.value.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                        .split(whereSeparator: { $0 == "/" || $0 == "," || $0 == " " })
                    let sizes = parts.compactMap { Int($0) }
                    guard !sizes.isEmpty, sizes.count == parts.count, sizes.allSatisfy({ $0 > 0 }) else {
                        throw text.invalid("layer sizes such as 100 or 100/100")
                    }
                    hp.layers = sizes
                },
                value: { .integers($0.layers) }),
            .choice("loss", \.loss, help: "The training loss: "
                    + LossFunction.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: ", ") + "."),
            HyperparameterField(
                name: "final_act", aliases: [], help: "Final activation for ranking losses: linear, tanh, elu-<alpha>.",
                parse: { hp, text in
                    guard let a = FinalActivation(name: text.value) else { throw text.invalid("linear, tanh or elu-<alpha>") }
                    hp.finalActivation = a
                },
                value: { .text($0.finalActivation.description) }),
            HyperparameterField(
                name: "elu_param", aliases: [], help: "ELU alpha of the final activation (0: linear).",
                parse: { hp, text in
                    let a = try text.number(in: 0...Float.greatestFiniteMagnitude)
                    hp.finalActivation = a > 0 ? .elu(a) : .linear
                },
                value: { .number($0.eluParam) }),
            .integer("batch_size", \.batchSize, minimum: 1, help: "Session-parallel mini-batch size."),
            .number("dropout_p_embed", \.dropoutPEmbed, 0...0.99, help: "Dropout on the input embedding."),
            .number("dropout_p_hidden", \.dropoutPHidden, 0...0.99, help: "Dropout on each GRU layer's output."),
            HyperparameterField(
                name: "learning_rate", aliases: ["lr"], help: "Learning rate.",
                parse: { $0.learningRate = try $1.number(in: 0...1000) }, value: { .number($0.learningRate) }),
            .number("momentum", \.momentum, 0...0.999, help: "Momentum of Adagrad (or SGD)."),
            .integer("n_sample", \.nSample, minimum: 0, help: "Extra negatives shared by the mini-batch."),
            .number("sample_alpha", \.sampleAlpha, 0...10, help: "Negatives are drawn proportional to support^alpha."),
            .integer("sample_store", aliases: ["sample_cache_max_size"], \.sampleStore, minimum: 0,
                     help: "Size of the precomputed negative store (0: draw each step)."),
            .number("bpreg", \.bpreg, help: "BPR-max score regularisation."),
            .number("logq", \.logq, 0...1, help: "logQ correction for cross-entropy (0..1)."),
            HyperparameterField(
                name: "embedding", aliases: [], help: "Separate input embedding size (0: none; 'layersize': the first layer's size).",
                parse: { hp, text in hp.embedding = text.value == "layersize" ? hp.layers[0] : try text.integer(minimum: 0) },
                value: { .integer($0.embedding) }),
            HyperparameterField(
                name: "constrained_embedding", aliases: [], help: "Share the output matrix as input embedding (true/false).",
                parse: { $0.constrainedEmbedding = try $1.bool() }, value: { .bool($0.constrainedEmbedding) }),
            .integer("n_epochs", aliases: ["epochs"], \.nEpochs, minimum: 0, help: "Number of epochs."),
            .choice("optimizer", \.optimizer, help: "The optimizer (adagrad is the reference's)."),
            .number("adam_beta1", \.adamBeta1, 0...0.9999, help: "Adam's decay rate of the first moment."),
            .number("adam_beta2", \.adamBeta2, 0...0.999999, help: "Adam's decay rate of the second moment."),
            .number("adam_epsilon", \.adamEpsilon, help: "Adam's epsilon."),
            .number("grad_clip", \.gradClip, help: "Clip the global gradient norm (0: off)."),
            HyperparameterField(
                name: "seed", aliases: [], help: "Seed for initialisation, dropout and sampling (runs are bit-reproducible).",
                parse: { hp, text in
                    guard let s = UInt64(text.value) else { throw text.invalid("a non-negative integer") }
                    hp.seed = s
                },
                // A seed above Int.max stays exact as text.
                value: { $0.seed <= UInt64(Int.max) ? .integer(Int($0.seed)) : .text(String($0.seed)) }),
        ]
    }

    /// The reference's names, in a stable order, for help texts and records.
    public static let names: [String] = table.map(\.name)

    /// The row named `key` (its reference name or an alias; dashes read as underscores).
    public static func field(named key: String) -> HyperparameterField? {
        let name = key.replacingOccurrences(of: "-", with: "_")
        return table.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The help line of the hyperparameter `name` (for the command line's options).
    public static func help(for name: String) -> String { field(named: name)?.help ?? "" }

    /// Sets one hyperparameter from its reference name (or an alias) and a textual value.
    /// Layers are written `100/100` (the reference's form) or `100,100` / `[100,100]`.
    public mutating func set(_ key: String, to rawValue: String) throws {
        try Self.checkLengths(key: key, value: rawValue)
        guard let field = Self.field(named: key) else {
            throw HyperparameterError.unknownKey(key, suggestion: closestMatch(key, in: Self.names))
        }
        try field.parse(&self, HyperparameterText(key: key, value: rawValue.trimmingCharacters(in: .whitespaces)))
    }

    /// Every hyperparameter under its reference name, typed, in the stable order of ``names``.
    public var typedValues: [(String, HyperparameterValue)] {
        Self.table.map { ($0.name, $0.value(self)) }
    }
}
