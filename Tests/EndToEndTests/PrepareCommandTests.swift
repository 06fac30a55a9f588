import Foundation
import GRU4RecTestSupport
import Testing

/// What a run of the `gru4rec` executable left behind.
private struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the built `gru4rec` with `arguments`, capturing both output streams (through
/// files, so a chatty child cannot block on a full pipe).
private func runGRU4Rec(_ arguments: [String]) throws -> RunResult {
    let binary = try #require(builtProductPath("gru4rec"), "the gru4rec executable was not built")
    let scratch = TestPaths.temporaryDirectory("gru4rec-prepare-run")
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let outPath = scratch + "/stdout", errPath = scratch + "/stderr"
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try out.close()
    try err.close()
    return RunResult(
        status: process.terminationStatus,
        stdout: try String(contentsOfFile: outPath, encoding: .utf8),
        stderr: try String(contentsOfFile: errPath, encoding: .utf8))
}

/// Online Retail in miniature (see `PreprocessorTests`): a cancellation, postage, a zero
/// quantity, a consecutive repeat, one timestamp per invoice.
private let retailCSV = """
InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice
1001,100,RED BAG,2,2011-01-01 10:00,1.5
1001,200,BLUE BAG,1,2011-01-01 10:00,1.5
1001,POST,POSTAGE,1,2011-01-01 10:00,18
1001,300,"CUP, LARGE",3,2011-01-01 10:00,0.85
C1002,100,RED BAG,-2,2011-01-02 09:00,1.5
1003,200,BLUE BAG,1,2011-01-02 11:00,1.5
1003,200,BLUE BAG,1,2011-01-02 11:00,1.5
1003,100,red bag,1,2011-01-02 11:00,1.5
1003,400,DAMAGED,0,2011-01-02 11:00,0
1004,300,"CUP, LARGE",1,2011-01-03 08:00,0.85
1004,100,RED BAG,1,2011-01-03 08:00,1.5
1004,200,BLUE BAG,1,2011-01-03 08:00,1.5
1005,100,RED BAG,1,2011-01-10 12:00,1.5
1005,300,"CUP, LARGE",1,2011-01-10 12:00,0.85
1005,500,NEW THING,1,2011-01-10 12:00,3
1006,500,NEW THING,1,2011-01-10 13:00,3
1006,200,BLUE BAG,1,2011-01-10 13:00,1.5

"""

/// The options of `demo-data/build-data.sh`, with a support of 2 for the tiny file.
private let retailOptions = [
    "--session-col", "InvoiceNo", "--item-col", "StockCode", "--time-col", "InvoiceDate", "--name-col", "Description",
    "--sep", ",", "--time-format", "%Y-%m-%d %H:%M", "--drop-sessions-matching", "^C", "--keep-items-matching", "^[0-9]",
    "--min", "Quantity=1", "--dedupe-consecutive", "--min-item-support", "2",
]

/// A scratch directory with `raw.csv` in it; `out` is where the command writes.
private final class Workspace {
    let path = TestPaths.temporaryDirectory("gru4rec-prepare")
    var raw: String { path + "/raw.csv" }
    var out: String { path + "/out" }

    init(_ text: String = retailCSV) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: raw))
    }

    /// The names in the output directory; empty when it does not exist.
    func outputs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).sorted()
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: out + "/" + name, encoding: .utf8) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// `gru4rec prepare`, run as a user would: files, counts, exit codes, and no output
/// files after an error.
@Suite struct PrepareCommandTests {
    @Test("demo-data/build-data.sh run with this build writes the committed demo files byte for byte",
          .enabled(if: TestPaths.exists(TestPaths.packageRoot + "/demo-data/online_retail_raw.csv.gz")))
    func demoDataRebuildsIdentically() throws {
        let binary = try #require(builtProductPath("gru4rec"), "the gru4rec executable was not built")
        let demo = TestPaths.packageRoot + "/demo-data"
        let dir = TestPaths.temporaryDirectory("gru4rec-demo-rebuild")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try RunningCommand("/bin/bash", [demo + "/build-data.sh"], environment: ["GRU4REC": binary, "DEMO_DATA_DIR": dir]).wait()
        try #require(r.code == 0, "build-data.sh failed: \(r.err.suffix(2000))")
        for name in ["train.tsv.gz", "test.tsv.gz", "train_tr.tsv.gz", "valid.tsv.gz", "items.tsv"] {
            let rebuilt = try #require(FileManager.default.contents(atPath: dir + "/" + name), "\(name) was not written")
            #expect(rebuilt == FileManager.default.contents(atPath: demo + "/" + name), "\(name) differs from the committed file")
        }
    }

