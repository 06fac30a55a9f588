/// The item index: item ids (strings) in index order and the reverse lookup.
///
/// Built from training data in order of first appearance, reading the file top
/// to bottom (as the reference does, before it sorts anything). Ids are compared as
/// bytes (``ExactKey``, through ``IdTable``): two ids that differ in the file stay two
/// items, even when Unicode calls them equivalent (precomposed and decomposed "café").
public struct ItemCatalog: Equatable, Sendable {
    /// Catalogs built id by id: the interning table.
    private var table = IdTable()
    /// Large catalogs opened from a model file (``init(distinctIDs:)``): the ids and a
    /// sorted index of their hashes, turned into ``table`` by the first ``insert(_:)``.
    private var distinctIDs: [String]?
    private var sortedIndex: SortedIDIndex?

    public init(ids: [String]) {
        table.reserveCapacity(ids.count)
        for id in ids { _ = insert(id) }
    }

    /// An id listed twice where ids must be distinct.
    public struct DuplicateID: Error, Equatable {
        public let id: String
    }

    /// A catalog of ids that must be distinct (a model file's item list), indexed in bulk
    /// (``SortedIDIndex``: a million ids in tens of ms, a few times faster than
    /// ``init(ids:)``); lookups are a binary search.
    /// - Throws: ``DuplicateID`` naming an id that appears twice.
    public init(distinctIDs ids: [String]) throws {
        var duplicate: String?
        let index = SortedIDIndex(ids, duplicate: &duplicate)
        if let duplicate { throw DuplicateID(id: duplicate) }
        self.distinctIDs = ids
        self.sortedIndex = index
    }

    public var ids: [String] { distinctIDs ?? table.ids }

    public var count: Int { distinctIDs?.count ?? table.count }

    public func index(of id: String) -> Int? {
        if let sortedIndex, let distinctIDs { return sortedIndex.index(of: id, in: distinctIDs) }
        return table.ordinal(of: id).map(Int.init)
    }

    /// Adds an id if new; returns its index.
    @discardableResult
    public mutating func insert(_ id: String) -> Int {
        if let known = distinctIDs {
            if let i = index(of: id) { return i }
            // From here on, ids are added one by one: the interning table.
            table.reserveCapacity(known.count + 1)
            for k in known { _ = table.insert(k) }
            distinctIDs = nil
            sortedIndex = nil
        }
        return Int(table.insert(id).ordinal)
    }

    public static func == (a: ItemCatalog, b: ItemCatalog) -> Bool {
        a.ids.count == b.ids.count && zip(a.ids, b.ids).allSatisfy { ExactKey($0) == ExactKey($1) }
    }
}
