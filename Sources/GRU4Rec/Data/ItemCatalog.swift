/// The item index: item ids (strings) in index order and the reverse lookup.
///
/// Built from training data in order of first appearance, reading the file top
/// to bottom (as the reference does, before it sorts anything). Ids are compared as
/// bytes (``ExactKey``): two ids that differ in the file stay two items, even when
/// Unicode calls them equivalent (precomposed and decomposed "café").
public struct ItemCatalog: Equatable, Sendable {
    public private(set) var ids: [String]
    private var lookup: [ExactKey: Int32]

    public init(ids: [String]) {
        self.ids = []
        self.lookup = [:]
        self.ids.reserveCapacity(ids.count)
        for id in ids { _ = insert(id) }
    }

    public var count: Int { ids.count }

    public func index(of id: String) -> Int? { lookup[ExactKey(id)].map(Int.init) }

    /// Adds an id if new; returns its index.
    @discardableResult
    public mutating func insert(_ id: String) -> Int {
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
