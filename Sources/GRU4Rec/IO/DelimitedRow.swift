/// One row of a `DelimitedReader`: its fields as byte ranges, with parsing helpers.
///
/// A row (and every buffer it hands out) is valid only inside the closure given to
/// `DelimitedReader.forEachRow(_:)`; copy what you need to keep.
///
/// Parse errors are `InputError`s with the file, the line, the column's name and the
/// offending text.
public struct DelimitedRow {
    /// What rows need for error messages; one per reader, shared by its rows.
    final class Context {
        let path: String
        let header: [String]

        init(path: String, header: [String]) {
            self.path = path
            self.header = header
        }
    }

    /// The 1-based line number of this row in the file.
    public let lineNumber: Int
    private let base: UnsafePointer<UInt8>
    private let starts: UnsafePointer<Int>
    private let ends: UnsafePointer<Int>
    /// The number of fields in this row.
    public let count: Int
    private let context: Context

    init(
        lineNumber: Int, base: UnsafePointer<UInt8>, starts: UnsafePointer<Int>, ends: UnsafePointer<Int>,
        count: Int, context: Context
    ) {
        self.lineNumber = lineNumber
        self.base = base
        self.starts = starts
        self.ends = ends
        self.count = count
        self.context = context
    }

    /// The bytes of field `index` (0-based), quotes removed.
    /// - Precondition: `index < count`.
    public subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        precondition(index >= 0 && index < count, "field \(index) of a row with \(count) fields")
        return UnsafeBufferPointer(start: base + starts[index], count: ends[index] - starts[index])
    }

    /// Field `index` as a `String` (invalid UTF-8 becomes U+FFFD).
    /// - Precondition: `index < count`.
    public func string(_ index: Int) -> String {
        String(decoding: self[index], as: UTF8.self)
    }

    /// Field `index` as a `String`, which must be valid UTF-8.
    /// - Throws: `InputError` naming the line, the column and the offset of the first bad byte.
    public func validString(_ index: Int) throws -> String {
        let bytes = self[index]
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        // The first byte that does not start a valid sequence.
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while case .scalarValue(let scalar) = decoder.decode(&iterator) { offset += UTF8.width(scalar) }
        offset = min(offset, bytes.count - 1)
        let column = index < context.header.count ? "column \"\(context.header[index])\"" : "column \(index + 1)"
        throw InputError(
            path: context.path, line: lineNumber,
            message: "\(column) (field \(index + 1)) is not valid UTF-8 (bad byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) at byte \(offset + 1) of the field)",
            hint: "ids are text: convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8)")
    }

    /// Field `index` as an integer: digits with an optional sign, optional spaces around.
    /// - Throws: `InputError` naming the line, the column and the text found.
    public func int(_ index: Int) throws -> Int {
        guard let value = parseInt(self[index]) else { throw parseError(index, expected: "an integer") }
        return value
    }

    /// Field `index` as a `Double`: a decimal number such as `12`, `-0.5`, `1e-3`,
    /// correctly rounded; optional spaces around. `nan` and `inf` are refused.
    /// - Throws: `InputError` naming the line, the column and the text found.
    public func double(_ index: Int) throws -> Double {
        guard let value = parseDouble(self[index]) else { throw parseError(index, expected: "a number") }
        return value
    }

    private func parseError(_ index: Int, expected: String) -> InputError {
        let column = index < context.header.count ? "column \"\(context.header[index])\"" : "column \(index + 1)"
        var text = string(index)
        if text.count > 40 { text = String(text.prefix(40)) + "..." }
        return InputError(
            path: context.path, line: lineNumber,
            message: "\(column) (field \(index + 1)): expected \(expected), found \(text.isEmpty ? "an empty field" : "\"\(text)\"")",
            hint: "check that this is the right column and the right separator")
    }
}
