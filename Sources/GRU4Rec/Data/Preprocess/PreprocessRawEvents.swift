import Foundation

/// The rows of a raw event file, in file order, with the verdict of the row filters.
///
/// Session and item ids are interned (``IdTable``): `sessionKeys[k]` is the `k`-th
/// distinct session id in file order (so ordinals follow first appearance), likewise
/// `itemKeys`.
struct PreprocessRawEvents {
    private var sessionTable = IdTable()
    private var itemTable = IdTable()
    var sessionKeys: [String] { sessionTable.ids }
    var itemKeys: [String] { itemTable.ids }
    /// Per row: the session ordinal, the item ordinal, the time in unix seconds.
    var eventSessions: [Int32] = []
    var eventItems: [Int32] = []
    var eventTimes: [Double] = []
    /// The row filters in the order they apply.
    var rowFilters: [PreprocessRowFilter] = []
    /// Per row: 0 if every row filter keeps it, else the 1-based position in
    /// `rowFilters` of the first filter that drops it.
    var droppedBy: [UInt16] = []
    /// Per item ordinal: the most frequent non-empty name on the kept rows (ties: the
    /// first seen); empty when there is none or no name column.
    var itemNames: [String] = []
    /// The header's line number, for messages about the file as a whole.
    var headerLine = 1

    var rowCount: Int { eventSessions.count }

