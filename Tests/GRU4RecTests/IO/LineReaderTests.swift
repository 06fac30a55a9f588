import Foundation
import Testing
import GRU4Rec

/// How the file's lines should come out: split at `\n`, one trailing `\r` removed, no
/// extra empty line after a final `\n`.
func referenceLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
    if bytes.isEmpty || bytes.last == 0x0A { lines.removeLast() }
    return lines.map { $0.last == 0x0D ? Array($0.dropLast()) : $0 }
}

/// All remaining lines of `reader`, checking that the numbers count up from `first`.
func collectLines(_ reader: LineReader, firstNumber: Int = 1) throws -> [[UInt8]] {
    var lines: [[UInt8]] = []
    try reader.forEachLine { bytes, number in
        #expect(number == firstNumber + lines.count)
        lines.append(Array(bytes))
    }
    return lines
}

@Suite struct IOLineReaderTests {
    static let trickyContents: [String] = [
        "", "a", "a\n", "\n", "\n\n\n", "a\nb", "a\nb\n", "a\r\nb\r\n", "a\r\nb", "\r\n", "\r", "a\r\r\n",
        "x\ry\n", "one\n\ntwo\n\n", "SessionId\tItemId\tTime\n1\t2\t3\n1\t4\t5\n",
        String(repeating: "long line ", count: 100) + "\nshort\n" + String(repeating: "z", count: 77),
        "é😀\n\u{00}\u{01}\n",
    ]

    @Test(arguments: [1, 2, 3, 5, 16, 4096, 1 << 20])
    func plainTextMatchesReference(chunkSize: Int) throws {
        let dir = try TemporaryDirectory()
        for (k, text) in Self.trickyContents.enumerated() {
            let bytes = Array(text.utf8)
            let path = try dir.write("f\(k).txt", bytes)
            let reader = try LineReader(path: path, chunkSize: chunkSize, maximumLineLength: 1 << 20)
            #expect(!reader.isCompressed)
            #expect(try collectLines(reader) == referenceLines(bytes), "content \(text.debugDescription)")
            #expect(reader.lineNumber == referenceLines(bytes).count)
        }
    }

