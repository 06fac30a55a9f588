import Foundation

/// A model read from a file saved by the official PyTorch GRU4Rec.
public struct ImportedModel {
    public let model: GRU4RecModel
    public let facts: TrainingFacts
    /// What the import found or assumed, one line each (shown by `gru4rec import`).
    public let notes: [String]
    /// Metadata recorded in the written model file (`imported_from`, ...).
    public let metadata: [String: String]

    /// Writes the model file (atomically, with the usual writer).
    public func save(to path: String) throws {
        try model.save(to: path, facts: facts, extraMetadata: metadata)
    }
}

/// Reads a model saved by the official PyTorch GRU4Rec's `GRU4Rec.savemodel`
/// (`torch.save` of the whole `GRU4Rec` object) without PyTorch or Python, and
/// without running anything from the file (see ``PickleReader`` and
/// ``PickleAllowList``).
///
/// What is taken from the object, and checked:
/// - hyperparameters from its attributes (`layers`, `loss`, `elu_param`, `bpreg`,
///   `logq`, `embedding`, `constrained_embedding`, dropout, learning rate, ...);
/// - the parameters from `model` (a `GRU4RecModel` module tree: `E`, `GE`, `G.k`,
///   `Wy`, `By`), whose names and shapes must be exactly this project's layout for
///   those hyperparameters (``GRU4RecModel/layout(_:itemCount:)``); every tensor is
///   checked against its storage;
/// - item ids in index order from `data_iterator.itemidmap` (a pandas Series: item
///   id -> index), which must be a permutation of 0..<n;
/// - item support (event counts) from `data_iterator.data_items` when present.
public enum OfficialModelImport {
    /// Most parameters a module tree may hold (the official model has at most a dozen).
    static let maxParameters = 1_000
    /// Deepest module nesting followed, and most modules visited.
    static let maxModuleDepth = 8
    static let maxModules = 1_000

    /// Reads and converts the file at `path`.
    public static func load(path: String) throws -> ImportedModel {
        try model(fromArchive: try readWholeFile(path), path: path)
    }

    /// Whether the file starts like a zip archive with a `<name>/data.pkl` entry first,
    /// as `torch.save` writes it (for a helpful hint when one is opened as a model).
    public static func isTorchArchive(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = [UInt8](handle.readData(ofLength: 256))
        guard head.count > 30, head[0] == 0x50, head[1] == 0x4B, head[2] == 3, head[3] == 4 else { return false }
        let nameLength = Int(head[26]) | Int(head[27]) << 8
        guard 30 + nameLength <= head.count else { return false }
        return String(decoding: head[30..<(30 + nameLength)], as: UTF8.self).hasSuffix("/data.pkl")
    }

    /// Converts the bytes of a `.pt` file; `path` names it in errors. The entry point
    /// for fuzzing: any input gives a model or an ``InputError``.
    public static func model(fromArchive bytes: [UInt8], path: String = "<model.pt>") throws -> ImportedModel {
        let archive = try TorchArchive(bytes: bytes, path: path)
        var conversion = Conversion(archive: archive)
        return try conversion.run()
    }
}

private struct Conversion {
    let archive: TorchArchive
    var path: String { archive.path }
    var notes: [String] = []

    init(archive: TorchArchive) { self.archive = archive }

    func layoutError(_ message: String) -> InputError {
        InputError(path: path, message: "unknown layout: " + message,
                   hint: "import reads what the official PyTorch GRU4Rec's savemodel writes (torch.save of the whole GRU4Rec object)")
    }

