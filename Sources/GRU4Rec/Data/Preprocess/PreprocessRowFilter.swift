import Foundation

/// One of `prepare`'s row filters. The list of them, in the order they apply, yields
/// both the labels of the counts table and every row's verdict: a row is dropped by
/// the first filter in the list that does not keep it.
enum PreprocessRowFilter {
    /// Drops the rows of sessions whose id matches the pattern (anywhere in the id).
    case dropSessions(matching: NSRegularExpression, pattern: String)
    /// Keeps only the rows of items whose id matches the pattern (anywhere in the id).
    case keepItems(matching: NSRegularExpression, pattern: String)
    /// Keeps the rows whose number in field `column` is at least the minimum's value.
    case minimum(PreprocessMinimum, column: Int)

    /// The filters `configuration` asks for, in the order they apply.
    /// - Parameter minimumColumns: the field index of each of `configuration.minimums`.
    static func list(_ configuration: PreprocessConfiguration, sessionPattern: NSRegularExpression?,
                     itemPattern: NSRegularExpression?, minimumColumns: [Int]) -> [PreprocessRowFilter] {
        var filters: [PreprocessRowFilter] = []
        if let sessionPattern, let text = configuration.dropSessionsMatching { filters.append(.dropSessions(matching: sessionPattern, pattern: text)) }
        if let itemPattern, let text = configuration.keepItemsMatching { filters.append(.keepItems(matching: itemPattern, pattern: text)) }
        for (minimum, column) in zip(configuration.minimums, minimumColumns) { filters.append(.minimum(minimum, column: column)) }
        return filters
    }

    /// The label in the counts table.
    var label: String {
        switch self {
        case .dropSessions(_, let pattern): return "drop sessions matching \(pattern)"
        case .keepItems(_, let pattern): return "keep items matching \(pattern)"
        case .minimum(let minimum, _): return "keep rows with \(minimum)"
        }
    }

    /// Whether the filter keeps the rows of the session `id` (true for filters that do
    /// not look at the session).
    func keeps(session id: String) -> Bool {
        if case .dropSessions(let pattern, _) = self { return !Self.matches(pattern, id) }
        return true
    }

    /// Whether the filter keeps the rows of the item `id` (true for filters that do not
    /// look at the item).
    func keeps(item id: String) -> Bool {
        if case .keepItems(let pattern, _) = self { return Self.matches(pattern, id) }
        return true
    }

    /// Whether the filter keeps `row` by its own fields (true for filters of ids). A
    /// `--min` field that is not a number is an error even on a row already dropped.
    func keeps(row: DelimitedRow) throws -> Bool {
        if case .minimum(let minimum, let column) = self { return try row.double(column) >= minimum.value }
        return true
    }

    /// The verdict of `filters` for one subject: 0 when every filter keeps it, else the
    /// 1-based position of the first that does not.
    /// Every filter is asked (so a `--min` field must be a number on every row).
    static func verdict(_ filters: [PreprocessRowFilter], _ keeps: (PreprocessRowFilter) throws -> Bool) rethrows -> UInt16 {
        var verdict: UInt16 = 0
        for (k, filter) in filters.enumerated() {
            let kept = try keeps(filter)
            if !kept && verdict == 0 { verdict = UInt16(clamping: k + 1) }
        }
        return verdict
    }

    /// The first of two verdicts (0: kept by both).
    static func first(_ a: UInt16, _ b: UInt16) -> UInt16 { a == 0 ? b : b == 0 ? a : min(a, b) }

    /// Whether `pattern` matches anywhere in `text`.
    private static func matches(_ pattern: NSRegularExpression, _ text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
