#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A safetensors file loaded into memory and fully validated.
///
/// The format (Hugging Face safetensors): an 8-byte little-endian header length `N`;
/// `N` bytes of a JSON object that maps each tensor name to
/// `{"dtype": "F32", "shape": [60, 16], "data_offsets": [begin, end]}` (offsets count
/// from the start of the data section) plus an optional `"__metadata__"` object of
/// strings; then the data section, the raw little-endian tensor bytes.
///
/// Loading checks everything the format requires, and every violation becomes an
/// `InputError` naming the file: a short file, a header length past the end of the
/// file, a header that is not a JSON object, a tensor entry without `dtype`, `shape` or
/// `data_offsets`, an unknown dtype, a negative or non-integer dimension, offsets out
/// of order or outside the data section, a byte count that does not match the shape,
/// overlapping tensors, holes or trailing bytes in the data section (the format forbids
/// them), and metadata values that are not strings.
///
/// Tensors with a zero dimension are legal and read as empty arrays. Fields of a tensor
/// entry other than `dtype`, `shape` and `data_offsets` are ignored, as the Hugging Face
/// reader does. Data is assumed little-endian (byte-swapped on big-endian hosts).
///
/// ```swift
/// let file = try SafeTensorsFile(contentsOf: "model.safetensors")
/// let wy = try file.floats("init/Wy.weight", shape: [60, 16])
/// ```
public struct SafeTensorsFile: Sendable {
    /// Where one tensor lives in the file and how to read it.
    public struct TensorInfo: Equatable, Sendable {
        /// The tensor's name (its key in the header).
        public var name: String
        /// Its element type.
        public var dtype: SafeTensorsDType
        /// Its dimensions, outermost first (row-major); `[]` for a scalar.
        public var shape: [Int]
        /// Its bytes, as `data_offsets` in the header: relative to the start of the data
        /// section, which begins at file offset `8 + N`.
        public var byteRange: Range<Int>

        /// The number of elements, the product of `shape` (1 for a scalar).
        public var elementCount: Int { shape.reduce(1, *) }

