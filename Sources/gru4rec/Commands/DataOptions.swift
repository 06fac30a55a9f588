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

/// The thread count shared by the commands that train, evaluate, measure, recommend or
/// open the shell.
struct ThreadOptions: ParsableArguments {
    @Option(help: "Threads: 1 or 2 (default: 2 on a machine with two cores or more). Results are the same either way.")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...2).contains(threads) {
            throw ValidationError("--threads takes 1 or 2, got \(threads) (the work is split in two parts)")
        }
    }

    /// The threads the command passes to the trainer, evaluator or live sessions it makes:
    /// `--threads`, else two on a machine with two cores or more. Call once per command
    /// (each value with two threads starts a worker thread of its own).
    func parallelism() -> Parallelism { threads.map { Parallelism(threads: $0) } ?? .machineDefault() }
}

/// Every hyperparameter as a typed option, under the reference's names with dashes;
/// the help lines come from the core's table (``Hyperparameters/table``). ArgumentParser
/// checks each value's type; `validate()` checks ranges through the table's readers.
struct HyperparameterOptions: ParsableArguments {
    @Option(help: .hyperparameter("layers")) var layers: LayerSizes?
    @Option(help: .hyperparameter("loss")) var loss: LossFunction?
    @Option(name: .customLong("final-act"), help: .hyperparameter("final_act")) var finalAct: FinalActivation?
    @Option(name: .customLong("elu-param"), help: .hyperparameter("elu_param")) var eluParam: Float?
    @Option(name: .customLong("batch-size"), help: .hyperparameter("batch_size")) var batchSize: Int?
    @Option(name: .customLong("dropout-p-embed"), help: .hyperparameter("dropout_p_embed")) var dropoutPEmbed: Float?
    @Option(name: .customLong("dropout-p-hidden"), help: .hyperparameter("dropout_p_hidden")) var dropoutPHidden: Float?
    @Option(name: .customLong("learning-rate"), help: .hyperparameter("learning_rate")) var learningRate: Float?
    @Option(help: .hyperparameter("momentum")) var momentum: Float?
    @Option(name: .customLong("n-sample"), help: .hyperparameter("n_sample")) var nSample: Int?
    @Option(name: .customLong("sample-alpha"), help: .hyperparameter("sample_alpha")) var sampleAlpha: Float?
    @Option(name: .customLong("sample-store"), help: .hyperparameter("sample_store")) var sampleStore: Int?
    @Option(help: .hyperparameter("bpreg")) var bpreg: Float?
    @Option(help: .hyperparameter("logq")) var logq: Float?
    @Option(help: .hyperparameter("embedding")) var embedding: EmbeddingSize?
    @Option(name: .customLong("constrained-embedding"), help: .hyperparameter("constrained_embedding")) var constrainedEmbedding: Bool?
    @Option(help: .hyperparameter("optimizer")) var optimizer: OptimizerKind?
    @Option(name: .customLong("grad-clip"), help: .hyperparameter("grad_clip")) var gradClip: Float?

    /// The options given, as reference names and the text the table reads back exactly.
    var given: [(String, String)] {
        let all: [(String, String?)] = [
            ("layers", layers?.text), ("loss", loss?.rawValue), ("elu_param", eluParam?.description),
            ("final_act", finalAct?.description), ("batch_size", batchSize?.description),
            ("dropout_p_embed", dropoutPEmbed?.description), ("dropout_p_hidden", dropoutPHidden?.description),
            ("learning_rate", learningRate?.description), ("momentum", momentum?.description), ("n_sample", nSample?.description),
            ("sample_alpha", sampleAlpha?.description), ("sample_store", sampleStore?.description), ("bpreg", bpreg?.description),
            ("logq", logq?.description), ("embedding", embedding?.text), ("constrained_embedding", constrainedEmbedding?.description),
            ("optimizer", optimizer?.rawValue), ("grad_clip", gradClip?.description),
        ]
        return all.compactMap { name, value in value.map { (name, $0) } }
    }

    /// Values out of range are a usage error naming the option.
    func validate() throws {
        var scratch = Hyperparameters()
        for (name, value) in given {
            do { try scratch.set(name, to: value) } catch let error as HyperparameterError {
                throw ValidationError("--\(name.replacingOccurrences(of: "_", with: "-")): \(error)")
            }
        }
    }

    func apply(to hp: inout Hyperparameters) throws {
        for (name, value) in given { try hp.set(name, to: value) }
    }
}

/// `--layers 100` or `100,100` (or the reference's `100/100`), read by the core's table.
struct LayerSizes: ExpressibleByArgument {
    var sizes: [Int]
    var text: String { sizes.map(String.init).joined(separator: "/") }
    init?(argument: String) {
        var hp = Hyperparameters()
        guard (try? hp.set("layers", to: argument)) != nil else { return nil }
        sizes = hp.layers
    }
}

/// `--embedding N` or `layersize` (the first layer's size).
enum EmbeddingSize: ExpressibleByArgument {
    case size(Int)
    case layerSize
    init?(argument: String) {
        if argument == "layersize" { self = .layerSize } else if let n = Int(argument) { self = .size(n) } else { return nil }
    }
    var text: String {
        switch self {
        case .size(let n): return String(n)
        case .layerSize: return "layersize"
        }
    }
}

extension FinalActivation: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
}
extension LossFunction: ExpressibleByArgument {}
extension OptimizerKind: ExpressibleByArgument {}

extension ArgumentHelp {
    /// The help line of a hyperparameter from the core's table, with its reference name.
    static func hyperparameter(_ name: String) -> ArgumentHelp {
        let help = Hyperparameters.help(for: name)
        return ArgumentHelp((help.hasSuffix(".") ? String(help.dropLast()) : help) + " (reference: \(name)).")
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
