import ArgumentParser
import Foundation
import GRU4Rec

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's configuration, sizes, training facts and final metrics.",
        discussion: "Example:\n  gru4rec info demo-data/model.safetensors --json")

    @Argument(help: "The model (.safetensors).") var model: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors { try show() }
    }

    func show() throws {
        let (m, facts, file) = try GRU4RecModel.load(from: model)
        let parameterCount = m.parameters.specs.reduce(0) { $0 + $1.count }
        let size = (try? FileManager.default.attributesOfItem(atPath: model)[.size] as? Int) ?? 0
        if json {
            var hp: [String: Any] = [:]
            for (k, v) in m.hyperparameters.typedValues { hp[k] = v.foundationValue }
            let factsObject = (try? JSONSerialization.jsonObject(with: JSONEncoder().encode(facts))) ?? [:]
            let o: [String: Any] = ["items": m.itemCount, "layers": m.layers, "input": m.inputMode.rawValue, "parameters": parameterCount,
                                    "file_bytes": size, "format_version": file.metadata["format_version"] ?? "", "hyperparameters": hp,
                                    "training": factsObject,
                                    "tensors": m.parameters.specs.map { ["name": $0.name, "shape": $0.shape] }]
            print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            return
        }
        print("model       \(model) (\(size / 1024) KiB, format v\(file.metadata["format_version"] ?? "?"))")
        print("items       \(m.itemCount)")
        print("layers      \(m.layers.map(String.init).joined(separator: ", "))   input: \(m.inputMode.rawValue)   parameters: \(parameterCount)")
        print("loss        \(m.hyperparameters.loss.rawValue)")
        print("hyperparameters")
        for (k, v) in m.hyperparameters.asDictionary { print("  \(k.padding(toLength: 22, withPad: " ", startingAt: 0)) \(v)") }
        print("training")
        if let f = facts.trainFile { print("  data                   \(f)" + (facts.trainEvents.map { " (\($0) predicted events, \(facts.trainSessions ?? 0) sessions)" } ?? "")) }
        if let e = facts.epochs { print("  epochs                 \(e)") }
        if let l = facts.finalLoss { print("  final loss             \(String(format: "%.6f", l))") }
        if let s = facts.trainingSeconds { print("  time                   \(formatDuration(s)) (the epochs' times summed)") }
        for (k, v) in (facts.metrics ?? [:]).sorted(by: { $0.key < $1.key }) { print("  valid \(k.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%.4f", v))") }
        if let log = facts.log { print("  log                    \(log)") }
        print("tensors")
        for s in m.parameters.specs { print("  \(s.name.padding(toLength: 22, withPad: " ", startingAt: 0)) \(s.shape)") }
    }
}
