import Foundation
import Testing
@testable import GRU4Rec

/// `prepare`'s row filters: one list gives the labels and the verdicts, in step.
struct PreprocessRowFilterTests {
    static func filters() throws -> [PreprocessRowFilter] {
        var configuration = PreprocessConfiguration()
        configuration.dropSessionsMatching = "^C"
        configuration.keepItemsMatching = "^[0-9]"
        configuration.minimums = [PreprocessMinimum(column: "Quantity", value: 1), PreprocessMinimum(column: "Price", value: 0.5)]
        let patterns = try configuration.validated()
        return PreprocessRowFilter.list(configuration, sessionPattern: patterns.sessionPattern, itemPattern: patterns.itemPattern,
                                        minimumColumns: [3, 5])
    }

    @Test("labels in the order the filters apply")
    func labels() throws {
        #expect(try Self.filters().map(\.label) == ["drop sessions matching ^C", "keep items matching ^[0-9]",
                                                    "keep rows with Quantity >= 1", "keep rows with Price >= 0.5"])
    }

    @Test("a verdict is the position of the first filter that does not keep: sessions drop on a match, items keep on one")
    func verdicts() throws {
        let filters = try Self.filters()
        #expect(PreprocessRowFilter.verdict(filters) { $0.keeps(session: "C1002") } == 1)
        #expect(PreprocessRowFilter.verdict(filters) { $0.keeps(session: "1002") } == 0)
        #expect(PreprocessRowFilter.verdict(filters) { $0.keeps(item: "POST") } == 2)
        #expect(PreprocessRowFilter.verdict(filters) { $0.keeps(item: "85123A") } == 0)
        // Every filter is asked, the first refusal wins.
        var asked = 0
        #expect(PreprocessRowFilter.verdict(filters) { _ in asked += 1; return asked < 3 } == 3)
        #expect(asked == 4)
        #expect(PreprocessRowFilter.first(0, 4) == 4 && PreprocessRowFilter.first(2, 0) == 2 && PreprocessRowFilter.first(3, 2) == 2)
        #expect(PreprocessRowFilter.first(0, 0) == 0)
    }
}
