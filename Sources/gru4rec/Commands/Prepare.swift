import ArgumentParser
import Foundation
import GRU4Rec

struct Prepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn raw events into GRU4Rec train/test session files.",
        discussion: """
        Reads delimited text with a header line: tab-separated by default, CSV with
        --sep ','; plain or gzip. Each step's counts (events, sessions, items) go to
        stderr:
          1. row filters: --drop-sessions-matching, --keep-items-matching, --min;
          2. sessions: events by time, equal times in file order (stable);
             --dedupe-consecutive removes repeats of an item in a row;
          3. filtering until nothing changes: sessions shorter than
             --min-session-length, items with fewer than --min-item-support events;
          4. split: sessions starting in the last --test-days days (before the
             latest event) are the test set, kept to training items and then to
             sessions of length 2 or more; --valid-days splits the training set
             the same way into train_tr and valid.

        Writes train.tsv and test.tsv (with --valid-days also train_tr.tsv and
        valid.tsv): SessionId<TAB>ItemId<TAB>Time, time in unix seconds. With
        --name-col also items.tsv: ItemId<TAB>Name<TAB>Support, support = events in
        train.tsv, name = the item's most frequent name on the kept rows. Nothing
        is written unless every step succeeds; each file is written atomically.

        --time-format: unix (seconds), unix-ms, or a strptime-style pattern read
        as UTC, with %Y %y %m %b %d %H %I %p %M %S %f %z %F %T %%.
        Regular expressions are ICU's (NSRegularExpression) and match anywhere in
        the id: anchor them with ^ and $.

        Example (UCI Online Retail, one invoice = one session):
          gru4rec prepare online_retail_raw.csv.gz --output-dir data --sep , \\
            --session-col InvoiceNo --item-col StockCode \\
            --time-col InvoiceDate --name-col Description \\
            --time-format '%Y-%m-%d %H:%M' --drop-sessions-matching '^C' \\
            --keep-items-matching '^[0-9]' --min Quantity=1 \\
            --dedupe-consecutive --test-days 14 --valid-days 14
        """)

    @Argument(help: "The raw events: delimited text with a header, plain or gzip.") var raw: String
    @Option(name: .customLong("output-dir"), help: ArgumentHelp("Where to write the files (created if missing).", valueName: "dir")) var outputDir: String

    @Option(name: .customLong("session-col"), help: ArgumentHelp("Name of the session id column.", valueName: "name")) var sessionColumn = "SessionId"
    @Option(name: .customLong("item-col"), help: ArgumentHelp("Name of the item id column.", valueName: "name")) var itemColumn = "ItemId"
    @Option(name: .customLong("time-col"), help: ArgumentHelp("Name of the time column (see --time-format).", valueName: "name")) var timeColumn = "Time"
    @Option(name: .customLong("name-col"), help: ArgumentHelp("Name of an item name column; writes items.tsv.", valueName: "name")) var nameColumn: String?
    @Option(name: .customLong("sep"), help: "Field separator: a single character, or 'tab'.") var separator = "tab"
    @Option(name: .customLong("time-format"), help: ArgumentHelp(
        "unix (seconds), unix-ms, or a pattern such as '%Y-%m-%d %H:%M' (UTC).", valueName: "format"))
    var timeFormat = "unix"

    @Option(name: .customLong("drop-sessions-matching"), help: ArgumentHelp(
        "Drop rows whose session id matches this regular expression, e.g. '^C' (cancelled invoices).",
        valueName: "regex"))
    var dropSessionsMatching: String?
    @Option(name: .customLong("keep-items-matching"), help: ArgumentHelp(
        "Keep only rows whose item id matches this regular expression, e.g. '^[0-9]' (product codes).",
        valueName: "regex"))
    var keepItemsMatching: String?
    @Option(name: .customLong("min"), help: ArgumentHelp(
        "Keep only rows whose numeric column is at least the value, e.g. Quantity=1 (repeatable).",
        valueName: "column=value"))
    var minimums: [String] = []
    @Flag(name: .customLong("dedupe-consecutive"), help: "Remove consecutive repeats of an item inside a session.")
    var dedupeConsecutive = false

    @Option(name: .customLong("min-session-length"), help: ArgumentHelp("Remove sessions with fewer events.", valueName: "n")) var minSessionLength = 2
    @Option(name: .customLong("min-item-support"), help: ArgumentHelp("Remove items with fewer events.", valueName: "n")) var minItemSupport = 5
    @Option(name: .customLong("test-days"), help: ArgumentHelp("Sessions starting in the last N days are the test set.", valueName: "n")) var testDays: Double = 1
    @Option(name: .customLong("valid-days"), help: ArgumentHelp(
        "Split the training set the same way into train_tr.tsv and valid.tsv.", valueName: "n"))
    var validDays: Double?

    /// The core's configuration from the options.
    /// - Throws: `ValidationError` for a bad separator, time format, `--min`, number or
    ///   regular expression.
    func makeConfiguration() throws -> PreprocessConfiguration {
        var c = PreprocessConfiguration()
        do {
            c.columns = SessionColumns(session: sessionColumn, item: itemColumn, time: timeColumn)
            c.nameColumn = nameColumn
            c.separator = try separatorByte()
            c.timeFormat = try PreprocessTimeFormat(parsing: timeFormat)
            c.dropSessionsMatching = dropSessionsMatching
            c.keepItemsMatching = keepItemsMatching
            c.minimums = try minimums.map { try PreprocessMinimum(parsing: $0) }
            c.dedupeConsecutive = dedupeConsecutive
            c.minSessionLength = minSessionLength
            c.minItemSupport = minItemSupport
            c.testDays = testDays
            c.validDays = validDays
            _ = try Preprocessor(configuration: c)
        } catch let e as PreprocessOptionError {
            throw ValidationError(e.description)
        }
        return c
    }

    private func separatorByte() throws -> UInt8 {
        if separator == "tab" || separator == "\\t" || separator == "\t" { return 9 }
        guard separator.utf8.count == 1, let b = separator.utf8.first else {
            throw ValidationError("--sep takes one character or 'tab', got '\(separator)'")
        }
        return b
    }

    func validate() throws {
        _ = try makeConfiguration()
    }

    func run() throws {
        try reportingErrors { try prepare() }
    }

    func prepare() throws {
        let started = Date()
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: outputDir, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw InputError(path: outputDir, message: "the output directory \(outputDir) is a file",
                             hint: "give --output-dir a directory (it is created if missing)")
        }
        let preprocessor = try Preprocessor(configuration: try makeConfiguration())
        let result = try preprocessor.prepare(path: raw)
        printError(Self.stepsTable(result))
        printError("")
        printError(Self.filesTable(result))
        for warning in result.warnings { printError("warning: \(warning)") }
        let paths = try result.write(toDirectory: outputDir)
        let stale = ["train_tr.tsv", "valid.tsv", "items.tsv"].filter { name in
            !result.files.contains { $0.name == name }
                && FileManager.default.fileExists(atPath: (outputDir as NSString).appendingPathComponent(name))
        }
        if !stale.isEmpty {
            printError("note: \(outputDir) also holds \(stale.joined(separator: ", ")) from an earlier run, not written now")
        }
        printError("wrote \(paths.count) files to \(outputDir) in \(String(format: "%.1f", Date().timeIntervalSince(started)))s")
    }

    /// The counts after every step, as a table.
    static func stepsTable(_ result: PreprocessResult) -> String {
        formatTable(
            header: ["step", "events", "sessions", "items"],
            rows: result.steps.map { [$0.step, String($0.events), String($0.sessions), String($0.items)] },
            rightAlign: [1, 2, 3])
    }

    /// The output files with their counts and time spans, as a table.
    static func filesTable(_ result: PreprocessResult) -> String {
        formatTable(
            header: ["file", "events", "sessions", "items", "first event (UTC)", "last event (UTC)"],
            rows: result.files.map {
                $0.name == "items.tsv"
                    ? [$0.name, "-", "-", String($0.items), "-", "-"]
                    : [$0.name, String($0.events), String($0.sessions), String($0.items),
                       formatUTCMinute($0.firstTime), formatUTCMinute($0.lastTime)]
            },
            rightAlign: [1, 2, 3])
    }
}
