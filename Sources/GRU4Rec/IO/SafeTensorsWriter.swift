/// Builds a safetensors file from named `Float` and `Int64` tensors and writes it
/// atomically.
///
/// The output is deterministic: the JSON header lists metadata keys, tensor names and
/// each entry's fields in sorted (UTF-8 byte) order. The data section holds the tensors
/// without holes (the format forbids them): first all `I64` tensors, then all `F32`
/// tensors, each group in insertion order. Wider types first keeps every tensor aligned to
/// its element size. The header is padded with spaces (the format allows trailing
/// whitespace in it) so that the first `F32` tensor starts at a file offset that is a
/// multiple of 64 (the data section then starts 8-byte aligned, as the Hugging Face
/// implementation's does): F32 tensors added one after another can then be mapped and
/// used in place (`GRU4RecModel.load`).
///
/// ```swift
/// var writer = SafeTensorsWriter()
/// writer.metadata["format"] = "gru4rec-1"
/// writer.add("Wy.weight", floats: wy, shape: [nItems, hidden])
/// try writer.write(to: "model.safetensors")
/// ```
public struct SafeTensorsWriter: Sendable {
    private enum Payload: Sendable {
        case floats([Float])
        case int64s([Int64])

        var dtype: SafeTensorsDType {
            switch self {
            case .floats: return .f32
            case .int64s: return .i64
            }
        }

        var byteCount: Int {
            switch self {
            case .floats(let values): return values.count * MemoryLayout<Float>.size
            case .int64s(let values): return values.count * MemoryLayout<Int64>.size
            }
        }
    }

    private struct Entry: Sendable {
        var name: String
        var shape: [Int]
        var payload: Payload
    }

    /// Free-form strings stored under `__metadata__` in the header (left out when empty).
    public var metadata: [String: String] = [:]

    private var entries: [Entry] = []
    private var usedNames: Set<String> = []

    /// An empty writer.
    public init() {}

    /// Adds a `Float` tensor (stored as `F32`), row-major.
    ///
    /// - Precondition: `floats.count` is the product of `shape`, no dimension is negative,
    ///   `name` was not added before and is not `__metadata__`.
    public mutating func add(_ name: String, floats: [Float], shape: [Int]) {
        append(name, shape: shape, count: floats.count, payload: .floats(floats))
    }

    /// Adds a `Float` tensor (stored as `F32`) from a buffer, which is copied.
    ///
    /// - Precondition: as for `add(_:floats:shape:)`.
    public mutating func add(_ name: String, floats: UnsafeBufferPointer<Float>, shape: [Int]) {
        append(name, shape: shape, count: floats.count, payload: .floats(Array(floats)))
    }

    /// Adds an `Int64` tensor (stored as `I64`), row-major.
    ///
    /// - Precondition: as for `add(_:floats:shape:)`.
    public mutating func add(_ name: String, int64s: [Int64], shape: [Int]) {
        append(name, shape: shape, count: int64s.count, payload: .int64s(int64s))
    }

    private mutating func append(_ name: String, shape: [Int], count: Int, payload: Payload) {
        precondition(shape.allSatisfy { $0 >= 0 }, "tensor \"\(name)\": negative dimension in shape \(shape)")
        let expected = shape.reduce(1, *)
        precondition(
            count == expected,
            "tensor \"\(name)\": \(count) values do not fill shape \(shape) (\(expected) values)")
        precondition(name != "__metadata__", "\"__metadata__\" is reserved and cannot name a tensor")
        precondition(usedNames.insert(name).inserted, "tensor \"\(name)\" was added twice")
        entries.append(Entry(name: name, shape: shape, payload: payload))
    }

    /// The complete file content: header length, header, data.
    package func encoded() -> [UInt8] {
        // Layout: I64 tensors first, then F32, each group in insertion order.
        let layout = entries.filter { $0.payload.dtype == .i64 } + entries.filter { $0.payload.dtype == .f32 }
        var offsets: [String: Range<Int>] = [:]
        var dataCount = 0
        for entry in layout {
            offsets[entry.name] = dataCount..<dataCount + entry.payload.byteCount
            dataCount += entry.payload.byteCount
        }

        var json = "{"
        var members: [(key: String, value: String)] = []
        if !metadata.isEmpty {
            let pairs = metadata.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                .map { jsonString($0.key) + ":" + jsonString($0.value) }
            members.append((key: "__metadata__", value: "{" + pairs.joined(separator: ",") + "}"))
        }
        for entry in entries {
            let range = offsets[entry.name] ?? 0..<0
            let shape = entry.shape.map(String.init).joined(separator: ",")
            members.append((
                key: entry.name,
                value: "{\"data_offsets\":[\(range.lowerBound),\(range.upperBound)],"
                    + "\"dtype\":\"\(entry.payload.dtype.rawValue)\",\"shape\":[\(shape)]}"))
        }
        members.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        json += members.map { jsonString($0.key) + ":" + $0.value }.joined(separator: ",")
        json += "}"
        var header = Array(json.utf8)
        // 8 + header + I64 bytes (a multiple of 8) lands on a multiple of 64.
        let int64Bytes = layout.filter { $0.payload.dtype == .i64 }.reduce(0) { $0 + $1.payload.byteCount }
        let alignment = 64
        header.append(contentsOf: repeatElement(UInt8(ascii: " "),
                                                count: (alignment - (8 + header.count + int64Bytes) % alignment) % alignment))

        var output: [UInt8] = []
        output.reserveCapacity(8 + header.count + dataCount)
        var length = UInt64(header.count)
        for _ in 0..<8 {
            output.append(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        output.append(contentsOf: header)
        for entry in layout {
            switch entry.payload {
            case .floats(let values): appendLittleEndian(values, to: &output)
            case .int64s(let values): appendLittleEndian(values, to: &output)
            }
        }
        return output
    }

    /// Writes the file atomically (see `writeFileAtomically(_:to:)`).
    /// - Throws: `InputError` if the file cannot be written; an existing file at `path`
    ///   is then left as it was.
    public func write(to path: String) throws {
        try writeFileAtomically(encoded(), to: path)
    }
}

/// Appends the raw bytes of `values` in little-endian order.
private func appendLittleEndian<T>(_ values: [T], to output: inout [UInt8]) {
    values.withUnsafeBytes { raw in
        #if _endian(little)
        output.append(contentsOf: raw)
        #else
        let size = MemoryLayout<T>.size
        for offset in stride(from: 0, to: raw.count, by: size) {
            output.append(contentsOf: raw[offset..<offset + size].reversed())
        }
        #endif
    }
}

/// `text` as a JSON string literal: quotes, backslashes and control characters escaped,
/// everything else as UTF-8.
package func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case "\u{08}": result += "\\b"
        case "\u{0C}": result += "\\f"
        case "\u{00}"..."\u{1F}":
            let hex = String(scalar.value, radix: 16)
            result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
