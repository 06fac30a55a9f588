/// How the time column of a raw event file is written, for `gru4rec prepare`.
///
/// Every form is turned into unix seconds (UTC), the time unit of GRU4Rec session files.
///
/// - `unix`: unix seconds, a decimal number (fractions allowed), e.g. `1396437466.94`.
/// - `unix-ms`: unix milliseconds, e.g. `1396437466940`.
/// - a pattern in the style of `strptime`, read as UTC, e.g. `%Y-%m-%d %H:%M` for
///   `2010-12-01 08:26`. Directives:
///
///   | directive | reads |
///   |---|---|
///   | `%Y` | year, 1 to 4 digits |
///   | `%y` | year, 2 digits: 69-99 are 1969-1999, 00-68 are 2000-2068 |
///   | `%m` | month, 1 or 2 digits |
///   | `%b` `%B` `%h` | English month name, full or first three letters, any case |
///   | `%d` `%e` | day of the month, 1 or 2 digits |
///   | `%H` | hour 0-23, 1 or 2 digits |
///   | `%I` `%p` | hour 1-12 and AM/PM |
///   | `%M` | minute, 1 or 2 digits |
///   | `%S` | second, 1 or 2 digits |
///   | `%f` | fraction of a second, 1 to 9 digits (after a literal `.`) |
///   | `%z` | UTC offset: `Z`, `+hh`, `+hhmm` or `+hh:mm` |
///   | `%F` `%T` | `%Y-%m-%d` and `%H:%M:%S` |
///   | `%%` | a literal `%` |
///
///   Any other character must appear as written, except that a space matches any run of
///   spaces (also none), as in `strptime`. Spaces around the whole field are ignored.
///   The whole field must be read: trailing text is an error.
public enum PreprocessTimeFormat: Sendable, Equatable, CustomStringConvertible {
    /// Unix seconds.
    case unixSeconds
    /// Unix milliseconds.
    case unixMilliseconds
    /// A `strptime`-style pattern, read as UTC.
    case pattern(String)

    /// Parses the `--time-format` option: `unix`, `unix-ms` or a pattern with at least one
    /// `%` directive.
    /// - Throws: `PreprocessOptionError` for an unknown directive or a text that is
    ///   neither a known name nor a pattern.
    public init(parsing text: String) throws {
        switch text {
        case "unix", "unix-s", "s", "seconds": self = .unixSeconds
        case "unix-ms", "ms", "milliseconds": self = .unixMilliseconds
        default:
            guard text.contains("%") else {
                throw PreprocessOptionError(
                    option: "--time-format",
                    message: "expected unix, unix-ms or a pattern such as '%Y-%m-%d %H:%M', found '\(text)'",
                    hint: "a pattern names its fields with % directives: %Y %m %d %H %M %S (see --help)")
            }
            _ = try TimePattern(text)
            self = .pattern(text)
        }
    }

    /// `unix`, `unix-ms` or the pattern, as the user would write it.
    public var description: String {
        switch self {
        case .unixSeconds: return "unix"
        case .unixMilliseconds: return "unix-ms"
        case .pattern(let text): return text
        }
    }

    /// Unix seconds for `text` in this format, or `nil` when it is not in the format.
    /// - Throws: `PreprocessOptionError` for a bad pattern.
    package func parse(_ text: String) throws -> Double? {
        let parser = try makeParser()
        return Array(text.utf8).withUnsafeBufferPointer { parser.parse($0) }
    }

    /// The `--time-format` that reads `text`, if one of the usual ones does.
    package static func suggestion(for text: String) -> String? {
        Array(text.utf8).withUnsafeBufferPointer { suggestion(for: $0) }
    }

    /// What a field in this format looks like, for error messages.
    var expectation: String {
        switch self {
        case .unixSeconds: return "unix seconds (a number such as 1291191960)"
        case .unixMilliseconds: return "unix milliseconds (a number such as 1291191960000)"
        case .pattern(let text): return "a time in the format '\(text)'"
        }
    }

    /// A parser for this format.
    /// - Throws: `PreprocessOptionError` for a bad pattern (already checked by
    ///   `init(parsing:)`).
    func makeParser() throws -> TimeParser {
        switch self {
        case .unixSeconds: return TimeParser(pattern: nil, divisor: 1)
        case .unixMilliseconds: return TimeParser(pattern: nil, divisor: 1000)
        case .pattern(let text): return TimeParser(pattern: try TimePattern(text), divisor: 1)
        }
    }

    /// Common patterns tried when a time cannot be read, to suggest a `--time-format`.
    static let commonPatterns = [
        "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S",
        "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M",
    ]

    /// The `--time-format` that reads `field`, if one of the usual ones does.
    static func suggestion(for field: UnsafeBufferPointer<UInt8>) -> String? {
        if parseDouble(field) != nil { return "unix" }
        for text in commonPatterns {
            if let pattern = try? TimePattern(text), pattern.parse(field) != nil { return text }
        }
        return nil
    }
}

