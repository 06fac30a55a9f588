import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// End-to-end tests of the command line on small files: every command, and bad input.
@Suite(.serialized)
struct CLITests {
    let dir: String
    let train: String, test: String

    init() throws {
        dir = TestPaths.temporaryDirectory("gru4rec-cli")
        train = dir + "/train.tsv"
        test = dir + "/test.tsv"
        let (data, catalog) = SyntheticSessions.make(sessions: 300, items: 25, seed: 5)
        try write(data, catalog, to: train, range: 0..<250)
        try write(data, catalog, to: test, range: 250..<300)
    }

    func write(_ data: SessionData, _ catalog: ItemCatalog, to path: String, range: Range<Int>) throws {
        var text = "SessionId\tItemId\tTime\n"
        for s in range { for e in data.offsets[s]..<data.offsets[s + 1] { text += "\(data.sessionIDs[s])\t\(catalog.ids[Int(data.items[e])])\t\(Int(data.times[e]))\n" } }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func trainSmall(_ output: String, _ extra: [String] = []) throws -> (code: Int32, out: String, err: String) {
        try runGRU4Rec(["train", train, "--output", output, "--layers", "12", "--batch-size", "8", "--n-sample", "16",
                        "--sample-store", "2000", "--epochs", "3", "--learning-rate", "0.1"] + extra)
    }

    @Test("train, info, eval (table, JSON, ranks), recommend, baselines")
    func happyPath() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/m.safetensors"
        let r = try trainSmall(model, ["--valid", test, "--keep", "best"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("epoch 3/3"))
        #expect(FileManager.default.fileExists(atPath: model))
        #expect(!FileManager.default.fileExists(atPath: dir + "/m.checkpoint.safetensors"), "checkpoint removed after success")
        let log = try TrainingLog.read(path: dir + "/m.log.jsonl")
        #expect(log.filter { if case .epoch = $0 { return true }; return false }.count == 3)
        if case .start = log.first! {} else { Issue.record("log starts with a start record") }
        if case .end(let epochs, _, _) = log.last! { #expect(epochs == 3) } else { Issue.record("log ends with an end record") }

        let info = try runGRU4Rec(["info", model, "--json"])
        #expect(info.code == 0)
        let infoObject = try JSONSerialization.jsonObject(with: Data(info.out.utf8)) as! [String: Any]
        #expect(infoObject["items"] as? Int == 25)

        let ranksFile = dir + "/ranks.txt"
        let ev = try runGRU4Rec(["eval", model, "--test", test, "--cutoffs", "1,5,20", "--mode", "conservative", "--json", "--ranks", ranksFile])
        #expect(ev.code == 0, "\(ev.err)")
        let metrics = try JSONSerialization.jsonObject(with: Data(ev.out.utf8)) as! [String: Any]
        let recall20 = metrics["recall@20"] as! Double
        #expect(recall20 > 0.5)
        for key in ["mrr@20", "ndcg@20", "coverage@20", "popularity@20", "events", "dropped"] { #expect(metrics[key] != nil, "\(key)") }
        let ranks = try String(contentsOfFile: ranksFile, encoding: .utf8).split(separator: "\n")
        #expect(ranks.count == metrics["events"] as! Int)

        let table = try runGRU4Rec(["eval", model, "--test", test])
        #expect(table.out.contains("Recall@K") && table.out.contains("MRR@K"))

        let pop = try runGRU4Rec(["eval", "--baseline", "pop", "--train", train, "--test", test, "--json", "--cutoffs", "20"])
        let knn = try runGRU4Rec(["eval", "--baseline", "item-knn", "--train", train, "--test", test, "--json", "--cutoffs", "20"])
        #expect(pop.code == 0 && knn.code == 0)
        let popRecall = (try JSONSerialization.jsonObject(with: Data(pop.out.utf8)) as! [String: Any])["recall@20"] as! Double
        #expect(recall20 > popRecall)

        let rec = try runGRU4Rec(["recommend", model, "--session", "item3,item4,nope", "-k", "5", "--json", "--exclude-seen"])
        #expect(rec.code == 0)
        #expect(rec.err.contains("'nope' is not in the model"))
        let recObject = try JSONSerialization.jsonObject(with: Data(rec.out.utf8)) as! [String: Any]
        let items = (recObject["recommendations"] as! [[String: Any]]).map { $0["item"] as! String }
        #expect(items.count == 5 && !items.contains("item3") && !items.contains("item4"))
        // The chain structure: after item4 comes item5 most often.
        #expect(items.prefix(3).contains("item5"))
    }

    @Test("--threads 1 and 2 train the same model and evaluate to the same metrics; other counts are refused")
    func threads() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var models: [[Float]] = [], metrics: [[String: Double]] = []
        for t in ["1", "2"] {
            let model = dir + "/t\(t).safetensors"
            let r = try trainSmall(model, ["--threads", t, "--dropout-p-hidden", "0.3"])
            #expect(r.code == 0, "\(r.err)")
            let m = try GRU4RecModel.load(from: model).model
            models.append(Array(UnsafeBufferPointer(start: m.parameters.base, count: m.parameters.count)))
            let ev = try runGRU4Rec(["eval", model, "--test", test, "--cutoffs", "1,5,20", "--json", "--threads", t])
            #expect(ev.code == 0, "\(ev.err)")
            var object = try JSONSerialization.jsonObject(with: Data(ev.out.utf8)) as! [String: Any]
            object["seconds"] = nil
            metrics.append(object.compactMapValues { $0 as? Double })
        }
        #expect(models[0] == models[1])
        #expect(metrics[0] == metrics[1] && metrics[0]["recall@20"] != nil)
        let bad = try runGRU4Rec(["eval", dir + "/t1.safetensors", "--test", test, "--threads", "3"])
        #expect(bad.code != 0)
        #expect(bad.err.contains("--threads takes 1 or 2, got 3"))
    }

    @Test("bad input: clear errors, non-zero exit, no output file")
    func badInput() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/bad.safetensors"
        try "Session\tItem\tTime\n1\ta\t1\n".write(toFile: dir + "/cols.tsv", atomically: true, encoding: .utf8)
        var r = try runGRU4Rec(["train", dir + "/cols.tsv", "--output", model])
        #expect(r.code != 0 && r.err.contains("SessionId") && r.err.contains("--session-col"))
        try "SessionId\tItemId\tTime\n1\ta\t1\n1\tb\tnoon\n".write(toFile: dir + "/time.tsv", atomically: true, encoding: .utf8)
        r = try runGRU4Rec(["train", dir + "/time.tsv", "--output", model])
        #expect(r.code != 0 && r.err.contains("time.tsv:3"), "\(r.err)")
        try "".write(toFile: dir + "/empty.tsv", atomically: true, encoding: .utf8)
        r = try runGRU4Rec(["train", dir + "/empty.tsv", "--output", model])
        #expect(r.code != 0 && r.err.contains("empty"))
        r = try runGRU4Rec(["train", train, "--output", model, "--loss", "hinge"])
        #expect(r.code != 0 && r.err.contains("cross-entropy"))
        r = try runGRU4Rec(["train", train, "--output", model, "--params", "batchsize=3"])
        #expect(r.code != 0 && r.err.contains("did you mean 'batch_size'"))
        #expect(!FileManager.default.fileExists(atPath: model))
        try "not a model".write(toFile: dir + "/junk.safetensors", atomically: true, encoding: .utf8)
        r = try runGRU4Rec(["eval", dir + "/junk.safetensors", "--test", test])
        #expect(r.code != 0 && r.err.contains("junk.safetensors"))
        r = try runGRU4Rec(["eval", "--baseline", "pop", "--test", test])
        #expect(r.code != 0 && r.err.contains("--train"))
    }

    @Test("Ctrl-C writes a checkpoint; --resume gives the same model as an uninterrupted run")
    func interruptAndResume() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = ["--layers", "16", "--batch-size", "4", "--n-sample", "32", "--sample-store", "500", "--epochs", "40",
                    "--dropout-p-hidden", "0.2", "--momentum", "0.1", "--log-every", "1"]
        let straight = dir + "/straight.safetensors", resumed = dir + "/resumed.safetensors"
        let r0 = try runGRU4Rec(["train", train, "--output", straight] + args)
        #expect(r0.code == 0, "\(r0.err)")
        guard let bin = builtProductPath("gru4rec") else { return }
        let running = try RunningCommand(bin, ["train", train, "--output", resumed] + args)
        // The run's records wait beside the checkpoint until the model is saved.
        let log = dir + "/resumed.checkpoint.log.jsonl"
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("\"type\":\"epoch\"") { break }
            usleep(20_000)
        }
        running.signal(SIGINT)
        let r1 = running.wait()
        guard r1.code == 130 else {
            #expect(r1.code == 0, "\(r1.err)")
            Issue.record("the run finished before the interrupt; nothing to resume")
            return
        }
        #expect(r1.err.contains("--resume"))
        #expect(FileManager.default.fileExists(atPath: dir + "/resumed.checkpoint.safetensors"))
        let r2 = try runGRU4Rec(["train", train, "--output", resumed, "--resume"] + args)
        #expect(r2.code == 0, "\(r2.err)")
        let a = try GRU4RecModel.load(from: straight).model, b = try GRU4RecModel.load(from: resumed).model
        for spec in a.parameters.specs { #expect(a.parameters.values(spec.name) == b.parameters.values(spec.name), "\(spec.name)") }
        // The saved model's log holds the whole run (one start, 40 epochs, one end); the run log is gone.
        let records = try TrainingLog.read(path: dir + "/resumed.log.jsonl")
        #expect(records.filter { if case .start = $0 { return true } else { return false } }.count == 1)
        #expect(records.filter { if case .epoch = $0 { return true } else { return false } }.count == 40)
        #expect(!FileManager.default.fileExists(atPath: log))
    }

