import Foundation
import CKernels

/// How timestamps are written in a raw file.
public enum TimeFormat: Equatable, Sendable {
    /// Unix seconds (fractions allowed).
    case unixSeconds
    /// Unix milliseconds.
    case unixMilliseconds
    /// A strptime format such as `%Y-%m-%d %H:%M`, read as UTC.
    case pattern(String)

    /// `unix`, `unix-ms`, or a strptime pattern (must contain `%`).
    public init?(argument: String) {
        switch argument {
        case "unix", "s", "seconds": self = .unixSeconds
        case "unix-ms", "ms", "milliseconds": self = .unixMilliseconds
        default:
            guard argument.contains("%") else { return nil }
            self = .pattern(argument)
        }
    }
}

/// Options of ``Preprocess/run(input:options:)`` (the `gru4rec prepare` command).
public struct PrepareOptions: Sendable {
    public var sessionColumn = "SessionId", itemColumn = "ItemId", timeColumn = "Time"
    public var nameColumn: String? = nil
    public var separator: UInt8 = 9
    public var timeFormat: TimeFormat = .unixSeconds
    /// Drop rows whose session id matches this regular expression (e.g. `^C`: cancelled invoices).
    public var dropSessionsMatching: String? = nil
    /// Keep only rows whose item id matches this regular expression (e.g. `^[0-9]`: product codes).
    public var keepItemsMatching: String? = nil
    /// Keep only rows whose numeric column is at least the value (e.g. Quantity >= 1).
    public var minimums: [(column: String, value: Double)] = []
    /// Remove consecutive repeats of the same item inside a session.
    public var dedupeConsecutive = false
    public var minSessionLength = 2
    public var minItemSupport = 5
    /// Test = sessions that start in the last `testDays` days.
    public var testDays: Double = 1
    /// If set, the same split on the training part gives `train_tr` and `valid`.
    public var validDays: Double? = nil
    public init() {}
}

/// Sessions as lists of (item, time), in the order they will be written.
public struct PreparedSessions: Sendable {
    public var ids: [String] = []
    public var items: [[Int32]] = []
    public var times: [[Double]] = []
    public var eventCount: Int { items.reduce(0) { $0 + $1.count } }
    public var sessionCount: Int { ids.count }
    func distinctItems() -> Int { Set(items.joined()).count }
}

/// One line of the counts table: what was done and what was left.
public struct PrepareCount: Sendable, Equatable {
    public var step: String
    public var events: Int, sessions: Int, items: Int
}

/// The result of preprocessing: the splits, item ids and names, and the counts after each step.
public struct PrepareResult: Sendable {
    public var itemIDs: [String]
    public var itemNames: [String]?
    public var train: PreparedSessions
    public var test: PreparedSessions
    public var trainTr: PreparedSessions?
    public var valid: PreparedSessions?
    public var counts: [PrepareCount]
}

