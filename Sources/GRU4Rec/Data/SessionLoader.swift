import Foundation

/// Column names of a session file (the reference's defaults).
public struct SessionColumns: Sendable, Equatable {
    public var session = "SessionId"
    public var item = "ItemId"
    public var time = "Time"
    public init(session: String = "SessionId", item: String = "ItemId", time: String = "Time") {
        self.session = session
        self.item = item
        self.time = time
    }
}

extension SessionData {
    /// Loads a GRU4Rec session file: delimited text (tab by default) with a header
    /// naming the session, item and time columns; extra columns are ignored;
    /// gzip-compressed files are read transparently.
    ///
    /// - Parameter catalog: nil to build the item index from this file (training);
    ///   otherwise events of unknown items are dropped and counted (evaluation).
    public static func load(path: String, columns: SessionColumns = SessionColumns(), separator: UInt8 = 9,
                            catalog: ItemCatalog?) throws -> (data: SessionData, catalog: ItemCatalog) {
        let reader = try DelimitedReader(path: path, separator: separator)
        let si = try reader.columnIndex(named: columns.session, hint: "name the session column with --session-col")
        let ii = try reader.columnIndex(named: columns.item, hint: "name the item column with --item-col")
        let ti = try reader.columnIndex(named: columns.time, hint: "name the time column with --time-col")
        // Ids are compared as bytes (ExactKey) and must be UTF-8: invalid bytes are an error
        // naming the line, never replaced by U+FFFD (which would merge distinct ids).
        var builder = SessionDataBuilder(catalog: catalog)
        let rows = try reader.forEachRow { row in
            let t = try row.double(ti)
            let s = try row.validString(si), i = try row.validString(ii)
            guard !s.isEmpty, !i.isEmpty else {
                throw InputError(path: path, line: row.lineNumber, message: "empty \(s.isEmpty ? columns.session : columns.item) field",
                                 hint: "every event needs a session id and an item id")
            }
            builder.add(session: s, item: i, time: t)
        }
        guard rows > 0 else {
            throw InputError(path: path, line: reader.headerLineNumber, message: "the file has a header but no events",
                             hint: "a session file needs one event per line after the header")
        }
        return builder.finish()
    }
}

