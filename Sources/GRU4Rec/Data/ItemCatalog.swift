/// The item index: item ids (strings) in index order and the reverse lookup.
///
/// Built from training data in order of first appearance, reading the file top
/// to bottom (as the reference does, before it sorts anything). Ids are compared as
/// bytes (``ExactKey``): two ids that differ in the file stay two items, even when
/// Unicode calls them equivalent (precomposed and decomposed "café").
public struct ItemCatalog: Equatable, Sendable {
    public private(set) var ids: [String]
    /// The reverse lookup: a dictionary (catalogs built id by id), or a sorted index of
    /// hashes (``init(distinctIDs:)``: large catalogs opened from a model file), turned
    /// into a dictionary by the first ``insert(_:)``.
    private var lookup: [ExactKey: Int32]
    private var sortedIndex: SortedIDIndex?

    public init(ids: [String]) {
        self.ids = []
        self.lookup = [:]
        self.ids.reserveCapacity(ids.count)
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
        self.ids = ids
        self.lookup = [:]
        self.sortedIndex = index
    }

    public var count: Int { ids.count }

    public func index(of id: String) -> Int? {
        if let sortedIndex { return sortedIndex.index(of: id, in: ids) }
        return lookup[ExactKey(id)].map(Int.init)
    }

    /// Adds an id if new; returns its index.
    @discardableResult
    public mutating func insert(_ id: String) -> Int {
        if sortedIndex != nil {
            if let i = index(of: id) { return i }
            // From here on, ids are added one by one: the dictionary.
            lookup.reserveCapacity(ids.count + 1)
            for (i, known) in ids.enumerated() { lookup[ExactKey(known)] = Int32(i) }
            sortedIndex = nil
        }
        let key = ExactKey(id)
        if let i = lookup[key] { return Int(i) }
        let i = ids.count
        ids.append(id)
        lookup[key] = Int32(i)
        return i
    }

    public static func == (a: ItemCatalog, b: ItemCatalog) -> Bool {
        a.ids.count == b.ids.count && zip(a.ids, b.ids).allSatisfy { ExactKey($0) == ExactKey($1) }
    }
}