    @Test func randomContentMatchesReference() throws {
        var random = SplitMix64(seed: 42)
        let alphabet: [UInt8] = Array("ab\t,\"\r\n\n".utf8)
        let dir = try TemporaryDirectory()
        for trial in 0..<200 {
            let length = Int.random(in: 0...600, using: &random)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &random) ?? 0 }
            let chunk = Int.random(in: 1...64, using: &random)
            let path = try dir.write("r\(trial)", bytes)
            let reader = try LineReader(path: path, chunkSize: chunk, maximumLineLength: 1 << 20)
            #expect(try collectLines(reader) == referenceLines(bytes), "trial \(trial), chunk \(chunk)")
        }
    }

    @Test func defaultInitReadsAFile() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("a.tsv", text: "h1\th2\n1\t2\n")
        let reader = try LineReader(path: path)
        #expect(reader.path == path)
        #expect(try collectLines(reader) == [Array("h1\th2".utf8), Array("1\t2".utf8)])
    }

    @Test func withNextLineStepsAndThenReturnsNilForever() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("a", text: "first\n\nthird\nfourth")
        let reader = try LineReader(path: path, chunkSize: 3, maximumLineLength: 100)
        #expect(reader.lineNumber == 0)
        #expect(try reader.withNextLine { String(decoding: $0, as: UTF8.self) + "@\($1)" } == "first@1")
        #expect(try reader.withNextLine { $0.count * 100 + $1 } == 2)
        #expect(reader.lineNumber == 2)
        // The rest goes on where withNextLine stopped.
        #expect(try collectLines(reader, firstNumber: 3) == [Array("third".utf8), Array("fourth".utf8)])
        var called = false
        #expect(try reader.withNextLine { _, _ in called = true } == nil)
        #expect(try reader.withNextLine { _, _ in called = true } == nil)
        #expect(!called)
        try reader.forEachLine { _, _ in called = true }
        #expect(!called)
    }

    @Test func errorFromTheBodyStopsReading() throws {
        struct Stop: Error {}
        let dir = try TemporaryDirectory()
        let path = try dir.write("a", text: "1\n2\n3\n4\n")
        let reader = try LineReader(path: path)
        var seen: [Int] = []
        #expect(throws: Stop.self) {
            try reader.forEachLine { _, number in
                seen.append(number)
                if number == 2 { throw Stop() }
            }
        }
        #expect(seen == [1, 2])
        #expect(try collectLines(reader, firstNumber: 3) == [[UInt8(ascii: "3")], [UInt8(ascii: "4")]])
    }

    @Test func missingFileIsReportedWithAHint() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("missing.tsv")
        let error = expectInputError { _ = try LineReader(path: path) }
        #expect(error?.path == path)
        #expect(error?.line == nil)
        #expect(error?.message == "cannot open \(path): No such file or directory")
        #expect(error?.hint?.contains("check the path") == true)
    }

    @Test func directoryIsReported() throws {
        let dir = try TemporaryDirectory()
        let error = expectInputError { _ = try LineReader(path: dir.path) }
        #expect(error?.message == "cannot open \(dir.path): it is a directory")
        #expect(error?.hint != nil)
    }

    // Reading /proc/self/mem at offset 0 fails (EIO) for every user.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/mem"), "no /proc on this system"))
    func unreadableFileIsReported() throws {
        let error = expectInputError { _ = try collectLines(LineReader(path: "/proc/self/mem")) }
        #expect(error?.message.hasPrefix("cannot read /proc/self/mem: ") == true)
    }

    @Test func oneByteThatStartsTheMagicIsPlainText() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("x", [0x1F])
        let reader = try LineReader(path: path)
        #expect(!reader.isCompressed)
        #expect(try collectLines(reader) == [[0x1F]])
    }

    @Test func tooLongLineIsRefusedWithItsLineNumber() throws {
        let dir = try TemporaryDirectory()
        let ok = String(repeating: "x", count: 10)
        for chunk in [1, 4, 64] {
            let path = try dir.write("long\(chunk)", text: "\(ok)\n\(ok)\n\(ok)y\n")
            let reader = try LineReader(path: path, chunkSize: chunk, maximumLineLength: 10)
            var lines = 0
            let error = expectInputError { try reader.forEachLine { _, _ in lines += 1 } }
            #expect(lines == 2, "chunk \(chunk)")
            #expect(error?.line == 3, "chunk \(chunk)")
            #expect(error?.message == "line is longer than 10 bytes")
            #expect(error?.hint != nil)
        }
        // Without a final newline, too.
        let path = try dir.write("tail", text: "\(ok)y")
        let error = expectInputError { _ = try collectLines(LineReader(path: path, chunkSize: 64, maximumLineLength: 10)) }
        #expect(error?.line == 1)
    }

    @Test func bufferStaysSmallForShortLines() throws {
        let dir = try TemporaryDirectory()
        let text = String(repeating: "123456\t789\t1000\n", count: 20_000)
        let path = try dir.write("many", text: text)
        let reader = try LineReader(path: path, chunkSize: 4096, maximumLineLength: 1 << 20)
        var count = 0
        try reader.forEachLine { _, _ in count += 1 }
        #expect(count == 20_000)
        #expect(reader.bufferCapacity == 4096)
    }

    // MARK: gzip

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"), arguments: [1, 7, 4096, 1 << 20])
    func gzipMatchesPlainText(chunkSize: Int) throws {
        let dir = try TemporaryDirectory()
        for (k, text) in Self.trickyContents.enumerated() {
            let bytes = Array(text.utf8)
            let path = try dir.writeGzip("f\(k).txt", bytes)
            let reader = try LineReader(path: path, chunkSize: chunkSize, maximumLineLength: 1 << 20)
            #expect(reader.isCompressed)
            #expect(try collectLines(reader) == referenceLines(bytes), "content \(text.debugDescription)")
        }
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"))
    func gzipLargeFileIsStreamed() throws {
        let dir = try TemporaryDirectory()
        var random = SplitMix64(seed: 7)
        var text = ""
        for k in 0..<100_000 { text += "\(k)\t\(UInt32.random(in: 0...UInt32.max, using: &random))\n" }
        let bytes = Array(text.utf8)  // about 1.5 MB decompressed
        let path = try dir.writeGzip("big.tsv", bytes)
        let reader = try LineReader(path: path, chunkSize: 4096, maximumLineLength: 1 << 20)
        #expect(try collectLines(reader) == referenceLines(bytes))
        #expect(reader.bufferCapacity == 4096)
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"), arguments: [1, 5, 1 << 20])
    func concatenatedGzipMembersAreOneText(chunkSize: Int) throws {
        let dir = try TemporaryDirectory()
        let first = try Data(contentsOf: URL(fileURLWithPath: dir.writeGzip("a", Array("a1\na2\npartial".utf8))))
        let second = try Data(contentsOf: URL(fileURLWithPath: dir.writeGzip("b", Array(" line\nb1\n".utf8))))
        let empty = try Data(contentsOf: URL(fileURLWithPath: dir.writeGzip("c", [])))
        let path = try dir.write("all.gz", Array(first + empty + second + empty))
        let reader = try LineReader(path: path, chunkSize: chunkSize, maximumLineLength: 100)
        #expect(try collectLines(reader).map { String(decoding: $0, as: UTF8.self) } == ["a1", "a2", "partial line", "b1"])
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"))
    func gzipOfAnEmptyFileHasNoLines() throws {
        let dir = try TemporaryDirectory()
        let reader = try LineReader(path: dir.writeGzip("e", []))
        #expect(reader.isCompressed)
        #expect(try collectLines(reader).isEmpty)
    }

    /// Compressed bytes of a text long enough that damage in the middle is noticed.
    private func compressedSample(_ dir: TemporaryDirectory) throws -> [UInt8] {
        var text = ""
        for k in 0..<2000 { text += "line \(k) with some text \(k * k)\n" }
        return Array(try Data(contentsOf: URL(fileURLWithPath: dir.writeGzip("sample", Array(text.utf8)))))
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"), arguments: [1, 4, 8, 100, 2000])
    func truncatedGzipIsReported(cut: Int) throws {
        let dir = try TemporaryDirectory()
        let compressed = try compressedSample(dir)
        let path = try dir.write("cut.gz", Array(compressed.dropLast(cut)))
        let error = expectInputError { _ = try collectLines(LineReader(path: path, chunkSize: 512, maximumLineLength: 1000)) }
        #expect(error?.path == path)
        #expect(error?.message.contains("gzip data ends unexpectedly") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("truncated") == true)
        #expect(error?.hint?.contains("gzip -t") == true)
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"))
    func corruptGzipIsReported() throws {
        let dir = try TemporaryDirectory()
        var compressed = try compressedSample(dir)
        for k in compressed.count / 2..<compressed.count / 2 + 16 { compressed[k] ^= 0x5A }
        let path = try dir.write("bad.gz", compressed)
        let error = expectInputError { _ = try collectLines(LineReader(path: path)) }
        #expect(error?.path == path)
        #expect(error?.message.hasPrefix("corrupt gzip data after ") == true, "\(error?.message ?? "")")
        #expect(error?.hint?.contains("damaged") == true)
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"))
    func corruptChecksumIsReported() throws {
        let dir = try TemporaryDirectory()
        var compressed = try compressedSample(dir)
        compressed[compressed.count - 8] ^= 0xFF  // first byte of the CRC-32
        let path = try dir.write("crc.gz", compressed)
        let error = expectInputError { _ = try collectLines(LineReader(path: path)) }
        #expect(error?.message.contains("incorrect data check") == true, "\(error?.message ?? "")")
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"))
    func trailingGarbageIsReported() throws {
        let dir = try TemporaryDirectory()
        let compressed = try compressedSample(dir)
        let path = try dir.write("junk.gz", compressed + Array("hello".utf8))
        let error = expectInputError { _ = try collectLines(LineReader(path: path)) }
        #expect(error?.message.hasPrefix("corrupt gzip data after ") == true, "\(error?.message ?? "")")
    }

    @Test(.enabled(if: gzipIsAvailable, "no gzip program"))
    func bareGzipHeaderIsTruncated() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("header.gz", [0x1F, 0x8B])
        let error = expectInputError { _ = try collectLines(LineReader(path: path)) }
        #expect(error?.message.contains("ends unexpectedly after 0 decompressed bytes") == true)
    }

    // MARK: Real data

    @Test(.enabled(if: IOTestSupport.sharedFile("datasets/online-retail/online_retail_raw.csv.gz") != nil,
                   "../shared/datasets/online-retail is absent"))
    func readsTheOnlineRetailGzip() throws {
        let path = try #require(IOTestSupport.sharedFile("datasets/online-retail/online_retail_raw.csv.gz"))
        let reader = try LineReader(path: path)
        #expect(reader.isCompressed)
        var first = ""
        var count = 0
        var bytes = 0
        try reader.forEachLine { line, number in
            if number == 1 { first = String(decoding: line, as: UTF8.self) }
            count = number
            bytes += line.count + 1
        }
        #expect(first == "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country")
        #expect(count == 541_910)
        #expect(bytes == 47_381_266)  // zcat | wc -c
    }
}

extension IOLineReaderTests {
    /// Throughput on plain text; with GRU4REC_IO_BENCH=1 (meant for release builds)
    /// prints MB/s and requires at least 200 MB/s.
    @Test(.enabled(if: IOTestSupport.sharedFile("datasets/yoochoose1-64/yoochoose1_64_train.tsv") != nil,
                   "../shared/datasets/yoochoose1-64 is absent"))
    func plainTextThroughput() throws {
        let path = try #require(IOTestSupport.sharedFile("datasets/yoochoose1-64/yoochoose1_64_train.tsv"))
        let clock = ContinuousClock()
        var bytes = 0
        var lines = 0
        let passes = 5
        let elapsed = try clock.measure {
            for _ in 0..<passes {
                try LineReader(path: path).forEachLine { line, number in
                    bytes += line.count + 1
                    lines = number
                }
            }
        }
        #expect(lines == 486_027)
        #expect(bytes == 10_107_550 * passes)
        if ProcessInfo.processInfo.environment["GRU4REC_IO_BENCH"] == "1" {
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            let megabytesPerSecond = Double(bytes) / seconds / 1e6
            print("LineReader plain text: \(Int(megabytesPerSecond)) MB/s")
            #expect(megabytesPerSecond > 200)
        }
    }
}
