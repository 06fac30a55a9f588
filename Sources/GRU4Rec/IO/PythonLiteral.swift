/// A Python literal as the official GRU4Rec's parameter files write them:
/// strings, numbers, booleans, `None`, lists, tuples, dicts and the call
/// `OrderedDict([...])`. Read as data; nothing is ever evaluated.
public indirect enum PythonLiteral: Equatable, Sendable {
    case string(String)
    /// A number, kept as written (so `0.07` stays exactly `0.07`).
    case number(String)
    case bool(Bool)
    case none
    case list([PythonLiteral])
    case tuple([PythonLiteral])
    /// A dict or an `OrderedDict`, in the order written.
    case dict([(PythonLiteral, PythonLiteral)])

    public static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)), let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.none, .none): return true
        case let (.list(x), .list(y)), let (.tuple(x), .tuple(y)): return x == y
        case let (.dict(x), .dict(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }
}

/// A parse error at a line of the file (1-based).
public struct PythonLiteralError: Error, Equatable {
    public var line: Int
    public var message: String
}

/// Reads the assignments of a Python parameter file:
///
///     from collections import OrderedDict
///     gru4rec_params = OrderedDict([
///     ('loss', 'cross-entropy'),
///     ('layers', [100]),   # comments are skipped
///     ])
///
/// Import lines and comments are skipped; every other statement must be
/// `name = literal`. Calls other than `OrderedDict(...)` / `dict(...)` are
/// refused, so a file cannot make this reader do anything but read.
public struct PythonParameterReader {
    /// Nesting deeper than this is refused (a hostile file cannot exhaust the stack).
    static let maximumDepth = 32

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var line = 1
    private var depth = 0

    private init(_ text: String) { scalars = Array(text.unicodeScalars) }

    /// The file's assignments in order: name and value.
    public static func assignments(in text: String) throws -> [(name: String, value: PythonLiteral)] {
        var reader = PythonParameterReader(text)
        return try reader.statements()
    }

    private func fail(_ message: String) -> PythonLiteralError { PythonLiteralError(line: line, message: message) }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    private mutating func advance() {
        if current == "\n" { line += 1 }
        position += 1
    }

    /// Skips spaces, tabs, comments and (inside brackets) line breaks and backslash continuations.
    private mutating func skipBlanks(newlines: Bool) {
        while let c = current {
            if c == " " || c == "\t" || c == "\r" || c == "\u{0C}" {
                advance()
            } else if c == "#" {
                while let d = current, d != "\n" { _ = d; advance() }
            } else if c == "\\", position + 1 < scalars.count, scalars[position + 1] == "\n" {
                advance(); advance()
            } else if c == "\n" && newlines {
                advance()
            } else {
                return
            }
        }
    }

    private mutating func statements() throws -> [(name: String, value: PythonLiteral)] {
        var out: [(name: String, value: PythonLiteral)] = []
        while true {
            skipBlanks(newlines: true)
            guard current != nil else { return out }
            let name = try identifier()
            if name == "from" || name == "import" {
                // An import line: skipped (nothing is imported).
                while let c = current, c != "\n" { _ = c; advance() }
                continue
            }
            skipBlanks(newlines: false)
            guard current == "=" else { throw fail("expected '=' after '\(clipped(name))' (only assignments of literals are read)") }
            advance()
            skipBlanks(newlines: false)
            let value = try literal()
            skipBlanks(newlines: false)
            if current == ";" { advance(); skipBlanks(newlines: false) }
            guard current == nil || current == "\n" else { throw fail("unexpected text after the value of '\(clipped(name))'") }
            out.append((name, value))
        }
    }

    private mutating func identifier() throws -> String {
        var s = String.UnicodeScalarView()
        while let c = current, c == "_" || c == "." || (c.properties.isAlphabetic && c.isASCII) || (c.isASCII && ("0"..."9").contains(c) && !s.isEmpty) {
            s.append(c)
            advance()
            if s.count > 200 { throw fail("a name longer than 200 characters") }
        }
        guard !s.isEmpty else {
            throw fail("expected a name, found \(current.map { "'\(Character($0))'" } ?? "the end of the file")")
        }
        return String(s)
    }

