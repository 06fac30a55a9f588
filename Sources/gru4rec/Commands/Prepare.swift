import ArgumentParser
import Foundation
import GRU4Rec

struct Prepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Turn raw events into GRU4Rec train/test files (the reference studies' protocol).",
        discussion: """
        Reads delimited text (gzip is read transparently), applies the row filters, optionally removes \
        consecutive repeats, then removes sessions shorter than --min-session-length and items with \
        support below --min-item-support until nothing changes. Test = sessions starting in the last \
        --test-days days, restricted to training items and to length >= 2; with --valid-days the same \
        split of the training part writes train_tr.tsv and valid.tsv. Writes train.tsv, test.tsv and, \
        with --name-col, items.tsv (ItemId, Name, Support). Prints the counts after every step. Files \
        are written only when everything succeeded.

        Example (UCI Online Retail: one invoice = one session):
          gru4rec prepare online_retail_raw.csv.gz --output-dir data --sep , \\
            --session-col InvoiceNo --item-col StockCode --time-col InvoiceDate --name-col Description \\
            --time-format '%Y-%m-%d %H:%M' --drop-sessions-matching '^C' --keep-items-matching '^[0-9]' \\
            --min Quantity=1 --dedupe-consecutive --test-days 14 --valid-days 14
        """)

    @Argument(help: "The raw events file.") var raw: String
    @Option(name: .customLong("output-dir"), help: "Folder for the output files (created if missing).") var outputDirectory: String
    @Option(name: .customLong("session-col"), help: "Session id column.") var sessionColumn = "SessionId"
    @Option(name: .customLong("item-col"), help: "Item id column.") var itemColumn = "ItemId"
    @Option(name: .customLong("time-col"), help: "Timestamp column.") var timeColumn = "Time"
    @Option(name: .customLong("name-col"), help: "Item name column (writes items.tsv).") var nameColumn: String?
    @Option(name: .customLong("sep"), help: "Field separator: a character, or 'tab'.") var separator = "tab"
    @Option(name: .customLong("time-format"), help: "unix (seconds), unix-ms, or a strptime pattern such as '%Y-%m-%d %H:%M' (UTC).") var timeFormat = "unix"
    @Option(name: .customLong("test-days"), help: "Sessions starting in the last N days are the test set.") var testDays = 1.0
    @Option(name: .customLong("valid-days"), help: "Also split the training part: train_tr.tsv + valid.tsv.") var validDays: Double?
    @Option(name: .customLong("min-session-length"), help: "Shortest session kept.") var minSessionLength = 2
    @Option(name: .customLong("min-item-support"), help: "Fewest events an item needs.") var minItemSupport = 5
    @Flag(name: .customLong("dedupe-consecutive"), help: "Remove consecutive repeats of the same item in a session.") var dedupeConsecutive = false
    @Option(name: .customLong("drop-sessions-matching"), help: "Drop rows whose session id matches this regular expression.") var dropSessions: String?
    @Option(name: .customLong("keep-items-matching"), help: "Keep only rows whose item id matches this regular expression.") var keepItems: String?
    @Option(name: .customLong("min"), help: "COLUMN=VALUE: keep rows whose numeric column is at least VALUE (repeatable).") var minimums: [String] = []

    func run() throws {
        do { try reportingErrors { try prepare() } } catch let e as ExitCodeError { throw ExitCode(e.code) }
    }

    func prepare() throws {
        var o = PrepareOptions()
        o.sessionColumn = sessionColumn; o.itemColumn = itemColumn; o.timeColumn = timeColumn; o.nameColumn = nameColumn
        if separator == "tab" || separator == "\\t" { o.separator = 9 } else {
            guard separator.utf8.count == 1, let b = separator.utf8.first else { throw ValidationError("--sep takes one character or 'tab'") }
            o.separator = b
        }
        guard let tf = TimeFormat(argument: timeFormat) else {
            throw ValidationError("--time-format takes unix, unix-ms or a strptime pattern containing %, e.g. '%Y-%m-%d %H:%M'")
        }
        o.timeFormat = tf
        o.testDays = testDays; o.validDays = validDays
        o.minSessionLength = minSessionLength; o.minItemSupport = minItemSupport
        o.dedupeConsecutive = dedupeConsecutive
        o.dropSessionsMatching = dropSessions; o.keepItemsMatching = keepItems
        o.minimums = try minimums.map { m in
            let parts = m.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let v = Double(parts[1]) else { throw ValidationError("--min takes COLUMN=NUMBER, got '\(m)'") }
            return (String(parts[0]), v)
        }
        let r = try Preprocess.run(input: raw, options: o)
        let rows = r.counts.map { c in [c.step, String(c.events), c.sessions < 0 ? "" : String(c.sessions), c.items < 0 ? "" : String(c.items)] }
        printError(formatTable(header: ["step", "events", "sessions", "items"], rows: rows, rightAlign: [1, 2, 3]))
        // Everything is computed: now write (each file atomically).
        try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
        var files: [(String, [UInt8])] = [("train.tsv", Preprocess.tsv(r.train, itemIDs: r.itemIDs)), ("test.tsv", Preprocess.tsv(r.test, itemIDs: r.itemIDs))]
        if let a = r.trainTr, let b = r.valid {
            files.append(("train_tr.tsv", Preprocess.tsv(a, itemIDs: r.itemIDs)))
            files.append(("valid.tsv", Preprocess.tsv(b, itemIDs: r.itemIDs)))
        }
        if r.itemNames != nil { files.append(("items.tsv", Preprocess.itemsTSV(r))) }
        for (name, bytes) in files { try writeFileAtomically(bytes, to: outputDirectory + "/" + name) }
        printError("wrote " + files.map { "\(outputDirectory)/\($0.0)" }.joined(separator: ", "))
    }
}
