/// The condition of `replay filter`: one or more comparisons, all of which a
/// session must meet to stay in the Replay view's ranked list.
///
/// Grammar (spaces around operators allowed, conditions separated by
/// spaces, commas or `and`):
///
///     filter     := condition ( ("," | "and" | " ") condition )*
///     condition  := field operator number
///     field      := "length" | "events" | "mrr"
///     operator   := ">=" | "<=" | ">" | "<" | "=" | "==" | "!="
///
/// `length` is the session's number of events, `events` its evaluated
/// targets (length - 1 unless items were dropped), `mrr` its MRR@K.
/// Examples: `length>=5`, `length >= 5 and mrr < 0.1`, `events=1`.
public struct SessionFilter: Equatable, Sendable, CustomStringConvertible {
    public enum Field: String, CaseIterable, Sendable { case length, events, mrr }
    public enum Operator: String, CaseIterable, Sendable {
        case greaterOrEqual = ">=", lessOrEqual = "<=", notEqual = "!=", equalTwice = "==", greater = ">", less = "<", equal = "="
    }

    public struct Condition: Equatable, Sendable {
        public var field: Field
        public var op: Operator
        public var value: Double

        func holds(_ x: Double) -> Bool {
            switch op {
            case .greaterOrEqual: return x >= value
            case .lessOrEqual: return x <= value
            case .greater: return x > value
            case .less: return x < value
            case .equal, .equalTwice: return x == value
            case .notEqual: return x != value
            }
        }
    }

    public var conditions: [Condition]

    /// Parses the grammar above; the error says what was not understood.
    public static func parse(_ text: String) -> Result<SessionFilter, ShellFailure> {
        var rest = Substring(text.lowercased())
        var conditions: [Condition] = []
        func skipSeparators() {
            while true {
                rest = rest.drop { $0 == " " || $0 == "," }
                if rest.hasPrefix("and ") { rest = rest.dropFirst(4) } else { return }
            }
        }
        skipSeparators()
        while !rest.isEmpty {
            guard let field = Field.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
                return .failure(failure("'\(CommandTable.shortened(String(rest)))' does not start with length, events or mrr"))
            }
            rest = rest.dropFirst(field.rawValue.count).drop { $0 == " " }
            guard let op = Operator.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
                return .failure(failure("\(field.rawValue) needs a comparison (>=, <=, >, <, =, !=)"))
            }
            rest = rest.dropFirst(op.rawValue.count).drop { $0 == " " }
            let number = rest.prefix { $0.isNumber || $0 == "." || $0 == "-" }
            guard let value = Double(number), value.isFinite else {
                return .failure(failure("\(field.rawValue) \(op.rawValue) needs a number"))
            }
            rest = rest.dropFirst(number.count)
            conditions.append(Condition(field: field, op: op, value: value))
            guard rest.isEmpty || rest.first == " " || rest.first == "," else {
                return .failure(failure("unexpected '\(CommandTable.shortened(String(rest)))' after \(field.rawValue) \(op.rawValue) \(number)"))
            }
            skipSeparators()
        }
        guard !conditions.isEmpty else { return .failure(failure("replay filter needs a condition")) }
        return .success(SessionFilter(conditions: conditions))
    }

    static let hint = "e.g. replay filter length>=5, or length>=5 and mrr<0.1; replay filter off shows all"

    private static func failure(_ message: String) -> ShellFailure { ShellFailure(message, hint: hint) }

    func admits(_ score: SessionScore) -> Bool {
        conditions.allSatisfy { c in
            switch c.field {
            case .length: return c.holds(Double(score.length))
            case .events: return c.holds(Double(score.events))
            case .mrr: return c.holds(score.mrr)
            }
        }
    }

    public var description: String {
        conditions.map { c in
            let v = c.value == c.value.rounded() && abs(c.value) < 1e9 ? String(Int(c.value)) : String(c.value)
            return c.field.rawValue + c.op.rawValue + v
        }.joined(separator: " and ")
    }
}
