import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// The bad-input suite (issue 12): every case is arguments and files -> an exit status
/// in 1...125, a message fragment on standard error, and nothing written (the case's
/// directory is byte for byte the same after the run). No case may crash (a signal is
/// an exit status above 128), print a raw escape character or a Foundation error dump,
/// or echo more than a few kilobytes.
///
/// `{dir}` in arguments and fragments is the case's own directory, which starts with
/// copies of the fixture files: `train.tsv`, `other.tsv` (another subset of the same
/// sessions), `test.tsv`, `m.safetensors` (a small trained model) and
/// `r.checkpoint.safetensors` (a checkpoint taken in the middle of an epoch).
@Suite(.serialized)
struct BadInputTests {
    /// One row of the table.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var arguments: [String]
        var fragment: String
        /// Writes the case's extra files into its directory.
        var setup: @Sendable (String) throws -> Void = { _ in }
        var testDescription: String { name }
    }

    // MARK: Fixture

    /// The fixture files, made once per test process.
    struct Fixture: Sendable {
        let dir: String
        static let files = ["train.tsv", "other.tsv", "test.tsv", "m.safetensors", "r.checkpoint.safetensors"]

        init() throws {
            dir = TestPaths.temporaryDirectory("gru4rec-bad-input-fixture")
            atexit { if case .success(let fixture) = BadInputTests.fixture { try? FileManager.default.removeItem(atPath: fixture.dir) } }
            let (data, catalog) = SyntheticSessions.make(sessions: 260, items: 20, seed: 9)
            try Self.write(data, catalog, 0..<220, to: dir + "/train.tsv")
            try Self.write(data, catalog, 0..<150, to: dir + "/other.tsv")
            try Self.write(data, catalog, 220..<260, to: dir + "/test.tsv")
            let r = try runGRU4Rec(["train", dir + "/train.tsv", "--output", dir + "/m.safetensors", "--layers", "8",
                                    "--batch-size", "4", "--n-sample", "8", "--sample-store", "200", "--epochs", "2"])
            guard r.code == 0 else { throw CheckpointFixtureError(message: r.err) }
            try FileManager.default.removeItem(atPath: dir + "/m.log.jsonl")
            // A checkpoint in the middle of the first epoch, through the library.
            let loaded = try SessionData.load(path: dir + "/train.tsv", catalog: nil)
            var hp = Hyperparameters()
            hp.layers = [8]; hp.batchSize = 4; hp.nSample = 8; hp.sampleStore = 200; hp.nEpochs = 3; hp.momentum = 0.1
            let model = GRU4RecModel(hyperparameters: hp, catalog: loaded.catalog,
                                     itemSupport: loaded.data.itemSupport(itemCount: loaded.catalog.count))
            try model.initialize(.uniform(seed: 1))
            let trainer = try Trainer(model: model, data: loaded.data, parallelism: .tests)
            trainer.trainingFile = "train.tsv"
            var batches = 0
            _ = try trainer.runEpoch(shouldStop: { batches += 1; return batches > 7 })
            try trainer.saveCheckpoint(to: dir + "/r.checkpoint.safetensors", facts: TrainingFacts())
        }

        static func write(_ data: SessionData, _ catalog: ItemCatalog, _ range: Range<Int>, to path: String) throws {
            var text = "SessionId\tItemId\tTime\n"
            for s in range {
                for e in data.offsets[s]..<data.offsets[s + 1] {
                    text += "\(data.sessionIDs[s])\t\(catalog.ids[Int(data.items[e])])\t\(Int(data.times[e]))\n"
                }
            }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    struct CheckpointFixtureError: Error { var message: String }

    static let fixture = Result { try Fixture() }

    // MARK: Tampering helpers

    /// Rewrites the safetensors file `source` into `destination`, changing metadata,
    /// the checkpoint JSON, or tensors on the way.
    static func rewrite(
        _ source: String, to destination: String,
        metadata: (inout [String: String]) -> Void = { _ in },
        checkpoint: ((inout [String: Any]) -> Void)? = nil,
        hyperparameters: ((inout [String: Any]) -> Void)? = nil,
        tensors: [String: ([Float], [Int])] = [:],
        map: ((String, [Float]) -> [Float])? = nil
    ) throws {
        let file = try SafeTensorsFile(contentsOf: source)
        var writer = SafeTensorsWriter()
        for name in file.names {
            guard let info = file.info(name) else { continue }
            if let (values, shape) = tensors[name] {
                writer.add(name, floats: values, shape: shape)
            } else if info.dtype == .i64 {
                writer.add(name, int64s: try file.int64s(name), shape: info.shape)
            } else {
                let values = try file.floats(name)
                writer.add(name, floats: map?(name, values) ?? values, shape: info.shape)
            }
        }
        var meta = file.metadata
        if let checkpoint, let text = meta["checkpoint"],
           var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            checkpoint(&object)
            meta["checkpoint"] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        if let hyperparameters, let text = meta["hyperparameters"],
           var object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] {
            hyperparameters(&object)
            meta["hyperparameters"] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        metadata(&meta)
        writer.metadata = meta
        try writer.write(to: destination)
    }

    /// A case resuming from a checkpoint changed by `change`.
    static func tamperedCheckpoint(_ name: String, _ fragment: String,
                                   tensors: @escaping @Sendable (String) throws -> [String: ([Float], [Int])] = { _ in [:] },
                                   _ change: @escaping @Sendable (inout [String: Any]) -> Void = { _ in }) -> Case {
        Case(name: "checkpoint: " + name,
             arguments: ["train", "{dir}/train.tsv", "--output", "{dir}/r.safetensors", "--resume"],
             fragment: fragment,
             setup: { dir in
                 let path = dir + "/r.checkpoint.safetensors"
                 try rewrite(path, to: path, checkpoint: change, tensors: try tensors(path))
             })
    }

    static func batcher(_ change: @escaping @Sendable (inout [String: Any]) -> Void) -> @Sendable (inout [String: Any]) -> Void {
        { object in
            guard var b = object["batcher"] as? [String: Any] else { return }
            change(&b)
            object["batcher"] = b
        }
    }

    static func tamperedModel(_ name: String, command: [String], _ fragment: String,
                              hyperparameters: (@Sendable (inout [String: Any]) -> Void)? = nil,
                              map: (@Sendable (String, [Float]) -> [Float])? = nil) -> Case {
        Case(name: "model: " + name, arguments: command.map { $0 == "MODEL" ? "{dir}/bad.safetensors" : $0 }, fragment: fragment,
             setup: { dir in try rewrite(dir + "/m.safetensors", to: dir + "/bad.safetensors", hyperparameters: hyperparameters, map: map) })
    }

    static func file(_ name: String, _ bytes: [UInt8]) -> @Sendable (String) throws -> Void {
        { dir in try Data(bytes).write(to: URL(fileURLWithPath: dir + "/" + name)) }
    }

    static func text(_ name: String, _ text: String) -> @Sendable (String) throws -> Void {
        file(name, Array(text.utf8))
    }

    static let train = ["train", "{dir}/train.tsv", "--output", "{dir}/out.safetensors", "--epochs", "1"]

    // MARK: The table

    static let cases: [Case] = [
        // Typed hyperparameter options: the type checked by ArgumentParser, the range by the core's table.
        Case(name: "train --batch-size 1.5", arguments: train + ["--batch-size", "1.5"], fragment: "invalid for '--batch-size"),
        Case(name: "train --dropout-p-hidden 2", arguments: train + ["--dropout-p-hidden", "2"], fragment: "--dropout-p-hidden: invalid value"),
        Case(name: "train --optimizer adamw", arguments: train + ["--optimizer", "adamw"], fragment: "one of 'adagrad', 'adam' or 'sgd'"),
        Case(name: "train --layers 100,x", arguments: train + ["--layers", "100,x"], fragment: "invalid for '--layers"),
        // Sizes nothing capped.
        Case(name: "train --layers 100000", arguments: train + ["--layers", "100000"], fragment: "layers"),
        Case(name: "train --embedding 1e8 unconstrained", arguments: train + ["--embedding", "100000000", "--constrained-embedding", "false"],
             fragment: "embedding"),
        Case(name: "train --batch-size 1e9", arguments: train + ["--batch-size", "1000000000"], fragment: "batch_size"),
        Case(name: "train --n-sample 1e8", arguments: train + ["--n-sample", "100000000"], fragment: "n_sample"),
        Case(name: "train --sample-store 1e12", arguments: train + ["--sample-store", "1000000000000"], fragment: "sample_store"),
        Case(name: "train --layers 2^62", arguments: train + ["--layers", "4611686018427387904"], fragment: "layers"),
        Case(name: "train --batch-size 2^62", arguments: train + ["--batch-size", "4611686018427387904"], fragment: "batch_size"),
        Case(name: "train --n-sample 2^62", arguments: train + ["--n-sample", "4611686018427387904"], fragment: "n_sample"),
        Case(name: "train --sample-store 2^62", arguments: train + ["--sample-store", "4611686018427387904"], fragment: "sample_store"),
        Case(name: "train --embedding 2^62", arguments: train + ["--embedding", "4611686018427387904", "--constrained-embedding", "false"],
             fragment: "embedding"),
        Case(name: "train sizes within caps but beyond memory", arguments: train + ["--layers", "60000", "--batch-size", "100000"],
             fragment: "of memory"),
        Case(name: "eval --batch-size 1e9", arguments: ["eval", "{dir}/m.safetensors", "--test", "{dir}/test.tsv", "--batch-size", "1000000000"],
             fragment: "batch_size"),
        Case(name: "shell --width/--height 100000", arguments: ["shell", "--model", "{dir}/m.safetensors", "--width", "100000", "--height", "100000"],
             fragment: "--width"),
        Case(name: "shell --width 1e9", arguments: ["shell", "--model", "{dir}/m.safetensors", "--width", "1000000000"], fragment: "--width"),
        Case(name: "shell --preload 1e9", arguments: ["shell", "--model", "{dir}/m.safetensors", "--preload", "1000000000"], fragment: "--preload"),
        tamperedModel("metadata layers 100000 (info)", command: ["info", "MODEL"], "layers",
                      hyperparameters: { $0["layers"] = [100_000] }),
        tamperedModel("metadata layers 100000 (recommend)", command: ["recommend", "MODEL", "--session", "item1"], "layers",
                      hyperparameters: { $0["layers"] = [100_000] }),
        tamperedModel("metadata layers 100000 (eval)", command: ["eval", "MODEL", "--test", "{dir}/test.tsv"], "layers",
                      hyperparameters: { $0["layers"] = [100_000] }),
        tamperedModel("metadata layers 60000 disagree with the tensors", command: ["info", "MODEL"], "disagree",
                      hyperparameters: { $0["layers"] = [60_000] }),
        tamperedModel("metadata layers 8/8 but one layer of tensors", command: ["info", "MODEL"], "missing",
                      hyperparameters: { $0["layers"] = [8, 8] }),
        tamperedModel("metadata batch_size 2^62", command: ["info", "MODEL"], "batch_size",
                      hyperparameters: { $0["batch_size"] = 4_611_686_018_427_387_904 }),
        Case(name: "info /dev/zero", arguments: ["info", "/dev/zero"], fragment: "/dev/zero: header"),

        // Checkpoints.
        tamperedCheckpoint("negative sampler_position", "sampler_position") { $0["sampler_position"] = -3 },
        tamperedCheckpoint("huge sampler_position", "sampler_position") { $0["sampler_position"] = 1_000_000_000_000 },
        tamperedCheckpoint("batcher.rowSession out of range", "batcher.rowSession",
                           batcher { $0["rowSession"] = ($0["rowSession"] as? [Int] ?? []).map { _ in 1_000_000_000 } }),
        tamperedCheckpoint("negative batcher.next", "batcher.next", batcher { $0["next"] = -5 }),
        tamperedCheckpoint("batcher.stepsLeft 10^12", "batcher.stepsLeft", batcher { $0["stepsLeft"] = 1_000_000_000_000 }),
        tamperedCheckpoint("shortened batcher.cursor", "batcher.cursor", batcher { $0["cursor"] = Array(($0["cursor"] as? [Int] ?? []).prefix(1)) }),
        tamperedCheckpoint("shortened batcher.pendingPrevious", "batcher.pendingPrevious",
                           batcher { $0["pendingPrevious"] = Array(($0["pendingPrevious"] as? [Int] ?? []).prefix(1)) }),
        tamperedCheckpoint("batcher.pendingPrevious out of range", "batcher.pendingPrevious",
                           batcher { $0["pendingPrevious"] = ($0["pendingPrevious"] as? [Int] ?? []).map { _ in 99 } }),
        tamperedCheckpoint("hidden_rows beyond batch_size", "hidden_rows") { $0["hidden_rows"] = 1000 },
        tamperedCheckpoint("short dropout_state", "dropout_state") { $0["dropout_state"] = [1] },
        tamperedCheckpoint("short sampler_refill_state", "sampler_refill_state") { $0["sampler_refill_state"] = [] },
        tamperedCheckpoint("non-finite extras", "extras.best_epoch") { $0["extras"] = ["best_epoch": 1e300] },
        tamperedCheckpoint("completed_epochs negative", "completed_epochs") { $0["completed_epochs"] = -1 },
        tamperedCheckpoint("hidden/0 one row too high", "hidden/0", tensors: { path in
            let file = try SafeTensorsFile(contentsOf: path)
            let shape = file.info("hidden/0")?.shape ?? [0, 8]
            return ["hidden/0": ([Float](repeating: 0, count: (shape[0] + 1) * shape[1]), [shape[0] + 1, shape[1]])]
        }),
        tamperedCheckpoint("optimizer accumulator of the wrong shape", "opt/acc/G.0.weight_hh", tensors: { _ in
            ["opt/acc/G.0.weight_hh": ([Float](repeating: 0, count: 8), [8])]
        }),
        tamperedCheckpoint("NaN in the momentum", "opt/mom/Wy.weight", tensors: { path in
            let file = try SafeTensorsFile(contentsOf: path)
            let shape = file.info("opt/mom/Wy.weight")?.shape ?? [1, 8]
            return ["opt/mom/Wy.weight": ([Float](repeating: .nan, count: shape[0] * shape[1]), shape)]
        }),
        Case(name: "resume with another training file", arguments: ["train", "{dir}/other.tsv", "--output", "{dir}/r.safetensors", "--resume"],
             fragment: "the checkpoint belongs to train.tsv"),

        // Silent wrong answers.
        tamperedModel("NaN weights (eval)", command: ["eval", "MODEL", "--test", "{dir}/test.tsv", "--mode", "conservative"], "non-finite",
                      map: { name, v in name == "Wy.weight" ? v.map { _ in .nan } : v }),
        tamperedModel("NaN weights (recommend)", command: ["recommend", "MODEL", "--session", "item1"], "non-finite",
                      map: { name, v in name == "Wy.weight" ? v.map { _ in .nan } : v }),
        tamperedModel("infinite weights (--from)", command: ["train", "{dir}/train.tsv", "--output", "{dir}/out.safetensors", "--from", "MODEL"],
                      "non-finite", map: { name, v in name == "G.0.weight_hh" ? v.map { _ in .infinity } : v }),
        Case(name: "--init-embeddings with nan", arguments: train + ["--layers", "2", "--init-embeddings", "{dir}/emb.txt"],
             fragment: "{dir}/emb.txt:1: 'nan' is not a finite number", setup: text("emb.txt", "item1 nan 0.5\n")),
        Case(name: "--init-embeddings /dev/zero (endless)", arguments: train + ["--layers", "2", "--init-embeddings", "/dev/zero"],
             fragment: "/dev/zero: --init-embeddings names a device"),
        Case(name: "--init-embeddings missing", arguments: train + ["--layers", "2", "--init-embeddings", "{dir}/none.txt"],
             fragment: "{dir}/none.txt: cannot read the --init-embeddings file"),
        Case(name: "invalid UTF-8 item ids", arguments: ["train", "{dir}/bad.tsv", "--output", "{dir}/out.safetensors"],
             fragment: "{dir}/bad.tsv:2: column \"ItemId\" (field 2) is not valid UTF-8",
             setup: file("bad.tsv", Array("SessionId\tItemId\tTime\n1\t".utf8) + [0xFF] + Array("\t1\n1\t".utf8) + [0xFE] + Array("\t2\n".utf8))),

        Case(name: "prepare: invalid UTF-8 item ids", arguments: ["prepare", "{dir}/raw.tsv", "--output-dir", "{dir}/out", "--min-item-support", "1"],
             fragment: "{dir}/raw.tsv:3: column \"ItemId\" (field 2) is not valid UTF-8",
             setup: file("raw.tsv", Array("SessionId\tItemId\tTime\n1\ta\t10\n1\t".utf8) + [0xC3, 0x28] + Array("\t11\n".utf8))),

        // Hangs and smaller things.
        Case(name: "--params with a 100 kB key", arguments: train + ["--params", String(repeating: "k", count: 100_000) + "=1"],
             fragment: "unknown hyperparameter"),
        Case(name: "--params with a 100 kB value", arguments: train + ["--params", "loss=" + String(repeating: "v", count: 100_000)],
             fragment: "at most 4096 bytes"),
        Case(name: "--params without '=' of 100 kB", arguments: train + ["--params", String(repeating: "p", count: 100_000)],
             fragment: "malformed parameter"),
        Case(name: "--params naming a directory", arguments: train + ["--params", "{dir}/sub"], fragment: "--params names a directory",
             setup: { dir in try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: false) }),
        Case(name: "--params /dev/null", arguments: train + ["--params", "/dev/null"], fragment: "/dev/null: --params names a device"),
        Case(name: "--params of invalid UTF-8", arguments: train + ["--params", "{dir}/p.txt"], fragment: "not UTF-8",
             setup: file("p.txt", [0xFF, 0x3D, 0x31, 0x0A])),
        Case(name: "--params empty file", arguments: train + ["--params", "{dir}/p.txt"], fragment: "empty", setup: text("p.txt", "\n")),
        Case(name: "escape sequences from a file are escaped", arguments: ["train", "{dir}/esc.tsv", "--output", "{dir}/out.safetensors"],
             fragment: "\\u{1B}[31m", setup: text("esc.tsv", "SessionId\tItemId\tTime\n1\ta\t\u{1B}[31mred\n")),
        Case(name: "sessions that all have one event", arguments: ["train", "{dir}/one.tsv", "--output", "{dir}/out.safetensors"],
             fragment: "{dir}/one.tsv: no session has two or more events", setup: text("one.tsv", "SessionId\tItemId\tTime\n1\ta\t1\n2\tb\t2\n")),
        Case(name: "--output naming a directory fails before training", arguments: ["train", "{dir}/train.tsv", "--output", "{dir}/d.safetensors"],
             fragment: "it is a directory",
             setup: { dir in try FileManager.default.createDirectory(atPath: dir + "/d.safetensors", withIntermediateDirectories: false) }),
        Case(name: "--output in a missing directory fails before training",
             arguments: ["train", "{dir}/train.tsv", "--output", "{dir}/missing/m.safetensors"], fragment: "does not exist"),
    ]

    // MARK: Running the table

    /// Every file under `dir` (relative path -> bytes; directories as empty entries).
    static func snapshot(_ dir: String) -> [String: Data] {
        var out: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: dir)
        while let relative = enumerator?.nextObject() as? String {
            out[relative] = FileManager.default.contents(atPath: dir + "/" + relative) ?? Data()
        }
        return out
    }

    @Test(arguments: cases)
    func badInputIsAClearErrorAndWritesNothing(_ badInput: Case) throws {
        let fixture = try Self.fixture.get()
        let dir = TestPaths.temporaryDirectory("gru4rec-bad-input")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in Fixture.files { try FileManager.default.copyItem(atPath: fixture.dir + "/" + name, toPath: dir + "/" + name) }
        try badInput.setup(dir)
        let before = Self.snapshot(dir)
        let r = try runGRU4Rec(badInput.arguments.map { $0.replacingOccurrences(of: "{dir}", with: dir) })
        let fragment = badInput.fragment.replacingOccurrences(of: "{dir}", with: dir)
        #expect((1...125).contains(r.code), "exit status \(r.code): \(r.err.prefix(2000))")
        #expect(r.err.contains(fragment), "expected '\(fragment)' in: \(r.err.prefix(2000))")
        #expect(!r.err.contains("\u{1B}"), "a raw escape character reached the terminal")
        #expect(!r.err.contains("NSCocoaErrorDomain") && !r.err.contains("Fatal error"), "\(r.err.prefix(2000))")
        #expect(r.err.utf8.count < 4000, "the message echoes \(r.err.utf8.count) bytes")
        #expect(!r.err.contains("epoch 1/"), "the error came after training started")
        let after = Self.snapshot(dir)
        #expect(after.keys.sorted() == before.keys.sorted(), "files written or removed")
        for (name, data) in before where after[name] != data { Issue.record("\(name) changed") }
    }
}

