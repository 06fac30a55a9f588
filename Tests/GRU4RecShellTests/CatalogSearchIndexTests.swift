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

    /// Byte-wise containment, the plain way.
    static func naiveContains(_ text: [UInt8], _ query: [UInt8]) -> Bool {
        guard query.count <= text.count else { return false }
        return (0...(text.count - query.count)).contains { Array(text[$0..<$0 + query.count]) == query }
    }

    @Test func randomKeysAndTypingMatchANaiveScan() {
        // A small alphabet (so that queries hit, miss and overlap), with upper case, a
        // two-byte letter and an internal NUL; keys of 0 to 11 characters, some long.
        let alphabet: [Character] = ["a", "b", "A", "1", "2", " ", "é", "\u{0}"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        let count = 3_000
        let keys = (0..<count).map { i in
            String((0..<(i % 97 == 0 ? 60 : next(12))).map { _ in alphabet[next(alphabet.count)] })
        }
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, next(i + 1)) }
        let folded = keys.map { CatalogSearchIndex.folded($0) }
        let typed = CatalogSearchIndex(order: order) { keys[$0] }
        for _ in 0..<60 {
            // Type up to four characters, then erase some: every prefix checked on the way.
            var query = ""
            for _ in 0..<(1 + next(4)) {
                query.append(alphabet[next(alphabet.count)])
                let q = CatalogSearchIndex.folded(query)
                let expected = order.filter { Self.naiveContains(folded[$0], q) }
                #expect(typed.items(containing: q) == expected, "query \(Array(query.utf8))")
            }
            while !query.isEmpty && next(2) == 0 {
                query.removeLast()
                let q = CatalogSearchIndex.folded(query)
                let expected = q.isEmpty ? [] : order.filter { Self.naiveContains(folded[$0], q) }
                #expect(typed.items(containing: q) == expected, "erased to \(Array(query.utf8))")
            }
        }
    }
}