/// A problem with an option of `gru4rec prepare` (a bad regular expression, a bad
/// `--min`, a bad time pattern), found before any data is read.
public struct PreprocessOptionError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The option, e.g. `--time-format`.
    public var option: String
    /// What was expected and what was found.
    public var message: String
    /// What to do about it, if there is something useful to say.
    public var hint: String?

    public init(option: String, message: String, hint: String? = nil) {
        self.option = option
        self.message = message
        self.hint = hint
    }

    /// `OPTION: message`, then `  hint: ...` on a second line.
    public var description: String {
        "\(option): \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
    }
}

/// Reads one time field as unix seconds: a number divided by `divisor` (correctly
/// rounded: 1396437466940 ms is 1396437466.94 s), or a pattern.
struct TimeParser {
    let pattern: TimePattern?
    let divisor: Double

    /// Unix seconds, or `nil` when the field is not in the format.
    func parse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        if let pattern { return pattern.parse(field) }
        guard let value = parseDouble(field) else { return nil }
        return divisor == 1 ? value : value / divisor
    }
}

/// A compiled `strptime`-style pattern (see `PreprocessTimeFormat`).
struct TimePattern {
    /// One step of the pattern.
    enum Token: Equatable {
        /// A byte that must appear as written.
        case literal(UInt8)
        /// Any run of spaces, also none.
        case spaces
        /// A number of `minDigits...maxDigits` digits stored in `field`.
        case number(Field, minDigits: Int, maxDigits: Int)
        /// An English month name (full or three letters).
        case monthName
        /// AM or PM.
        case amPM
        /// A UTC offset.
        case zone
    }

    /// The numeric fields a pattern can fill.
    enum Field: Int { case year, year2, month, day, hour, hour12, minute, second, fraction }

    let tokens: [Token]
    let text: String

