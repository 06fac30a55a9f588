import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// `gru4rec eval`: breakdowns, the per-event file, comparisons, aligned tables.
@Suite(.serialized)
struct EvalCommandTests {
    let dir: String
    let train: String, test: String

    init() throws {
        dir = TestPaths.temporaryDirectory("gru4rec-eval")
        (train, test) = try SyntheticSessions.writeTrainTest(in: dir)
    }

    func trainSmall(_ output: String, data: String? = nil, seed: String = "42", epochs: String = "3") throws {
        let r = try runGRU4Rec(["train", data ?? train, "--output", output, "--layers", "12", "--batch-size", "8", "--n-sample", "16",
                                "--sample-store", "2000", "--epochs", epochs, "--learning-rate", "0.1", "--seed", seed])
        #expect(r.code == 0, "\(r.err)")
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// Rows of a TSV file (header included), split on tabs.
    func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test("--ranks: one row per event, joined back to the test file row by row; ranks agree with the metrics")
    func ranksJoinBack() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/m.safetensors"
        try trainSmall(model)
        let ranksFile = dir + "/ranks.tsv"
        let r = try runGRU4Rec(["eval", model, "--test", test, "--cutoffs", "5,20", "--json", "--ranks", ranksFile, "--ranks-topk", "3"])
        #expect(r.code == 0, "\(r.err)")
        let metrics = try object(r.out)
        let table = try rows(ranksFile)
        #expect(table.first == ["SessionId", "Position", "InputItem", "TargetItem", "Rank", "Score", "Top1", "Top2", "Top3"])
        // Expected rows from the test file itself: consecutive events of each session, in file order.
        let events = try rows(test).dropFirst()
        var expected: [[String]] = [], position = 0
        for (k, e) in events.enumerated() {
            if k > 0 && events[events.startIndex + k - 1][0] == e[0] {
                position += 1
                expected.append([e[0], String(position), events[events.startIndex + k - 1][1], e[1]])
            } else { position = 0 }
        }
        let body = Array(table.dropFirst())
        #expect(body.count == expected.count && body.count == metrics["events"] as? Int)
        let catalog = try GRU4RecModel.load(from: model).model.catalog
        var hits20 = 0
        for (row, want) in zip(body, expected) {
            #expect(Array(row.prefix(4)) == want)
            #expect(row.count == 9)
            let rank = try #require(Double(row[4]))
            #expect(rank >= 1 && rank <= Double(catalog.count))
            #expect(Float(row[5]) != nil)
            #expect(row[6...].allSatisfy { catalog.index(of: $0) != nil })
            if rank == 1 { #expect(row[6] == row[3]) }
            if rank <= 20 { hits20 += 1 }
        }
        #expect(abs(Double(hits20) / Double(body.count) - (metrics["recall@20"] as? Double ?? -1)) < 1e-12)
    }

    @Test("--by: slices keyed by label in JSON, counts adding up, overall figures unchanged; aligned tables")
    func breakdowns() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = dir + "/m.safetensors"
        try trainSmall(model)
        let plain = try object(try runGRU4Rec(["eval", model, "--test", test, "--json"]).out)
        let r = try runGRU4Rec(["eval", model, "--test", test, "--json", "--by", "length,position,popularity,repeat"])
        #expect(r.code == 0, "\(r.err)")
        let sliced = try object(r.out)
        for key in ["recall@20", "mrr@20", "ndcg@20", "coverage@20", "popularity@1", "events"] {
            #expect((plain[key] as? Double) == (sliced[key] as? Double), "\(key)")
        }
        let breakdowns = try #require(sliced["breakdowns"] as? [String: [String: [String: Any]]])
        #expect(Set(breakdowns.keys) == ["length", "position", "popularity", "repeat"])
        #expect(Set(breakdowns["popularity"]?.keys ?? [:].keys) == ["head", "torso", "tail"])
        for (name, slices) in breakdowns {
            #expect(slices.values.reduce(0) { $0 + ($1["events"] as? Int ?? 0) } == sliced["events"] as? Int, "\(name)")
        }
        let pop = try runGRU4Rec(["eval", "--baseline", "pop", "--train", train, "--test", test, "--json", "--by", "repeat"])
        #expect(pop.code == 0)
        #expect((try object(pop.out)["breakdowns"] as? [String: Any])?["repeat"] != nil)

        // Tables: with K = 1 and 20 every line of a table has the same width (right-aligned columns).
        let text = try runGRU4Rec(["eval", model, "--test", test, "--cutoffs", "1,5,10,20", "--by", "position"])
        #expect(text.code == 0)
        let blocks = text.out.components(separatedBy: "\n\n")
        let metricsTable = try #require(blocks.first).split(separator: "\n").dropFirst()
        #expect(metricsTable.first?.hasPrefix(" K  Recall@K") == true)
        #expect(metricsTable.count == 6 && Set(metricsTable.map(\.count)).count == 1, "\(metricsTable)")
        let positionTable = try #require(blocks.last).split(separator: "\n").dropFirst()
        #expect(positionTable.first?.hasPrefix("position  events") == true)
        #expect(positionTable.count == 8 && Set(positionTable.map(\.count)).count == 1, "\(positionTable)")
        let unwritable = try runGRU4Rec(["eval", model, "--test", test, "--ranks", dir + "/no/such/folder/r.tsv"])
        #expect(unwritable.code != 0 && unwritable.err.contains("no/such/folder"), "\(unwritable.err)")
        let bad = try runGRU4Rec(["eval", model, "--test", test, "--by", "length,colour"])
        #expect(bad.code != 0 && bad.err.contains("'colour'"))
    }

