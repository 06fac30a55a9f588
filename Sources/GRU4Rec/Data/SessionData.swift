/// Sessions ready for session-parallel batching.
///
/// Events are grouped by session and ordered by time inside each session
/// (stable: equal times keep file order); sessions are ordered by the time of
/// their first event (ties keep the order in which sessions first appear).
/// Item ids are mapped to indices of an ``ItemCatalog``.
public struct SessionData: Sendable {
    /// Session ids in processing order.
    public var sessionIDs: [String]
    /// `offsets[s] ..< offsets[s+1]` are the events of session `s` in `items`/`times`. Count: sessions + 1.
    public var offsets: [Int]
    /// Item index of every event.
    public var items: [Int32]
    /// Timestamp of every event.
    public var times: [Double]
    /// Events dropped because their item was unknown to the catalog (evaluation data only).
    public var droppedUnknownItems: Int = 0
    /// For every event in `items` order, its 0-based index among the events of the file it
    /// was read from (data lines in file order, dropped events included), so per-event
    /// results can be written back in file order. Empty when the data did not come from
    /// ``build(sessionKeys:itemKeys:times:catalog:)``.
    public var fileIndex: [Int32] = []

    public var sessionCount: Int { offsets.count - 1 }
    public var eventCount: Int { items.count }

    /// Predicted next items: every event of a session after its first (the unit of events/s).
    public var transitionCount: Int {
        var n = 0
        for s in 0..<sessionCount { n += max(0, offsets[s + 1] - offsets[s] - 1) }
        return n
    }

    public func sessionLength(_ s: Int) -> Int { offsets[s + 1] - offsets[s] }

    public func sessionItems(_ s: Int) -> ArraySlice<Int32> { items[offsets[s]..<offsets[s + 1]] }

    /// Training support (event count) of every catalog item.
    public func itemSupport(itemCount: Int) -> [Int] {
        var support = [Int](repeating: 0, count: itemCount)
        for i in items { support[Int(i)] += 1 }
        return support
    }

    public init(sessionIDs: [String], offsets: [Int], items: [Int32], times: [Double]) {
        self.sessionIDs = sessionIDs
        self.offsets = offsets
        self.items = items
        self.times = times
    }

    /// Groups raw events (in file order) into sessions.
    ///
    /// - Parameters:
    ///   - sessionKeys, itemKeys, times: one entry per event, in file order.
    ///   - catalog: when `nil`, a catalog is built from these events (training);
    ///     otherwise events with unknown items are dropped and counted (evaluation).
    /// - Returns: the sessions and the catalog used.
    public static func build(
        sessionKeys: [String], itemKeys: [String], times: [Double], catalog: ItemCatalog?
    ) -> (SessionData, ItemCatalog) {
        precondition(sessionKeys.count == itemKeys.count && itemKeys.count == times.count)
        var builder = SessionDataBuilder(catalog: catalog, capacity: sessionKeys.count)
        for e in 0..<sessionKeys.count { builder.add(session: sessionKeys[e], item: itemKeys[e], time: times[e]) }
        return builder.finish()
    }
}
