import ArgumentParser
import Foundation
import GRU4Rec

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Convert a model saved by the official PyTorch GRU4Rec into this tool's model file.",
        discussion: """
        Reads the .pt file written by the official code's GRU4Rec.savemodel (torch.save of the whole \
        object) without PyTorch or Python, and writes a .safetensors model for shell, eval, recommend \
        and info: every weight under its name, the item ids in index order (from the pickled item map), \
        item support (from the training data the file carries) and the hyperparameters.

        The pickle is read as data: nothing from the file is run, and a file that names anything \
        outside the allow-list (torch tensors and modules, NumPy arrays, the pandas item map, the \
        official GRU4Rec classes) is refused. Every tensor is checked against its storage and the \
        layout against the hyperparameters; on any error nothing is written.

        Example:
          gru4rec import model.pt --output model.safetensors
        """)

    @Argument(help: "The model saved by the official PyTorch GRU4Rec (.pt).") var model: String
    @Option(name: .shortAndLong, help: "The model file to write (.safetensors).") var output: String

    func run() throws {
        try reportingErrors { try convert() }
    }

    func convert() throws {
        let imported = try OfficialModelImport.load(path: model)
        try imported.save(to: output)
        print("imported \(model) -> \(output)")
        for note in imported.notes { print("  \(note)") }
    }
}