    @Test("two models: both metrics, B - A inside its interval, reproducible for a seed; a baseline as A; no shared items is an error")
    func compare() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = dir + "/a.safetensors", b = dir + "/b.safetensors"
        try trainSmall(a, seed: "1", epochs: "1")
        try trainSmall(b, seed: "2", epochs: "4")
        let args = ["eval", a, b, "--test", test, "--cutoffs", "5,20", "--json", "--bootstrap", "200", "--seed", "3"]
        let r = try runGRU4Rec(args)
        #expect(r.code == 0, "\(r.err)")
        let o = try object(r.out)
        let single = try object(try runGRU4Rec(["eval", b, "--test", test, "--cutoffs", "5,20", "--json"]).out)
        let metrics = try #require(o["metrics"] as? [String: [String: Double]])
        let recall = try #require(metrics["recall@20"])
        #expect(recall["b"] == single["recall@20"] as? Double)
        #expect(abs((recall["difference"] ?? 0) - ((recall["b"] ?? 0) - (recall["a"] ?? 0))) < 1e-15)
        for (name, m) in metrics { #expect((m["low"] ?? 1) <= (m["difference"] ?? 0) && (m["difference"] ?? 0) <= (m["high"] ?? -1), "\(name)") }
        let shares = ["better", "worse", "equal"].map { o[$0] as? Double ?? -1 }
        #expect(abs(shares.reduce(0, +) - 1) < 1e-12 && shares.allSatisfy { $0 >= 0 })
        #expect(o["events"] as? Int == single["events"] as? Int)
        var again = try object(try runGRU4Rec(args).out), first = o
        for key in ["a", "b", "bootstrap"] { again[key] = nil; first[key] = nil }
        #expect(NSDictionary(dictionary: again).isEqual(to: first), "same seed, same figures")
        let other = try object(try runGRU4Rec(Array(args.dropLast()) + ["4"]).out)
        #expect((other["metrics"] as? [String: [String: Double]])?["recall@20"]?["low"] != recall["low"])

        let text = try runGRU4Rec(["eval", a, b, "--test", test, "--bootstrap", "100", "--by", "repeat"])
        #expect(text.code == 0)
        #expect(text.out.contains("95% CI") && text.out.contains("B ranks the target better for") && text.out.contains("by repeat"))

        // A baseline as A: its figures are the plain baseline's.
        let vsPop = try object(try runGRU4Rec(["eval", b, "--baseline", "pop", "--train", train, "--test", test, "--cutoffs", "20", "--json", "--bootstrap", "50"]).out)
        let pop = try object(try runGRU4Rec(["eval", "--baseline", "pop", "--train", train, "--test", test, "--cutoffs", "20", "--json"]).out)
        #expect((vsPop["metrics"] as? [String: [String: Double]])?["recall@20"]?["a"] == pop["recall@20"] as? Double)

        // Items only one model knows: their events are dropped for both models, and counted.
        let renamed = dir + "/renamed.tsv", partial = dir + "/renamed-partly.tsv", x = dir + "/x.safetensors", p = dir + "/p.safetensors"
        let (data, catalog) = SyntheticSessions.make(sessions: 300, items: 25, seed: 5)
        try SyntheticSessions.writeTSV(data, catalog, to: renamed, range: 0..<250, prefix: "x")
        try trainSmall(x, data: renamed, epochs: "1")
        var partlyRenamed = try String(contentsOfFile: train, encoding: .utf8)
        partlyRenamed = partlyRenamed.replacingOccurrences(of: "\titem3\t", with: "\tother3\t").replacingOccurrences(of: "\titem7\t", with: "\tother7\t")
        try partlyRenamed.write(toFile: partial, atomically: true, encoding: .utf8)
        try trainSmall(p, data: partial, epochs: "1")
        let overlap = try object(try runGRU4Rec(["eval", a, p, "--test", test, "--json", "--bootstrap", "50"]).out)
        let unknown = try String(contentsOfFile: test, encoding: .utf8).split(separator: "\n").filter { $0.contains("\titem3\t") || $0.contains("\titem7\t") }.count
        #expect((overlap["dropped"] as? [String: Int])?["unknownToB"] == unknown && unknown > 0)
        #expect((overlap["items"] as? [String: Int])?["shared"] == 23)
        #expect((overlap["events"] as? Int ?? 0) < (single["events"] as? Int ?? 0))
        let none = try runGRU4Rec(["eval", a, x, "--test", test])
        #expect(none.code != 0)
        #expect(none.err.contains("share no item ids"), "\(none.err)")
        let three = try runGRU4Rec(["eval", a, b, x, "--test", test])
        #expect(three.code != 0 && three.err.contains("two at a time"))
        let ranks = try runGRU4Rec(["eval", a, b, "--test", test, "--ranks", dir + "/r.tsv"])
        #expect(ranks.code != 0 && !FileManager.default.fileExists(atPath: dir + "/r.tsv"))
    }
}
