import ArgumentParser
import Foundation
import GRU4Rec

/// The check `train` makes before it reads anything: the output paths it will write.
/// (The core's ``TrainingRun`` checks the data, the vectors and sizes against memory.)
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
}