    /// Reads `path` as `configuration` says, applying the row filters.
    /// - Throws: `InputError` for a missing column, a malformed row, an empty id, a time
    ///   not in the format, a non-number in a `--min` column, an id that contains a TAB
    ///   or line break, and for a file with no rows.
    static func read(
        path: String, configuration: PreprocessConfiguration,
        sessionPattern: NSRegularExpression?, itemPattern: NSRegularExpression?
    ) throws -> PreprocessRawEvents {
        let reader = try DelimitedReader(path: path, separator: configuration.separator)
        let columns = configuration.columns
        let sessionColumn = try reader.columnIndex(named: columns.session, hint: "name the session column with --session-col")
        let itemColumn = try reader.columnIndex(named: columns.item, hint: "name the item column with --item-col")
        let timeColumn = try reader.columnIndex(named: columns.time, hint: "name the time column with --time-col")
        let nameColumn = try configuration.nameColumn.map {
            try reader.columnIndex(named: $0, hint: "name the item name column with --name-col, or leave it out")
        }
        let minimumColumns = try configuration.minimums.map {
            try reader.columnIndex(named: $0.column, hint: "fix the column name in --min \($0.column)=\(formatCompact($0.value))")
        }
        let parser = try configuration.timeFormat.makeParser()

        var raw = PreprocessRawEvents()
        raw.headerLine = reader.headerLineNumber
        let filters = PreprocessRowFilter.list(configuration, sessionPattern: sessionPattern, itemPattern: itemPattern,
                                               minimumColumns: minimumColumns)
        raw.rowFilters = filters

        // Ids are compared as bytes (ExactKey) and must be UTF-8, as in SessionData.load.
        // The filters of ids give their verdict once per distinct id.
        var sessionVerdicts: [UInt16] = []
        var itemVerdicts: [UInt16] = []
        var nameLookup: [String: Int32] = [:]
        var names: [String] = []
        var itemNameCounts: [[(name: Int32, count: Int)]] = []

        func checkID(_ id: String, column: String, line: Int) throws {
            if id.isEmpty {
                throw InputError(
                    path: path, line: line, message: "empty \(column) field",
                    hint: "every event needs a session id and an item id")
            }
            if id.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 }) {
                throw InputError(
                    path: path, line: line,
                    message: "the \(column) \"\(id.prefix(40))\" contains a TAB or a line break",
                    hint: "session files are tab-separated and cannot hold such ids; clean the raw file first")
            }
        }

        let rows = try reader.forEachRow { row in
            let sessionID = try row.validString(sessionColumn)
            let (session, newSession) = raw.sessionTable.insert(sessionID)
            if newSession {
                try checkID(sessionID, column: columns.session, line: row.lineNumber)
                sessionVerdicts.append(PreprocessRowFilter.verdict(filters) { $0.keeps(session: sessionID) })
            }
            let itemID = try row.validString(itemColumn)
            let (item, newItem) = raw.itemTable.insert(itemID)
            if newItem {
                try checkID(itemID, column: columns.item, line: row.lineNumber)
                itemVerdicts.append(PreprocessRowFilter.verdict(filters) { $0.keeps(item: itemID) })
                itemNameCounts.append([])
            }
            let timeField = row[timeColumn]
            guard let time = parser.parse(timeField) else {
                throw timeError(row: row, column: timeColumn, name: columns.time, path: path,
                                format: configuration.timeFormat)
            }
            let rowVerdict = try PreprocessRowFilter.verdict(filters) { try $0.keeps(row: row) }
            let verdict = PreprocessRowFilter.first(PreprocessRowFilter.first(sessionVerdicts[Int(session)], itemVerdicts[Int(item)]), rowVerdict)
            if verdict == 0, let nameColumn {
                let name = sanitizedName(row.string(nameColumn))
                if !name.isEmpty {
                    let ordinal: Int32
                    if let known = nameLookup[name] { ordinal = known } else {
                        ordinal = Int32(names.count)
                        nameLookup[name] = ordinal
                        names.append(name)
                    }
                    if let k = itemNameCounts[Int(item)].firstIndex(where: { $0.name == ordinal }) {
                        itemNameCounts[Int(item)][k].count += 1
                    } else {
                        itemNameCounts[Int(item)].append((ordinal, 1))
                    }
                }
            }
            raw.eventSessions.append(session)
            raw.eventItems.append(item)
            raw.eventTimes.append(time)
            raw.droppedBy.append(verdict)
        }
        guard rows > 0 else {
            throw InputError(
                path: path, line: reader.headerLineNumber, message: "the file has a header but no events",
                hint: "a raw event file needs one event per line after the header")
        }
        raw.itemNames = itemNameCounts.map { counts in
            var best: (name: Int32, count: Int)?
            for entry in counts where entry.count > (best?.count ?? 0) { best = entry }
            return best.map { names[Int($0.name)] } ?? ""
        }
        return raw
    }

    /// The error for a time field that is not in the format, with a suggestion when one
    /// of the usual formats reads it.
    private static func timeError(
        row: DelimitedRow, column: Int, name: String, path: String, format: PreprocessTimeFormat
    ) -> InputError {
        var text = row.string(column)
        if text.count > 40 { text = String(text.prefix(40)) + "..." }
        let found = text.isEmpty ? "an empty field" : "\"\(text)\""
        var hint = "pass --time-format to match the data: unix, unix-ms or a pattern such as '%Y-%m-%d %H:%M:%S'"
        if let suggestion = PreprocessTimeFormat.suggestion(for: row[column]), suggestion != format.description {
            hint = "the value reads with --time-format '\(suggestion)'"
        }
        return InputError(
            path: path, line: row.lineNumber,
            message: "column \"\(name)\" (field \(column + 1)): expected \(format.expectation), found \(found)",
            hint: hint)
    }

    /// Counts of the rows kept by the first `steps` row filters: events, distinct
    /// sessions, distinct items.
    func counts(afterRowFilters steps: Int) -> (events: Int, sessions: Int, items: Int) {
        var seenSession = [Bool](repeating: false, count: sessionTable.count)
        var seenItem = [Bool](repeating: false, count: itemTable.count)
        var events = 0, sessions = 0, items = 0
        for r in 0..<rowCount where droppedBy[r] == 0 || Int(droppedBy[r]) > steps {
            events += 1
            let s = Int(eventSessions[r]), i = Int(eventItems[r])
            if !seenSession[s] { seenSession[s] = true; sessions += 1 }
            if !seenItem[i] { seenItem[i] = true; items += 1 }
        }
        return (events, sessions, items)
    }

    /// The rows every row filter keeps, grouped into sessions.
    func keptSessions() -> PreprocessSessions {
        var sessions: [Int32] = [], items: [Int32] = [], times: [Double] = []
        sessions.reserveCapacity(rowCount)
        items.reserveCapacity(rowCount)
        times.reserveCapacity(rowCount)
        for r in 0..<rowCount where droppedBy[r] == 0 {
            sessions.append(eventSessions[r])
            items.append(eventItems[r])
            times.append(eventTimes[r])
        }
        return PreprocessSessions.grouping(
            eventSessions: sessions, items: items, times: times, sessionKeyCount: sessionTable.count)
    }
}

/// A name fit for one field of a tab-separated file: TABs and line breaks become
/// spaces, runs of spaces one space, and spaces at either end are removed.
package func sanitizedName(_ name: String) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(name.utf8.count)
    for byte in name.utf8 {
        let b: UInt8 = (byte == 9 || byte == 10 || byte == 13) ? 0x20 : byte
        if b == 0x20 && (bytes.isEmpty || bytes[bytes.count - 1] == 0x20) { continue }
        bytes.append(b)
    }
    if bytes.last == 0x20 { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}