/// Turns raw events into GRU4Rec train/test files the way the reference studies
/// do (GRU4REC.md, preprocessing protocol): optional removal of consecutive
/// repeats; sessions shorter than `minSessionLength` and items with support
/// below `minItemSupport` removed repeatedly until nothing changes; test =
/// sessions starting in the last `testDays` days, restricted to training items
/// and to sessions of length >= 2; optionally the same split again for validation.
///
/// Events keep the raw file's order for equal timestamps (an Online Retail
/// invoice has one timestamp for all its lines: the line order is the only order).
public enum Preprocess {
    public static func run(input path: String, options o: PrepareOptions) throws -> PrepareResult {
        let reader = try DelimitedReader(path: path, separator: o.separator)
        let si = try reader.columnIndex(named: o.sessionColumn, hint: "name the session column with --session-col")
        let ii = try reader.columnIndex(named: o.itemColumn, hint: "name the item column with --item-col")
        let ti = try reader.columnIndex(named: o.timeColumn, hint: "name the time column with --time-col")
        let ni = try o.nameColumn.map { try reader.columnIndex(named: $0, hint: "name the item-name column with --name-col") }
        let mins = try o.minimums.map { (try reader.columnIndex(named: $0.column, hint: "--min names a numeric column"), $0.value) }
        func regex(_ p: String?, _ option: String) throws -> NSRegularExpression? {
            guard let p else { return nil }
            do { return try NSRegularExpression(pattern: p) } catch {
                throw InputError(path: path, message: "invalid regular expression '\(p)' for \(option)", hint: "use NSRegularExpression syntax, e.g. ^C")
            }
        }
        let dropSessions = try regex(o.dropSessionsMatching, "--drop-sessions-matching")
        let keepItems = try regex(o.keepItemsMatching, "--keep-items-matching")
        func matches(_ r: NSRegularExpression, _ s: String) -> Bool {
            r.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
        }
        var sessionIndex: [String: Int32] = [:], sessionNames: [String] = []
        var itemIndex: [String: Int32] = [:], itemNames: [String] = []
        var nameVotes: [[String: Int]] = []
        var sessionOK: [String: Bool] = [:], itemOK: [String: Bool] = [:]
        var timeCache: [String: Double] = [:]
        var evSession: [Int32] = [], evItem: [Int32] = [], evTime: [Double] = []
        var rawRows = 0
        try reader.forEachRow { row in
            rawRows += 1
            for (column, value) in mins where try row.double(column) < value { return }
            let s = row.string(si), i = row.string(ii)
            if let dropSessions {
                let ok = sessionOK[s] ?? { let v = !matches(dropSessions, s); sessionOK[s] = v; return v }()
                if !ok { return }
            }
            if let keepItems {
                let ok = itemOK[i] ?? { let v = matches(keepItems, i); itemOK[i] = v; return v }()
                if !ok { return }
            }
            guard !s.isEmpty, !i.isEmpty else {
                throw InputError(path: path, line: row.lineNumber, message: "empty \(s.isEmpty ? o.sessionColumn : o.itemColumn) field")
            }
            let t: Double
            switch o.timeFormat {
            case .unixSeconds: t = try row.double(ti)
            case .unixMilliseconds: t = try row.double(ti) / 1000
            case .pattern(let p):
                let text = row.string(ti)
                if let cached = timeCache[text] { t = cached } else {
                    guard let parsed = parseTime(text, pattern: p) else {
                        throw InputError(path: path, line: row.lineNumber, message: "time '\(text)' does not match the format '\(p)'",
                                         hint: "set --time-format to unix, unix-ms or a strptime pattern such as %Y-%m-%d %H:%M")
                    }
                    timeCache[text] = parsed
                    t = parsed
                }
            }
            let sIdx = sessionIndex[s] ?? { let k = Int32(sessionNames.count); sessionIndex[s] = k; sessionNames.append(s); return k }()
            let iIdx = itemIndex[i] ?? {
                let k = Int32(itemNames.count); itemIndex[i] = k; itemNames.append(i); nameVotes.append([:]); return k
            }()
            if let ni { let name = sanitize(row.string(ni)); if !name.isEmpty { nameVotes[Int(iIdx)][name, default: 0] += 1 } }
            evSession.append(sIdx); evItem.append(iIdx); evTime.append(t)
        }
        guard rawRows > 0 else { throw InputError(path: path, message: "the file has a header but no rows") }
        var counts = [PrepareCount(step: "raw rows", events: rawRows, sessions: -1, items: -1)]
        guard !evItem.isEmpty else {
            throw InputError(path: path, message: "no row passed the row filters (\(rawRows) rows read)",
                             hint: "check --min, --drop-sessions-matching and --keep-items-matching")
        }
        // Group into sessions: stable by time, sessions by first time.
        let grouped = SessionData.group(sessionCount: sessionNames.count, names: sessionNames, eventSession: evSession, eventItem: evItem, eventTime: evTime)
        var all = PreparedSessions()
        for s in 0..<grouped.sessionCount {
            all.ids.append(grouped.sessionIDs[s])
            all.items.append(Array(grouped.items[grouped.offsets[s]..<grouped.offsets[s + 1]]))
            all.times.append(Array(grouped.times[grouped.offsets[s]..<grouped.offsets[s + 1]]))
        }
        counts.append(count("after row filters", all))
        if o.dedupeConsecutive {
            all = dedupe(all)
            counts.append(count("consecutive repeats removed", all))
        }
        all = iterativeFilter(all, o, &counts)
        guard all.sessionCount > 0 else {
            throw InputError(path: path, message: "no session is left after filtering",
                             hint: "lower --min-item-support or --min-session-length")
        }
        let (train, test) = try split(all, days: o.testDays, o, path: path, label: "test")
        counts.append(count("train", train))
        counts.append(count("test", test))
        var trainTr: PreparedSessions? = nil, valid: PreparedSessions? = nil
        if let vd = o.validDays {
            let (a, b) = try split(train, days: vd, o, path: path, label: "validation")
            trainTr = a; valid = b
            counts.append(count("train_tr", a))
            counts.append(count("valid", b))
        }
        var names: [String]? = nil
        if o.nameColumn != nil {
            names = nameVotes.map { votes in votes.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? "" }
        }
        return PrepareResult(itemIDs: itemNames, itemNames: names, train: train, test: test, trainTr: trainTr, valid: valid, counts: counts)
    }

