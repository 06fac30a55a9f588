import ArgumentParser
import Foundation
import GRU4Rec

/// The checks `train` makes before it spends time training: output paths it will
/// write, the `--params` file, sizes against memory, and training data with nothing
/// to learn from. Each failure names the file and what to do.
extension Train {
    /// The largest `--params` file read (a parameter file is a few hundred bytes).
    static let maximumParamsFileBytes = 1 << 20

    /// Refuses output paths that cannot be written, before training starts: a
    /// directory in the way, a missing or unwritable directory.
    func checkOutputPaths(_ paths: [String]) throws {
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                throw InputError(path: path, message: "cannot write \(path): it is a directory",
                                 hint: "give --output a file name, e.g. \(path.hasSuffix("/") ? path : path + "/")model.safetensors")
            }
            let directory = (path as NSString).deletingLastPathComponent
            let dir = directory.isEmpty ? "." : directory
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw InputError(path: path, message: "cannot write \(path): the directory \(dir) does not exist",
                                 hint: "create it first (mkdir -p \(dir))")
            }
            guard access(dir, W_OK) == 0 else {
                throw InputError(path: path, message: "cannot write \(path): the directory \(dir) is not writable",
                                 hint: "check its permissions, or choose another --output")
            }
        }
    }

    /// The text of a `--params` file; `nil` when `params` names no file (it is then a
    /// `key=value,...` string).
    /// - Throws: `InputError` for a directory, a device or FIFO, a huge file, an empty
    ///   file, or text that is not UTF-8.
    func readParamsFile(_ params: String) throws -> String? {
        var info = stat()
        guard stat(params, &info) == 0 else { return nil }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR {
            throw InputError(path: params, message: "--params names a directory",
                             hint: "give a JSON file, a file of key=value lines, or a 'k=v,k=v' string")
        }
        guard kind == S_IFREG else {
            throw InputError(path: params, message: "--params names a device or pipe, not a file",
                             hint: "give a JSON file, a file of key=value lines, or a 'k=v,k=v' string")
        }
        guard Int(info.st_size) <= Self.maximumParamsFileBytes else {
            throw InputError(path: params, message: "the parameter file has \(info.st_size) bytes (at most \(Self.maximumParamsFileBytes) are read)",
                             hint: "a parameter file holds a few key=value lines or a small JSON object")
        }
        guard let data = FileManager.default.contents(atPath: params) else {
            throw InputError(path: params, message: "cannot read the parameter file", hint: "check its permissions (ls -l)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: params, message: "the parameter file is not UTF-8 text",
                             hint: "write it as plain text: key=value lines or a JSON object")
        }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw InputError(path: params, message: "the parameter file is empty",
                             hint: "write key=value lines or a JSON object, or leave --params out")
        }
        return text
    }

    /// A trainer for `data`; training data with no session of two events or more is an
    /// error naming the training file.
    func makeTrainer(model: GRU4RecModel, data: SessionData) throws -> Trainer {
        do {
            let trainer = try Trainer(model: model, data: data)
            trainer.trainingFile = train
            return trainer
        } catch TrainingError.noTransitions {
            throw InputError(path: train, message: "no session has two or more events (\(data.eventCount) events in "
                             + "\(data.sessionCount) sessions): there is nothing to learn from",
                             hint: "check --session-col and --item-col, and that sessions are not all of length 1")
        }
    }

    /// The text of an `--init-embeddings` file (a regular file of UTF-8 text).
    func readEmbeddingsText(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputError(path: path, message: "cannot read the embeddings file: no such file", hint: "check the path")
        }
        if isDirectory.boolValue {
            throw InputError(path: path, message: "the embeddings file is a directory", hint: "give a word2vec/GloVe text file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: "cannot read the embeddings file", hint: "check its permissions (ls -l)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: path, message: "the embeddings file is not UTF-8 text",
                             hint: "write one 'itemId v1 v2 ...' line per item")
        }
        return text
    }
}
