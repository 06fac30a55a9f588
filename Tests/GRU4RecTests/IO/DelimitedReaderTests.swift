import Foundation
import Testing
import GRU4Rec

/// All rows of `reader` as arrays of strings, with their line numbers.
func collectRows(_ reader: DelimitedReader) throws -> [(Int, [String])] {
    var rows: [(Int, [String])] = []
    let count = try reader.forEachRow { row in
        rows.append((row.lineNumber, (0..<row.count).map { row.string($0) }))
    }
    #expect(count == rows.count)
    return rows
}

@Suite struct IODelimitedReaderTests {
    private func reader(_ text: String, separator: UInt8 = 0x09, _ dir: TemporaryDirectory) throws -> DelimitedReader {
        try DelimitedReader(path: dir.write("data.txt", text: text), separator: separator)
    }

    @Test func readsHeaderAndRows() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("SessionId\tItemId\tTime\n1\t214716935\t1396437466.94\n1\t9\t5\n", dir)
        #expect(r.path == dir.file("data.txt"))
        #expect(r.separator == 0x09)
        #expect(r.header == ["SessionId", "ItemId", "Time"])
        #expect(r.headerLineNumber == 1)
        #expect(r.requiredFieldCount == 3)
        #expect(try r.columnIndex(named: "ItemId") == 1)
        var parsed: [(Int, Int, String, Double)] = []
        let count = try r.forEachRow { row in
            #expect(row.count == 3)
            parsed.append((row.lineNumber, try row.int(0), row.string(1), try row.double(2)))
            #expect(Array(row[1]) == Array(row.string(1).utf8))
        }
        #expect(count == 2)
        #expect(parsed.map(\.0) == [2, 3])
        #expect(parsed.map(\.1) == [1, 1])
        #expect(parsed.map(\.2) == ["214716935", "9"])
        #expect(parsed.map(\.3) == [1396437466.94, 5])
    }

    @Test func emptyLinesAreSkippedButCounted() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("\n\nA\tB\n\n1\t2\r\n\r\n3\t4", dir)
        #expect(r.header == ["A", "B"])
        #expect(r.headerLineNumber == 3)
        let rows = try collectRows(r)
        #expect(rows.map(\.0) == [5, 7])
        #expect(rows.map(\.1) == [["1", "2"], ["3", "4"]])
    }

    @Test func byteOrderMarkIsIgnored() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("\u{FEFF}a,b\n1,2\n", separator: UInt8(ascii: ","), dir)
        #expect(r.header == ["a", "b"])
        #expect(try r.columnIndex(named: "a") == 0)
    }

    @Test func emptyFieldsAndTrailingSeparator() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a,b,c\n,,\nx,,z\n", separator: UInt8(ascii: ","), dir)
        #expect(try collectRows(r).map(\.1) == [["", "", ""], ["x", "", "z"]])
    }

    @Test func quotedFieldsLikeCSV() throws {
        let dir = try TemporaryDirectory()
        let text = #"""
            InvoiceNo,StockCode,Description,Quantity
            536381,82567,"AIRLINE LOUNGE,METAL SIGN",2.0
            536477,22041,"RECORD FRAME 7"" SINGLE SIZE",48.0
            536544,90214D,"LETTER ""D"" BLING KEY RING",1.0
            1,2,"",3
            1,2,"""",3
            "q1","q,2",plain"quote,"x"
            1,12" RULER,3,4
            """#
        let r = try reader(text, separator: UInt8(ascii: ","), dir)
        #expect(r.header == ["InvoiceNo", "StockCode", "Description", "Quantity"])
        let rows = try collectRows(r)
        #expect(rows.map(\.1) == [
            ["536381", "82567", "AIRLINE LOUNGE,METAL SIGN", "2.0"],
            ["536477", "22041", "RECORD FRAME 7\" SINGLE SIZE", "48.0"],
            ["536544", "90214D", "LETTER \"D\" BLING KEY RING", "1.0"],
            ["1", "2", "", "3"],
            ["1", "2", "\"", "3"],
            ["q1", "q,2", "plain\"quote", "x"],
            ["1", "12\" RULER", "3", "4"],
        ])
    }

    @Test func quotedHeader() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("\"Session Id\"\t\"Item\tId\"\n1\t2\n", dir)
        #expect(r.header == ["Session Id", "Item\tId"])
        #expect(try r.columnIndex(named: "Item\tId") == 1)
    }

    @Test func manyFields() throws {
        let dir = try TemporaryDirectory()
        let names = (0..<100).map { "c\($0)" }
        let values = (0..<100).map { String($0 * 3) }
        let r = try reader(names.joined(separator: "\t") + "\n" + values.joined(separator: "\t") + "\n", dir)
        var seen: [Int] = []
        try r.forEachRow { row in seen = try (0..<row.count).map { try row.int($0) } }
        #expect(seen == (0..<100).map { $0 * 3 })
        #expect(try r.columnIndex(named: "c99") == 99)
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"))
    func gzipFilesAreReadToo() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.writeGzip("d.tsv", Array("S\tI\n1\t2\n3\t4\n".utf8))
        let r = try DelimitedReader(path: path)
        #expect(try collectRows(r).map(\.1) == [["1", "2"], ["3", "4"]])
    }

    @Test func headerOnlyFileHasNoRows() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("SessionId\tItemId\tTime\n\n", dir)
        #expect(r.header == ["SessionId", "ItemId", "Time"])
        var called = false
        #expect(try r.forEachRow { _ in called = true } == 0)
        #expect(!called)
    }

    @Test func lowerRequiredFieldCountAcceptsShortRows() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a\tb\tc\n1\t2\n1\t2\t3\n", dir)
        r.requiredFieldCount = 2
        #expect(try collectRows(r).map(\.1.count) == [2, 3])
    }

    // MARK: Errors

    @Test func emptyFileIsReported() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("empty.tsv", [])
        let error = expectInputError { _ = try DelimitedReader(path: path) }
        #expect(error?.path == path)
        #expect(error?.line == nil)
        #expect(error?.message == "empty file, expected a header line such as SessionId<TAB>ItemId<TAB>Time")
        #expect(error?.hint != nil)
    }

    @Test func blankFileIsReported() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("blank.csv", text: "\n\r\n\n")
        let error = expectInputError { _ = try DelimitedReader(path: path, separator: UInt8(ascii: ",")) }
        #expect(error?.message == "only blank lines, expected a header line such as SessionId,ItemId,Time")
    }

    @Test func missingFileIsReported() throws {
        let dir = try TemporaryDirectory()
        let error = expectInputError { _ = try DelimitedReader(path: dir.file("nope.tsv")) }
        #expect(error?.message.contains("No such file or directory") == true)
        #expect(error?.hint != nil)
    }

    @Test func missingColumnListsTheColumns() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("\nSessionId\tItemId\tTime\n", dir)
        let error = expectInputError { _ = try r.columnIndex(named: "itemid", hint: "use --item-col to name the column") }
        #expect(error?.path == r.path)
        #expect(error?.line == 2)
        #expect(error?.message == #"no column named "itemid"; the header has 3 columns: "SessionId", "ItemId", "Time""#)
        #expect(error?.hint == "use --item-col to name the column")
        let generic = expectInputError { _ = try r.columnIndex(named: "X") }
        #expect(generic?.hint?.contains("case-sensitive") == true)
    }

    @Test func missingColumnSuggestsTheOtherSeparator() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("InvoiceNo,StockCode,Description\n1,2,3\n", dir)
        #expect(r.header.count == 1)
        let error = expectInputError { _ = try r.columnIndex(named: "StockCode", hint: "use --item-col") }
        #expect(error?.message.contains("the header has 1 column: ") == true)
        #expect(error?.hint == "the header has one column only: is the file separated by ',' instead of TAB? use --item-col")
    }

    @Test func duplicateColumnIsAmbiguous() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a\tb\ta\n", dir)
        #expect(try r.columnIndex(named: "b") == 1)
        let error = expectInputError { _ = try r.columnIndex(named: "a") }
        #expect(error?.message == #"column "a" appears 2 times in the header (fields 1, 3)"#)
        #expect(error?.line == 1)
    }

    @Test func tooFewFieldsIsReportedWithLineAndCounts() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("SessionId\tItemId\tTime\n1\t2\t3\n\n1 2 3\n", dir)
        var rows = 0
        let error = expectInputError { try r.forEachRow { _ in rows += 1 } }
        #expect(rows == 1)
        #expect(error?.path == r.path)
        #expect(error?.line == 4)
        #expect(error?.message == "expected 3 fields (separated by TAB), found 1")
        #expect(error?.hint?.contains(#""SessionId", "ItemId", "Time""#) == true)
    }

    @Test func tooFewFieldsWithALoweredMinimum() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a,b,c\n1\n", separator: UInt8(ascii: ","), dir)
        r.requiredFieldCount = 2
        let error = expectInputError { try r.forEachRow { _ in } }
        #expect(error?.message == "expected at least 2 fields (separated by ','), found 1")
    }

    @Test func tooManyFieldsIsReported() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a,b,desc\n1,2,RED, WHITE AND BLUE\n", separator: UInt8(ascii: ","), dir)
        let error = expectInputError { try r.forEachRow { _ in } }
        #expect(error?.line == 2)
        #expect(error?.message == "expected 3 fields as in the header, found 4")
        #expect(error?.hint?.contains("double quotes") == true)
    }

    @Test func unterminatedQuoteIsReported() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a,b\n1,\"open\n", separator: UInt8(ascii: ","), dir)
        let error = expectInputError { try r.forEachRow { _ in } }
        #expect(error?.line == 2)
        #expect(error?.message == "field 2 opens a double quote at column 3 that is never closed")
        #expect(error?.hint?.contains("next line") == true)
    }

    @Test func textAfterClosingQuoteIsReported() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a,b\n\"x\"y,2\n", separator: UInt8(ascii: ","), dir)
        let error = expectInputError { try r.forEachRow { _ in } }
        #expect(error?.line == 2)
        #expect(error?.message == "field 1: expected a separator after the closing quote at column 4, found 'y'")
    }

    @Test func brokenHeaderIsReported() throws {
        let dir = try TemporaryDirectory()
        let error = expectInputError { _ = try reader("\"a\tb\n", dir) }
        #expect(error?.line == 1)
        #expect(error?.message.contains("never closed") == true)
    }

    @Test func badNumbersNameLineColumnAndText() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("SessionId\tItemId\tTime\n1\tabc\t\n", dir)
        try r.forEachRow { row in
            let intError = expectInputError { _ = try row.int(1) }
            #expect(intError?.path == r.path)
            #expect(intError?.line == 2)
            #expect(intError?.message == #"column "ItemId" (field 2): expected an integer, found "abc""#)
            #expect(intError?.hint != nil)
            let doubleError = expectInputError { _ = try row.double(2) }
            #expect(doubleError?.message == #"column "Time" (field 3): expected a number, found an empty field"#)
            let first = try row.int(0)
            #expect(first == 1)
        }
    }

    @Test func longBadValuesAreShortened() throws {
        let dir = try TemporaryDirectory()
        let r = try reader("a\n" + String(repeating: "x", count: 100) + "\n", dir)
        try r.forEachRow { row in
            let error = expectInputError { _ = try row.int(0) }
            #expect(error?.message == "column \"a\" (field 1): expected an integer, found \"" + String(repeating: "x", count: 40) + "...\"")
        }
    }

    @Test func errorFromTheBodyPropagates() throws {
        struct Stop: Error {}
        let dir = try TemporaryDirectory()
        let r = try reader("a\n1\n2\n", dir)
        var seen = 0
        #expect(throws: Stop.self) { try r.forEachRow { _ in seen += 1; throw Stop() } }
        #expect(seen == 1)
    }

    @Test func outOfRangeFieldIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            let path = NSTemporaryDirectory() + "/gru4rec-io-exit-\(getpid()).tsv"
            _ = FileManager.default.createFile(atPath: path, contents: Data("a\tb\n1\t2\n".utf8))
            let r = try DelimitedReader(path: path)
            try r.forEachRow { row in _ = row[2] }
        }
    }

    /// Random rows with and without quoting come back exactly as written.
    @Test func randomQuotedRowsRoundTrip() throws {
        var random = SplitMix64(seed: 99)
        let alphabet = Array("ab ,\t\"x")
        func randomField() -> String {
            String((0..<Int.random(in: 0...6, using: &random)).map { _ in alphabet.randomElement(using: &random) ?? "a" })
        }
        func encode(_ field: String, separator: Character) -> String {
            if field.contains(separator) || field.hasPrefix("\"") || Bool.random(using: &random) {
                return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return field
        }
        let dir = try TemporaryDirectory()
        for (trial, separator) in [Character(","), "\t", ",", "\t"].enumerated() {
            var expected: [[String]] = []
            var text = "c1\(separator)c2\(separator)c3\n"
            for _ in 0..<300 {
                let fields = (0..<3).map { _ in randomField() }
                // A row of one empty field would be an empty line, which is skipped.
                expected.append(fields)
                text += fields.map { encode($0, separator: separator) }.joined(separator: String(separator)) + "\n"
            }
            let path = try dir.write("r\(trial)", text: text)
            let r = try DelimitedReader(path: path, separator: UInt8(ascii: separator.unicodeScalars.first ?? ","))
            #expect(try collectRows(r).map(\.1) == expected)
        }
    }

    // MARK: Real data

    @Test(.enabled(if: IOTestSupport.sharedFile("datasets/online-retail/online_retail_raw.csv.gz") != nil,
                   "../shared/datasets/online-retail is absent"))
    func readsTheOnlineRetailCSV() throws {
        let path = try #require(IOTestSupport.sharedFile("datasets/online-retail/online_retail_raw.csv.gz"))
        let r = try DelimitedReader(path: path, separator: UInt8(ascii: ","))
        #expect(r.header == ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"])
        let description = try r.columnIndex(named: "Description")
        let quantity = try r.columnIndex(named: "Quantity")
        var withComma = 0
        var withQuote = 0
        var totalQuantity = 0.0
        var line873: [String] = []
        let rows = try r.forEachRow { row in
            if row[description].contains(UInt8(ascii: ",")) { withComma += 1 }
            if row[description].contains(UInt8(ascii: "\"")) { withQuote += 1 }
            totalQuantity += try row.double(quantity)
            if row.lineNumber == 873 { line873 = (0..<row.count).map { row.string($0) } }
        }
        // Expected values from Python's csv module on the same file.
        #expect(rows == 541_909)
        #expect(withComma == 4796)
        #expect(withQuote == 1239)
        #expect(totalQuantity == 5_176_450)
        #expect(line873 == ["536477", "22041", "RECORD FRAME 7\" SINGLE SIZE", "48.0", "2010-12-01 12:27", "2.1", "16210.0", "United Kingdom"])
    }

    @Test(.enabled(if: IOTestSupport.sharedFile("datasets/yoochoose1-64/yoochoose1_64_train.tsv") != nil,
                   "../shared/datasets/yoochoose1-64 is absent"))
    func readsYoochooseAndReportsSpeed() throws {
        let path = try #require(IOTestSupport.sharedFile("datasets/yoochoose1-64/yoochoose1_64_train.tsv"))
        let clock = ContinuousClock()
        var rows = 0
        var sessionSum = 0
        var timeSum = 0.0
        let elapsed = try clock.measure {
            let r = try DelimitedReader(path: path)
            let session = try r.columnIndex(named: "SessionId")
            let item = try r.columnIndex(named: "ItemId")
            let time = try r.columnIndex(named: "Time")
            rows = try r.forEachRow { row in
                sessionSum &+= try row.int(session)
                _ = row[item]
                timeSum += try row.double(time)
            }
        }
        #expect(rows == 486_026)
        #expect(sessionSum > 0 && timeSum > 0)
        // The 0.5 s budget applies to release builds; set GRU4REC_IO_BENCH=1 to enforce it.
        if ProcessInfo.processInfo.environment["GRU4REC_IO_BENCH"] == "1" {
            print("yoochoose1_64_train.tsv: \(rows) rows in \(elapsed)")
            #expect(elapsed < .milliseconds(500))
        }
    }
}
