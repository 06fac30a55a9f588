import Foundation

/// Short number labels for chart axes: three significant digits with a
/// k/M/G/T suffix for large values ("1.23k", "45.6M"), plain decimals in
/// between ("12.3", "0.123", "0.00123"), and "1.2e-5"-style below 0.001.
public enum CompactNumber {
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return "0" }
        let sign = value < 0 ? "-" : ""
        let rounded = roundToSignificant(abs(value), digits: 3)
        if rounded < 0.001 {
            let exponent = Int(log10(rounded).rounded(.down))
            var mantissa = (rounded / pow(10, Double(exponent)) * 10).rounded() / 10
            var e = exponent
            if mantissa >= 10 { mantissa /= 10; e += 1 }
            return sign + trim(String(format: "%.1f", mantissa)) + "e\(e)"
        }
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        if rounded >= 1e15 {
            let exponent = Int(log10(rounded).rounded(.down))
            let mantissa = (rounded / pow(10, Double(exponent)) * 10).rounded() / 10
            return sign + trim(String(format: "%.1f", mantissa)) + "e\(exponent)"
        }
        for (unit, suffix) in units where rounded >= unit {
            return sign + digits(rounded / unit) + suffix
        }
        return sign + digits(rounded)
    }

    /// `value` (> 0) rounded to `digits` significant digits.
    private static func roundToSignificant(_ value: Double, digits: Int) -> Double {
        let exponent = Int(log10(value).rounded(.down))
        let scale = pow(10, Double(exponent - digits + 1))
        return (value / scale).rounded() * scale
    }

    /// A value already rounded to 3 significant digits, printed with just
    /// enough decimals, trailing zeros removed.
    private static func digits(_ value: Double) -> String {
        let exponent = Int(log10(value).rounded(.down))
        let decimals = max(0, 2 - exponent)
        return trim(String(format: "%.\(decimals)f", value))
    }

    private static func trim(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = s
        while t.last == "0" { t.removeLast() }
        if t.last == "." { t.removeLast() }
        return t
    }
}
