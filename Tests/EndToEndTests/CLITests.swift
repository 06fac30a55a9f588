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
        (train, test) = try SyntheticSessions.writeTrainTest(in: dir)
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
        // Hyperparameters are typed: numbers as numbers, booleans as booleans.
        let hp = try #require(infoObject["hyperparameters"] as? [String: Any])
        #expect(hp["batch_size"] as? Int == 8 && hp["layers"] as? [Int] == [12] && hp["learning_rate"] as? Double == 0.1)
        #expect(info.out.contains("\"constrained_embedding\" : true"), "\(info.out)")
        let plainInfo = try runGRU4Rec(["info", model])
        #expect(plainInfo.out.contains("predicted events"), "\(plainInfo.out)")

        let ranksFile = dir + "/ranks.txt"
        let ev = try runGRU4Rec(["eval", model, "--test", test, "--cutoffs", "1,5,20", "--mode", "conservative", "--json", "--ranks", ranksFile])
        #expect(ev.code == 0, "\(ev.err)")
        let metrics = try JSONSerialization.jsonObject(with: Data(ev.out.utf8)) as! [String: Any]
        let recall20 = metrics["recall@20"] as! Double
        #expect(recall20 > 0.5)
        for key in ["mrr@20", "ndcg@20", "coverage@20", "popularity@20", "events", "dropped"] { #expect(metrics[key] != nil, "\(key)") }
        let ranks = try String(contentsOfFile: ranksFile, encoding: .utf8).split(separator: "\n")
        #expect(ranks.count == 1 + (metrics["events"] as! Int), "a header and one row per event")

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

    @Test("--threads 1 and 2 train the same model, evaluate to the same metrics, recommend and explain the same; other counts are refused")
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
        // recommend and shell take the same option, with the same answers either way.
        let script = dir + "/clicks.txt"
        try "replay next\nstep\nstep\nexplain 1\n".write(toFile: script, atomically: true, encoding: .utf8)
        var answers: [[String]] = []
        for t in ["1", "2"] {
            let rec = try runGRU4Rec(["recommend", dir + "/t1.safetensors", "--sessions", test, "-k", "5", "--threads", t])
            #expect(rec.code == 0, "\(rec.err)")
            let shell = try runGRU4Rec(["shell", "--model", dir + "/t1.safetensors", "--sessions", test, "--start", "none", "--script", script,
                                        "--width", "100", "--height", "30", "--threads", t])
            #expect(shell.code == 0, "\(shell.err)")
            answers.append([rec.out, shell.out])
        }
        #expect(answers[0] == answers[1])
        #expect(answers[0][0].split(separator: "\n").count > 5 && answers[0][1].contains("Explain"))
        for command in [["eval", dir + "/t1.safetensors", "--test", test], ["recommend", dir + "/t1.safetensors", "--session", "item1"],
                        ["shell", "--model", dir + "/t1.safetensors", "--script", script]] {
            let bad = try runGRU4Rec(command + ["--threads", "3"])
            #expect(bad.code != 0)
            #expect(bad.err.contains("--threads takes 1 or 2, got 3"), "\(command[0]): \(bad.err)")
        }
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
        // A test file that leaves nothing to evaluate is an error, not a table of zeros.
        let good = dir + "/good.safetensors"
        #expect(try trainSmall(good).code == 0)
        try "SessionId\tItemId\tTime\n1\tnope1\t1\n1\tnope2\t2\n2\tnope3\t3\n".write(toFile: dir + "/foreign.tsv", atomically: true, encoding: .utf8)
        r = try runGRU4Rec(["eval", good, "--test", dir + "/foreign.tsv"])
        #expect(r.code != 0 && r.err.contains("foreign.tsv: no event to evaluate: 3 events were dropped"), "\(r.err)")
        #expect(r.err.contains("hint: is this the test set"))
        #expect(!r.out.contains("Recall@K"))
        r = try runGRU4Rec(["eval", good, good, "--test", dir + "/foreign.tsv"])
        #expect(r.code != 0 && r.err.contains("no event to evaluate: 3 events were dropped because good.safetensors or good.safetensors"), "\(r.err)")
    }

    @Test("Ctrl-C writes a checkpoint; --resume gives the same model as an uninterrupted run")
    func interruptAndResume() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Part of the settings in an official-style Python parameter file, so the printed
        // resume command must carry --params to work.
        let params = dir + "/params.py"
        try "from collections import OrderedDict\ngru4rec_params = OrderedDict([('layers', [16]), ('batch_size', 4), ('n_sample', 32)])\n"
            .write(toFile: params, atomically: true, encoding: .utf8)
        let args = ["--params", params, "--sample-store", "500", "--epochs", "40",
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
        #expect(FileManager.default.fileExists(atPath: dir + "/resumed.checkpoint.safetensors"))
        // The hint is a command that works as printed.
        let hint = try #require(r1.err.split(separator: "\n").first { $0.hasPrefix("resume with: ") }).dropFirst("resume with: ".count)
        #expect(hint.contains("--params") && hint.contains("--resume") && hint.contains(train))
        let r2 = try RunningCommand("/bin/sh", ["-c", String(hint)]).wait()
        #expect(r2.code == 0, "\(r2.err)")
        let a = try GRU4RecModel.load(from: straight).model, b = try GRU4RecModel.load(from: resumed).model
        for spec in a.parameters.specs { #expect(a.parameters.values(spec.name) == b.parameters.values(spec.name), "\(spec.name)") }
        // The saved model's log holds the whole run (one start, 40 epochs, one end); the run log is gone.
        let records = try TrainingLog.read(path: dir + "/resumed.log.jsonl")
        #expect(records.filter { if case .start = $0 { return true } else { return false } }.count == 1)
        #expect(records.filter { if case .epoch = $0 { return true } else { return false } }.count == 40)
        #expect(!FileManager.default.fileExists(atPath: log))
        // The recorded training time is the sum of the logged epochs' times, the interrupted part included.
        var epochSeconds = 0.0
        for case let .epoch(_, _, _, _, seconds, _, _) in records { epochSeconds += seconds }
        let facts = try GRU4RecModel.load(from: resumed).facts
        #expect(abs((facts.trainingSeconds ?? 0) - epochSeconds) < 1e-6 * max(1, epochSeconds))
    }

    @Test("recommend: aligned table with names from items.tsv beside the model; batch mode as TSV and JSON Lines")
    func recommendNamesAndBatch() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/m.safetensors"
        #expect(try trainSmall(model).code == 0)
        let m = try GRU4RecModel.load(from: model).model
        var items = "ItemId\tName\tSupport\n"
        for id in m.catalog.ids { items += "\(id)\tName of \(id)\t1\n" }
        try items.write(toFile: dir + "/items.tsv", atomically: true, encoding: .utf8)
        let ids = Array(m.catalog.ids.prefix(3))

        let one = try runGRU4Rec(["recommend", model, "--session", ids.joined(separator: ","), "-k", "12"])
        #expect(one.code == 0, "\(one.err)")
        let lines = one.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 14 && lines[0].hasPrefix("rank  item") && lines[0].hasSuffix("name"))
        // Columns stay aligned when the rank gets a second digit: every score ends at the same column.
        let scoreEnds = lines.dropFirst(2).map { line -> Int in
            let cells = line.split(separator: " ", omittingEmptySubsequences: true)
            return line.range(of: " " + cells[2] + " ")?.upperBound.utf16Offset(in: line) ?? -1
        }
        #expect(Set(scoreEnds).count == 1, "\(lines)")
        #expect(lines[2].hasPrefix("   1  ") && lines[13].hasPrefix("  12  "))
        #expect(lines[2].contains("Name of "))

        // Batch mode: the same answer as one session at a time.
        let out = dir + "/recs.tsv"
        let batch = try runGRU4Rec(["recommend", model, "--sessions", test, "--output", out, "-k", "5", "--exclude-seen"])
        #expect(batch.code == 0, "\(batch.err)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }
        #expect(rows[0] == ["SessionId", "Rank", "ItemId", "Score"])
        let data = try SessionData.load(path: test, catalog: m.catalog).data
        #expect(rows.count == 1 + 5 * data.sessionCount)
        let sid = data.sessionIDs[3]
        let session = data.sessionItems(3).map { m.catalog.ids[Int($0)] }.joined(separator: ",")
        let single = try runGRU4Rec(["recommend", model, "--session", session, "-k", "5", "--exclude-seen", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(single.out.utf8)) as? [String: Any])
        let expected = (object["recommendations"] as? [[String: Any]] ?? []).map { $0["item"] as? String ?? "" }
        #expect(rows.filter { $0[0] == sid }.map { $0[2] } == expected)

        let jsonl = try runGRU4Rec(["recommend", model, "--sessions", test, "-k", "2", "--json"])
        let objects = jsonl.out.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == data.sessionCount)
        #expect((objects.first?["items"] as? [[String: Any]])?.count == 2)

        let bad = try runGRU4Rec(["recommend", model])
        #expect(bad.code != 0 && bad.err.contains("--session"))
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
        let live = LiveSession(model: m, parallelism: .tests)
        let items = ["item3", "item4", "item9"]
        for id in items { live.feed(m.catalog.index(of: id)!) }
        let expected = dir + "/expected.txt"
        try live.scores().map { String($0) }.joined(separator: "\n").write(toFile: expected, atomically: true, encoding: .utf8)
        let r = try RunningCommand(python, ["python3", script, model, items.joined(separator: ","), expected]).wait()
        #expect(r.code == 0, "\(r.out)\(r.err)")
        #expect(r.out.contains("max abs diff"))
    }
}