    static func sanitize(_ s: String) -> String {
        s.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    static func count(_ step: String, _ s: PreparedSessions) -> PrepareCount {
        PrepareCount(step: step, events: s.eventCount, sessions: s.sessionCount, items: s.distinctItems())
    }

    /// Parses `text` with a strptime pattern, as UTC; nil if it does not match completely.
    public static func parseTime(_ text: String, pattern: String) -> Double? {
        var seconds = 0.0
        return g4r_parse_time_utc(text, pattern, &seconds) == 1 ? seconds : nil
    }

    static func dedupe(_ s: PreparedSessions) -> PreparedSessions {
        var out = s
        for k in 0..<s.sessionCount {
            var items: [Int32] = [], times: [Double] = []
            for (e, item) in s.items[k].enumerated() where items.last != item {
                items.append(item); times.append(s.times[k][e])
            }
            out.items[k] = items; out.times[k] = times
        }
        return out
    }

    /// Sessions shorter than the minimum, then items below the minimum support, until stable.
    static func iterativeFilter(_ input: PreparedSessions, _ o: PrepareOptions, _ counts: inout [PrepareCount]) -> PreparedSessions {
        var s = input
        var round = 0
        while true {
            round += 1
            let before = s.eventCount
            s = keepSessions(s) { $0.count >= o.minSessionLength }
            counts.append(count("round \(round): sessions >= \(o.minSessionLength) events", s))
            var support: [Int32: Int] = [:]
            for items in s.items { for i in items { support[i, default: 0] += 1 } }
            s = dropItems(s) { (support[$0] ?? 0) < o.minItemSupport }
            counts.append(count("round \(round): items >= \(o.minItemSupport) events", s))
            s = keepSessions(s) { $0.count >= o.minSessionLength }
            if s.eventCount == before { break }
        }
        return s
    }

    static func keepSessions(_ s: PreparedSessions, _ keep: ([Int32]) -> Bool) -> PreparedSessions {
        var out = PreparedSessions()
        for k in 0..<s.sessionCount where keep(s.items[k]) {
            out.ids.append(s.ids[k]); out.items.append(s.items[k]); out.times.append(s.times[k])
        }
        return out
    }

    static func dropItems(_ s: PreparedSessions, _ drop: (Int32) -> Bool) -> PreparedSessions {
        var out = s
        for k in 0..<s.sessionCount {
            var items: [Int32] = [], times: [Double] = []
            for (e, i) in s.items[k].enumerated() where !drop(i) { items.append(i); times.append(s.times[k][e]) }
            out.items[k] = items; out.times[k] = times
        }
        return out
    }

    /// Sessions starting in the last `days` days (relative to the last event) vs the rest;
    /// the later part is restricted to the earlier part's items and to length >= 2.
    static func split(_ s: PreparedSessions, days: Double, _ o: PrepareOptions, path: String, label: String) throws -> (PreparedSessions, PreparedSessions) {
        let last = s.times.compactMap { $0.last }.max() ?? 0
        let cut = last - days * 86_400
        let early = keepSessionsIndexed(s) { s.times[$0].first ?? 0 < cut }
        var late = keepSessionsIndexed(s) { s.times[$0].first ?? 0 >= cut }
        let known = Set(early.items.joined())
        late = dropItems(late) { !known.contains($0) }
        late = keepSessions(late) { $0.count >= 2 }
        guard early.sessionCount > 0, late.sessionCount > 0 else {
            throw InputError(path: path, message: "the \(label) split by the last \(formatCompact(days)) day(s) leaves \(early.sessionCount == 0 ? "no training" : "no \(label)") sessions",
                             hint: "choose --\(label == "test" ? "test" : "valid")-days so that both parts have sessions")
        }
        return (early, late)
    }

    static func keepSessionsIndexed(_ s: PreparedSessions, _ keep: (Int) -> Bool) -> PreparedSessions {
        var out = PreparedSessions()
        for k in 0..<s.sessionCount where keep(k) {
            out.ids.append(s.ids[k]); out.items.append(s.items[k]); out.times.append(s.times[k])
        }
        return out
    }

    /// The TSV text of sessions (header SessionId, ItemId, Time).
    public static func tsv(_ s: PreparedSessions, itemIDs: [String]) -> [UInt8] {
        var out = "SessionId\tItemId\tTime\n"
        out.reserveCapacity(s.eventCount * 24)
        for k in 0..<s.sessionCount {
            for (e, item) in s.items[k].enumerated() {
                let t = s.times[k][e]
                out += s.ids[k] + "\t" + itemIDs[Int(item)] + "\t" + (t == t.rounded() ? String(Int64(t)) : String(format: "%.3f", t)) + "\n"
            }
        }
        return Array(out.utf8)
    }

    /// `items.tsv`: ItemId, Name, Support (training events), by support then id.
    public static func itemsTSV(_ r: PrepareResult) -> [UInt8] {
        var support: [Int32: Int] = [:]
        for items in r.train.items { for i in items { support[i, default: 0] += 1 } }
        let rows = support.keys.sorted { (support[$0]!, r.itemIDs[Int($1)]) > (support[$1]!, r.itemIDs[Int($0)]) }
        var out = "ItemId\tName\tSupport\n"
        for i in rows { out += "\(r.itemIDs[Int(i)])\t\(r.itemNames?[Int(i)] ?? "")\t\(support[i]!)\n" }
        return Array(out.utf8)
    }
}
