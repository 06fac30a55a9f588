/// The item index: item ids (strings) in index order and the reverse lookup.
///
/// Built from training data in order of first appearance, reading the file top
/// to bottom (as the reference does, before it sorts anything).
public struct ItemCatalog: Equatable, Sendable {
    public private(set) var ids: [String]
    private var lookup: [String: Int32]

    public init(ids: [String]) {
        self.ids = []
        self.lookup = [:]
        self.ids.reserveCapacity(ids.count)
        for id in ids { _ = insert(id) }
    }

    public var count: Int { ids.count }

    public func index(of id: String) -> Int? { lookup[id].map(Int.init) }

    /// Adds an id if new; returns its index.
    @discardableResult
    public mutating func insert(_ id: String) -> Int {
        if let i = lookup[id] { return Int(i) }
        let i = ids.count
        ids.append(id)
        lookup[id] = Int32(i)
        return i
    }

    public static func == (a: ItemCatalog, b: ItemCatalog) -> Bool { a.ids == b.ids }
}