    @Test("--from continues a model on new data with new items; --init-embeddings loads vectors")
    func continueAndEmbeddings() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = dir + "/base.safetensors"
        #expect(try trainSmall(base).code == 0)
        try "SessionId\tItemId\tTime\n1\titem1\t1\n1\tnewA\t2\n2\tnewA\t3\n2\tnewB\t4\n2\titem2\t5\n".write(toFile: dir + "/more.tsv", atomically: true, encoding: .utf8)
        let cont = dir + "/cont.safetensors"
        let r = try runGRU4Rec(["train", dir + "/more.tsv", "--output", cont, "--from", base, "--epochs", "1"])
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("2 new"))
        let old = try GRU4RecModel.load(from: base).model, new = try GRU4RecModel.load(from: cont).model
        #expect(new.itemCount == old.itemCount + 2)
        // An item absent from the new data keeps its output row exactly.
        let untouched = old.catalog.ids.first { !["item1", "item2"].contains($0) }!
        let oi = old.catalog.index(of: untouched)!, ni = new.catalog.index(of: untouched)!
        #expect(Array(old.parameters.values("Wy.weight")[(oi * 12)..<(oi * 12 + 12)]) == Array(new.parameters.values("Wy.weight")[(ni * 12)..<(ni * 12 + 12)]))

        var vectors = "2 12\n"
        vectors += "item1 " + (0..<12).map { _ in "0.25" }.joined(separator: " ") + "\n"
        vectors += "unknownItem " + (0..<12).map { _ in "0.5" }.joined(separator: " ") + "\n"
        try vectors.write(toFile: dir + "/vec.txt", atomically: true, encoding: .utf8)
        let withVectors = dir + "/vec.safetensors"
        let rv = try runGRU4Rec(["train", train, "--output", withVectors, "--layers", "12", "--epochs", "0", "--init-embeddings", dir + "/vec.txt"])
        #expect(rv.code == 0, "\(rv.err)")
        #expect(rv.err.contains("1 of 25 items found"))
        let vm = try GRU4RecModel.load(from: withVectors).model
        let i1 = vm.catalog.index(of: "item1")!
        #expect(Array(vm.parameters.values("Wy.weight")[(i1 * 12)..<(i1 * 12 + 12)]) == [Float](repeating: 0.25, count: 12))
        try "item1 0.1 0.2\n".write(toFile: dir + "/short.txt", atomically: true, encoding: .utf8)
        let bad = try runGRU4Rec(["train", train, "--output", dir + "/x.safetensors", "--layers", "12", "--epochs", "0", "--init-embeddings", dir + "/short.txt"])
        #expect(bad.code != 0 && bad.err.contains("short.txt:1"))
    }

    @Test("a saved model is readable by Python's safetensors + NumPy, which reproduces one GRU step and the scores")
    func pythonInterop() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/py.safetensors"
        #expect(try trainSmall(model).code == 0)
        let script = TestPaths.packageRoot + "/Tests/EndToEndTests/Python/numpy_step.py"
        let python = "/usr/bin/env"
        let check = try RunningCommand(python, ["python3", "-c", "import numpy, safetensors"]).wait()
        if check.code != 0 {
            let pip = try RunningCommand(python, ["python3", "-m", "pip", "install", "-q", "safetensors", "numpy"]).wait()
            guard pip.code == 0 else {
                print("skipped: pip could not install safetensors/numpy (no registry?): \(pip.err.suffix(200))")
                return
            }
        }
        let m = try GRU4RecModel.load(from: model).model
        let live = LiveSession(model: m)
        let items = ["item3", "item4", "item9"]
        for id in items { live.feed(m.catalog.index(of: id)!) }
        let expected = dir + "/expected.txt"
        try live.scores().map { String($0) }.joined(separator: "\n").write(toFile: expected, atomically: true, encoding: .utf8)
        let r = try RunningCommand(python, ["python3", script, model, items.joined(separator: ","), expected]).wait()
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("max abs diff"))
    }
}
