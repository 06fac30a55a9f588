@testable import GRU4RecShell
import Testing

/// The catalog filter's index against the plain definition: the items whose
/// lower-cased "name id" contains the lower-cased query, in display order.
@Suite struct CatalogSearchIndexTests {
    static let keys = ["Red Mug r1", "blue mug B2", "Mug rack m3", "Teapot t4", "Crème brûlée c5", "Ünïcode Ü6", "mu", "g r7"]
    /// Display order: not the index order.
    static let order = [3, 0, 7, 1, 6, 2, 5, 4]
    /// A fresh index per use (an index keeps the results of the queries typed into it).
    static var index: CatalogSearchIndex { CatalogSearchIndex(order: order) { keys[$0] } }

    static func expected(_ query: String) -> [Int] {
        order.filter { keys[$0].lowercased().contains(query.lowercased()) }
    }

    @Test(arguments: ["mu", "MUG", "g r", "r", "7", "b2", "rack m3", "crème", "BRÛLÉE", "ü", "ünïcode ü6", "t4", "zz", "mug rack m3x"])
    func matchesLikeFoldedContainsInDisplayOrder(query: String) {
        #expect(Self.index.items(containing: CatalogSearchIndex.folded(query)) == Self.expected(query))
    }

    @Test func aMatchNeverJoinsTwoKeys() {
        // "t4" ends one key and "Red" starts the next in display order: "t4\0red" is no match,
        // and neither is text across the boundary without the NUL.
        #expect(Self.index.items(containing: CatalogSearchIndex.folded("t4red")).isEmpty)
        #expect(Self.index.items(containing: CatalogSearchIndex.folded("t4") + [0] + CatalogSearchIndex.folded("red")).isEmpty)
        #expect(Self.index.items(containing: [0]).isEmpty)
    }

    @Test func longerThanEveryKeyOrEmptyMatchesNothing() {
        #expect(Self.index.items(containing: []).isEmpty)
        #expect(Self.index.items(containing: CatalogSearchIndex.folded(String(repeating: "m", count: 40))).isEmpty)
    }

    @Test func decomposedTextMatchesComposedText() {
        // "e" + combining acute accent finds the precomposed "é" of "brûlée".
        #expect(Self.index.items(containing: CatalogSearchIndex.folded("brûle\u{301}e")) == [4])
    }

    @Test func aNumericCatalogMatchesEveryIdHoldingTheDigits() {
        let ids = (0..<5000).map(String.init)
        let order = Array((0..<5000).reversed())
        let index = CatalogSearchIndex(order: order) { ids[$0] + " " + ids[$0] }
        #expect(index.items(containing: CatalogSearchIndex.folded("12")) == order.filter { (ids[$0] + " " + ids[$0]).contains("12") })
        #expect(index.items(containing: CatalogSearchIndex.folded("4999 4999")) == [4999])
    }

    @Test func typingNarrowsAndBackspaceReturnsTheSameResultsAsAFreshSearch() {
        let ids = (0..<3000).map(String.init)
        let order = Array((0..<3000).reversed())
        let typed = CatalogSearchIndex(order: order) { ids[$0] }
        for query in ["1", "12", "123", "12", "1", "10", "2", "29", "299", "2990", "29", "9", "99 ", "9"] {
            let expected = order.filter { ids[$0].contains(query) }
            #expect(typed.items(containing: CatalogSearchIndex.folded(query)) == expected, "query \(query)")
            #expect(CatalogSearchIndex(order: order) { ids[$0] }.items(containing: CatalogSearchIndex.folded(query)) == expected)
        }
    }
}
