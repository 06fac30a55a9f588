import ArgumentParser
import Foundation
import GRU4Rec

/// The checks `train` makes before it spends time training: output paths it will
/// write, the `--init-embeddings` file, sizes against memory, and training data with nothing
/// to learn from. Each failure names the file and what to do.
extension Train {
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

    /// The text of the regular file at `path`, given with `option`: a directory, a device,
    /// a FIFO (which could be endless), a file larger than `maximumBytes` or text that is
    /// not UTF-8 is an `InputError` with `hint`.
    func readTextFile(_ path: String, option: String, maximumBytes: Int, hint: String) throws -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw InputError(path: path, message: "cannot read the \(option) file: \(String(cString: strerror(errno)))", hint: hint)
        }
        let kind = info.st_mode & S_IFMT
        if kind == S_IFDIR { throw InputError(path: path, message: "\(option) names a directory", hint: hint) }
        guard kind == S_IFREG else { throw InputError(path: path, message: "\(option) names a device or pipe, not a file", hint: hint) }
        guard Int(info.st_size) <= maximumBytes else {
            throw InputError(path: path, message: "the \(option) file has \(info.st_size) bytes (at most \(maximumBytes) are read)", hint: hint)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: "cannot read the \(option) file", hint: "check its permissions (ls -l)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(path: path, message: "the \(option) file is not UTF-8 text", hint: hint)
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

    /// The text of an `--init-embeddings` file (a regular UTF-8 file that fits in memory).
    func readEmbeddingsText(_ path: String) throws -> String {
        let memory = ResourceLimits.physicalMemory
        return try readTextFile(path, option: "--init-embeddings", maximumBytes: memory > 0 ? memory / 2 : Int.max,
                                hint: "give a word2vec/GloVe text file: one 'itemId v1 v2 ...' line per item")
    }
}
