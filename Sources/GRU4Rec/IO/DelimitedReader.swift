#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads delimited text with a header row (TSV, CSV), plain or gzip, row by row.
///
/// The first non-empty line is the header; it names the columns. Every later non-empty
/// line is a row, split at `separator`. Fields may be enclosed in double quotes, as in
/// CSV: a quoted field may contain the separator, and `""` inside it stands for one `"`
/// (quoted fields cannot span lines). A `"` inside an unquoted field is an ordinary
/// character. A UTF-8 byte order mark before the header is ignored.
///
/// Rows are handed out as `DelimitedRow`s: byte ranges of the fields, with helpers that
/// parse an `Int`, a `Double` or a `String` from a field, so no `String` is made for a
/// field nobody asks for.
///
/// Each row must have at least `requiredFieldCount` fields (the header's field count,
/// unless lowered) and at most as many as the header; anything else is an `InputError`
/// with the path, the line and both counts.
///
/// ```swift
/// let reader = try DelimitedReader(path: "train.tsv")
/// let item = try reader.columnIndex(named: "ItemId", hint: "use --item-col to name the column")
/// let rows = try reader.forEachRow { row in
///     let id = row.string(item)
/// }
/// if rows == 0 { /* only a header: the caller decides */ }
/// ```
public final class DelimitedReader {
    /// The path the reader was opened with, for error messages.
    public let path: String
    /// The byte between fields, e.g. `\t` or `,`.
    public let separator: UInt8
    /// The column names from the header line.
    public let header: [String]
    /// The line number of the header (1 unless blank lines precede it).
    public let headerLineNumber: Int
    /// Rows with fewer fields than this are errors. Defaults to the header's field
    /// count; lower it to accept rows whose trailing columns are missing (then check
    /// `DelimitedRow.count` before reading those columns). Rows with more fields than
    /// the header are always errors.
    public var requiredFieldCount: Int

    private let lines: LineReader
    private let context: DelimitedRow.Context
    private let splitter: FieldSplitter

    /// Opens the file at `path` and reads its header line.
    /// - Parameter separator: the byte between fields; TAB by default, `,` for CSV.
    /// - Throws: `InputError` if the file cannot be read, is empty or has only blank
    ///   lines, or its header line is malformed.
    public init(path: String, separator: UInt8 = UInt8(ascii: "\t")) throws {
        self.path = path
        self.separator = separator
        lines = try LineReader(path: path)
        var headerFields: [String]?
        let splitter = FieldSplitter()
        var sawBlankLine = false
        while headerFields == nil {
            let found = try lines.withNextLine { line, lineNumber -> Bool in
                var line = line
                if lineNumber == 1 && line.starts(with: [0xEF, 0xBB, 0xBF]) {
                    line = UnsafeBufferPointer(rebasing: line[3...])
                }
                if line.isEmpty {
                    sawBlankLine = true
                    return false
                }
                let base = try splitter.split(line, separator: separator, path: path, lineNumber: lineNumber)
                headerFields = (0..<splitter.count).map { k in
                    String(decoding: UnsafeBufferPointer(start: base + splitter.starts[k], count: splitter.ends[k] - splitter.starts[k]), as: UTF8.self)
                }
                return true
            }
            if found == nil {
                let example = ["SessionId", "ItemId", "Time"].joined(
                    separator: separator == 0x09 ? "<TAB>" : String(UnicodeScalar(separator)))
                throw InputError(
                    path: path,
                    message: (sawBlankLine ? "only blank lines" : "empty file")
                        + ", expected a header line such as \(example)",
                    hint: "the first line must name the columns; is this the right file?")
            }
        }
        let header = headerFields ?? []
        self.header = header
        headerLineNumber = lines.lineNumber
        requiredFieldCount = header.count
        context = DelimitedRow.Context(path: path, header: header)
        self.splitter = splitter
    }

    /// The index of the column called `name` (exact, case-sensitive match).
    /// - Parameter hint: what the user can do if the column is missing, e.g. "use
    ///   --item-col to name the column"; a generic hint is used when `nil`.
    /// - Throws: `InputError` listing the available columns if there is no such column
    ///   or it appears more than once.
    public func columnIndex(named name: String, hint: String? = nil) throws -> Int {
        let matches = header.indices.filter { header[$0] == name }
        if matches.count == 1 { return matches[0] }
        let columns = header.map { "\"\($0)\"" }.joined(separator: ", ")
        if matches.count > 1 {
            throw InputError(
                path: path, line: headerLineNumber,
                message: "column \"\(name)\" appears \(matches.count) times in the header "
                    + "(fields \(matches.map { String($0 + 1) }.joined(separator: ", ")))",
                hint: "rename the duplicate columns so each name is unique")
        }
        var finalHint = hint ?? "column names are case-sensitive; name one of the columns above"
        if header.count == 1 {
            for (other, name) in [(UInt8(ascii: "\t"), "TAB"), (UInt8(ascii: ","), "','"), (UInt8(ascii: ";"), "';'")]
            where other != separator && header[0].utf8.contains(other) {
                finalHint = "the header has one column only: is the file separated by \(name) instead of "
                    + "\(separatorName)? " + finalHint
                break
            }
        }
        throw InputError(
            path: path, line: headerLineNumber,
            message: "no column named \"\(name)\"; the header has \(header.count) "
                + "column\(header.count == 1 ? "" : "s"): \(columns)",
            hint: finalHint)
    }

