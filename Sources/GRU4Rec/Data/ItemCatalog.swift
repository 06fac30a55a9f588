/// The item index: item ids (strings) in index order and the reverse lookup.
///
/// Built from training data in order of first appearance, reading the file top
/// to bottom (as the reference does, before it sorts anything). Ids are compared as
/// bytes (``ExactKey``, through ``IdTable``): two ids that differ in the file stay two
/// items, even when Unicode calls them equivalent (precomposed and decomposed "café").
public struct ItemCatalog: Equatable, Sendable {
    private var table = IdTable()

    public init(ids: [String]) {
        table.reserveCapacity(ids.count)
        for id in ids { _ = insert(id) }
    }

    public var ids: [String] { table.ids }

    public var count: Int { table.count }

    public func index(of id: String) -> Int? { table.ordinal(of: id).map(Int.init) }

    /// Adds an id if new; returns its index.
    @discardableResult
    public mutating func insert(_ id: String) -> Int { Int(table.insert(id).ordinal) }

    public static func == (a: ItemCatalog, b: ItemCatalog) -> Bool {
        a.ids.count == b.ids.count && zip(a.ids, b.ids).allSatisfy { ExactKey($0) == ExactKey($1) }
    }
}
