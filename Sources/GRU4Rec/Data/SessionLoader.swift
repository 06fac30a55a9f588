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
        var sessionKeys: [String] = [], itemKeys: [String] = [], times: [Double] = []
        var columnIndex: (s: Int, i: Int, t: Int) = (0, 0, 0)
        var needed = 0
        var sawHeader = false
        var internedSessions: [String: String] = [:]
        var internedItems: [String: String] = [:]
        try forEachLine(path: path) { line, number in
            if line.isEmpty { return }
            let fields = splitFields(line, separator: separator)
            if !sawHeader {
                sawHeader = true
                let header = fields.map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespaces) }
                func find(_ name: String, _ option: String) throws -> Int {
                    guard let k = header.firstIndex(of: name) else {
                        throw InputError(path: path, line: number,
                                         message: "no column named '\(name)' in the header (found: \(header.joined(separator: ", ")))",
                                         hint: "name the column with \(option), or add a header line such as SessionId<TAB>ItemId<TAB>Time")
                    }
                    return k
                }
                columnIndex = (try find(columns.session, "--session-col"), try find(columns.item, "--item-col"), try find(columns.time, "--time-col"))
                needed = max(columnIndex.s, columnIndex.i, columnIndex.t) + 1
                return
            }
            guard fields.count >= needed else {
                throw InputError(path: path, line: number, message: "expected at least \(needed) fields, found \(fields.count)",
                                 hint: "check the separator (tab by default) and that no line is cut short")
            }
            let timeField = fields[columnIndex.t]
            guard let t = parseDouble(timeField) else {
                throw InputError(path: path, line: number,
                                 message: "time '\(String(decoding: timeField, as: UTF8.self))' is not a number",
                                 hint: "the \(columns.time) column must hold unix seconds or another number that orders events")
            }
            let s = String(decoding: fields[columnIndex.s], as: UTF8.self)
            let i = String(decoding: fields[columnIndex.i], as: UTF8.self)
            guard !s.isEmpty, !i.isEmpty else {
                throw InputError(path: path, line: number, message: "empty \(s.isEmpty ? columns.session : columns.item) field")
            }
            sessionKeys.append(internedSessions[s] ?? { internedSessions[s] = s; return s }())
            itemKeys.append(internedItems[i] ?? { internedItems[i] = i; return i }())
            times.append(t)
        }
        guard sawHeader else {
            throw InputError(path: path, message: "empty file, expected a header line such as SessionId<TAB>ItemId<TAB>Time")
        }
        guard !sessionKeys.isEmpty else {
            throw InputError(path: path, message: "the file has a header but no events")
        }
        return SessionData.build(sessionKeys: sessionKeys, itemKeys: itemKeys, times: times, catalog: catalog)
    }
}

/// Splits a line into fields (no quoting).
@inline(__always)
func splitFields(_ line: UnsafeBufferPointer<UInt8>, separator: UInt8) -> [UnsafeBufferPointer<UInt8>] {
    var out: [UnsafeBufferPointer<UInt8>] = []
    var start = 0
    for k in 0..<line.count where line[k] == separator {
        out.append(UnsafeBufferPointer(rebasing: line[start..<k]))
        start = k + 1
    }
    out.append(UnsafeBufferPointer(rebasing: line[start..<line.count]))
    return out
}

/// Parses a decimal number (as strtod does) from a field.
@inline(__always)
func parseDouble(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
    guard !field.isEmpty, field.count < 64 else { return nil }
    var buf = (0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64, 0 as UInt64)
    return withUnsafeMutableBytes(of: &buf) { raw -> Double? in
        let p = raw.baseAddress!.assumingMemoryBound(to: CChar.self)
        for k in 0..<field.count { p[k] = CChar(bitPattern: field[k]) }
        p[field.count] = 0
        var end: UnsafeMutablePointer<CChar>? = nil
        let v = strtod(p, &end)
        guard let end, end == p + field.count, v.isFinite else { return nil }
        return v
    }
}

/// Calls `body` with each line (without `\n` / `\r\n`) and its 1-based number.
/// Plain text only for now; the IO layer's LineReader replaces this.
func forEachLine(path: String, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError(path: path, message: "cannot open the file", hint: "check the path")
    }
    try data.withUnsafeBytes { raw in
        let bytes = raw.bindMemory(to: UInt8.self)
        var start = 0, number = 0
        for k in 0...bytes.count where k == bytes.count || bytes[k] == 10 {
            if k == bytes.count && start == k { break }
            number += 1
            var end = k
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            try body(UnsafeBufferPointer(rebasing: bytes[start..<end]), number)
            start = k + 1
        }
    }
}
