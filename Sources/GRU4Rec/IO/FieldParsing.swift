// Number parsing straight from field bytes, without creating a String per field.

/// Parses a decimal integer: optional sign and digits, surrounded by optional spaces.
/// Returns `nil` for anything else, including an empty field and overflow.
package func parseInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
    var i = 0
    var n = bytes.count
    while i < n && bytes[i] == 0x20 { i += 1 }
    while n > i && bytes[n - 1] == 0x20 { n -= 1 }
    guard i < n else { return nil }
    var negative = false
    if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
        guard i < n else { return nil }
    }
    // Accumulate negatively so Int.min parses too.
    var value = 0
    while i < n {
        let digit = Int(bytes[i]) &- 0x30
        guard digit >= 0 && digit <= 9 else { return nil }
        let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (next, overflow2) = times10.subtractingReportingOverflow(digit)
        guard !overflow1 && !overflow2 else { return nil }
        value = next
        i += 1
    }
    if negative { return value }
    let (positive, overflow) = (0).subtractingReportingOverflow(value)
    return overflow ? nil : positive
}

/// Exact powers of ten representable in `Double`.
private let exactPowersOfTen: [Double] = (0...22).map { exponent in
    var value = 1.0
    for _ in 0..<exponent { value *= 10 }
    return value
}

/// Parses a decimal number such as `12`, `-0.5`, `.5`, `5.`, `1e-3` or `1396437466.94`,
/// surrounded by optional spaces, correctly rounded to the nearest `Double`. Returns
/// `nil` for anything else: an empty field, `nan`, `inf`, hexadecimal, stray characters,
/// and numbers too large for a `Double`.
package func parseDouble(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
    var i = 0
    var n = bytes.count
    while i < n && bytes[i] == 0x20 { i += 1 }
    while n > i && bytes[n - 1] == 0x20 { n -= 1 }
    let textStart = i
    guard i < n else { return nil }
    var negative = false
    if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
        negative = bytes[i] == UInt8(ascii: "-")
        i += 1
    }
    // Mantissa digits, as an integer with a decimal exponent.
    var mantissa: UInt64 = 0
    var significantDigits = 0
    var decimalExponent = 0
    var digitCount = 0
    func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    while i < n && isDigit(bytes[i]) {
        let digit = UInt64(bytes[i] - 0x30)
        if mantissa != 0 || digit != 0 {
            if significantDigits < 19 { mantissa = mantissa * 10 + digit } else { decimalExponent += 1 }
            significantDigits += 1
        }
        digitCount += 1
        i += 1
    }
    if i < n && bytes[i] == UInt8(ascii: ".") {
        i += 1
        while i < n && isDigit(bytes[i]) {
            let digit = UInt64(bytes[i] - 0x30)
            if mantissa != 0 || digit != 0 {
                if significantDigits < 19 {
                    mantissa = mantissa * 10 + digit
                    decimalExponent -= 1
                }
                significantDigits += 1
            } else {
                decimalExponent -= 1
            }
            digitCount += 1
            i += 1
        }
    }
    guard digitCount > 0 else { return nil }
    if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
        i += 1
        var exponentNegative = false
        if i < n && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            exponentNegative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var exponent = 0
        var exponentDigits = 0
        while i < n && isDigit(bytes[i]) {
            if exponent < 100_000 { exponent = exponent * 10 + Int(bytes[i] - 0x30) }
            exponentDigits += 1
            i += 1
        }
        guard exponentDigits > 0 else { return nil }
        decimalExponent += exponentNegative ? -exponent : exponent
    }
    guard i == n else { return nil }

    // Fast path (Clinger): the mantissa and the power of ten are both exact doubles, so
    // one multiplication or division rounds correctly.
    if significantDigits <= 15 && decimalExponent >= -22 && decimalExponent <= 22 {
        var value = Double(mantissa)
        if decimalExponent >= 0 {
            value *= exactPowersOfTen[decimalExponent]
        } else {
            value /= exactPowersOfTen[-decimalExponent]
        }
        return negative ? -value : value
    }
    // Rare: many digits or a large exponent. The grammar is checked, so the standard
    // library's correctly rounded parser sees only plain decimal text.
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[textStart..<n]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else { return nil }
    return value
}
