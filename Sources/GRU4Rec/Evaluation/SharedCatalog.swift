/// The items two catalogs share, matched by item id: how two models (or a baseline
/// and a model) are evaluated on the same events.
///
/// Catalog A is the reference: test data is loaded with A's catalog (events of items A
/// does not know are dropped, as in any evaluation), then ``pair(_:)`` drops the events
/// whose item B does not know and gives the same events in B's indices. So both see the
/// same sessions, with only the items both know; each still ranks the target among all
/// the items it knows.
public struct SharedCatalog: Sendable {
    /// B's index of each of A's items, -1 where B does not know it.
    public let aToB: [Int32]
    /// Number of items both know.
    public let sharedCount: Int
    public let countA: Int, countB: Int

    public struct NoSharedItems: Error, CustomStringConvertible {
        public let countA: Int, countB: Int
        public var description: String {
            "the two models share no item ids (A has \(countA) items, B has \(countB)); compare models trained on data with the same item ids"
        }
    }

    public init(a: ItemCatalog, b: ItemCatalog) throws {
        var map = [Int32](repeating: -1, count: a.count)
        var shared = 0
        for (i, id) in a.ids.enumerated() {
            if let j = b.index(of: id) { map[i] = Int32(j); shared += 1 }
        }
        guard shared > 0 else { throw NoSharedItems(countA: a.count, countB: b.count) }
        aToB = map
        sharedCount = shared
        countA = a.count
        countB = b.count
    }

    /// The events of `data` (indexed by A's catalog) whose item B knows, in A's indices and
    /// in B's; sessions left with no event are removed. `dropped` counts the events removed
    /// here; both results' `droppedUnknownItems` add them to the events A had already dropped.
    public func pair(_ data: SessionData) -> (a: SessionData, b: SessionData, dropped: Int) {
        var ids: [String] = [], offsets = [0], itemsA: [Int32] = [], itemsB: [Int32] = [], times: [Double] = [], fileIndex: [Int32] = []
        let withFileIndex = data.fileIndex.count == data.eventCount
        var dropped = 0
        for s in 0..<data.sessionCount {
            for k in data.offsets[s]..<data.offsets[s + 1] {
                let j = aToB[Int(data.items[k])]
                guard j >= 0 else { dropped += 1; continue }
                itemsA.append(data.items[k])
                itemsB.append(j)
                times.append(data.times[k])
                if withFileIndex { fileIndex.append(data.fileIndex[k]) }
            }
            if itemsA.count > offsets[offsets.count - 1] {
                offsets.append(itemsA.count)
                ids.append(data.sessionIDs[s])
            }
        }
        var a = SessionData(sessionIDs: ids, offsets: offsets, items: itemsA, times: times)
        a.fileIndex = fileIndex
        a.droppedUnknownItems = data.droppedUnknownItems + dropped
        var b = a
        b.items = itemsB
        return (a, b, dropped)
    }
}
