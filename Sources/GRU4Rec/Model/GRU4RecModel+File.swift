import CKernels
import Foundation

/// Facts about how a model was trained, kept in its file's metadata.
public struct TrainingFacts: Codable, Equatable, Sendable {
    public var trainFile: String?
    public var validFile: String?
    public var trainEvents: Int?
    public var trainSessions: Int?
    public var epochs: Int?
    public var finalLoss: Double?
    /// Validation metrics of the kept epoch, e.g. `recall@20`.
    public var metrics: [String: Double]?
    public var trainingSeconds: Double?
    /// The training log (JSON Lines) written beside the model, by file name.
    public var log: String?
    public var created: String?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case trainFile = "train_file", validFile = "valid_file", trainEvents = "train_events"
        case trainSessions = "train_sessions", epochs, finalLoss = "final_loss", metrics
        case trainingSeconds = "training_seconds", log, created
    }
}

/// The model file: safetensors with every parameter under its reference name,
/// `item_support` (I64), and metadata strings:
///
/// | key | value |
/// |---|---|
/// | `format` | `gru4rec-shell` |
/// | `format_version` | ``GRU4RecModel/formatVersion`` |
/// | `hyperparameters` | JSON object of reference-named hyperparameters, typed (numbers, booleans, arrays; strings in files written before) |
/// | `items` | JSON array of item ids in index order |
/// | `training` | JSON object of ``TrainingFacts`` |
extension GRU4RecModel {
    /// The model-file format version written into every saved model.
    public static let formatVersion = 1

    /// Writes the model atomically (temporary file, fsync, rename).
    public func save(to path: String, facts: TrainingFacts = TrainingFacts(), extraTensors: [(String, [Float], [Int])] = [],
                     extraMetadata: [String: String] = [:]) throws {
        var w = SafeTensorsWriter()
        for spec in parameters.specs {
            w.add(spec.name, floats: UnsafeBufferPointer(start: parameters.pointer(spec), count: spec.count), shape: spec.shape)
        }
        w.add("item_support", int64s: itemSupport.map(Int64.init), shape: [itemCount])
        for (name, values, shape) in extraTensors { w.add(name, floats: values, shape: shape) }
        w.metadata = modelMetadata(facts: facts)
        for (k, v) in extraMetadata { w.metadata[k] = v }
        try w.write(to: path)
    }

    func modelMetadata(facts: TrainingFacts) -> [String: String] {
        [
            "format": "gru4rec-shell",
            "format_version": String(Self.formatVersion),
            "hyperparameters": hyperparameters.jsonText,
            // Built directly: JSONSerialization takes seconds for a million ids.
            "items": "[" + catalog.ids.map(jsonString).joined(separator: ",") + "]",
            "training": (try? String(decoding: JSONEncoder.sorted.encode(facts), as: UTF8.self)) ?? "{}",
        ]
    }

    /// Loads and validates a model file; every problem is an ``InputError`` naming the file.
    ///
    /// The file is mapped, not read (``SafeTensorsFile/init(mapping:)``). When its
    /// parameter tensors lie back to back in layout order, all F32, the first at a 64-byte
    /// file offset (as ``save(to:facts:extraTensors:extraMetadata:)`` writes them), the
    /// parameters are used in place: a private mapping of that part of the file
    /// (``ParameterStore/isMapped``), whose pages are read as they are touched and whose
    /// writes stay in this process. Other files (older ones, other orders) are copied into
    /// an allocated store. Either way every value is checked to be finite.
    ///
    /// A mapped model must outlive no in-place rewrite of its file (see ``MappedFile``):
    /// `mapping: false` reads the file instead (the server, whose file an operator may
    /// replace in place before a reload), with the same checks and values.
    public static func load(from path: String, mapping: Bool = true) throws
        -> (model: GRU4RecModel, facts: TrainingFacts, file: SafeTensorsFile) {
        let file: SafeTensorsFile
        do { file = try mapping ? SafeTensorsFile(mapping: path) : SafeTensorsFile(contentsOf: path) } catch let error as InputError {
            guard OfficialModelImport.isTorchArchive(path: path) else { throw error }
            throw InputError(path: path, message: "a PyTorch file (torch.save), not a gru4rec-shell model",
                             hint: "convert a model saved by the official PyTorch GRU4Rec first: gru4rec import \(path) --output model.safetensors")
        }
        func fail(_ message: String, _ hint: String? = nil) -> InputError { InputError(path: path, message: message, hint: hint) }
        let meta = file.metadata
        guard meta["format"] == "gru4rec-shell" else {
            throw fail("not a gru4rec-shell model (metadata 'format' is \(meta["format"].map { "'\($0)'" } ?? "missing"))",
                       "train a model with `gru4rec train`, or convert one saved by the official PyTorch GRU4Rec with `gru4rec import MODEL.pt --output MODEL.safetensors`")
        }
        guard let v = meta["format_version"].flatMap(Int.init) else { throw fail("metadata 'format_version' is missing or not a number") }
        guard v == formatVersion else {
            throw fail("model format version \(v) is not supported (this build reads version \(formatVersion))",
                       v > formatVersion ? "upgrade gru4rec-shell to read this model" : "retrain the model with this version")
        }
        guard let hpText = meta["hyperparameters"], case .object(let hpObject)? = try? JSONParser.parse(Array(hpText.utf8)) else {
            throw fail("metadata 'hyperparameters' is missing or not a JSON object")
        }
        let hp: Hyperparameters
        do {
            hp = try Hyperparameters(json: hpObject)
            try hp.validateSizes()
        } catch {
            throw fail("invalid hyperparameters in the model: \(error)")
        }
        guard let itemsText = meta["items"], let ids = itemIDs(json: itemsText) else {
            throw fail("metadata 'items' is missing or not a JSON array of strings")
        }
        let catalog: ItemCatalog
        do { catalog = try ItemCatalog(distinctIDs: ids) } catch let duplicate as ItemCatalog.DuplicateID {
            throw fail("metadata 'items' lists an item id twice ('\(clippedForMessage(duplicate.id))')")
        }
        let support = try file.int64s("item_support")
        guard support.count == ids.count else {
            throw fail("item_support has \(support.count) entries but the model lists \(ids.count) items")
        }
        guard support.allSatisfy({ $0 >= 0 && $0 <= Int64(Int32.max) * 1024 }) else {
            throw fail("item_support holds a negative or absurd event count", "the file is damaged; train the model again")
        }
        // The metadata must describe the tensors in the file before anything is
        // allocated from it: the file's own tensors bound every size.
        let layout = layout(hp, itemCount: ids.count)
        try checkTensors(of: file, against: layout, hp: hp, items: ids.count)
        let parameters = try mappedParameters(of: file, layout: layout) ?? copiedParameters(of: file, layout: layout)
        for spec in parameters.specs {
            let bad = g4r_first_nonfinite(parameters.pointer(spec), spec.count)
            if bad >= 0 {
                throw fail("tensor '\(spec.name)' holds a non-finite value (\(parameters.pointer(spec)[bad]) at element \(bad)): the model is broken",
                           "the training that wrote it diverged; train again with a lower learning rate")
            }
        }
        let model = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: support.map { Int($0) },
                                 parameters: parameters)
        var facts = TrainingFacts()
        if let t = meta["training"], let f = try? JSONDecoder().decode(TrainingFacts.self, from: Data(t.utf8)) { facts = f }
        return (model, facts, file)
    }
}

