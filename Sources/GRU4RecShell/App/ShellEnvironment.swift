import Foundation
import GRU4Rec

/// A model with everything the shell shows about it: the network, its
/// training facts, display names for its items and its training log.
public struct LoadedModel {
    /// The network (read-only once loaded; live sessions run on it).
    public var model: GRU4RecModel
    /// Facts from the model file's metadata.
    public var facts: TrainingFacts
    /// The path the model was loaded from, as the user gave it.
    public var path: String
    /// A display name per catalog index, or `nil` to show item ids as names.
    public var itemNames: [String]?
    /// The training log's records, or `nil` when there is none.
    public var trainingLog: [TrainingLogRecord]?
    /// Why there is no training log (or why it could not be read), for the
    /// training view; `nil` when the log was read.
    public var trainingLogNote: String?
    /// The sessions file beside the model (`test.tsv.gz`, else `test.tsv`,
    /// in its folder), which the shell replays after loading it; `nil` when
    /// there is none.
    public var sessionsPath: String?

    public init(
        model: GRU4RecModel, facts: TrainingFacts = TrainingFacts(), path: String,
        itemNames: [String]? = nil, trainingLog: [TrainingLogRecord]? = nil, trainingLogNote: String? = nil,
        sessionsPath: String? = nil
    ) {
        self.sessionsPath = sessionsPath
        self.model = model
        self.facts = facts
        self.path = path
        self.itemNames = itemNames
        self.trainingLog = trainingLog
        self.trainingLogNote = trainingLogNote
    }

    /// The model's short name: the file name without directory and `.safetensors`.
    public var name: String {
        var name = (path as NSString).lastPathComponent
        if name.hasSuffix(".safetensors") { name.removeLast(".safetensors".count) }
        return name.isEmpty ? path : name
    }
}

/// A problem reported to the user: what went wrong and what to do about it.
public struct ShellFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var hint: String?

    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }

    /// Wraps any error; an `InputError` keeps its path, line and hint.
    public init(_ error: Error) {
        if let input = error as? InputError {
            var text = input.path
            if let line = input.line { text += ":\(line)" }
            self.init(text + ": " + input.message, hint: input.hint)
        } else if let failure = error as? ShellFailure {
            self = failure
        } else {
            self.init(String(describing: error))
        }
    }

    public var description: String { message + (hint.map { "\n  hint: " + $0 } ?? "") }
}

/// Everything the shell's effects need from the outside world, as values, so
/// that tests inject an in-memory model and capture written files.
///
/// `Shell.perform(_:environment:)` calls these; `update` never does.
public struct ShellEnvironment {
    /// Loads a model (with its item names and training log) from a path.
    public var loadModel: (_ path: String) throws -> LoadedModel
    /// Loads a sessions file, mapping items to the given catalog (unknown items dropped).
    public var loadSessions: (_ path: String, _ catalog: ItemCatalog) throws -> SessionData
    /// Writes a whole file (atomically in the live environment).
    public var writeFile: (_ path: String, _ bytes: [UInt8]) throws -> Void

    public init(
        loadModel: @escaping (String) throws -> LoadedModel,
        loadSessions: @escaping (String, ItemCatalog) throws -> SessionData,
        writeFile: @escaping (String, [UInt8]) throws -> Void
    ) {
        self.loadModel = loadModel
        self.loadSessions = loadSessions
        self.writeFile = writeFile
    }

    /// The real file system.
    ///
    /// - Parameter itemsPath: the items file to name items with; `nil` looks
    ///   for `items.tsv` in the model's directory (absent: names are ids).
    public static func live(itemsPath: String? = nil) -> ShellEnvironment {
        ShellEnvironment(
            loadModel: { path in try loadModelFromDisk(path, itemsPath: itemsPath) },
            loadSessions: { path, catalog in try SessionData.load(path: path, catalog: catalog).data },
            writeFile: { path, bytes in try writeFileAtomically(bytes, to: path) })
    }

    /// Reads a model file, its training log (`TrainingLog.path(forModel:)`)
    /// and the items file, and finds the sessions file beside it.
    static func loadModelFromDisk(_ path: String, itemsPath: String?) throws -> LoadedModel {
        let (model, facts, _) = try GRU4RecModel.load(from: path)
        var loaded = LoadedModel(model: model, facts: facts, path: path)

        let logPath = TrainingLog.path(forModel: path)
        if FileManager.default.fileExists(atPath: logPath) {
            do {
                loaded.trainingLog = try TrainingLog.read(path: logPath)
            } catch {
                loaded.trainingLogNote = ShellFailure(error).message
            }
        } else {
            loaded.trainingLogNote = "no training log at \(logPath)"
        }

        let folder = (path as NSString).deletingLastPathComponent
        loaded.sessionsPath = ["test.tsv.gz", "test.tsv"]
            .map { folder.isEmpty ? $0 : (folder as NSString).appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0) }

        if let itemsFile = itemsPath ?? ItemNamesFile.besideModel(path) {
            let names = try ItemNamesFile.load(path: itemsFile)
            loaded.itemNames = model.catalog.ids.map { names[$0] ?? $0 }
        }
        return loaded
    }
}
