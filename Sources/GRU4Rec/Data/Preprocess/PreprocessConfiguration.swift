import Foundation

/// Everything `gru4rec prepare` can be told: which columns to read, how to read times,
/// which rows to drop, how to filter and how to split.
///
/// The defaults are the reference GRU4Rec protocol: sessions of at least 2 events,
/// items with at least 5 events, filtered again and again until nothing changes; the
/// sessions that start in the last day are the test set.
public struct PreprocessConfiguration: Sendable, Equatable {
    /// The session, item and time columns of the raw file.
    public var columns = SessionColumns()
    /// A column with a readable item name (for `items.tsv`); `nil` for none.
    public var nameColumn: String?
    /// The byte between fields: TAB or `,`.
    public var separator: UInt8 = 9
    /// How the time column is written.
    public var timeFormat: PreprocessTimeFormat = .unixSeconds
    /// Rows whose session id matches this regular expression are dropped (e.g. `^C`
    /// for cancelled invoices). Searched anywhere in the id: anchor it with `^`/`$`.
    public var dropSessionsMatching: String?
    /// Only rows whose item id matches this regular expression are kept (e.g. `^[0-9]`
    /// for product codes).
    public var keepItemsMatching: String?
    /// Only rows whose numeric column is at least the value are kept, for each entry.
    public var minimums: [PreprocessMinimum] = []
    /// Remove consecutive repeats of the same item inside a session (A A B becomes A B).
    public var dedupeConsecutive = false
    /// Sessions with fewer events are removed (repeatedly, see `Preprocessor`).
    public var minSessionLength = 2
    /// Items with fewer events are removed (repeatedly).
    public var minItemSupport = 5
    /// Sessions that start in the last `testDays` days (before the latest event) are the
    /// test set.
    public var testDays: Double = 1
    /// When set, the training set is split once more the same way into `train_tr` and
    /// `valid`.
    public var validDays: Double?

    public init() {}

    /// Checks the numbers and compiles the patterns.
    /// - Throws: `PreprocessOptionError` naming the option at fault.
    func validated() throws -> (sessionPattern: NSRegularExpression?, itemPattern: NSRegularExpression?) {
        guard minSessionLength >= 1 else {
            throw PreprocessOptionError(
                option: "--min-session-length", message: "expected 1 or more, found \(minSessionLength)",
                hint: "the reference keeps sessions of length 2 or more")
        }
        guard minItemSupport >= 1 else {
            throw PreprocessOptionError(
                option: "--min-item-support", message: "expected 1 or more, found \(minItemSupport)",
                hint: "the reference keeps items with 5 or more events")
        }
        for (option, days) in [("--test-days", testDays), ("--valid-days", validDays)] {
            if let days, !(days > 0 && days.isFinite) {
                throw PreprocessOptionError(
                    option: option, message: "expected a positive number of days, found \(formatCompact(days))",
                    hint: "the reference uses 1 (RSC15) or 7 (RetailRocket, Diginetica)")
            }
        }
        return (try compile(dropSessionsMatching, option: "--drop-sessions-matching"),
                try compile(keepItemsMatching, option: "--keep-items-matching"))
    }

    private func compile(_ pattern: String?, option: String) throws -> NSRegularExpression? {
        guard let pattern else { return nil }
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw PreprocessOptionError(
                option: option, message: "'\(pattern)' is not a valid regular expression",
                hint: "the syntax is ICU's (as in NSRegularExpression), e.g. ^C or ^[0-9]; quote it for the shell")
        }
    }
}

/// A `--min COL=VALUE` filter: keep rows whose numeric column `column` is at least
/// `value`.
public struct PreprocessMinimum: Sendable, Equatable, CustomStringConvertible {
    /// The column name in the raw file's header.
    public var column: String
    /// The smallest value kept.
    public var value: Double

    public init(column: String, value: Double) {
        self.column = column
        self.value = value
    }

    /// Parses `COL=VALUE`, e.g. `Quantity=1`.
    /// - Throws: `PreprocessOptionError` when there is no `=`, no column or no number.
    public init(parsing text: String) throws {
        guard let equals = text.lastIndex(of: "=") else {
            throw PreprocessOptionError(
                option: "--min", message: "expected COLUMN=VALUE, found '\(text)'",
                hint: "e.g. --min Quantity=1 keeps rows whose Quantity is 1 or more")
        }
        let column = String(text[..<equals])
        let number = String(text[text.index(after: equals)...])
        let value = Array(number.utf8).withUnsafeBufferPointer { parseDouble($0) }
        guard !column.isEmpty, let value else {
            throw PreprocessOptionError(
                option: "--min",
                message: column.isEmpty ? "no column name before '=' in '\(text)'"
                    : "expected a number after '=', found '\(number)'",
                hint: "e.g. --min Quantity=1 keeps rows whose Quantity is 1 or more")
        }
        self.init(column: column, value: value)
    }

    /// `COL >= VALUE`.
    public var description: String { "\(column) >= \(formatCompact(value))" }
}