    /// Calls `body` with every remaining row, skipping empty lines, and returns how many
    /// rows there were: 0 when the file has only a header (the caller decides whether
    /// that is an error).
    ///
    /// The row's buffers are valid only during the call. `body` must not use this reader.
    /// - Throws: `InputError` for a row with too few or too many fields or a broken
    ///   quoted field, for read errors; and whatever `body` throws.
    @discardableResult
    public func forEachRow(_ body: (DelimitedRow) throws -> Void) throws -> Int {
        var rows = 0
        let separator = self.separator
        let required = requiredFieldCount
        let maximum = header.count
        try lines.forEachLine { line, lineNumber in
            if line.isEmpty { return }
            let base = try splitter.split(line, separator: separator, path: path, lineNumber: lineNumber)
            let count = splitter.count
            if count < required || count > maximum {
                throw fieldCountError(found: count, lineNumber: lineNumber, required: required)
            }
            rows += 1
            try body(DelimitedRow(
                lineNumber: lineNumber, base: base,
                starts: UnsafePointer(splitter.starts), ends: UnsafePointer(splitter.ends),
                count: count, context: context))
        }
        return rows
    }

    private var separatorName: String {
        separator == 0x09 ? "TAB" : "'\(String(UnicodeScalar(separator)))'"
    }

    private func fieldCountError(found: Int, lineNumber: Int, required: Int) -> InputError {
        if found > header.count {
            return InputError(
                path: path, line: lineNumber,
                message: "expected \(header.count) fields as in the header, found \(found)",
                hint: "a field contains the separator \(separatorName); put such fields in double quotes")
        }
        let expected = required == header.count ? "\(required)" : "at least \(required)"
        return InputError(
            path: path, line: lineNumber,
            message: "expected \(expected) fields (separated by \(separatorName)), found \(found)",
            hint: "every row needs a value for each column of the header: "
                + header.map { "\"\($0)\"" }.joined(separator: ", "))
    }
}

/// Splits one line into field ranges, reusing its storage from line to line (a class,
/// so that storage is freed exactly once).
///
/// Lines without a double quote are split in place; a line with quotes is copied into
/// `scratch` with the quotes removed and `""` turned into `"`, and the ranges point
/// there.
final class FieldSplitter {
    /// Field `k` is `base[starts[k]..<ends[k]]`, for `k < count`.
    private(set) var starts: UnsafeMutablePointer<Int>
    private(set) var ends: UnsafeMutablePointer<Int>
    private(set) var count = 0
    private var fieldCapacity = 16
    private var scratch: UnsafeMutablePointer<UInt8>
    private var scratchCapacity = 256

    init() {
        starts = .allocate(capacity: fieldCapacity)
        ends = .allocate(capacity: fieldCapacity)
        scratch = .allocate(capacity: scratchCapacity)
    }

    deinit {
        starts.deallocate()
        ends.deallocate()
        scratch.deallocate()
    }

    private func append(_ start: Int, _ end: Int) {
        if count == fieldCapacity {
            let newStarts = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity * 2)
            let newEnds = UnsafeMutablePointer<Int>.allocate(capacity: fieldCapacity * 2)
            newStarts.update(from: starts, count: count)
            newEnds.update(from: ends, count: count)
            starts.deallocate()
            ends.deallocate()
            starts = newStarts
            ends = newEnds
            fieldCapacity *= 2
        }
        starts[count] = start
        ends[count] = end
        count += 1
    }

    /// Splits `line` and returns the base pointer the field ranges refer to.
    /// - Throws: `InputError` for an unterminated quoted field or text after a closing
    ///   quote.
    func split(
        _ line: UnsafeBufferPointer<UInt8>, separator: UInt8, path: String, lineNumber: Int
    ) throws -> UnsafePointer<UInt8> {
        count = 0
        guard let base = line.baseAddress else {
            append(0, 0)
            return UnsafePointer(scratch)
        }
        let n = line.count
        if memchr(base, 0x22, n) == nil {
            var fieldStart = 0
            for i in 0..<n where base[i] == separator {
                append(fieldStart, i)
                fieldStart = i + 1
            }
            append(fieldStart, n)
            return base
        }
        return try splitQuoted(base, n, separator: separator, path: path, lineNumber: lineNumber)
    }

    private func splitQuoted(
        _ line: UnsafePointer<UInt8>, _ n: Int, separator: UInt8, path: String, lineNumber: Int
    ) throws -> UnsafePointer<UInt8> {
        if n > scratchCapacity {
            scratch.deallocate()
            scratchCapacity = max(n, scratchCapacity * 2)
            scratch = .allocate(capacity: scratchCapacity)
        }
        let quote: UInt8 = 0x22
        var i = 0
        var out = 0
        while true {
            let fieldStart = out
            if i < n && line[i] == quote {
                let quoteColumn = i
                i += 1
                while true {
                    guard i < n else {
                        throw InputError(
                            path: path, line: lineNumber,
                            message: "field \(count + 1) opens a double quote at column \(quoteColumn + 1) "
                                + "that is never closed",
                            hint: "close the quote; a quoted field cannot continue on the next line")
                    }
                    if line[i] == quote {
                        if i + 1 < n && line[i + 1] == quote {
                            scratch[out] = quote
                            out += 1
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    scratch[out] = line[i]
                    out += 1
                    i += 1
                }
                if i < n && line[i] != separator {
                    let found = line[i] >= 0x20 && line[i] < 0x7F
                        ? "'\(Character(UnicodeScalar(line[i])))'" : "byte 0x\(String(line[i], radix: 16))"
                    throw InputError(
                        path: path, line: lineNumber,
                        message: "field \(count + 1): expected a separator after the closing quote "
                            + "at column \(i + 1), found \(found)",
                        hint: "write a double quote inside a quoted field as two: \"\"")
                }
            } else {
                while i < n && line[i] != separator {
                    scratch[out] = line[i]
                    out += 1
                    i += 1
                }
            }
            append(fieldStart, out)
            guard i < n else { break }
            i += 1  // the separator
        }
        return UnsafePointer(scratch)
    }
}
