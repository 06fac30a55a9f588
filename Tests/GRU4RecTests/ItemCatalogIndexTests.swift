import Testing
@testable import GRU4Rec

/// `ItemCatalog(distinctIDs:)`, the bulk-built sorted index of a model's ids: the same
/// lookups as the dictionary built id by id, duplicates found, ids compared as bytes.
@Suite struct ItemCatalogIndexTests {
    static let ids: [String] = {
        var ids = (0..<5000).map { "item-\($0 * 7919 % 100_003)" }
        ids += ["", "café", "cafe\u{301}", "抹茶", "😀", "a\tb", "A", "a", String(repeating: "x", count: 300)]
        return ids
    }()

    @Test func lookupsAgreeWithTheDictionaryCatalog() throws {
        let bulk = try ItemCatalog(distinctIDs: Self.ids)
        let oneByOne = ItemCatalog(ids: Self.ids)
        #expect(bulk == oneByOne)
        for (i, id) in Self.ids.enumerated() { #expect(bulk.index(of: id) == i) }
        // Precomposed and decomposed "café" are two items.
        #expect(bulk.index(of: "café") != bulk.index(of: "cafe\u{301}"))
        for missing in ["item-100003", "cafe", "b", "x", "item-", "😀😀"] {
            #expect(bulk.index(of: missing) == nil && oneByOne.index(of: missing) == nil)
        }
    }

    @Test(arguments: [["a", "b", "a"], ["x", "café", "cafe", "café"], ["", ""], Array(ids) + ["item-0"]])
    func aDuplicateIsNamed(ids: [String]) {
        #expect(throws: ItemCatalog.DuplicateID.self) { _ = try ItemCatalog(distinctIDs: ids) }
        do {
            _ = try ItemCatalog(distinctIDs: ids)
        } catch let error as ItemCatalog.DuplicateID {
            #expect(ids.filter { ExactKey($0) == ExactKey(error.id) }.count == 2)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func insertingAfterABulkBuildKeepsEveryIndex() throws {
        var catalog = try ItemCatalog(distinctIDs: Self.ids)
        #expect(catalog.insert("item-0") == Self.ids.firstIndex(of: "item-0"))
        #expect(catalog.count == Self.ids.count)
        let added = catalog.insert("new item")
        #expect(added == Self.ids.count)
        #expect(catalog.insert("new item") == added)
        for (i, id) in Self.ids.enumerated() { #expect(catalog.index(of: id) == i) }
        #expect(catalog.index(of: "new item") == added)
    }

    @Test func emptyAndSingleCatalogs() throws {
        #expect(try ItemCatalog(distinctIDs: []).index(of: "a") == nil)
        let one = try ItemCatalog(distinctIDs: ["a"])
        #expect(one.index(of: "a") == 0 && one.index(of: "b") == nil)
    }
}

/// The index when hashes collide (a hostile file's ids): still exact, duplicates still found.
@Suite struct SortedIDIndexCollisionTests {
    @Test(arguments: [1, 2, 9, 500])
    func everyIdWithTheSameHash(count: Int) {
        let ids = (0..<count).map { "id\($0)" }
        var duplicate: String?
        let index = SortedIDIndex(ids, duplicate: &duplicate, hash: { _ in 42 })
        #expect(duplicate == nil)
        for (i, id) in ids.enumerated() { #expect(index.index(of: id, in: ids) == i) }
        #expect(index.index(of: "nope", in: ids) == nil)
        var twice: String?
        _ = SortedIDIndex(ids + ["id\(count / 2)"], duplicate: &twice, hash: { _ in 42 })
        #expect(twice == "id\(count / 2)")
        // Two hash values, interleaved.
        var none: String?
        let split = SortedIDIndex(ids, duplicate: &none, hash: { UInt32($0.utf8.count % 2) })
        #expect(none == nil)
        for (i, id) in ids.enumerated() { #expect(split.index(of: id, in: ids) == i) }
    }
}
