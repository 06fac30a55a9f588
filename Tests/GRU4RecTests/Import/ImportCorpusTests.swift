import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// The fuzz seeds in `Tests/Fuzz/corpus/import` (hand-made by
/// `Tests/Fuzz/make_import_corpus.py`): a tiny model in the official layout imports
/// with exactly the values written; the hostile and damaged seeds fail cleanly.
@Suite struct ImportCorpusTests {
    static let corpus = TestPaths.packageRoot + "/Tests/Fuzz/corpus/import"

    @Test("the tiny official-layout model: ids, support, hyperparameters and every value")
    func tinyModelImports() throws {
        let imported = try OfficialModelImport.load(path: Self.corpus + "/tiny-official-model.pt")
        let m = imported.model
        #expect(m.catalog.ids == ["i10", "i20", "i30"])
        #expect(m.itemSupport == [1, 3, 2])
        #expect(imported.facts.trainSessions == 2)
        #expect(m.layers == [2] && m.inputMode == .shared && m.hyperparameters.loss == .crossEntropy)
        #expect(m.hyperparameters.learningRate == 0.1 && m.hyperparameters.batchSize == 2)
        for spec in m.parameters.specs {
            #expect(m.parameters.values(spec.name) == (0..<spec.count).map { Float(0.01 * Double($0)) }, "\(spec.name)")
        }
    }

    @Test("every seed imports or fails with an InputError; the same for the bare pickles")
    func everySeedIsHandled() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus).sorted()
        #expect(files.count >= 6)
        var failures: [String: String] = [:]
        for file in files {
            let bytes = try readWholeFile(Self.corpus + "/" + file)
            do {
                if file.hasSuffix(".pkl") { _ = try PickleReader.parse(bytes, path: file) } else { _ = try OfficialModelImport.model(fromArchive: bytes, path: file) }
            } catch let error as InputError {
                failures[file] = error.message
            }
        }
        #expect(failures["tiny-official-model.pt"] == nil && failures["tiny-official-model.pkl"] == nil)
        #expect(failures["os-system.pkl"]?.contains("refused global 'os.system'") == true)
        #expect(failures["builtins-eval.pkl"]?.contains("refused global 'builtins.eval'") == true)
        #expect(failures["short-storage.pt"]?.contains("storage '0' holds 44 bytes") == true)
        #expect(failures["truncated.pt"]?.contains("no zip end-of-central-directory") == true)
        #expect(failures["huge-layers.pt"]?.contains("unknown layout: tensor 'G.0.weight_ih' has shape [6, 2], expected [3000000000, 1000000000]") == true,
                "\(failures["huge-layers.pt"] ?? "imported")")
        #expect(failures["module-fanout.pt"]?.contains("more than 1000 modules") == true, "\(failures["module-fanout.pt"] ?? "imported")")
    }

    @Test("every prefix of the tiny model's pickle fails cleanly or reads")
    func everyPrefixOfThePickle() throws {
        let bytes = try readWholeFile(Self.corpus + "/tiny-official-model.pkl")
        for n in 0..<bytes.count {
            #expect(throws: InputError.self, "prefix \(n)") { try PickleReader.parse(Array(bytes.prefix(n))) }
        }
        _ = try PickleReader.parse(bytes)
    }

    @Test("seeded random mutations of the tiny model's pickle and archive: a value or an InputError, never a crash")
    func randomMutations() throws {
        let pickle = try readWholeFile(Self.corpus + "/tiny-official-model.pkl")
        let archive = try readWholeFile(Self.corpus + "/tiny-official-model.pt")
        var rng = SeededGenerator(seed: 2024)
        var rejected = 0
        for round in 0..<3_000 {
            var bytes = round % 3 == 2 ? archive : pickle
            for _ in 0...rng.nextInt(below: 4) {
                let at = rng.nextInt(below: bytes.count)
                switch rng.nextInt(below: 4) {
                case 0: bytes[at] = UInt8(rng.nextInt(below: 256))
                case 1: bytes[at] ^= UInt8(1 << rng.nextInt(below: 8))
                case 2: bytes.insert(UInt8(rng.nextInt(below: 256)), at: at)
                default: bytes.remove(at: at)
                }
            }
            do {
                if round % 3 == 2 {
                    _ = try OfficialModelImport.model(fromArchive: bytes, path: "mutant.pt")
                } else {
                    // Through the whole conversion too: the mutated pickle in a valid archive.
                    var zip = StoredZipWriter()
                    let original = try ZipArchive(bytes: archive, path: "tiny.pt")
                    for entry in original.entries {
                        try zip.add(entry.name, entry.name.hasSuffix("/data.pkl") ? bytes : Array(try original.contents(of: entry)))
                    }
                    _ = try OfficialModelImport.model(fromArchive: zip.finish(), path: "mutant.pt")
                }
            } catch is InputError {
                rejected += 1
            }
        }
        #expect(rejected > 1_000, "most mutants are rejected (\(rejected) of 3000)")
    }
}