/// Hostile input that has a right answer, and targets that are not regular files.
extension BadInputTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func ranksToAFullDeviceIsAnErrorAndTheDeviceStaysADevice() throws {
        let fixture = try Self.fixture.get()
        let r = try runGRU4Rec(["eval", fixture.dir + "/m.safetensors", "--test", fixture.dir + "/test.tsv", "--ranks", "/dev/full"])
        #expect(r.code == 1 && r.err.contains("/dev/full") && r.err.contains("No space left"), "\(r.err)")
        var info = stat()
        #expect(stat("/dev/full", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test func ranksToDevNullAndToAFifoWithoutReader() throws {
        let fixture = try Self.fixture.get()
        let dir = TestPaths.temporaryDirectory("gru4rec-bad-input")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = ["eval", fixture.dir + "/m.safetensors", "--test", fixture.dir + "/test.tsv", "--ranks"]
        let ok = try runGRU4Rec(base + ["/dev/null"])
        #expect(ok.code == 0, "\(ok.err)")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
        #expect(mkfifo(dir + "/pipe", 0o644) == 0)
        let r = try runGRU4Rec(base + [dir + "/pipe"])
        #expect(r.code == 1 && r.err.contains("no reader"), "\(r.err)")
        #expect(lstat(dir + "/pipe", &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["pipe"])
    }

    @Test func aLongUnknownSessionIdIsAnsweredWithoutASuggestion() throws {
        let fixture = try Self.fixture.get()
        let r = try runGRU4Rec(["recommend", fixture.dir + "/m.safetensors", "--session", String(repeating: "x", count: 100_000), "-k", "3"])
        #expect(r.code == 0, "\(r.err.prefix(500))")
        #expect(r.err.contains("is not in the model") && !r.err.contains("did you mean"))
    }

    @Test func decomposedAndPrecomposedIdsStayTwoItemsAndCRLFEmbeddingsAreRead() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-bad-input")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let precomposed = "caf\u{E9}", decomposed = "cafe\u{301}"
        try "SessionId\tItemId\tTime\n1\t\(precomposed)\t1\n1\t\(decomposed)\t2\n2\t\(precomposed)\t3\n2\tx\t4\n"
            .write(toFile: dir + "/cafe.tsv", atomically: true, encoding: .utf8)
        try "2 2\r\n\(decomposed) 0.25 -0.5\r\nx 1 2\r\n".write(toFile: dir + "/emb.txt", atomically: true, encoding: .utf8)
        let r = try runGRU4Rec(["train", dir + "/cafe.tsv", "--output", dir + "/m.safetensors", "--layers", "2", "--batch-size", "2",
                                "--n-sample", "0", "--epochs", "0", "--init-embeddings", dir + "/emb.txt"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("2 of 3 items found"), "\(r.err)")
        let model = try GRU4RecModel.load(from: dir + "/m.safetensors").model
        #expect(model.itemCount == 3)
        let ids = model.catalog.ids.map { Array($0.utf8) }
        #expect(ids.contains(Array(precomposed.utf8)) && ids.contains(Array(decomposed.utf8)))
        let row = try #require(model.catalog.ids.firstIndex { Array($0.utf8) == Array(decomposed.utf8) })
        #expect(Array(model.parameters.values("Wy.weight")[row * 2..<row * 2 + 2]) == [0.25, -0.5])
    }
}