    /// Compiles `text`.
    /// - Throws: `PreprocessOptionError` for an unknown directive or a `%` at the end.
    init(_ text: String) throws {
        self.text = text
        var tokens: [Token] = []
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            i += 1
            if byte == UInt8(ascii: " ") {
                if tokens.last != .spaces { tokens.append(.spaces) }
                continue
            }
            guard byte == UInt8(ascii: "%") else {
                tokens.append(.literal(byte))
                continue
            }
            guard i < bytes.count else {
                throw PreprocessOptionError(
                    option: "--time-format", message: "the pattern '\(text)' ends with a lone %",
                    hint: "write %% for a literal percent sign")
            }
            let directive = bytes[i]
            i += 1
            switch directive {
            case UInt8(ascii: "Y"): tokens.append(.number(.year, minDigits: 1, maxDigits: 4))
            case UInt8(ascii: "y"): tokens.append(.number(.year2, minDigits: 2, maxDigits: 2))
            case UInt8(ascii: "m"): tokens.append(.number(.month, minDigits: 1, maxDigits: 2))
            case UInt8(ascii: "d"), UInt8(ascii: "e"): tokens.append(.number(.day, minDigits: 1, maxDigits: 2))
            case UInt8(ascii: "H"): tokens.append(.number(.hour, minDigits: 1, maxDigits: 2))
            case UInt8(ascii: "I"): tokens.append(.number(.hour12, minDigits: 1, maxDigits: 2))
            case UInt8(ascii: "M"): tokens.append(.number(.minute, minDigits: 1, maxDigits: 2))
            case UInt8(ascii: "S"): tokens.append(.number(.second, minDigits: 1, maxDigits: 2))
            case UInt8(ascii: "f"): tokens.append(.number(.fraction, minDigits: 1, maxDigits: 9))
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "h"): tokens.append(.monthName)
            case UInt8(ascii: "p"): tokens.append(.amPM)
            case UInt8(ascii: "z"): tokens.append(.zone)
            case UInt8(ascii: "F"):
                tokens += [.number(.year, minDigits: 1, maxDigits: 4), .literal(UInt8(ascii: "-")),
                           .number(.month, minDigits: 1, maxDigits: 2), .literal(UInt8(ascii: "-")),
                           .number(.day, minDigits: 1, maxDigits: 2)]
            case UInt8(ascii: "T"):
                tokens += [.number(.hour, minDigits: 1, maxDigits: 2), .literal(UInt8(ascii: ":")),
                           .number(.minute, minDigits: 1, maxDigits: 2), .literal(UInt8(ascii: ":")),
                           .number(.second, minDigits: 1, maxDigits: 2)]
            case UInt8(ascii: "%"): tokens.append(.literal(UInt8(ascii: "%")))
            default:
                throw PreprocessOptionError(
                    option: "--time-format",
                    message: "unknown directive %\(String(UnicodeScalar(directive))) in '\(text)'",
                    hint: "use %Y %y %m %b %d %H %I %p %M %S %f %z %F %T or %% (see gru4rec prepare --help)")
            }
        }
        if tokens.contains(.amPM) != tokens.contains(.number(.hour12, minDigits: 1, maxDigits: 2)) {
            throw PreprocessOptionError(
                option: "--time-format", message: "'\(text)' uses %I without %p or %p without %I",
                hint: "12-hour times need both: %I:%M %p; use %H for 24-hour times")
        }
        self.tokens = tokens
    }

    private static let monthNames: [[UInt8]] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ].map { Array($0.utf8) }

    /// Unix seconds (UTC) for `field`, or `nil` when it does not match or names no real
    /// date (month 13, 31 April, hour 24, ...).
    func parse(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var i = 0
        var n = field.count
        while i < n && field[i] == 0x20 { i += 1 }
        while n > i && field[n - 1] == 0x20 { n -= 1 }
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var pm: Bool?
        var offset = 0
        for token in tokens {
            switch token {
            case .literal(let byte):
                guard i < n && field[i] == byte else { return nil }
                i += 1
            case .spaces:
                while i < n && field[i] == 0x20 { i += 1 }
            case .number(let which, let minDigits, let maxDigits):
                var value = 0
                var digits = 0
                var scale = 1.0
                while i < n && digits < maxDigits && field[i] >= 0x30 && field[i] <= 0x39 {
                    value = value * 10 + Int(field[i] - 0x30)
                    scale *= 10
                    digits += 1
                    i += 1
                }
                guard digits >= minDigits else { return nil }
                switch which {
                case .year: year = value
                case .year2: year = value < 69 ? 2000 + value : 1900 + value
                case .month: month = value
                case .day: day = value
                case .hour, .hour12: hour = value
                case .minute: minute = value
                case .second: second = value
                case .fraction: fraction = Double(value) / scale
                }
                // A %f may carry more digits than it keeps: skip them.
                if which == .fraction { while i < n && field[i] >= 0x30 && field[i] <= 0x39 { i += 1 } }
            case .monthName:
                var matched = false
                for (k, name) in Self.monthNames.enumerated() {
                    if let length = matchWord(field, i, n, name) {
                        month = k + 1
                        i += length
                        matched = true
                        break
                    }
                }
                guard matched else { return nil }
            case .amPM:
                guard i + 1 < n, field[i + 1] | 0x20 == UInt8(ascii: "m") else { return nil }
                switch field[i] | 0x20 {
                case UInt8(ascii: "a"): pm = false
                case UInt8(ascii: "p"): pm = true
                default: return nil
                }
                i += 2
            case .zone:
                guard i < n else { return nil }
                if field[i] == UInt8(ascii: "Z") {
                    i += 1
                    continue
                }
                guard field[i] == UInt8(ascii: "+") || field[i] == UInt8(ascii: "-") else { return nil }
                let sign = field[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let hours = twoDigits(field, i, n), hours <= 23 else { return nil }
                i += 2
                if i < n && field[i] == UInt8(ascii: ":") { i += 1 }
                var minutes = 0
                if let m = twoDigits(field, i, n) {
                    guard m <= 59 else { return nil }
                    minutes = m
                    i += 2
                }
                offset = sign * (hours * 3600 + minutes * 60)
            }
        }
        guard i == n else { return nil }
        if let pm {
            guard hour >= 1 && hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard month >= 1 && month <= 12, day >= 1 && day <= daysInMonth(year: year, month: month),
              hour <= 23, minute <= 59, second <= 60
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Double(seconds) + fraction
    }

    /// The length of the month name `name` (lowercase) at `field[i...]`, full or as its
    /// first three letters, case-insensitive; `nil` if it is not there.
    private func matchWord(_ field: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int, _ name: [UInt8]) -> Int? {
        var k = 0
        while k < name.count && i + k < n && field[i + k] | 0x20 == name[k] { k += 1 }
        if k == name.count { return k }
        if k >= 3 { return 3 }
        return nil
    }

    private func twoDigits(_ field: UnsafeBufferPointer<UInt8>, _ i: Int, _ n: Int) -> Int? {
        guard i + 1 < n else { return nil }
        let a = Int(field[i]) - 0x30, b = Int(field[i + 1]) - 0x30
        guard a >= 0 && a <= 9 && b >= 0 && b <= 9 else { return nil }
        return a * 10 + b
    }
}

/// Whether `year` is a leap year in the proleptic Gregorian calendar.
func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

/// The number of days in `month` (1-12) of `year`.
func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let shiftedMonth = (month + 9) % 12  // March = 0
    let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146097 + dayOfEra - 719468
}

/// The date of a day number since 1970-01-01 (H. Hinnant's `civil_from_days`).
func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let z = days + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let dayOfEra = z - era * 146097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let shiftedMonth = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
    let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
    return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// Unix seconds as `YYYY-MM-DD HH:MM` (UTC), for reports.
public func formatUTCMinute(_ seconds: Double) -> String {
    guard seconds.isFinite, abs(seconds) < 1e14 else { return "?" }
    let whole = Int(seconds.rounded(.down))
    let days = whole >= 0 ? whole / 86400 : (whole - 86399) / 86400
    let inDay = whole - days * 86400
    let (y, m, d) = civilFromDays(days)
    func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(y)-\(two(m))-\(two(d)) \(two(inDay / 3600)):\(two(inDay % 3600 / 60))"
}