        package init(name: String, dtype: SafeTensorsDType, shape: [Int], byteRange: Range<Int>) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.byteRange = byteRange
        }
    }

    /// Headers longer than this are refused as corrupt (the Hugging Face reader's limit).
    static let maximumHeaderLength = 100_000_000

    /// The path the file was read from (or the name given to `init(bytes:path:)`); used
    /// in error messages.
    public let path: String
    /// The `__metadata__` strings of the header; empty when there are none.
    public let metadata: [String: String]
    /// The tensor names in the order their data appears in the file.
    public let names: [String]

    private let tensors: [String: TensorInfo]
    private let storage: Storage
    /// File offset of the data section (`8 + N`).
    private let dataStart: Int

    /// Where the file's bytes are: read into memory, or mapped (``init(mapping:)``).
    private enum Storage: @unchecked Sendable {
        case bytes([UInt8])
        /// The first `count` bytes of a mapped file.
        case mapped(MappedFile, count: Int)

        func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            switch self {
            case .bytes(let bytes): return try bytes.withUnsafeBytes(body)
            case .mapped(let file, let count):
                return try body(UnsafeRawBufferPointer(start: file.whole.address, count: count))
            }
        }
    }

    /// Whether the tensors are read from a mapping of the file (``init(mapping:)``).
    public var isMapped: Bool {
        if case .mapped = storage { return true }
        return false
    }

    /// Reads and validates the file at `path`.
    /// - Throws: `InputError` if the file cannot be read or is not a valid safetensors file.
    ///
    /// Reads the 8-byte header length and the header first, then only the data the
    /// header describes (one byte more tells trailing bytes apart), so an endless or
    /// huge file (`/dev/zero`, a pipe) is refused without being read whole.
    public init(contentsOf path: String) throws {
        try self.init(bytes: Self.readDescribedBytes(path), path: path)
    }

    /// Maps the file at `path` into memory (read-only, private) instead of reading it, and
    /// validates it exactly as ``init(contentsOf:)`` does, with the same errors: only the
    /// header's pages are read to validate it; a tensor's pages are read when it is.
    /// Files that cannot be mapped (not a regular file: a pipe, a device) are read as by
    /// ``init(contentsOf:)``.
    ///
    /// The header is checked against the file's size before any tensor is touched. A
    /// mapped file must not be truncated or rewritten in place while this value (or a
    /// store mapped from it, ``privateMapping(of:)``) lives: see ``MappedFile``.
    public init(mapping path: String) throws {
        guard let file = try MappedFile.open(path) else {
            try self.init(contentsOf: path)
            return
        }
        // A valid file validates the same whole as read (the reader reads exactly the
        // file then): one parse of the header. An invalid one gets the reader's error,
        // from the bytes the reader would read.
        let whole = UnsafeRawBufferPointer(start: file.whole.address, count: file.size)
        let parts: Validated
        do {
            parts = try Self.validate(whole.bindMemory(to: UInt8.self), path: path)
        } catch {
            let count = try Self.describedPrefixCount(of: whole, path: path)
            _ = try Self.validate(UnsafeRawBufferPointer(rebasing: whole[0..<count]).bindMemory(to: UInt8.self), path: path)
            throw error
        }
        self.init(storage: .mapped(file, count: file.size), path: path, parts: parts)
    }

    /// The bytes of the file at `path`, at most as many as its header describes plus one.
    private static func readDescribedBytes(_ path: String) throws -> [UInt8] {
        let fd = try openForReading(path)
        defer { close(fd) }
        var bytes = try readUpTo(fd, count: 8, path: path)
        guard bytes.count == 8 else { return bytes }  // "too short", reported by init(bytes:)
        var headerLength: UInt64 = 0
        for i in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(bytes[i]) }
        guard headerLength <= UInt64(maximumHeaderLength) else { return bytes }  // reported by init(bytes:)
        bytes += try readUpTo(fd, count: Int(headerLength), path: path)
        guard bytes.count == 8 + Int(headerLength) else { return bytes }  // truncated: reported by init(bytes:)
        var info = stat()
        let fileSize = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
        guard let dataCount = try bytes.withUnsafeBufferPointer({ try describedDataCount(header: $0, fileSize: fileSize, path: path) })
        else { return bytes }  // not a JSON object: reported by init(bytes:)
        bytes += try readUpTo(fd, count: dataCount + 1, path: path)
        return bytes
    }

    /// How many bytes of a mapped file to validate: as many as ``readDescribedBytes(_:)``
    /// would read (the header, the data it describes and one byte more), so that both
    /// report the same errors.
    private static func describedPrefixCount(of file: UnsafeRawBufferPointer, path: String) throws -> Int {
        guard file.count >= 8 else { return file.count }
        var headerLength: UInt64 = 0
        for i in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(file[i]) }
        guard headerLength <= UInt64(maximumHeaderLength), 8 + Int(headerLength) <= file.count else { return file.count }
        let header = UnsafeBufferPointer(rebasing: file.bindMemory(to: UInt8.self)[0..<8 + Int(headerLength)])
        guard let dataCount = try describedDataCount(header: header, fileSize: file.count, path: path) else { return file.count }
        return min(file.count, header.count + dataCount + 1)
    }

    /// The size of the data section that a header (the 8-byte length and the JSON, `8 + N`
    /// bytes) describes: the largest end offset of any tensor; `nil` when the header is not
    /// a JSON object (reported by the validation). Refuses data larger than this machine's
    /// memory, or (`fileSize` given: a regular file) larger than the rest of the file.
    private static func describedDataCount(header: UnsafeBufferPointer<UInt8>, fileSize: Int?, path: String) throws -> Int? {
        var dataCount = 0
        guard let parsed = try? JSONParser.parse(UnsafeBufferPointer(rebasing: header[8...])),
              case .object(let entries) = parsed else { return nil }
        for (name, entry) in entries where name != "__metadata__" {
            if case .object(let fields) = entry, case .array(let offsets)? = fields["data_offsets"], offsets.count == 2,
               case .integer(let end) = offsets[1], end > dataCount {
                dataCount = end
            }
        }
        let available = ResourceLimits.physicalMemory
        if available > 0 && dataCount > available {
            throw InputError(path: path, message: "the header describes \(ResourceLimits.formatBytes(dataCount)) of tensor data, "
                             + "more than this machine's memory (\(ResourceLimits.formatBytes(available)))",
                             hint: "the file is damaged or not a safetensors file; write it again")
        }
        if let fileSize, fileSize < header.count + dataCount {
            throw InputError(path: path, message: "the header describes \(dataCount) bytes of tensor data, but the file "
                             + "has only \(max(0, fileSize - header.count)) after the header",
                             hint: "the file is truncated; write it again")
        }
        return dataCount
    }

    /// Reads until `count` bytes or the end of the file.
    private static func readUpTo(_ fd: Int32, count: Int, path: String) throws -> [UInt8] {
        var readError: Error?
        let bytes = [UInt8](unsafeUninitializedCapacity: max(count, 0)) { buffer, initialized in
            initialized = 0
            guard let base = buffer.baseAddress else { return }
            do {
                while initialized < buffer.count {
                    let n = try readSome(fd, into: base + initialized, count: buffer.count - initialized, path: path)
                    if n == 0 { break }
                    initialized += n
                }
            } catch {
                readError = error
            }
        }
        if let readError { throw readError }
        return bytes
    }

    /// Validates `bytes` as the content of a safetensors file; `path` is used in errors.
    /// - Throws: `InputError` for every violation of the format.
    public init(bytes: [UInt8], path: String) throws {
        try self.init(storage: .bytes(bytes), path: path)
    }

    private init(storage: Storage, path: String) throws {
        let parts = try storage.withUnsafeBytes { raw in try Self.validate(raw.bindMemory(to: UInt8.self), path: path) }
        self.init(storage: storage, path: path, parts: parts)
    }

    private init(storage: Storage, path: String, parts: Validated) {
        self.path = path
        self.storage = storage
        (metadata, tensors, names, dataStart) = parts
    }

    /// What validation finds: the metadata, the tensors, their names in data order and
    /// the data section's start.
    private typealias Validated = (metadata: [String: String], tensors: [String: TensorInfo], names: [String], dataStart: Int)

    /// Checks `bytes` against the format.
    private static func validate(_ bytes: UnsafeBufferPointer<UInt8>, path: String) throws -> Validated {
        func fail(_ message: String, hint: String? = nil) -> InputError {
            InputError(path: path, message: message, hint: hint)
        }
        let corruptHint = "the file is damaged or not a safetensors file; write it again"

        guard bytes.count >= 8 else {
            throw fail(
                "file is too short to be a safetensors file: expected at least 8 bytes, found \(bytes.count)",
                hint: "the file is truncated or empty; write it again")
        }
        var headerLength: UInt64 = 0
        for i in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(bytes[i]) }
        guard headerLength <= UInt64(maximumHeaderLength) else {
            throw fail(
                "header length \(headerLength) is absurdly large (more than \(maximumHeaderLength) bytes)",
                hint: corruptHint)
        }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw fail(
                "header length \(headerLength) goes beyond the end of the file (\(bytes.count) bytes)",
                hint: "the file is truncated; write it again")
        }
        let dataStart = 8 + Int(headerLength)
        let dataCount = bytes.count - dataStart

        let header: JSONValue
        do {
            header = try JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[8..<dataStart]))
        } catch let error as JSONSyntaxError {
            throw fail(
                "header is not valid JSON: \(error.message) (at byte \(error.offset) of the header)",
                hint: corruptHint)
        }
        guard case .object(let entries) = header else {
            throw fail("header must be a JSON object, found \(header.kindDescription)", hint: corruptHint)
        }

        var metadata: [String: String] = [:]
        var tensors: [String: TensorInfo] = [:]
        for (name, entry) in entries {
            if name == "__metadata__" {
                guard case .object(let pairs) = entry else {
                    throw fail(
                        "__metadata__ must be an object of strings, found \(entry.kindDescription)",
                        hint: corruptHint)
                }
                for (key, value) in pairs {
                    guard case .string(let text) = value else {
                        throw fail(
                            "__metadata__ value of \"\(key)\" must be a string, found \(value.kindDescription)",
                            hint: corruptHint)
                    }
                    metadata[key] = text
                }
                continue
            }
            tensors[name] = try validateEntry(
                name: name, entry: entry, dataCount: dataCount, fail: { fail($0, hint: corruptHint) })
        }

        // The tensors must tile the data section exactly: no overlaps, no holes.
        // Sorted by offsets, then name (zero-size tensors may share an offset).
        let ordered = tensors.values.sorted { a, b in
            if a.byteRange.lowerBound != b.byteRange.lowerBound {
                return a.byteRange.lowerBound < b.byteRange.lowerBound
            }
            if a.byteRange.upperBound != b.byteRange.upperBound {
                return a.byteRange.upperBound < b.byteRange.upperBound
            }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }
        var previous: TensorInfo?
        for info in ordered {
            let end = previous?.byteRange.upperBound ?? 0
            if info.byteRange.lowerBound < end, let previous {
                throw fail(
                    "tensors \"\(previous.name)\" (bytes \(describe(previous.byteRange))) and "
                        + "\"\(info.name)\" (bytes \(describe(info.byteRange))) overlap",
                    hint: corruptHint)
            }
            if info.byteRange.lowerBound > end {
                let after = previous.map { "after tensor \"\($0.name)\"" } ?? "at the start of the data section"
                throw fail(
                    "the data section has \(info.byteRange.lowerBound - end) unused bytes \(after) "
                        + "(bytes \(end)..<\(info.byteRange.lowerBound)); safetensors files must not have holes",
                    hint: corruptHint)
            }
            previous = info
        }
        let covered = previous?.byteRange.upperBound ?? 0
        if covered != dataCount {
            throw fail(
                "the data section has \(dataCount - covered) bytes after the last tensor "
                    + "(tensors end at \(covered), the data section has \(dataCount) bytes)",
                hint: corruptHint)
        }

        return (metadata, tensors, ordered.map(\.name), dataStart)
    }

    /// Checks one tensor entry of the header.
    private static func validateEntry(
        name: String, entry: JSONValue, dataCount: Int, fail: (String) -> InputError
    ) throws -> TensorInfo {
        guard case .object(let fields) = entry else {
            throw fail("tensor \"\(name)\": expected an object with dtype, shape and data_offsets, found \(entry.kindDescription)")
        }
        for key in ["dtype", "shape", "data_offsets"] where fields[key] == nil {
            throw fail("tensor \"\(name)\": missing \"\(key)\"")
        }
        guard case .string(let dtypeName)? = fields["dtype"] else {
            throw fail("tensor \"\(name)\": dtype must be a string, found \(fields["dtype"]?.kindDescription ?? "nothing")")
        }
        guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
            throw fail("tensor \"\(name)\": unknown dtype \"\(dtypeName)\" (known: \(SafeTensorsDType.allSpellings))")
        }
        guard case .array(let dimensions)? = fields["shape"] else {
            throw fail("tensor \"\(name)\": shape must be an array of integers, found \(fields["shape"]?.kindDescription ?? "nothing")")
        }
        var shape: [Int] = []
        var elementCount = 1
        for dimension in dimensions {
            guard case .integer(let size) = dimension, size >= 0 else {
                throw fail("tensor \"\(name)\": shape must hold non-negative integers, found \(dimension.kindDescription)")
            }
            shape.append(size)
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow else { throw fail("tensor \"\(name)\": shape \(shape) is too large") }
            elementCount = product
        }
        guard case .array(let offsets)? = fields["data_offsets"], offsets.count == 2,
              case .integer(let begin) = offsets[0], case .integer(let end) = offsets[1],
              begin >= 0, begin <= end
        else {
            throw fail("tensor \"\(name)\": data_offsets must be [begin, end] with 0 <= begin <= end, "
                + "found \(describe(fields["data_offsets"]))")
        }
        guard end <= dataCount else {
            throw fail("tensor \"\(name)\": data_offsets [\(begin), \(end)] go beyond the data section (\(dataCount) bytes)")
        }
        let (byteCount, overflow) = elementCount.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow, byteCount == end - begin else {
            throw fail("tensor \"\(name)\": data_offsets [\(begin), \(end)] hold \(end - begin) bytes, but dtype "
                + "\(dtype.rawValue) and shape \(shape) need \(overflow ? "more" : String(byteCount))")
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    private static func describe(_ range: Range<Int>) -> String {
        "\(range.lowerBound)..<\(range.upperBound)"
    }

    private static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        guard case .array(let elements) = value else { return value.kindDescription }
        let parts = elements.map { element -> String in
            switch element {
            case .integer(let v): return String(v)
            case .number(let v): return String(v)
            default: return element.kindDescription
            }
        }
        return "[" + parts.joined(separator: ", ") + "]"
    }

    // MARK: Lookup

    /// The file offset of `range` of the data section (where `TensorInfo.byteRange` counts from).
    func fileOffset(ofData range: Range<Int>) -> Int { dataStart + range.lowerBound }

    /// A private, writable mapping of the data bytes `range` (as `TensorInfo.byteRange`):
    /// writes to it are copy-on-write and never reach the file, nor this value's view of
    /// it. `nil` when the file is not mapped (``init(mapping:)``), or for an empty range.
    func privateMapping(ofData range: Range<Int>) -> FileMapping? {
        guard case .mapped(let file, let count) = storage, dataStart + range.upperBound <= count else { return nil }
        return file.privateMapping(offset: dataStart + range.lowerBound, length: range.count)
    }

    /// Whether the file has a tensor called `name`.
    public func contains(_ name: String) -> Bool {
        tensors[name] != nil
    }

    /// The dtype, shape and location of the tensor `name`, or `nil` if there is none.
    public func info(_ name: String) -> TensorInfo? {
        tensors[name]
    }

    /// The tensor `name` as `Float`s, row-major. `F32` is copied bit for bit; `F64` is
    /// rounded to the nearest `Float`.
    /// - Throws: `InputError` if there is no such tensor or it holds another dtype.
    public func floats(_ name: String) throws -> [Float] {
        let info = try require(name)
        switch info.dtype {
        case .f32:
            return elements(of: info, as: Float.self)
        case .f64:
            return elements(of: info, as: Double.self).map { Float($0) }
        default:
            throw wrongDType(info, expected: "F32 or F64")
        }
    }

    /// The tensor `name` as `Float`s, after checking that its shape is `shape`.
    /// - Throws: `InputError` as `floats(_:)`, or if the shape differs.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        try requireShape(name, shape)
        return try floats(name)
    }

    /// The tensor `name` as `Int64`s, row-major. `I64` is copied; `I32` is widened.
    /// - Throws: `InputError` if there is no such tensor or it holds another dtype.
    public func int64s(_ name: String) throws -> [Int64] {
        let info = try require(name)
        switch info.dtype {
        case .i64:
            return elements(of: info, as: Int64.self)
        case .i32:
            return elements(of: info, as: Int32.self).map { Int64($0) }
        default:
            throw wrongDType(info, expected: "I64 or I32")
        }
    }

    /// The tensor `name` as `Int64`s, after checking that its shape is `shape`.
    /// - Throws: `InputError` as `int64s(_:)`, or if the shape differs.
    public func int64s(_ name: String, shape: [Int]) throws -> [Int64] {
        try requireShape(name, shape)
        return try int64s(name)
    }

    private func require(_ name: String) throws -> TensorInfo {
        if let info = tensors[name] { return info }
        let listed = names.prefix(8).map { "\"\($0)\"" }.joined(separator: ", ")
        let more = names.count > 8 ? ", ... (\(names.count) in all)" : ""
        throw InputError(
            path: path, message: "no tensor named \"\(name)\"",
            hint: names.isEmpty
                ? "the file holds no tensors; was it written by this program?"
                : "the file has \(listed)\(more); was it written by this version of the program?")
    }

    private func requireShape(_ name: String, _ shape: [Int]) throws {
        let info = try require(name)
        guard info.shape == shape else {
            throw InputError(
                path: path, message: "tensor \"\(name)\" has shape \(info.shape), expected \(shape)",
                hint: "the file was written for a different model configuration")
        }
    }

    private func wrongDType(_ info: TensorInfo, expected: String) -> InputError {
        InputError(
            path: path,
            message: "tensor \"\(info.name)\" has dtype \(info.dtype.rawValue), expected \(expected)",
            hint: "the file was not written by this program, or by an incompatible version")
    }

    /// Copies the tensor's bytes into an array of `T` in one `memcpy`.
    private func elements<T>(of info: TensorInfo, as type: T.Type) -> [T] {
        let count = info.byteRange.count / MemoryLayout<T>.stride
        let start = dataStart + info.byteRange.lowerBound
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            storage.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[start..<start + info.byteRange.count])
                let destination = UnsafeMutableRawBufferPointer(buffer)
                destination.copyMemory(from: source)
                #if _endian(big)
                let size = MemoryLayout<T>.size
                for offset in stride(from: 0, to: destination.count, by: size) {
                    UnsafeMutableRawBufferPointer(rebasing: destination[offset..<offset + size]).reverse()
                }
                #endif
            }
            initialized = count
        }
    }
}
