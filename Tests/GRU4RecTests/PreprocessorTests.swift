import Foundation
import GRU4Rec
import Testing

/// A small file in the shape of UCI Online Retail: a cancellation (C1002), a non-product
/// code (POST), a zero quantity, a consecutive repeat, a second spelling of a name, an
/// item seen only in the last days (500), and one timestamp per invoice.
private let retailCSV = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate
1001,100,RED BAG,2,2011-01-01 10:00
1001,200,BLUE BAG,1,2011-01-01 10:00
1001,POST,POSTAGE,1,2011-01-01 10:00
1001,300,"CUP, LARGE",3,2011-01-01 10:00
C1002,100,RED BAG,-2,2011-01-02 09:00
1003,200,BLUE BAG,1,2011-01-02 11:00
1003,200,BLUE BAG,1,2011-01-02 11:00
1003,100,red bag,1,2011-01-02 11:00
1003,400,DAMAGED,0,2011-01-02 11:00
1004,300,"CUP, LARGE",1,2011-01-03 08:00
1004,100,RED BAG,1,2011-01-03 08:00
1004,200,BLUE BAG,1,2011-01-03 08:00
1005,100,RED BAG,1,2011-01-10 12:00
1005,300,"CUP, LARGE",1,2011-01-10 12:00
1005,500,NEW THING,1,2011-01-10 12:00
1006,500,NEW THING,1,2011-01-10 13:00
1006,200,BLUE BAG,1,2011-01-10 13:00

