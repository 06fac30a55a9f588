import ArgumentParser
import GRU4Rec

/// Column options shared by commands that read session files.
struct ColumnOptions: ParsableArguments {
    @Option(name: .customLong("session-col"), help: "Name of the session id column.")
    var sessionColumn = "SessionId"
    @Option(name: .customLong("item-col"), help: "Name of the item id column.")
    var itemColumn = "ItemId"
    @Option(name: .customLong("time-col"), help: "Name of the timestamp column (numbers that order events).")
    var timeColumn = "Time"
    @Option(name: .customLong("sep"), help: "Field separator: a single character, or 'tab'.")
    var separator = "tab"

    var columns: SessionColumns { SessionColumns(session: sessionColumn, item: itemColumn, time: timeColumn) }

    func separatorByte() throws -> UInt8 {
        if separator == "tab" || separator == "\\t" { return 9 }
        guard separator.utf8.count == 1, let b = separator.utf8.first else {
            throw ValidationError("--sep takes one character or 'tab', got '\(separator)'")
        }
        return b
    }

    func load(_ path: String, catalog: ItemCatalog?) throws -> (data: SessionData, catalog: ItemCatalog) {
        try SessionData.load(path: path, columns: columns, separator: try separatorByte(), catalog: catalog)
    }
}

/// The thread count shared by the commands that train, evaluate or measure.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads: 1 or 2 (default: 2 on a machine with two cores or more). Results are the same either way.")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...2).contains(threads) {
            throw ValidationError("--threads takes 1 or 2, got \(threads) (the work is split in two parts)")
        }
    }

    /// Applies the choice (the default stays when none was given).
    func apply() { if let threads { Parallel.setThreads(threads) } }
}

/// Every hyperparameter as an option, under the reference's names with dashes.
struct HyperparameterOptions: ParsableArguments {
    @Option(help: "GRU layer sizes, e.g. 100 or 100,100 (reference: layers).") var layers: String?
    @Option(help: "cross-entropy, bpr-max, top1-max, bpr or top1.") var loss: String?
    @Option(name: .customLong("final-act"), help: "Final activation for ranking losses: linear, tanh, elu-<alpha>.") var finalAct: String?
    @Option(name: .customLong("elu-param"), help: "ELU alpha of the final activation (0: linear).") var eluParam: String?
    @Option(name: .customLong("batch-size"), help: "Session-parallel mini-batch size.") var batchSize: String?
    @Option(name: .customLong("dropout-p-embed"), help: "Dropout on the input embedding.") var dropoutPEmbed: String?
    @Option(name: .customLong("dropout-p-hidden"), help: "Dropout on each GRU layer's output.") var dropoutPHidden: String?
    @Option(name: .customLong("learning-rate"), help: "Learning rate.") var learningRate: String?
    @Option(help: "Momentum of Adagrad (or SGD).") var momentum: String?
    @Option(name: .customLong("n-sample"), help: "Extra negatives shared by the mini-batch.") var nSample: String?
    @Option(name: .customLong("sample-alpha"), help: "Negatives are drawn proportional to support^alpha.") var sampleAlpha: String?
    @Option(name: .customLong("sample-store"), help: "Size of the precomputed negative store (0: draw each step).") var sampleStore: String?
    @Option(help: "BPR-max score regularisation.") var bpreg: String?
    @Option(help: "logQ correction for cross-entropy (0..1).") var logq: String?
    @Option(help: "Separate input embedding size (0: none).") var embedding: String?
    @Option(name: .customLong("constrained-embedding"), help: "Share the output matrix as input embedding (true/false).") var constrainedEmbedding: String?
    @Option(help: "adagrad (reference), adam or sgd.") var optimizer: String?
    @Option(name: .customLong("grad-clip"), help: "Clip the global gradient norm (0: off).") var gradClip: String?

    var pairs: [(String, String?)] {
        [("layers", layers), ("loss", loss), ("elu_param", eluParam), ("final_act", finalAct), ("batch_size", batchSize),
         ("dropout_p_embed", dropoutPEmbed), ("dropout_p_hidden", dropoutPHidden), ("learning_rate", learningRate),
         ("momentum", momentum), ("n_sample", nSample), ("sample_alpha", sampleAlpha), ("sample_store", sampleStore),
         ("bpreg", bpreg), ("logq", logq), ("embedding", embedding), ("constrained_embedding", constrainedEmbedding),
         ("optimizer", optimizer), ("grad_clip", gradClip)]
    }

    func apply(to hp: inout Hyperparameters) throws {
        for (k, v) in pairs { if let v { try hp.set(k, to: v) } }
    }
}

extension TieMode: ExpressibleByArgument {}
extension KeepPolicy: ExpressibleByArgument {}

/// Parses "1,5,10,20".
func parseCutoffs(_ s: String) throws -> [Int] {
    let parts = s.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
    guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError("--cutoffs takes positive integers separated by commas, e.g. 1,5,10,20; got '\(s)'")
    }
    return parts.compactMap { $0 }
}
