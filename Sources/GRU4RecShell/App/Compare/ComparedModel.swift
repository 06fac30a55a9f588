import GRU4Rec

/// A second model (`--compare B`, `compare <file>`) that reads the same
/// clicks as the shown model A. Catalogs are matched by item id
/// (`SharedCatalog`): a click on an item B does not know is left out of B's
/// session (counted in `unknownClicks`), and B's suggestions that A does not
/// know are marked in the Suggestions pane.
public struct ComparedModel {
    public internal(set) var loaded: LoadedModel
    var engine: SessionEngine
    /// B's session: the clicks B knows, in B's indices.
    public internal(set) var trace = SessionTrace()
    /// A's items in B's catalog.
    let shared: SharedCatalog
    /// A's index of each of B's items, -1 where A does not know it.
    let bToA: [Int32]
    /// Clicks of the session that B does not know.
    public internal(set) var unknownClicks = 0
    /// B's top-k after the session, B's indices, best first.
    public internal(set) var top: [Int] = []
    /// How many A clicks B's session was built from.
    var fedClicks = 0

    init(_ loaded: LoadedModel, against a: ItemCatalog, parallelism: Parallelism) throws {
        shared = try SharedCatalog(a: a, b: loaded.model.catalog)
        var reverse = [Int32](repeating: -1, count: loaded.model.itemCount)
        for (i, j) in shared.aToB.enumerated() where j >= 0 { reverse[Int(j)] = Int32(i) }
        bToA = reverse
        self.loaded = loaded
        engine = SessionEngine(model: loaded.model, parallelism: parallelism)
    }

    /// B's index of A's item `a`, if B knows it.
    func bIndex(ofA a: Int) -> Int? {
        guard a >= 0, a < shared.aToB.count, shared.aToB[a] >= 0 else { return nil }
        return Int(shared.aToB[a])
    }

    /// A's index of B's item `b`, if A knows it.
    func aIndex(ofB b: Int) -> Int? {
        guard b >= 0, b < bToA.count, bToA[b] >= 0 else { return nil }
        return Int(bToA[b])
    }

    /// B's display name of its item `b`.
    func name(_ b: Int) -> String {
        if let names = loaded.itemNames, b < names.count { return names[b] }
        return b < loaded.model.catalog.ids.count ? loaded.model.catalog.ids[b] : "?"
    }

    /// Feeds A's session to B (again only when it changed) and takes B's top-k.
    mutating func follow(_ aItems: [Int], topK: Int, excludeSessionItems: Bool) {
        let mapped = aItems.compactMap { bIndex(ofA: $0) }
        if mapped != trace.items || fedClicks != aItems.count {
            engine.replace(with: mapped, trace: &trace)
            fedClicks = aItems.count
            unknownClicks = aItems.count - mapped.count
        }
        top = trace.scores.isEmpty ? [] : SessionTrace.top(topK, of: trace.scores, excluding: excludeSessionItems ? Set(mapped) : []).map(\.item)
    }

    /// B's rank of A's item `a` after the session (`nil`: B does not know it, or no clicks yet).
    func rank(ofA a: Int) -> Double? {
        bIndex(ofA: a).flatMap { SessionTrace.rank(of: $0, in: trace.scores) }
    }
}
