/// A hyperparameter's value with its type, as the model file writes it.
public enum HyperparameterValue: Equatable, Sendable {
    case integer(Int)
    case number(Float)
    case bool(Bool)
    case text(String)
    /// Layer sizes.
    case integers([Int])

    /// The form ``Hyperparameters/set(_:to:)`` reads back exactly (floats in
    /// their shortest round-trip form; layers as `100/100`).
    var exactText: String {
        switch self {
        case .integer(let v): return String(v)
        case .number(let v): return v.description
        case .bool(let v): return v ? "true" : "false"
        case .text(let v): return v
        case .integers(let v): return v.map(String.init).joined(separator: "/")
        }
    }

    /// The JSON text of the value: numbers as numbers, booleans as booleans.
    var jsonText: String {
        switch self {
        case .integer(let v): return String(v)
        case .number(let v): return v.description  // finite: validated by `set`
        case .bool(let v): return v ? "true" : "false"
        case .text(let v): return jsonString(v)
        case .integers(let v): return "[" + v.map(String.init).joined(separator: ",") + "]"
        }
    }

    /// A JSON-compatible value for `JSONSerialization` (floats through their
    /// shortest decimal form, so 0.2 prints as 0.2, not 0.20000000298).
    public var foundationValue: Any {
        switch self {
        case .integer(let v): return v
        case .number(let v): return Double(v.description) ?? Double(v)
        case .bool(let v): return v
        case .text(let v): return v
        case .integers(let v): return v
        }
    }
}

extension Hyperparameters {
    /// The JSON object the model file stores (format version 1 and later):
    /// `{"layers":[100],"loss":"cross-entropy","batch_size":32,"constrained_embedding":true,...}`.
    public var jsonText: String {
        "{" + typedValues.map { jsonString($0.0) + ":" + $0.1.jsonText }.joined(separator: ",") + "}"
    }

    /// Reads hyperparameters from a model file's JSON object: typed values
    /// (numbers, booleans, arrays) as written now, or the strings that
    /// earlier versions wrote.
    init(json: [String: JSONValue]) throws {
        var text: [String: String] = [:]
        for (key, value) in json { text[key] = try Self.text(of: value, key: key) }
        try self.init(dictionary: text)
    }

    /// A JSON value as the text ``set(_:to:)`` reads: strings as they are,
    /// numbers in their shortest form (a float's own text), booleans as
    /// `true`/`false`, arrays of integers as `100/100`.
    package static func text(of value: JSONValue, key: String) throws -> String {
        switch value {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return d.description
        case .bool(let b): return b ? "true" : "false"
        case .array(let items):
            return try items.map { item -> String in
                guard case .integer(let i) = item else {
                    throw HyperparameterError.invalidValue(key: key, value: "[...]", expected: "an array of integers")
                }
                return String(i)
            }.joined(separator: "/")
        case .null, .object:
            throw HyperparameterError.invalidValue(key: key, value: value.kindDescription, expected: "a number, a boolean, a string or an array")
        }
    }
}
