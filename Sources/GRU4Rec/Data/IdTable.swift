/// Ids interned to ordinals in order of first appearance: `ids[k]` is the `k`-th
/// distinct id inserted. Ids are compared as bytes (``ExactKey``), so two ids that
/// differ in a file never merge.
///
/// The one interning path: the item catalog, the sessions of a session file and the
/// sessions and items of `prepare`'s raw file all use it.
struct IdTable: Sendable {
    private(set) var ids: [String] = []
    private var lookup: [ExactKey: Int32] = [:]

    init() {}

    var count: Int { ids.count }

    func ordinal(of id: String) -> Int32? { lookup[ExactKey(id)] }

    /// The ordinal of `id`, inserting it when new (`isNew`).
    mutating func insert(_ id: String) -> (ordinal: Int32, isNew: Bool) {
        let key = ExactKey(id)
        if let known = lookup[key] { return (known, false) }
        let ordinal = Int32(ids.count)
        ids.append(id)
        lookup[key] = ordinal
        return (ordinal, true)
    }

    mutating func reserveCapacity(_ n: Int) {
        ids.reserveCapacity(n)
        lookup.reserveCapacity(n)
    }
}