extension GRU4RecModel {
    /// The item ids of the metadata's `items` (a JSON array of strings), or nil when it is
    /// not one. The strict parser of the file's header: a million ids in a few tens of ms.
    static func itemIDs(json text: String) -> [String]? {
        var text = text
        return text.withUTF8 { (try? JSONParser.parseStringArray($0)) ?? nil }
    }

    /// The parameters of `layout` used in place: a private mapping of the file's bytes from
    /// the first tensor to the last, when the file is mapped and its tensors (checked by
    /// ``checkTensors(of:against:hp:items:)``) lie back to back in layout order, the first
    /// at a 64-byte file offset. `nil` otherwise (copy them).
    static func mappedParameters(of file: SafeTensorsFile, layout: [(String, [Int], UpdateKind)]) -> ParameterStore? {
        guard file.isMapped else { return nil }
        let infos = layout.compactMap { file.info($0.0) }
        guard infos.count == layout.count, let first = infos.first, let last = infos.last,
              file.fileOffset(ofData: first.byteRange) % 64 == 0,
              zip(infos, infos.dropFirst()).allSatisfy({ $0.byteRange.upperBound == $1.byteRange.lowerBound }),
              let mapping = file.privateMapping(ofData: first.byteRange.lowerBound..<last.byteRange.upperBound)
        else { return nil }
        let floatSize = MemoryLayout<Float>.size
        let specs = zip(layout, infos).map { entry, info in
            TensorSpec(name: entry.0, shape: entry.1, update: entry.2, offset: (info.byteRange.lowerBound - first.byteRange.lowerBound) / floatSize)
        }
        return ParameterStore(specs: specs, mapping: mapping)
    }

    /// The parameters of `layout` copied from `file` into an allocated store.
    static func copiedParameters(of file: SafeTensorsFile, layout: [(String, [Int], UpdateKind)]) throws -> ParameterStore {
        let parameters = ParameterStore(layout: layout)
        for spec in parameters.specs { parameters.setValues(spec.name, try file.floats(spec.name)) }
        return parameters
    }

    /// Checks that `file` holds every tensor of `layout` (as F32, with exactly that
    /// shape), so that the hyperparameters in the metadata agree with the tensors.
    static func checkTensors(of file: SafeTensorsFile, against layout: [(String, [Int], UpdateKind)],
                             hp: Hyperparameters, items: Int) throws {
        let path = file.path
        for (name, shape, _) in layout {
            guard let info = file.info(name) else {
                throw InputError(path: path, message: "tensor '\(name)' is missing",
                                 hint: "the file does not match its own configuration (layers \(hp.layers), \(hp.inputMode.rawValue) input)")
            }
            guard info.shape == shape else {
                throw InputError(path: path, message: "tensor '\(name)' has shape \(info.shape), but the metadata (layers "
                                 + "\(hp.layers.map(String.init).joined(separator: "/")), \(hp.inputMode.rawValue) input, \(items) items) "
                                 + "needs \(shape)",
                                 hint: "the file's metadata and tensors disagree: the file is damaged; train the model again")
            }
            guard info.dtype == .f32 else {
                throw InputError(path: path, message: "tensor '\(name)' has dtype \(info.dtype.rawValue), expected F32")
            }
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}

/// A compact JSON text for a JSON-compatible value (sorted keys).
func jsonString(_ value: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "null" }
    return String(decoding: data, as: UTF8.self)
}
