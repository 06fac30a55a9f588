import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// `gru4rec import` end to end: an official model imported, then evaluated with the
/// official metrics; hostile and truncated files refused with nothing written.
@Suite(.serialized)
struct ImportCommandTests {
    static let directory = TestPaths.fixtures + "/reference-models"
    static var available: Bool { TestPaths.exists(directory + "/expected.json") }

    @Test("import, info, recommend and eval of an official two-layer model match its metrics",
          .enabled(if: ImportCommandTests.available, "../shared/fixtures/reference-models is absent"))
    func importThenEvaluate() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-import-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = dir + "/m.safetensors"
        let r = try runGRU4Rec(["import", Self.directory + "/xe_two_layers.pt", "--output", output])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("2242 items, layers [48, 48], shared input, loss cross-entropy"), "\(r.out)")
        let info = try runGRU4Rec(["info", output, "--json"])
        let infoObject = try #require(try JSONSerialization.jsonObject(with: Data(info.out.utf8)) as? [String: Any])
        #expect(infoObject["items"] as? Int == 2242)
        #expect(infoObject["layers"] as? [Int] == [48, 48])
        let recommend = try runGRU4Rec(["recommend", output, "--session", "214662742,214825110", "-k", "3"])
        #expect(recommend.code == 0, "\(recommend.err)")

        let data = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/expected.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let model = try #require((root["models"] as? [String: Any])?["xe_two_layers"] as? [String: Any])
        let metrics = try #require(model["metrics"] as? [String: [String: Double]])
        for mode in ["standard", "conservative"] {
            let ev = try runGRU4Rec(["eval", output, "--test", Self.directory + "/test.tsv", "--cutoffs", "1,5,20",
                                     "--mode", mode, "--batch-size", "64", "--json"])
            #expect(ev.code == 0, "\(ev.err)")
            let ours = try #require(try JSONSerialization.jsonObject(with: Data(ev.out.utf8)) as? [String: Any])
            for (key, value) in try #require(metrics[mode]) {
                let got = try #require(ours[key] as? Double, "\(key)")
                #expect(abs(got - value) <= 1e-4, "\(mode) \(key): \(got) vs \(value)")
            }
        }
    }

    @Test("a .pt naming os.system is refused: exit 1, the global named, nothing run, nothing written")
    func hostileFileRefused() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-import-evil")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let marker = dir + "/ran", output = dir + "/m.safetensors", evil = dir + "/evil.pt"
        // os.system('touch <marker>') as pickle.dumps writes it (protocol 2).
        let command = Array("touch \(marker)".utf8)
        var pickle: [UInt8] = [0x80, 2, 0x63] + Array("os\nsystem\n".utf8)
        pickle += [0x58, UInt8(command.count), 0, 0, 0] + command + [0x85, 0x52, 0x2E]
        var zip = StoredZipWriter()
        try zip.add("evil/data.pkl", pickle)
        try zip.add("evil/version", Array("3\n".utf8))
        try Data(zip.finish()).write(to: URL(fileURLWithPath: evil))
        let r = try runGRU4Rec(["import", evil, "--output", output])
        #expect(r.code == 1)
        #expect(r.err.contains("refused global 'os.system'"), "\(r.err)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the pickle's command ran")
        #expect(!FileManager.default.fileExists(atPath: output))
        #expect((try FileManager.default.contentsOfDirectory(atPath: dir)).sorted() == ["evil.pt"], "no temporary file left")
    }

    @Test("a truncated .pt is a clear error and writes nothing",
          .enabled(if: ImportCommandTests.available, "../shared/fixtures/reference-models is absent"))
    func truncatedFileRefused() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-import-cut")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.directory + "/onehot_gru.pt"))
        try bytes.prefix(bytes.count - 1000).write(to: URL(fileURLWithPath: dir + "/cut.pt"))
        let r = try runGRU4Rec(["import", dir + "/cut.pt", "--output", dir + "/m.safetensors"])
        #expect(r.code == 1)
        #expect(r.err.contains("cut.pt: no zip end-of-central-directory record"), "\(r.err)")
        #expect(r.err.contains("hint:"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.safetensors"))
    }
}

/// `gru4rec export --format numpy-npz`: the archive opens in NumPy alone, which
/// replays a session of an imported two-layer model to the same scores.
@Suite struct ExportCommandTests {
    @Test("an exported .npz replays a session in NumPy to this tool's scores",
          .enabled(if: ImportCommandTests.available, "../shared/fixtures/reference-models is absent"))
    func numpyReplaysTheExportedModel() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-export")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/m.safetensors", npz = dir + "/m.npz"
        #expect(try runGRU4Rec(["import", ImportCommandTests.directory + "/xe_two_layers.pt", "--output", model]).code == 0)
        let r = try runGRU4Rec(["export", model, "--format", "numpy-npz", "--output", npz])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("10 tensors, 2242 items"), "\(r.out)")
        let bad = try runGRU4Rec(["export", model, "--format", "csv", "--output", dir + "/x"])
        #expect(bad.code != 0 && !FileManager.default.fileExists(atPath: dir + "/x"))

        let python = "/usr/bin/env"
        guard try RunningCommand(python, ["python3", "-c", "import numpy"]).wait().code == 0 else {
            print("skipped the NumPy replay: python3 with numpy is not installed")
            return
        }
        let m = try GRU4RecModel.load(from: model).model
        let live = LiveSession(model: m, parallelism: .tests)
        let items = ["214662742", "214825110", "214551617"]
        for id in items { live.feed(try #require(m.catalog.index(of: id))) }
        let expected = dir + "/expected.txt"
        try live.scores().map { String($0) }.joined(separator: "\n").write(toFile: expected, atomically: true, encoding: .utf8)
        let script = TestPaths.packageRoot + "/Tests/EndToEndTests/Python/numpy_step.py"
        let replay = try RunningCommand(python, ["python3", script, npz, items.joined(separator: ","), expected]).wait()
        #expect(replay.code == 0, "\(replay.out)\(replay.err)")
        #expect(replay.out.contains("max abs diff"))
    }
}

extension ImportCommandTests {
    @Test("opening a .pt as a model says to import it",
          .enabled(if: ImportCommandTests.available, "../shared/fixtures/reference-models is absent"))
    func ptOpenedAsModel() throws {
        let r = try runGRU4Rec(["info", Self.directory + "/onehot_gru.pt"])
        #expect(r.code == 1)
        #expect(r.err.contains("onehot_gru.pt: a PyTorch file (torch.save), not a gru4rec-shell model"), "\(r.err)")
        #expect(r.err.contains("hint: convert a model saved by the official PyTorch GRU4Rec first: gru4rec import"))
    }
}