    private mutating func literal() throws -> PythonLiteral {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else { throw fail("values nested more than \(Self.maximumDepth) deep") }
        skipBlanks(newlines: true)
        guard let c = current else { throw fail("expected a value, found the end of the file") }
        switch c {
        case "'", "\"": return .string(try string(quote: c))
        case "[":
            advance()
            return .list(try items(closing: "]"))
        case "(":
            advance()
            let values = try items(closing: ")")
            return .tuple(values)
        case "{":
            advance()
            return .dict(try dictItems())
        case "-", "+", ".", "0"..."9":
            return .number(try number())
        default:
            let name = try identifier()
            switch name {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .none
            case "OrderedDict", "collections.OrderedDict", "dict":
                skipBlanks(newlines: false)
                guard current == "(" else { throw fail("expected '(' after \(name)") }
                advance()
                let args = try items(closing: ")")
                if args.isEmpty { return .dict([]) }
                guard args.count == 1 else { throw fail("\(name)(...) takes one list of (key, value) pairs") }
                switch args[0] {
                case .dict(let pairs): return .dict(pairs)
                case .list(let entries), .tuple(let entries):
                    return .dict(try entries.map { entry in
                        guard case .tuple(let pair) = entry, pair.count == 2 else {
                            throw fail("\(name)([...]) needs (key, value) pairs")
                        }
                        return (pair[0], pair[1])
                    })
                default: throw fail("\(name)(...) takes one list of (key, value) pairs")
                }
            default:
                throw fail("'\(clipped(name))' is not a literal; parameter files are read as data, never run (write numbers, strings, True/False, lists and OrderedDict([...]))")
            }
        }
    }

    /// Comma-separated values up to `closing` (a trailing comma is allowed).
    private mutating func items(closing: Unicode.Scalar) throws -> [PythonLiteral] {
        var out: [PythonLiteral] = []
        while true {
            skipBlanks(newlines: true)
            if current == closing { advance(); return out }
            out.append(try literal())
            skipBlanks(newlines: true)
            if current == "," { advance(); continue }
            guard current == closing else {
                throw fail("expected ',' or '\(Character(closing))', found \(current.map { "'\(Character($0))'" } ?? "the end of the file")")
            }
        }
    }

    private mutating func dictItems() throws -> [(PythonLiteral, PythonLiteral)] {
        var out: [(PythonLiteral, PythonLiteral)] = []
        while true {
            skipBlanks(newlines: true)
            if current == "}" { advance(); return out }
            let key = try literal()
            skipBlanks(newlines: true)
            guard current == ":" else { throw fail("expected ':' after a dict key") }
            advance()
            out.append((key, try literal()))
            skipBlanks(newlines: true)
            if current == "," { advance(); continue }
            guard current == "}" else { throw fail("expected ',' or '}' in a dict") }
        }
    }

    private mutating func string(quote: Unicode.Scalar) throws -> String {
        let startLine = line
        advance()
        var s = String.UnicodeScalarView()
        while true {
            guard let c = current, c != "\n" else {
                throw PythonLiteralError(line: startLine, message: "a string that does not end on its line")
            }
            advance()
            if c == quote { return String(s) }
            if c == "\\" {
                guard let e = current else { continue }
                advance()
                switch e {
                case "n": s.append("\n")
                case "t": s.append("\t")
                case "\\", "'", "\"": s.append(e)
                default: s.append("\\"); s.append(e)
                }
            } else {
                s.append(c)
            }
            if s.count > 10_000 { throw fail("a string longer than 10,000 characters") }
        }
    }

    private mutating func number() throws -> String {
        var s = ""
        while let c = current, c == "-" || c == "+" || c == "." || c == "e" || c == "E" || c == "_" || ("0"..."9").contains(c) {
            if c != "_" { s.unicodeScalars.append(c) }
            advance()
            if s.count > 64 { throw fail("a number longer than 64 characters") }
        }
        guard Double(s) != nil else { throw fail("'\(s)' is not a number") }
        return s
    }

    private func clipped(_ text: String) -> String { text.count > 40 ? String(text.prefix(40)) + "…" : text }
}