    @Test func writesTheFilesAndPrintsTheCounts() throws {
        let w = try Workspace()
        let r = try runGRU4Rec(["prepare", w.raw, "--output-dir", w.out] + retailOptions + ["--valid-days", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(w.outputs() == ["items.tsv", "test.tsv", "train.tsv", "train_tr.tsv", "valid.tsv"])
        #expect(try w.read("test.tsv") == "SessionId\tItemId\tTime\n1005\t100\t1294660800\n1005\t300\t1294660800\n")
        #expect(try w.read("items.tsv") == "ItemId\tName\tSupport\n100\tRED BAG\t3\n200\tBLUE BAG\t3\n300\tCUP, LARGE\t2\n")
        #expect(try w.read("train.tsv").hasPrefix("SessionId\tItemId\tTime\n1001\t100\t1293876000\n1001\t200\t1293876000\n"))
        #expect(r.stdout.isEmpty)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("step") == true)
        #expect(lines.contains { $0.hasPrefix("raw rows") && $0.hasSuffix("17         6      6") })
        #expect(lines.contains { $0.hasPrefix("keep rows with Quantity >= 1") && $0.hasSuffix("14         5      4") })
        #expect(lines.contains { $0.hasPrefix("test.tsv") && $0.contains("2011-01-10 12:00") })
        #expect(lines.contains { $0.hasPrefix("valid.tsv") })
        #expect(lines.last?.hasPrefix("wrote 5 files to \(w.out)") == true)
    }

    @Test func tabSeparatedUnixSecondsByDefault() throws {
        let w = try Workspace("SessionId\tItemId\tTime\n1\ta\t10\n1\tb\t11\n2\ta\t90000\n2\tb\t90001\n")
        let r = try runGRU4Rec(["prepare", w.raw, "--output-dir", w.out, "--min-item-support", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(w.outputs() == ["test.tsv", "train.tsv"])
        #expect(try w.read("train.tsv") == "SessionId\tItemId\tTime\n1\ta\t10\n1\tb\t11\n")
    }

    /// Bad input: a clear message with file and line, a non-zero exit, and no files.
    @Test(arguments: BadInput.allCases)
    func badInput(_ bad: BadInput) throws {
        let w = try Workspace(bad.text)
        let r = try runGRU4Rec(["prepare", w.raw, "--output-dir", w.out] + retailOptions + bad.options)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("error: \(w.raw)"), "\(r.stderr)")
        for fragment in bad.expected { #expect(r.stderr.contains(fragment), "\(r.stderr)") }
        #expect(w.outputs().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: w.out), "the output directory was created")
    }

    @Test func missingRawFile() throws {
        let w = try Workspace()
        let r = try runGRU4Rec(["prepare", w.path + "/nope.csv", "--output-dir", w.out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot open \(w.path)/nope.csv: No such file or directory"))
        #expect(w.outputs().isEmpty)
    }

    /// An error leaves the files of an earlier run as they were.
    @Test func anErrorKeepsEarlierFiles() throws {
        let w = try Workspace()
        var r = try runGRU4Rec(["prepare", w.raw, "--output-dir", w.out] + retailOptions)
        #expect(r.status == 0, "\(r.stderr)")
        let before = try w.read("train.tsv")
        r = try runGRU4Rec(["prepare", w.raw, "--output-dir", w.out] + retailOptions + ["--time-format", "unix"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("expected unix seconds"))
        #expect(try w.read("train.tsv") == before)
        #expect(w.outputs() == ["items.tsv", "test.tsv", "train.tsv"])  // no temporary files
    }

    /// Bad options are usage errors (exit 64), found before any data is read.
    @Test(arguments: [
        (["--min", "Quantity"], "--min: expected COLUMN=VALUE"),
        (["--time-format", "%Y-%m-%d %Q"], "unknown directive %Q"),
        (["--drop-sessions-matching", "^(C"], "--drop-sessions-matching: '^(C' is not a valid regular expression"),
        (["--test-days", "0"], "--test-days: expected a positive number of days"),
        (["--sep", ";;"], "--sep takes one character or 'tab'"),
    ])
    func badOptions(_ extra: [String], _ expected: String) throws {
        let w = try Workspace()
        let r = try runGRU4Rec(["prepare", w.raw, "--output-dir", w.out] + extra)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(w.outputs().isEmpty)
    }

    @Test func outputDirectoryThatIsAFile() throws {
        let w = try Workspace()
        try Data("x".utf8).write(to: URL(fileURLWithPath: w.out))
        let r = try runGRU4Rec(["prepare", w.raw, "--output-dir", w.out] + retailOptions)
        #expect(r.status == 1)
        #expect(r.stderr.contains("the output directory \(w.out) is a file"))
    }

    @Test func helpNamesEveryOption() throws {
        let r = try runGRU4Rec(["prepare", "--help"])
        #expect(r.status == 0)
        for option in [
            "--output-dir", "--session-col", "--item-col", "--time-col", "--name-col", "--sep", "--time-format",
            "--drop-sessions-matching <regex>", "--keep-items-matching <regex>", "--min <column=value>",
            "--dedupe-consecutive", "--min-session-length", "--min-item-support", "--test-days", "--valid-days",
        ] {
            #expect(r.stdout.contains(option), "\(option)")
        }
        let top = try runGRU4Rec(["--help"])
        #expect(top.stdout.contains("prepare"))
    }
}

/// The bad inputs `PrepareCommandTests.badInput` runs: a raw file, extra options, and
/// what the error must say.
enum BadInput: String, CaseIterable, Sendable {
    case missingColumn, malformedLine, unparseableTime, emptyFile, headerOnly, noTrainingSessions, noTestSessions
    case noTrainTRSessions, filterLeavesNothing

    var text: String {
        switch self {
        case .malformedLine:
            return retailCSV.replacingOccurrences(of: "1004,100,RED BAG,1,2011-01-03 08:00,1.5", with: "1004,100,RED BAG")
        case .unparseableTime:
            return retailCSV.replacingOccurrences(of: "2011-01-03 08:00,0.85", with: "3/1/2011 8:00,0.85")
        case .emptyFile: return ""
        case .headerOnly: return "InvoiceNo,StockCode,Description,Quantity,InvoiceDate\n"
        case .noTestSessions:  // the last session has only new items
            return retailCSV.replacingOccurrences(of: "1006,500,NEW THING", with: "1006,600,ONLY NEW")
                .replacingOccurrences(of: "1006,200,BLUE BAG", with: "1006,700,ALSO NEW")
        default: return retailCSV
        }
    }

    var options: [String] {
        switch self {
        case .missingColumn: return ["--item-col", "Sku"]
        case .noTrainingSessions: return ["--test-days", "30"]
        case .noTestSessions: return ["--min-item-support", "1", "--test-days", "0.01"]
        case .noTrainTRSessions: return ["--valid-days", "30"]
        case .filterLeavesNothing: return ["--keep-items-matching", "^X"]
        default: return []
        }
    }

    var expected: [String] {
        switch self {
        case .missingColumn: return ["raw.csv:1: no column named \"Sku\"", "hint: name the item column with --item-col"]
        case .malformedLine: return ["raw.csv:12: expected 6 fields"]
        case .unparseableTime:
            return ["raw.csv:11: column \"InvoiceDate\" (field 5): expected a time in the format '%Y-%m-%d %H:%M', found \"3/1/2011 8:00\"",
                    "hint: the value reads with --time-format '%m/%d/%Y %H:%M'"]
        case .emptyFile: return ["raw.csv: empty file"]
        case .headerOnly: return ["raw.csv:1: the file has a header but no events"]
        case .noTrainingSessions: return ["the split leaves train empty", "hint: use a smaller --test-days"]
        case .noTestSessions: return ["the split leaves test empty", "hint: use a larger --test-days"]
        case .noTrainTRSessions: return ["the split leaves train_tr empty", "--valid-days"]
        case .filterLeavesNothing: return ["no events left after the filter \"keep items matching ^X\""]
        }
    }
}
