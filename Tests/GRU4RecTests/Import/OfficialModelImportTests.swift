import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// `../shared/fixtures/reference-models`: four models saved by the official code.
enum ReferenceModels {
    static let directory = TestPaths.fixtures + "/reference-models"
    static var available: Bool { TestPaths.exists(directory + "/expected.json") }
    static let names = ["xe_constrained", "bprmax_embedding", "xe_two_layers", "onehot_gru"]
}

/// The four models trained and saved by the official PyTorch GRU4Rec
/// (`../shared/fixtures/reference-models`): imported, they must give the official
/// scores after every click of 12 test sessions and the official metrics.
@Suite(.enabled(if: ReferenceModels.available, "../shared/fixtures/reference-models is absent: import parity skipped"))
struct OfficialModelImportTests {
    static let directory = ReferenceModels.directory
    static let names = ReferenceModels.names

    static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/expected.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require((root["models"] as? [String: Any])?[name] as? [String: Any])
    }

    @Test("hyperparameters, items, support and tensors as the official object holds them", arguments: names)
    func importsTheModel(name: String) throws {
        let expected = try Self.expected(name)
        let params = try #require(expected["params"] as? [String: Any])
        let imported = try OfficialModelImport.load(path: Self.directory + "/\(name).pt")
        let m = imported.model
        #expect(m.itemCount == expected["n_items"] as? Int)
        #expect(Array(m.catalog.ids.prefix(5)) == expected["first_items"] as? [String])
        #expect(m.layers == params["layers"] as? [Int])
        #expect(m.hyperparameters.loss.rawValue == params["loss"] as? String)
        #expect(m.hyperparameters.constrainedEmbedding == params["constrained_embedding"] as? Bool)
        #expect(m.hyperparameters.embedding == params["embedding"] as? Int)
        #expect(m.hyperparameters.batchSize == params["batch_size"] as? Int)
        #expect(m.hyperparameters.nSample == params["n_sample"] as? Int)
        #expect(m.hyperparameters.nEpochs == params["n_epochs"] as? Int)
        for (key, value) in [("learning_rate", m.hyperparameters.learningRate), ("momentum", m.hyperparameters.momentum),
                             ("dropout_p_hidden", m.hyperparameters.dropoutPHidden), ("dropout_p_embed", m.hyperparameters.dropoutPEmbed),
                             ("sample_alpha", m.hyperparameters.sampleAlpha)] {
            #expect(Double(value) == (params[key] as? Double).map { Double(Float($0)) }, "\(key)")
        }
        if let logq = params["logq"] as? Double { #expect(m.hyperparameters.logq == Float(logq)) }
        if let bpreg = params["bpreg"] as? Double { #expect(m.hyperparameters.bpreg == Float(bpreg)) }
        if let elu = params["elu_param"] as? Double { #expect(m.hyperparameters.finalActivation == .elu(Float(elu))) }
        #expect(Set(m.parameters.specs.map(\.name)) == Set(try #require(expected["tensor_names"] as? [String])))

        // Support: the event count of every item in the training file.
        let train = try SessionData.load(path: Self.directory + "/train.tsv", catalog: m.catalog).data
        #expect(train.droppedUnknownItems == 0)
        #expect(m.itemSupport == train.itemSupport(itemCount: m.itemCount))
        #expect(imported.facts.trainEvents == train.eventCount)
        #expect(imported.facts.trainSessions == train.sessionCount)

        // Written and read back, bit for bit.
        let dir = TestPaths.temporaryDirectory("gru4rec-import")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try imported.save(to: dir + "/m.safetensors")
        let (back, _, file) = try GRU4RecModel.load(from: dir + "/m.safetensors")
        #expect(back.catalog == m.catalog && back.itemSupport == m.itemSupport && back.hyperparameters == m.hyperparameters)
        for spec in m.parameters.specs { #expect(back.parameters.values(spec.name) == m.parameters.values(spec.name), "\(spec.name)") }
        #expect(file.metadata["imported_from"] == "\(name).pt")
    }

    @Test("scores of every item after every click match the official model's", arguments: names)
    func scoresMatchTheOfficialModel(name: String) throws {
        let m = try OfficialModelImport.load(path: Self.directory + "/\(name).pt").model
        let expected = try SafeTensorsFile(contentsOf: Self.directory + "/\(name).expected.safetensors")
        let sessionIDs = try #require(try Self.expected(name)["sessions"] as? [String: [String]])
        let live = LiveSession(model: m, parallelism: .tests)
        var worst: Float = 0, clicks = 0
        for session in 0..<12 {
            let items = try expected.int64s("session\(session).items")
            #expect(items.map { m.catalog.ids[Int($0)] } == sessionIDs["session\(session)"], "session \(session) ids")
            let reference = try expected.floats("session\(session).scores", shape: [items.count, m.itemCount])
            live.reset()
            for (step, item) in items.enumerated() {
                live.feed(Int(item))
                let ours = live.scores()
                let row = Array(reference[(step * m.itemCount)..<((step + 1) * m.itemCount)])
                let range = (row.max() ?? 0) - (row.min() ?? 0)
                worst = max(worst, maxAbsDiff(ours, row) / max(range, 1e-12))
                clicks += 1
            }
        }
        #expect(clicks > 12)
        print("\(name): \(clicks) clicks, largest score difference \(String(format: "%.2e", worst)) of the score range")
        #expect(worst <= 1e-5, "largest difference relative to the score range: \(worst)")
    }

    @Test("batch evaluation on test.tsv matches the official batch_eval", arguments: names)
    func metricsMatchTheOfficialEvaluation(name: String) throws {
        let m = try OfficialModelImport.load(path: Self.directory + "/\(name).pt").model
        let test = try SessionData.load(path: Self.directory + "/test.tsv", catalog: m.catalog).data
        let metrics = try #require(try Self.expected(name)["metrics"] as? [String: [String: Double]])
        for mode in [TieMode.standard, .conservative] {
            var options = EvaluationOptions()
            options.cutoffs = [1, 5, 20]
            options.mode = mode
            options.batchSize = 64
            let result = Evaluator(model: m, parallelism: .tests).evaluate(test, options: options)
            let reference = try #require(metrics[mode.rawValue])
            for k in [1, 5, 20] {
                let recall = try #require(reference["recall@\(k)"]), mrr = try #require(reference["mrr@\(k)"])
                #expect(abs((result.recall[k] ?? -1) - recall) <= 1e-4, "\(mode) recall@\(k): \(result.recall[k] ?? -1) vs \(recall)")
                #expect(abs((result.mrr[k] ?? -1) - mrr) <= 1e-4, "\(mode) mrr@\(k): \(result.mrr[k] ?? -1) vs \(mrr)")
            }
        }
    }

    // MARK: Damaged copies of a real file

    /// The entries of a reference model, to rebuild it with changes.
    static func entries(_ name: String) throws -> [(String, [UInt8])] {
        let path = directory + "/\(name).pt"
        let zip = try ZipArchive(bytes: try readWholeFile(path), path: path)
        return try zip.entries.map { ($0.name, Array(try zip.contents(of: $0))) }
    }

    static func rebuild(_ entries: [(String, [UInt8])]) throws -> [UInt8] {
        var writer = StoredZipWriter()
        for (name, bytes) in entries { try writer.add(name, bytes) }
        return writer.finish()
    }

    @Test("a rebuilt archive with the same entries imports the same model")
    func rebuiltArchiveImports() throws {
        let original = try OfficialModelImport.load(path: Self.directory + "/xe_constrained.pt").model
        let copy = try OfficialModelImport.model(fromArchive: try Self.rebuild(try Self.entries("xe_constrained")), path: "copy.pt").model
        #expect(copy.catalog == original.catalog)
        #expect(copy.parameters.values("Wy.weight") == original.parameters.values("Wy.weight"))
    }

    @Test("a storage shorter than the pickle says is refused, naming the tensor")
    func storageSizeMismatch() throws {
        var entries = try Self.entries("xe_constrained")
        let i = try #require(entries.firstIndex { $0.0.hasSuffix("/data/3") })
        entries[i].1.removeLast(4)
        let error = try #require(throws: InputError.self) {
            try OfficialModelImport.model(fromArchive: try Self.rebuild(entries), path: "short.pt")
        }
        #expect(error.message.contains("storage '3' holds 49148 bytes"), "\(error)")
    }

    @Test("a model whose tensors do not fit its hyperparameters is an unknown layout")
    func unknownLayout() throws {
        var entries = try Self.entries("xe_constrained")
        let i = try #require(entries.firstIndex { $0.0.hasSuffix("/data.pkl") })
        // constrained_embedding True -> False: the layout then needs GE.* (one-hot input).
        let key = Array("constrained_embedding".utf8)
        let at = try #require((0...(entries[i].1.count - key.count)).first { entries[i].1[$0..<($0 + key.count)].elementsEqual(key) })
        let value = at + key.count + 2   // skip BINPUT n
        #expect(entries[i].1[value] == 0x88)
        entries[i].1[value] = 0x89
        let error = try #require(throws: InputError.self) {
            try OfficialModelImport.model(fromArchive: try Self.rebuild(entries), path: "odd.pt")
        }
        #expect(error.message.hasPrefix("unknown layout"), "\(error)")
        #expect(error.message.contains("missing [\"GE.Bh0\""), "\(error)")
    }

    @Test("truncated and damaged archives give clear errors, never a crash")
    func truncatedAndDamagedArchives() throws {
        let bytes = try readWholeFile(Self.directory + "/bprmax_embedding.pt")
        for cut in [0, 10, 21, 22, 100, bytes.count / 2, bytes.count - 23, bytes.count - 1] {
            #expect(throws: InputError.self, "cut at \(cut)") {
                try OfficialModelImport.model(fromArchive: Array(bytes.prefix(cut)), path: "cut.pt")
            }
        }
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0x40   // inside a storage: caught by the CRC
        let error = try #require(throws: InputError.self) { try OfficialModelImport.model(fromArchive: damaged, path: "bad.pt") }
        #expect(error.message.contains("CRC-32"), "\(error)")
        // Seeded random damage anywhere: an error or a model, never a crash or hang.
        var rng = SeededGenerator(seed: 13)
        for _ in 0..<40 {
            var copy = bytes
            for _ in 0..<3 { copy[rng.nextInt(below: copy.count)] = UInt8(rng.nextInt(below: 256)) }
            _ = try? OfficialModelImport.model(fromArchive: copy, path: "random.pt")
        }
    }
}
