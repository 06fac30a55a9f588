import Foundation
import GRU4Rec
import GRU4RecTestSupport
import Testing

/// `gru4rec prepare` end to end on small raw files, and its errors.
@Suite(.serialized)
struct PrepareCommandTests {
    /// A raw CSV in the Online Retail shape: invoices with one timestamp each, a cancellation,
    /// a postage line, a negative quantity, consecutive repeats and a rare item.
    static func raw(_ dir: String) throws -> String {
        var lines = ["InvoiceNo,StockCode,Description,Quantity,InvoiceDate"]
        var invoice = 1000
        func order(_ day: Int, _ items: [String], quantity: Int = 1, prefix: String = "") {
            invoice += 1
            for i in items { lines.append("\(prefix)\(invoice),\(i),\"Item \(i), boxed\",\(quantity),2011-01-\(String(format: "%02d", day)) 10:00") }
        }
        for d in 1...20 { order(d, ["100", "200", "300", "300", "400"]) }   // "300" twice in a row
        for d in 1...20 { order(d, ["200", "100", "POST"]) }
        order(3, ["100", "200"], prefix: "C")                                // cancelled
        order(4, ["100", "500"], quantity: -2)                               // returns
        order(5, ["100", "999"])                                             // 999: rare item
        for d in 25...28 { order(d, ["100", "300", "200"]) }                 // the last days: test
        let path = dir + "/raw.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let options = ["--sep", ",", "--session-col", "InvoiceNo", "--item-col", "StockCode", "--time-col", "InvoiceDate",
                          "--name-col", "Description", "--time-format", "%Y-%m-%d %H:%M", "--drop-sessions-matching", "^C",
                          "--keep-items-matching", "^[0-9]", "--min", "Quantity=1", "--dedupe-consecutive", "--test-days", "5"]

    @Test("prepare: filters, iterative pruning, split by days, items.tsv; the result trains")
    func happyPath() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-prepare")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let raw = try Self.raw(dir)
        let r = try runGRU4Rec(["prepare", raw, "--output-dir", dir + "/out"] + Self.options)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.err.contains("after row filters") && r.err.contains("train") && r.err.contains("test"))
        let train = try SessionData.load(path: dir + "/out/train.tsv", catalog: nil)
        let test = try SessionData.load(path: dir + "/out/test.tsv", catalog: train.catalog)
        #expect(Set(train.catalog.ids) == ["100", "200", "300", "400"], "POST, the returned 500 and the rare 999 are gone")
        #expect(train.data.sessionCount == 40 && test.data.sessionCount == 4)
        #expect(test.data.droppedUnknownItems == 0)
        // Consecutive repeats removed; the raw line order kept inside an invoice (one timestamp).
        let first = train.data.sessionItems(0).map { train.catalog.ids[Int($0)] }
        #expect(first == ["100", "200", "300", "400"])
        let items = try String(contentsOfFile: dir + "/out/items.tsv", encoding: .utf8).split(separator: "\n")
        #expect(items.first == "ItemId\tName\tSupport")
        #expect(items.contains("100\tItem 100, boxed\t40"))
        let model = try runGRU4Rec(["train", dir + "/out/train.tsv", "--output", dir + "/m.safetensors", "--layers", "8",
                                    "--batch-size", "4", "--n-sample", "4", "--sample-store", "100", "--epochs", "1"])
        #expect(model.code == 0, "\(model.err)")
    }

    @Test("prepare: bad input gives a clear error and writes no file")
    func errors() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-prepare")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let raw = try Self.raw(dir)
        let out = dir + "/out"
        var r = try runGRU4Rec(["prepare", raw, "--output-dir", out, "--sep", ","])
        #expect(r.code != 0 && r.err.contains("SessionId") && r.err.contains("--session-col"))
        r = try runGRU4Rec(["prepare", raw, "--output-dir", out] + Self.options.map { $0 == "%Y-%m-%d %H:%M" ? "%d/%m/%Y" : $0 })
        #expect(r.code != 0 && r.err.contains("raw.csv:2") && r.err.contains("does not match the format"))
        r = try runGRU4Rec(["prepare", raw, "--output-dir", out] + Self.options.map { $0 == "5" ? "100" : $0 })
        #expect(r.code != 0 && r.err.contains("no training"), "\(r.err)")
        try "".write(toFile: dir + "/empty.csv", atomically: true, encoding: .utf8)
        r = try runGRU4Rec(["prepare", dir + "/empty.csv", "--output-dir", out])
        #expect(r.code != 0 && r.err.contains("empty"))
        r = try runGRU4Rec(["prepare", raw, "--output-dir", out, "--time-format", "yyyy"])
        #expect(r.code != 0 && r.err.contains("--time-format"))
        #expect(!FileManager.default.fileExists(atPath: out + "/train.tsv"), "no partial output")
    }
}
