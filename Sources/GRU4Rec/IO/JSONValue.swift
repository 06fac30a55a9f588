/// A parsed JSON value: just enough JSON for safetensors headers, but strict.
///
/// We parse JSON ourselves rather than with `JSONSerialization` because the latter
/// cannot tell `true` from `1` or `1.0` from `1` on every platform and silently keeps
/// the last of two duplicate keys; a model file needs all of those caught.
package enum JSONValue: Equatable {
    case null
    case bool(Bool)
    /// A number written without fraction or exponent that fits in `Int`.
    case integer(Int)
    /// Any other number (with a fraction or exponent, or too large for `Int`).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// A short name of the kind of value, for error messages ("a string", "an array").
    package var kindDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value): return "the integer \(value)"
        case .number(let value): return "the number \(value)"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON syntax error at a byte offset of the parsed text.
package struct JSONSyntaxError: Error, Equatable {
    /// 0-based byte offset into the parsed text.
    package var offset: Int
    package var message: String
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Rejects duplicate object keys, invalid UTF-8, lone surrogate escapes and nesting
/// deeper than `maximumDepth` (so a hostile file cannot overflow the stack).
package struct JSONParser {
    package static let maximumDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses exactly one JSON value, optionally surrounded by whitespace.
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value")
        }
        return value
    }

    /// Parses a JSON array of strings, optionally surrounded by whitespace, straight into
    /// `[String]` (no ``JSONValue`` per element: a model's million item ids). `nil` when the
    /// text is valid JSON of another shape.
    /// - Throws: `JSONSyntaxError` as ``parse(_:)-swift.type.method``.
    package static func parseStringArray(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [String]? {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "[") else {
            _ = try parse(bytes)  // the syntax error, if any
            return nil
        }
        parser.position += 1
        var strings: [String] = []
        parser.skipWhitespace()
        if parser.position < bytes.count && bytes[parser.position] == UInt8(ascii: "]") {
            parser.position += 1
        } else {
            while true {
                parser.skipWhitespace()
                guard parser.position < bytes.count, bytes[parser.position] == UInt8(ascii: "\"") else {
                    _ = try parse(bytes)
                    return nil
                }
                strings.append(try parser.parseString())
                parser.skipWhitespace()
                guard parser.position < bytes.count else { throw parser.error("expected ',' or ']', found end of text") }
                if bytes[parser.position] == UInt8(ascii: ",") {
                    parser.position += 1
                    continue
                }
                if bytes[parser.position] == UInt8(ascii: "]") {
                    parser.position += 1
                    break
                }
                throw parser.error("expected ',' or ']', found \(parser.describeCurrent())")
            }
        }
        parser.skipWhitespace()
        if parser.position < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON value")
        }
        return strings
    }

    /// Parses a `[UInt8]` (convenience for tests).
    package static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0) }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, message: message)
    }

    private func describeCurrent() -> String {
        guard position < bytes.count else { return "end of text" }
        let byte = bytes[position]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws -> JSONValue {
        guard position < bytes.count else { throw error("expected a value, found end of text") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("expected a value, found \(describeCurrent())")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws {
        let start = position
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in text {
            guard position < bytes.count, bytes[position] == byte else {
                position = start
                throw error("expected a value, found \(describeCurrent())")
            }
            position += 1
        }
    }

    private mutating func enterContainer() throws {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("nesting deeper than \(Self.maximumDepth) levels")
        }
    }

    private mutating func parseObject() throws -> JSONValue {
        try enterContainer()
        position += 1  // '{'
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("expected a quoted key, found \(describeCurrent())")
            }
            let keyOffset = position
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after the key \"\(key)\", found \(describeCurrent())")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue()
            if members.updateValue(value, forKey: key) != nil {
                throw JSONSyntaxError(offset: keyOffset, message: "duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard position < bytes.count else { throw error("expected ',' or '}', found end of text") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                depth -= 1
                return .object(members)
            }
            throw error("expected ',' or '}', found \(describeCurrent())")
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        try enterContainer()
        position += 1  // '['
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error("expected ',' or ']', found end of text") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                depth -= 1
                return .array(elements)
            }
            throw error("expected ',' or ']', found \(describeCurrent())")
        }
    }

    /// Parses a string starting at its opening quote.
    private mutating func parseString() throws -> String {
        let start = position
        position += 1  // opening quote
        // Fast path: no escapes, the common case; the text straight from the bytes.
        let plainEnd = endOfPlainRun(from: position)
        if plainEnd < bytes.count && bytes[plainEnd] == UInt8(ascii: "\"") {
            guard let text = Self.string(utf8: UnsafeBufferPointer(rebasing: bytes[position..<plainEnd])) else {
                position = start
                throw error("string is not valid UTF-8")
            }
            position = plainEnd + 1
            return text
        }
        // Escapes only shrink the text: the bytes up to the closing quote bound its length.
        var end = plainEnd
        while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == UInt8(ascii: "\\") ? 2 : 1 }
        var utf8: [UInt8] = []
        utf8.reserveCapacity(min(end, bytes.count) - position)
        while true {
            guard position < bytes.count else {
                position = start
                throw error("unterminated string")
            }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = utf8.withUnsafeBufferPointer({ Self.string(utf8: $0) }) else {
                    position = start
                    throw error("string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                try parseEscape(into: &utf8)
            case 0x00..<0x20:
                throw error("control character \(describeCurrent()) inside a string (write it as an escape)")
            default:
                let end = endOfPlainRun(from: position)
                utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<end]))
                position = end
            }
        }
    }

    /// `utf8` as a String, or nil when it is not valid UTF-8. ASCII (one vectorised pass)
    /// is decoded directly; only other text goes through the validating initialiser,
    /// which is not specialised and costs a metadata lookup per call (a million ids).
    private static func string(utf8: UnsafeBufferPointer<UInt8>) -> String? {
        var any: UInt8 = 0
        for byte in utf8 { any |= byte }
        if any < 0x80 { return String(decoding: utf8, as: UTF8.self) }
        return String(validating: utf8, as: UTF8.self)
    }

    /// The index of the first quote, backslash or control character at or after `index`
    /// (or the end of the text).
    private func endOfPlainRun(from index: Int) -> Int {
        var end = index
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            end += 1
        }
        return end
    }

    /// Parses the escape after a backslash and appends its UTF-8 bytes.
    private mutating func parseEscape(into utf8: inout [UInt8]) throws {
        guard position < bytes.count else { throw error("unterminated string") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""): utf8.append(0x22)
        case UInt8(ascii: "\\"): utf8.append(0x5C)
        case UInt8(ascii: "/"): utf8.append(0x2F)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalarValue = try parseHex4()
            if (0xD800..<0xDC00).contains(scalarValue) {
                // A high surrogate must be followed by an escaped low surrogate.
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                      bytes[position + 1] == UInt8(ascii: "u")
                else { throw error("lone surrogate in \\u escape") }
                position += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("lone surrogate in \\u escape") }
                scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalarValue) {
                throw error("lone surrogate in \\u escape")
            }
            guard let scalar = Unicode.Scalar(scalarValue) else { throw error("invalid \\u escape") }
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            position -= 1
            throw error("invalid escape \\\(describeCurrent())")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count else { throw error("incomplete \\u escape") }
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit \(describeCurrent()) in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws -> JSONValue {
        let start = position
        func isDigit(_ i: Int) -> Bool {
            i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else { throw error("expected a digit, found \(describeCurrent())") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if isDigit(position) { throw error("leading zeros are not allowed in numbers") }
        } else {
            while isDigit(position) { position += 1 }
        }
        var isInteger = true
        if position < bytes.count && bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard isDigit(position) else { throw error("expected a digit after '.', found \(describeCurrent())") }
            while isDigit(position) { position += 1 }
        }
        if position < bytes.count && (bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")) {
            isInteger = false
            position += 1
            if position < bytes.count && (bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")) {
                position += 1
            }
            guard isDigit(position) else { throw error("expected a digit in the exponent, found \(describeCurrent())") }
            while isDigit(position) { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text) else {
            throw JSONSyntaxError(offset: start, message: "invalid number \(text)")
        }
        return .number(value)
    }
}