    mutating func run() throws -> ImportedModel {
        let root = archive.document.root
        guard let gru4rec = root.object, gru4rec.type.name == "GRU4Rec", gru4rec.state.dict != nil else {
            throw layoutError("the pickle holds \(root.summary), expected a gru4rec_pytorch.GRU4Rec object")
        }
        let hp = try hyperparameters(gru4rec)
        guard let network = gru4rec["model"]?.object, network.type.name == "GRU4RecModel" else {
            throw layoutError("the GRU4Rec object has no trained network ('model' is \(gru4rec["model"]?.summary ?? "missing"))")
        }
        var tensors: [(String, TorchTensorReference)] = []
        var modules = 0
        try collect(network, prefix: "", depth: 0, visited: &modules, into: &tensors)
        guard let iterator = gru4rec["data_iterator"]?.object else {
            throw layoutError("the GRU4Rec object has no data_iterator, so no item map (item ids)")
        }
        let ids = try itemIDs(iterator)
        guard !ids.isEmpty else { throw layoutError("the item map is empty") }
        let catalog = ItemCatalog(ids: ids)
        guard catalog.count == ids.count else { throw layoutError("the item map lists an item id twice") }
        let support = try itemSupport(iterator, itemCount: ids.count)

        // Names and shapes against the layout, and every tensor against its storage, before
        // anything is allocated: the model's size is then bounded by the file's.
        let layout = GRU4RecModel.layout(hp, itemCount: ids.count)
        let expected = Set(layout.map(\.0)), found = Set(tensors.map(\.0))
        guard expected == found, found.count == tensors.count else {
            let missing = expected.subtracting(found).sorted(), extra = found.subtracting(expected).sorted()
            throw layoutError("for \(hp.inputMode.rawValue) input and layers \(hp.layers) the network should hold \(expected.sorted()); "
                + (missing.isEmpty ? "" : "missing \(missing)") + (missing.isEmpty || extra.isEmpty ? "" : ", ")
                + (extra.isEmpty ? "" : "unexpected \(extra)") + (found.count == tensors.count ? "" : "a name appears twice"))
        }
        let shapes = Dictionary(uniqueKeysWithValues: layout.map { ($0.0, $0.1) })
        var checked: [(String, TorchArchive.CheckedTensor)] = []
        for (name, tensor) in tensors {
            let shape = shapes[name] ?? []
            // The official By is (n, 1); a bias stored as a vector of n is the same data.
            guard tensor.shape == shape || (shape.count == 2 && shape[1] == 1 && tensor.shape == [shape[0]]) else {
                throw layoutError("tensor '\(name)' has shape \(tensor.shape), expected \(shape) for \(ids.count) items, layers \(hp.layers) and \(hp.inputMode.rawValue) input")
            }
            checked.append((name, try archive.check(tensor, name: name)))
        }
        let model = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: support)
        for (name, tensor) in checked {
            guard let spec = model.parameters.spec(name) else { continue }
            let values = model.parameters.pointer(spec)
            try archive.read(tensor, into: values)
            if let bad = (0..<spec.count).first(where: { !values[$0].isFinite }) {
                throw InputError(path: path, message: "tensor '\(name)' holds a non-finite value (\(values[bad])) at element \(bad)",
                                 hint: "the model diverged while training; retrain it (e.g. with a lower learning rate)")
            }
        }
        var facts = TrainingFacts()
        facts.epochs = hp.nEpochs
        if iterator["data_items"] != nil { facts.trainEvents = support.reduce(0, +) }
        if let offsets = try? iterator["offset_sessions"].map({ try PickledArray($0, what: "offset_sessions", path: path) }), offsets.count > 0 {
            facts.trainSessions = offsets.count - 1
        }
        notes.insert("\(ids.count) items, layers \(hp.layers), \(hp.inputMode.rawValue) input, loss \(hp.loss.rawValue), \(tensors.count) tensors", at: 0)
        let metadata = ["imported_from": (path as NSString).lastPathComponent, "import_source": "official PyTorch GRU4Rec (torch.save, read as data)"]
        return ImportedModel(model: model, facts: facts, notes: notes, metadata: metadata)
    }

    // MARK: Hyperparameters

    func hyperparameters(_ gru4rec: PickleObject) throws -> Hyperparameters {
        var hp = Hyperparameters()
        func text(_ key: String, _ value: PickleValue) throws -> String {
            switch value {
            case .int(let i): return String(i)
            case .bool(let b): return b ? "true" : "false"
            case .float(let d): return String(d)
            case .string(let s): return s
            case .sequence(let s) where key == "layers":
                let sizes = s.items.compactMap(\.intValue)
                guard sizes.count == s.items.count, !sizes.isEmpty else { throw layoutError("'layers' is \(value.summary), expected a list of integers") }
                return sizes.map(String.init).joined(separator: "/")
            default: throw layoutError("hyperparameter '\(key)' is \(value.summary)")
            }
        }
        for key in ["layers", "loss", "constrained_embedding", "embedding"] where gru4rec[key] == nil {
            throw layoutError("the GRU4Rec object has no '\(key)' attribute")
        }
        let keys: [(String, String)] = [
            ("layers", "layers"), ("loss", "loss"), ("elu_param", "elu_param"), ("bpreg", "bpreg"), ("logq", "logq"),
            ("batch_size", "batch_size"), ("dropout_p_embed", "dropout_p_embed"), ("dropout_p_hidden", "dropout_p_hidden"),
            ("learning_rate", "learning_rate"), ("momentum", "momentum"), ("sample_alpha", "sample_alpha"), ("n_sample", "n_sample"),
            ("embedding", "embedding"), ("constrained_embedding", "constrained_embedding"), ("n_epochs", "n_epochs"),
            ("sample_cache_max_size", "sample_store"),
        ]
        for (attribute, name) in keys {
            guard let value = gru4rec[attribute], !value.isNone else { continue }
            do { try hp.set(name, to: try text(attribute, value)) } catch let error as HyperparameterError {
                throw InputError(path: path, message: "the model's hyperparameter \(attribute): \(error)",
                                 hint: "this build trains the losses \(LossFunction.allCases.map(\.rawValue).joined(separator: ", ")) with their parameters")
            }
        }
        return hp
    }

    // MARK: Parameters

    /// The module tree's parameters under their state-dict names (`G.0.weight_ih`, ...).
    func collect(_ module: PickleObject, prefix: String, depth: Int, visited: inout Int, into out: inout [(String, TorchTensorReference)]) throws {
        guard depth <= OfficialModelImport.maxModuleDepth else { throw layoutError("modules nested deeper than \(OfficialModelImport.maxModuleDepth) levels at '\(prefix)'") }
        visited += 1
        guard visited <= OfficialModelImport.maxModules else { throw layoutError("more than \(OfficialModelImport.maxModules) modules") }
        for table in ["_parameters", "_buffers"] {
            guard let entries = module[table]?.dict?.entries else {
                if table == "_parameters" { throw layoutError("module '\(prefix.isEmpty ? module.type.qualifiedName : prefix)' has no _parameters") }
                continue
            }
            for (key, value) in entries {
                guard let k = key.stringValue else { throw layoutError("a parameter of '\(prefix)' is named by \(key.summary)") }
                switch value {
                case .none: continue
                case .tensor(let t):
                    guard out.count < OfficialModelImport.maxParameters else { throw layoutError("more than \(OfficialModelImport.maxParameters) parameters") }
                    out.append((prefix + k, t))
                default: throw layoutError("parameter '\(prefix + k)' is \(value.summary), expected a tensor")
                }
            }
        }
        for (key, value) in module["_modules"]?.dict?.entries ?? [] {
            guard let k = key.stringValue else { throw layoutError("a submodule of '\(prefix)' is named by \(key.summary)") }
            switch value {
            case .none: continue
            case .object(let child): try collect(child, prefix: prefix + k + ".", depth: depth + 1, visited: &visited, into: &out)
            default: throw layoutError("submodule '\(prefix + k)' is \(value.summary)")
            }
        }
    }

    // MARK: Items

    /// Item ids in index order from `itemidmap`, a pandas Series (index: item ids, values: indices).
    func itemIDs(_ iterator: PickleObject) throws -> [String] {
        guard let series = iterator["itemidmap"]?.object, series.type.name == "Series" else {
            throw layoutError("data_iterator.itemidmap is \(iterator["itemidmap"]?.summary ?? "missing"), expected a pandas Series")
        }
        guard let manager = series["_mgr"]?.object, let state = manager.state.items else {
            throw layoutError("the item map's Series has no block manager state (an unsupported pandas pickle)")
        }
        // pandas >= 0.14 keeps {'0.14.1': {'axes': [index], 'blocks': [{'values': array, ...}]}} last.
        guard let layout = state.last?.dict?["0.14.1"]?.dict, let axis = layout["axes"]?.items?.first,
              let values = layout["blocks"]?.items?.first?.dict?["values"] else {
            throw layoutError("the item map's block manager state is not the pandas 0.14.1+ layout")
        }
        guard let positions = try PickledArray(values, what: "item map values", path: path).integers else {
            throw layoutError("the item map's values are not integers")
        }
        let ids = try indexLabels(axis, count: positions.count)
        guard positions.count == ids.count else { throw layoutError("the item map has \(ids.count) ids but \(positions.count) indices") }
        var ordered = [String?](repeating: nil, count: ids.count)
        for (id, i) in zip(ids, positions) {
            guard i >= 0, i < ids.count, ordered[i] == nil else {
                throw layoutError("the item map's indices are not a permutation of 0..<\(ids.count) (index \(i) of item '\(id)')")
            }
            ordered[i] = id
        }
        return ordered.compactMap { $0 }
    }

    /// The labels of a pickled pandas Index (`_new_Index(Index|RangeIndex, {...})`) as strings.
    func indexLabels(_ index: PickleValue, count: Int) throws -> [String] {
        guard let object = index.object, object.type.name == "_new_Index", object.arguments.count == 2,
              case .global(let cls) = object.arguments[0], let fields = object.arguments[1].dict else {
            throw layoutError("the item map's index is \(index.summary), expected a pickled pandas Index")
        }
        if cls.name == "RangeIndex" {
            guard let start = fields["start"]?.intValue, let stop = fields["stop"]?.intValue, let step = fields["step"]?.intValue, step > 0,
                  stop >= start, stop.subtractingReportingOverflow(start).overflow == false,
                  (stop - start + step - 1) / step == count else {
                throw layoutError("the item map's RangeIndex does not span its \(count) values")
            }
            return stride(from: start, to: stop, by: step).map(String.init)
        }
        guard let data = fields["data"] else { throw layoutError("the item map's index has no data") }
        switch try PickledArray(data, what: "item ids", path: path) {
        case .objects(let objects):
            return try objects.map { o in
                if let s = o.stringValue { return s }
                if let i = o.intValue { return String(i) }
                throw layoutError("an item id is \(o.summary), expected a string or an integer")
            }
        case .integers(let v): return v.map(String.init)
        case .floats: throw layoutError("the item ids are floating-point numbers")
        }
    }

    /// Event counts per item from the training data the iterator carries (`data_items`).
    mutating func itemSupport(_ iterator: PickleObject, itemCount n: Int) throws -> [Int] {
        guard let items = iterator["data_items"] else {
            notes.append("no item support: the file carries no training data; popularity is 0 for every item")
            return [Int](repeating: 0, count: n)
        }
        guard let indices = try PickledArray(items, what: "data_iterator.data_items", path: path).integers else {
            throw layoutError("data_iterator.data_items is not an integer array")
        }
        var support = [Int](repeating: 0, count: n)
        for i in indices {
            guard i >= 0 && i < n else { throw layoutError("the training data names item index \(i), outside 0..<\(n)") }
            support[i] += 1
        }
        notes.append("item support from the training data in the file: \(indices.count) events")
        return support
    }
}
