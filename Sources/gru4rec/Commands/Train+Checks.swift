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
        return try readRegularTextFile(path, option: "--init-embeddings", maximumBytes: memory > 0 ? memory / 2 : Int.max,
                                hint: "give a word2vec/GloVe text file: one 'itemId v1 v2 ...' line per item")
    }
}
