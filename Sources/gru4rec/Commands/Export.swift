import ArgumentParser
import Foundation
import GRU4Rec

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a model in another format, for notebooks and other tools.",
        discussion: """
        numpy-npz: a NumPy .npz archive (numpy.load reads it, no pickle): every parameter under its \
        reference name (float32), item_support (int64), items (the item ids in index order) and \
        hyperparameters (JSON text). The .safetensors model itself also opens in Python with \
        safetensors.numpy.load_file.

        Example:
          gru4rec export model.safetensors --format numpy-npz --output model.npz
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case numpyNpz = "numpy-npz" }

    @Argument(help: "The model (.safetensors).") var model: String
    @Option(help: "The output format: numpy-npz.") var format: Format = .numpyNpz
    @Option(name: .shortAndLong, help: "The file to write.") var output: String

    func run() throws {
        try reportingErrors {
            let m = try GRU4RecModel.load(from: model).model
            switch format {
            case .numpyNpz: try NumpyArchive.write(m, to: output)
            }
            print("wrote \(output) (\(format.rawValue): \(m.parameters.specs.count) tensors, \(m.itemCount) items)")
        }
    }
}