"""

/// The options `demo-data/build-data.sh` uses, with a support of 2 for the tiny file.
private func retailConfiguration() throws -> PreprocessConfiguration {
    var c = PreprocessConfiguration()
    c.columns = SessionColumns(session: "InvoiceNo", item: "StockCode", time: "InvoiceDate")
    c.nameColumn = "Description"
    c.separator = UInt8(ascii: ",")
    c.timeFormat = try PreprocessTimeFormat(parsing: "%Y-%m-%d %H:%M")
    c.dropSessionsMatching = "^C"
    c.keepItemsMatching = "^[0-9]"
    c.minimums = [try PreprocessMinimum(parsing: "Quantity=1")]
    c.dedupeConsecutive = true
    c.minItemSupport = 2
    return c
}

extension PreprocessResult {
    /// The text of the output file `name`, or `nil` if there is none.
    fileprivate func text(_ name: String) -> String? {
        files.first { $0.name == name }.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    fileprivate func count(_ step: String) -> PreprocessCount? { steps.first { $0.step == step } }
}

private func tsv(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined() }

/// `Preprocessor` end to end on small files (in process): every filter, the order of
/// events, the splits, names, and the errors.
@Suite struct PreprocessorTests {
    private func prepare(_ text: String, _ configuration: PreprocessConfiguration, name: String = "raw.csv") throws
        -> PreprocessResult
    {
        let dir = try TemporaryDirectory()
        return try Preprocessor(configuration: configuration).prepare(path: dir.write(name, text: text))
    }

    @Test func onlineRetailShape() throws {
        let result = try prepare(retailCSV, try retailConfiguration())
        #expect(result.text("train.tsv") == tsv([
            "SessionId\tItemId\tTime",
            "1001\t100\t1293876000", "1001\t200\t1293876000", "1001\t300\t1293876000",
            "1003\t200\t1293966000", "1003\t100\t1293966000",
            "1004\t300\t1294041600", "1004\t100\t1294041600", "1004\t200\t1294041600",
        ]))
        // 500 is not a training item; 1006 is then too short.
        #expect(result.text("test.tsv") == tsv([
            "SessionId\tItemId\tTime", "1005\t100\t1294660800", "1005\t300\t1294660800",
        ]))
        #expect(result.text("items.tsv") == tsv([
            "ItemId\tName\tSupport", "100\tRED BAG\t3", "200\tBLUE BAG\t3", "300\tCUP, LARGE\t2",
        ]))
        #expect(result.files.map(\.name) == ["train.tsv", "test.tsv", "items.tsv"])
        #expect(result.warnings.isEmpty)

        func counts(_ step: String) -> [Int]? { result.count(step).map { [$0.events, $0.sessions, $0.items] } }
        #expect(counts("raw rows") == [17, 6, 6])
        #expect(counts("drop sessions matching ^C") == [16, 5, 6])
        #expect(counts("keep items matching ^[0-9]") == [15, 5, 5])
        #expect(counts("keep rows with Quantity >= 1") == [14, 5, 4])
        #expect(counts("remove consecutive repeats") == [13, 5, 4])
        #expect(counts("filtered (fixed point after 1 round)") == [13, 5, 4])
        #expect(counts("train: sessions starting before 2011-01-09 13:00") == [8, 3, 3])
        #expect(counts("test: sessions starting from 2011-01-09 13:00") == [5, 2, 4])
        #expect(counts("test: train items only") == [3, 2, 3])
        #expect(counts("test: sessions with length >= 2") == [2, 1, 2])
        let train = try #require(result.files.first)
        #expect(train.events == 8 && train.sessions == 3 && train.items == 3)
        #expect(train.firstTime == 1293876000 && train.lastTime == 1294041600)
    }

    @Test func validationSplitOfTheTrainingPart() throws {
        var c = try retailConfiguration()
        c.validDays = 1
        let result = try prepare(retailCSV, c)
        #expect(result.files.map(\.name) == ["train.tsv", "test.tsv", "train_tr.tsv", "valid.tsv", "items.tsv"])
        // train.tsv stays the full training set.
        #expect(result.text("train.tsv")?.split(separator: "\n").count == 9)
        #expect(result.text("train_tr.tsv") == tsv([
            "SessionId\tItemId\tTime", "1001\t100\t1293876000", "1001\t200\t1293876000", "1001\t300\t1293876000",
        ]))
        #expect(result.text("valid.tsv") == tsv([
            "SessionId\tItemId\tTime", "1003\t200\t1293966000", "1003\t100\t1293966000",
            "1004\t300\t1294041600", "1004\t100\t1294041600", "1004\t200\t1294041600",
        ]))
        #expect(result.count("valid: sessions starting from 2011-01-02 08:00") != nil)
    }

    @Test func validationRestrictedToTrainTRItems() throws {
        var lines = ["SessionId\tItemId\tTime"]
        for s in 0..<3 { lines += ["\(s)\t1\t\(s * 10)", "\(s)\t2\t\(s * 10 + 1)"] }
        lines += ["v\t1\t86400", "v\t3\t86401", "v\t2\t86402", "w\t3\t86500", "w\t3\t86501"]  // 3: valid only
        lines += ["t\t1\t400000", "t\t2\t400001", "t\t3\t400002"]
        var c = PreprocessConfiguration()
        c.minItemSupport = 1
        c.validDays = 1
        let result = try prepare(tsv(lines), c, name: "raw.tsv")
        #expect(result.text("valid.tsv") == tsv(["SessionId\tItemId\tTime", "v\t1\t86400", "v\t2\t86402"]))
        #expect(result.text("test.tsv") == tsv(["SessionId\tItemId\tTime", "t\t1\t400000", "t\t2\t400001", "t\t3\t400002"]))
    }

    /// Events by time, equal times in file order; sessions by first event time, ties by
    /// first appearance in the file; interleaved rows are grouped.
    @Test func stableOrderOfEqualTimestamps() throws {
        let raw = tsv([
            "Time\tItemId\tSessionId",  // columns found by name, in any order
            "100\tc\tB", "100\ta\tA", "100\tb\tB", "100\tb\tA", "90\tc\tA", "100\ta\tB", "200\ta\tC", "200\tb\tC",
            "100\te\tD", "100\tf\tD",
        ])
        var c = PreprocessConfiguration()
        c.minItemSupport = 1
        c.testDays = 0.001
        let result = try prepare(raw, c, name: "raw.tsv")
        #expect(result.text("train.tsv") == tsv([
            "SessionId\tItemId\tTime",
            "A\tc\t90", "A\ta\t100", "A\tb\t100",  // A starts at 90
            "B\tc\t100", "B\tb\t100", "B\ta\t100",  // B and D start at 100: B appears first
            "D\te\t100", "D\tf\t100",
        ]))
        #expect(result.text("test.tsv") == tsv(["SessionId\tItemId\tTime", "C\ta\t200", "C\tb\t200"]))
    }

    @Test func repeatsStayWithoutDedupe() throws {
        let raw = tsv(["SessionId\tItemId\tTime", "1\t5\t1", "1\t5\t2", "1\t6\t3", "2\t5\t86402", "2\t6\t86403"])
        var c = PreprocessConfiguration()
        c.minItemSupport = 1
        var result = try prepare(raw, c, name: "raw.tsv")
        #expect(result.text("train.tsv") == tsv(["SessionId\tItemId\tTime", "1\t5\t1", "1\t5\t2", "1\t6\t3"]))
        c.dedupeConsecutive = true
        result = try prepare(raw, c, name: "raw.tsv")
        #expect(result.text("train.tsv") == tsv(["SessionId\tItemId\tTime", "1\t5\t1", "1\t6\t3"]))
    }

    @Test func eachRowFilterAlone() throws {
        let raw = tsv([
            "SessionId\tItemId\tTime\tQty\tPrice",
            "x1\ta\t1\t1\t0.5", "x1\tb\t2\t1\t2", "y1\ta\t3\t-1\t1", "y1\tb\t4\t1\t1", "x2\tZ9\t5\t2\t1", "x2\ta\t6\t1\t1",
            "t\ta\t86500\t1\t1", "t\tb\t86501\t1\t1",
        ])
        var c = PreprocessConfiguration()
        c.minItemSupport = 1
        c.minSessionLength = 1
        c.dropSessionsMatching = "^y"
        var r = try prepare(raw, c, name: "raw.tsv")
        #expect(r.steps[1].step == "drop sessions matching ^y" && r.steps[1].events == 6 && r.steps[1].sessions == 3)
        c.dropSessionsMatching = nil
        c.keepItemsMatching = "^[a-z]$"
        r = try prepare(raw, c, name: "raw.tsv")
        #expect(r.steps[1].events == 7 && r.steps[1].items == 2)
        c.keepItemsMatching = nil
        c.minimums = [PreprocessMinimum(column: "Qty", value: 1), PreprocessMinimum(column: "Price", value: 1)]
        r = try prepare(raw, c, name: "raw.tsv")
        #expect(r.steps.map(\.step).prefix(3) == ["raw rows", "keep rows with Qty >= 1", "keep rows with Price >= 1"])
        #expect(r.steps[1].events == 7 && r.steps[2].events == 6)
        #expect(r.text("train.tsv") == tsv([
            "SessionId\tItemId\tTime", "x1\tb\t2", "y1\tb\t4", "x2\tZ9\t5", "x2\ta\t6",
        ]))
    }

    /// The most frequent name per item wins (ties: the first seen), TABs and line breaks
    /// become spaces, and a name starting with a quote is written so `DelimitedReader`
    /// reads it back unchanged.
    @Test func itemNames() throws {
        let raw = tsv([
            "s,i,t,n", "1,A,1,first A", #"1,B,2,"""Q"" quoted""#, "2,A,3,second A", "2,B,4,\"tab\there\"",
            "3,A,5,second A", "3,B,6,", "4,A,90000,first A", #"4,B,90001,"""Q"" quoted""#,
        ])
        var c = PreprocessConfiguration()
        c.columns = SessionColumns(session: "s", item: "i", time: "t")
        c.nameColumn = "n"
        c.separator = UInt8(ascii: ",")
        c.minItemSupport = 1
        let dir = try TemporaryDirectory()
        let result = try Preprocessor(configuration: c).prepare(path: dir.write("raw.csv", text: raw))
        // A: "first A" 2, "second A" 2: the first seen wins. B: the quoted name 2 times.
        #expect(result.text("items.tsv") == tsv(["ItemId\tName\tSupport", "A\tfirst A\t3", "B\t\"\"\"Q\"\" quoted\"\t3"]))
        try result.write(toDirectory: dir.path)
        let reader = try DelimitedReader(path: dir.file("items.tsv"))
        let rows = try collectRows(reader)
        #expect(rows.map(\.1) == [["A", "first A", "3"], ["B", "\"Q\" quoted", "3"]])
    }

    @Test func tabsInNamesBecomeSpaces() throws {
        let raw = "s,i,t,n\n1,A,1,\"x\ty\"\n1,B,2,b\n2,A,90000,\"x\ty\"\n2,B,90001,b\n"
        var c = PreprocessConfiguration()
        c.columns = SessionColumns(session: "s", item: "i", time: "t")
        c.nameColumn = "n"
        c.separator = UInt8(ascii: ",")
        c.minItemSupport = 1
        let result = try prepare(raw, c)
        #expect(result.text("items.tsv") == tsv(["ItemId\tName\tSupport", "A\tx y\t1", "B\tb\t1"]))
    }

    @Test func unixMillisecondsBecomeSeconds() throws {
        let raw = tsv([
            "SessionId\tItemId\tTime", "1\ta\t1396437466000", "1\tb\t1396437466500",
            "2\ta\t1396537466000", "2\tb\t1396537466001",
        ])
        var c = PreprocessConfiguration()
        c.minItemSupport = 1
        c.timeFormat = .unixMilliseconds
        let result = try prepare(raw, c, name: "raw.tsv")
        #expect(result.text("train.tsv") == tsv(["SessionId\tItemId\tTime", "1\ta\t1396437466", "1\tb\t1396437466.5"]))
        #expect(result.text("test.tsv") == tsv(["SessionId\tItemId\tTime", "2\ta\t1396537466", "2\tb\t1396537466.001"]))
        c.timeFormat = .unixSeconds
        #expect(try prepare(raw, c, name: "raw.tsv").warnings.first?.contains("unix-ms") == true)
    }

    @Test func gzipInputAndReadBack() throws {
        try #require(gzipIsAvailable, "gzip is not installed")
        let dir = try TemporaryDirectory()
        let path = try dir.writeGzip("raw.csv", Array(retailCSV.utf8))
        let result = try Preprocessor(configuration: try retailConfiguration()).prepare(path: path)
        let out = dir.file("out/deeper")
        let written = try result.write(toDirectory: out)
        #expect(written == ["train.tsv", "test.tsv", "items.tsv"].map { out + "/" + $0 })
        let (train, catalog) = try SessionData.load(path: out + "/train.tsv", catalog: nil)
        #expect(train.eventCount == 8 && train.sessionCount == 3 && catalog.count == 3)
        #expect(train.sessionIDs == ["1001", "1003", "1004"])
        let test = try SessionData.load(path: out + "/test.tsv", catalog: catalog).data
        #expect(test.eventCount == 2 && test.droppedUnknownItems == 0)
        #expect(try dir.listing() == ["out", "raw.csv.gz"])  // no temporary files left
    }

    @Test func writeRefusesAFileAsDirectory() throws {
        let result = try prepare(retailCSV, try retailConfiguration())
        let dir = try TemporaryDirectory()
        let file = try dir.write("taken", text: "x")
        let error = expectInputError { try result.write(toDirectory: file) }
        #expect(error?.message.contains("is a file") == true)
    }

    // MARK: Errors

    @Test func missingColumn() throws {
        var c = try retailConfiguration()
        c.columns.item = "Sku"
        let dir = try TemporaryDirectory()
        let path = try dir.write("raw.csv", text: retailCSV)
        let error = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: path) }
        #expect(error?.line == 1)
        #expect(error?.message.contains("no column named \"Sku\"") == true)
        #expect(error?.hint?.contains("--item-col") == true)
        c = try retailConfiguration()
        c.minimums = [PreprocessMinimum(column: "Qty", value: 1)]
        let minError = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: path) }
        #expect(minError?.hint?.contains("--min Qty=1") == true)
    }

    @Test func malformedLine() throws {
        let raw = retailCSV.replacingOccurrences(of: "1004,100,RED BAG,1,2011-01-03 08:00", with: "1004,100,RED BAG")
        let dir = try TemporaryDirectory()
        let path = try dir.write("raw.csv", text: raw)
        let error = expectInputError { _ = try Preprocessor(configuration: try retailConfiguration()).prepare(path: path) }
        #expect(error?.path == path)
        #expect(error?.line == 12)
        #expect(error?.message.contains("expected 5 fields") == true)
    }

    @Test func unparseableTime() throws {
        let raw = retailCSV.replacingOccurrences(of: "1004,100,RED BAG,1,2011-01-03 08:00", with: "1004,100,RED BAG,1,03/01/2011")
        let dir = try TemporaryDirectory()
        let path = try dir.write("raw.csv", text: raw)
        let error = expectInputError { _ = try Preprocessor(configuration: try retailConfiguration()).prepare(path: path) }
        #expect(error?.line == 12)
        #expect(error?.message == "column \"InvoiceDate\" (field 5): expected a time in the format '%Y-%m-%d %H:%M', found \"03/01/2011\"")
        // With the default (unix), a date suggests the pattern that reads it.
        var c = try retailConfiguration()
        c.timeFormat = .unixSeconds
        let unixError = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: dir.write("ok.csv", text: retailCSV)) }
        #expect(unixError?.line == 2)
        #expect(unixError?.message.contains("expected unix seconds") == true)
        #expect(unixError?.hint == "the value reads with --time-format '%Y-%m-%d %H:%M'")
    }

    @Test func nonNumberInAMinColumn() throws {
        let raw = retailCSV.replacingOccurrences(of: "1003,400,DAMAGED,0,", with: "1003,400,DAMAGED,none,")
        let dir = try TemporaryDirectory()
        let error = expectInputError {
            _ = try Preprocessor(configuration: try retailConfiguration()).prepare(path: dir.write("raw.csv", text: raw))
        }
        #expect(error?.line == 10)
        #expect(error?.message.contains("column \"Quantity\"") == true)
    }

    @Test func emptyAndHeaderOnlyFiles() throws {
        let dir = try TemporaryDirectory()
        let c = PreprocessConfiguration()
        let empty = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: dir.write("empty.tsv", text: "")) }
        #expect(empty?.message.contains("empty file") == true)
        let header = expectInputError {
            _ = try Preprocessor(configuration: c).prepare(path: dir.write("header.tsv", text: "SessionId\tItemId\tTime\n"))
        }
        #expect(header?.message == "the file has a header but no events")
        #expect(header?.line == 1)
        let missing = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: dir.file("nope.tsv")) }
        #expect(missing?.message.contains("cannot open") == true)
    }

    @Test func emptyIDs() throws {
        let dir = try TemporaryDirectory()
        var c = PreprocessConfiguration()
        c.minItemSupport = 1
        let error = expectInputError {
            _ = try Preprocessor(configuration: c).prepare(path: dir.write("raw.tsv", text: "SessionId\tItemId\tTime\n1\t\t5\n"))
        }
        #expect(error?.line == 2)
        #expect(error?.message == "empty ItemId field")
    }

    @Test func splitsThatLeaveAPartEmpty() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("raw.csv", text: retailCSV)
        var c = try retailConfiguration()
        c.testDays = 30
        let noTrain = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: path) }
        #expect(noTrain?.message.contains("leaves train empty") == true)
        #expect(noTrain?.hint?.contains("smaller --test-days") == true)
        // The last day has one session, of items never seen before.
        var fresh = PreprocessConfiguration()
        fresh.minItemSupport = 1
        let newItems = tsv(["SessionId\tItemId\tTime", "1\ta\t0", "1\tb\t1", "2\ta\t10", "2\tb\t11", "3\tc\t500000", "3\td\t500001"])
        let noTest = expectInputError { _ = try Preprocessor(configuration: fresh).prepare(path: dir.write("new.tsv", text: newItems)) }
        #expect(noTest?.message.contains("leaves test empty") == true)
        #expect(noTest?.message.contains("1 session(s) started there") == true)
        #expect(noTest?.hint?.contains("larger --test-days") == true)
        c.testDays = 1
        c.validDays = 30
        let noTrainTR = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: path) }
        #expect(noTrainTR?.message.contains("leaves train_tr empty") == true)
        #expect(noTrainTR?.hint?.contains("--valid-days") == true)
    }

    @Test func filtersThatLeaveNothing() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("raw.csv", text: retailCSV)
        var c = try retailConfiguration()
        c.keepItemsMatching = "^X"
        let rows = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: path) }
        #expect(rows?.message == "no events left after the filter \"keep items matching ^X\"")
        c = try retailConfiguration()
        c.minItemSupport = 100
        let support = expectInputError { _ = try Preprocessor(configuration: c).prepare(path: path) }
        #expect(support?.hint?.contains("--min-item-support") == true)
    }

    @Test func badOptions() throws {
        func optionError(_ change: (inout PreprocessConfiguration) -> Void) -> PreprocessOptionError? {
            var c = PreprocessConfiguration()
            change(&c)
            do {
                _ = try Preprocessor(configuration: c)
            } catch let e as PreprocessOptionError {
                return e
            } catch {
                Issue.record("unexpected \(error)")
            }
            return nil
        }
        #expect(optionError { $0.dropSessionsMatching = "^(C" }?.option == "--drop-sessions-matching")
        #expect(optionError { $0.keepItemsMatching = "[0-9" }?.option == "--keep-items-matching")
        #expect(optionError { $0.testDays = 0 }?.option == "--test-days")
        #expect(optionError { $0.validDays = -1 }?.option == "--valid-days")
        #expect(optionError { $0.minItemSupport = 0 }?.option == "--min-item-support")
        #expect(optionError { $0.minSessionLength = 0 }?.option == "--min-session-length")
        #expect(optionError { _ in } == nil)
        for bad in ["Quantity", "=1", "Quantity=", "Quantity=abc"] {
            #expect(throws: PreprocessOptionError.self, "\(bad)") { try PreprocessMinimum(parsing: bad) }
        }
        #expect(try PreprocessMinimum(parsing: "Unit=Price=-0.5") == PreprocessMinimum(column: "Unit=Price", value: -0.5))
    }
}
