import Testing
import GRU4Rec

@Suite struct IOJSONParserTests {
    private func parse(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    private func syntaxError(_ text: String) -> JSONSyntaxError? {
        do {
            let value = try JSONParser.parse(Array(text.utf8))
            Issue.record("expected a syntax error for \(text), parsed \(value)")
        } catch let error as JSONSyntaxError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }

    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse(" false ") == .bool(false))
        #expect(try parse("0") == .integer(0))
        #expect(try parse("-17") == .integer(-17))
        #expect(try parse("9223372036854775807") == .integer(Int.max))
        #expect(try parse("1.0") == .number(1.0))
        #expect(try parse("1e2") == .number(100))
        #expect(try parse("-2.5E-1") == .number(-0.25))
        #expect(try parse("99999999999999999999") == .number(1e20))
    }

    @Test func integersAreDistinctFromBooleansAndFractions() throws {
        #expect(try parse("1") != .bool(true))
        #expect(try parse("true") != .integer(1))
        #expect(try parse("1.0") != .integer(1))
    }

    @Test func stringsAndEscapes() throws {
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try parse(#""\u00e9\u0000""#) == .string("é\u{0}"))
        #expect(try parse(#""\ud83d\ude00""#) == .string("😀"))
        #expect(try parse("\"raw é 😀\"") == .string("raw é 😀"))
    }

    @Test func containers() throws {
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([:]))
        #expect(try parse(#" { "a" : [1, 2.5, "x", null, {"b": false}] } "#)
            == .object(["a": .array([.integer(1), .number(2.5), .string("x"), .null, .object(["b": .bool(false)])])]))
    }

    @Test(arguments: [
        ("", "expected a value, found end of text"),
        ("{", "expected a quoted key"),
        ("{\"a\" 1}", "expected ':'"),
        ("{\"a\":1,}", "expected a quoted key"),
        ("{\"a\":1 \"b\":2}", "expected ',' or '}'"),
        ("[1,]", "expected a value"),
        ("[1 2]", "expected ',' or ']'"),
        ("[1", "expected ',' or ']', found end of text"),
        ("{\"a\":1,\"a\":2}", "duplicate key \"a\""),
        ("\"abc", "unterminated string"),
        ("\"a\u{01}b\"", "control character"),
        (#""\x""#, "invalid escape"),
        (#""\u12""#, "invalid hex digit"),
        (#""\u12"#, "incomplete \\u escape"),
        (#""\ud83d""#, "lone surrogate"),
        (#""\ude00""#, "lone surrogate"),
        (#""\ud83d\u0041""#, "lone surrogate"),
        ("01", "leading zeros"),
        ("-", "expected a digit"),
        ("1.", "expected a digit after '.'"),
        ("1e", "expected a digit in the exponent"),
        ("tru", "expected a value"),
        ("nul", "expected a value"),
        ("{} x", "after the end of the JSON value"),
        ("'a'", "expected a value"),
    ])
    func syntaxErrors(text: String, expected: String) {
        let error = syntaxError(text)
        #expect(error?.message.contains(expected) == true, "\(text): \(error?.message ?? "no error")")
    }

    @Test func invalidUTF8IsRejected() {
        do {
            _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22])
            Issue.record("expected an error")
        } catch let error as JSONSyntaxError {
            #expect(error.message.contains("not valid UTF-8"))
            #expect(error.offset == 0)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func errorOffsetPointsAtTheProblem() {
        #expect(syntaxError("[1, 2, x]")?.offset == 7)
        #expect(syntaxError("{\"k\":1,\"k\":2}")?.offset == 7)
    }

    @Test func nestingIsLimited() throws {
        let depth = JSONParser.maximumDepth
        #expect(try parse(String(repeating: "[", count: depth) + String(repeating: "]", count: depth)) != .null)
        let deep = String(repeating: "[", count: depth + 1) + String(repeating: "]", count: depth + 1)
        #expect(syntaxError(deep)?.message.contains("nesting deeper") == true)
        // A hostile header must not overflow the stack.
        #expect(syntaxError(String(repeating: "[", count: 100_000)) != nil)
    }
}

/// `JSONParser.parseStringArray`, the fast path for a model's item ids: the same strings
/// as `parse`, nil for other shapes, the same syntax errors.
@Suite struct JSONStringArrayTests {
    @Test(arguments: [#"[]"#, #" [ "a" , "b\"c" ,"\u00e9\ud83d\ude00", "", "tab\there" ] "#, #"["抹茶","\/"]"#])
    func sameStringsAsTheFullParser(text: String) throws {
        let bytes = Array(text.utf8)
        let fast = try bytes.withUnsafeBufferPointer { try JSONParser.parseStringArray($0) }
        guard case .array(let values) = try JSONParser.parse(Array(text.utf8)) else { Issue.record("not an array"); return }
        #expect(fast == values.map { value -> String in
            guard case .string(let s) = value else { return "?" }
            return s
        })
    }

    @Test(arguments: [#"[1]"#, #"["a", 1]"#, #"{"a":"b"}"#, #""a""#, #"["a", ["b"]]"#, "null"])
    func otherShapesAreNil(text: String) throws {
        let bytes = Array(text.utf8)
        #expect(try bytes.withUnsafeBufferPointer { try JSONParser.parseStringArray($0) } == nil)
    }

    @Test(arguments: [#"["a",]"#, #"["a""#, #"["a" "b"]"#, #"["\ud800"]"#, #"["a"] x"#, "", "[", #"["\x"]"#])
    func syntaxErrorsThrow(text: String) {
        let bytes = Array(text.utf8)
        #expect(throws: JSONSyntaxError.self) { _ = try bytes.withUnsafeBufferPointer { try JSONParser.parseStringArray($0) } }
        #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse(bytes) }
    }
}
