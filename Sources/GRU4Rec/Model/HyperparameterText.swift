/// A hyperparameter's value as text, with the readers the table's rows use; each
/// failure names the key, the value and what was expected.
struct HyperparameterText {
    let key: String
    /// Trimmed of spaces.
    let value: String

    func invalid(_ expected: String) -> HyperparameterError {
        HyperparameterError.invalidValue(key: key, value: truncatedForMessage(value), expected: expected)
    }

    func integer(minimum: Int) throws -> Int {
        guard let v = Int(value), v >= minimum else { throw invalid("an integer >= \(minimum)") }
        return v
    }

    func number(in range: ClosedRange<Float>) throws -> Float {
        guard let v = Float(value), v.isFinite, range.contains(v) else {
            let upper = range.upperBound == .greatestFiniteMagnitude ? "inf" : formatCompact(Double(range.upperBound))
            throw invalid("a number in \(formatCompact(Double(range.lowerBound)))...\(upper)")
        }
        return v
    }

    func bool() throws -> Bool {
        switch value.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw invalid("true or false")
        }
    }
}
