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
        var cat = catalog ?? ItemCatalog(ids: [])
        let growing = catalog == nil
        var sessionIndex: [ExactKey: Int] = [:]
        var sessionNames: [String] = []
        var eventSession: [Int32] = []
        var eventItem: [Int32] = []
        var eventTime: [Double] = []
        var eventIndex: [Int32] = []
        eventIndex.reserveCapacity(sessionKeys.count)
        eventSession.reserveCapacity(sessionKeys.count)
        eventItem.reserveCapacity(sessionKeys.count)
        eventTime.reserveCapacity(sessionKeys.count)
        var dropped = 0
        for e in 0..<sessionKeys.count {
            let item: Int
            if growing {
                item = cat.insert(itemKeys[e])
            } else if let i = cat.index(of: itemKeys[e]) {
                item = i
            } else {
                dropped += 1
                continue
            }
            let key = ExactKey(sessionKeys[e])
            let s: Int
            if let known = sessionIndex[key] { s = known } else {
                s = sessionNames.count
                sessionIndex[key] = s
                sessionNames.append(sessionKeys[e])
            }
            eventSession.append(Int32(s))
            eventItem.append(Int32(item))
            eventTime.append(times[e])
            eventIndex.append(Int32(truncatingIfNeeded: e))
        }
        var data = group(sessionCount: sessionNames.count, names: sessionNames,
                         eventSession: eventSession, eventItem: eventItem, eventTime: eventTime, eventIndex: eventIndex)
        data.droppedUnknownItems = dropped
        return (data, cat)
    }

    /// Groups events (session ordinal per event, in file order) and orders sessions by first time.
    /// `eventIndex` (optional, one per event) is carried along as ``fileIndex``.
    static func group(sessionCount: Int, names: [String], eventSession: [Int32], eventItem: [Int32], eventTime: [Double],
                      eventIndex: [Int32] = []) -> SessionData {
        // Counting sort by session keeps file order inside each session.
        var counts = [Int](repeating: 0, count: sessionCount + 1)
        for s in eventSession { counts[Int(s) + 1] += 1 }
        for s in 0..<sessionCount { counts[s + 1] += counts[s] }
        var fill = counts
        var order = [Int](repeating: 0, count: eventSession.count)
        for (e, s) in eventSession.enumerated() {
            order[fill[Int(s)]] = e
            fill[Int(s)] += 1
        }
        // Stable sort by time inside each session (usually already sorted: check first).
        for s in 0..<sessionCount {
            let lo = counts[s], hi = counts[s + 1]
            var sorted = true
            var k = lo + 1
            while k < hi { if eventTime[order[k]] < eventTime[order[k - 1]] { sorted = false; break }; k += 1 }
            if !sorted {
                let slice = order[lo..<hi].enumerated().sorted {
                    let ta = eventTime[$0.element], tb = eventTime[$1.element]
                    return ta != tb ? ta < tb : $0.offset < $1.offset
                }.map(\.element)
                order.replaceSubrange(lo..<hi, with: slice)
            }
        }
        // Sessions by first event time; ties keep first-appearance order.
        let sessionOrder = (0..<sessionCount).sorted { a, b in
            let ta = sessionCount > 0 && counts[a] < counts[a + 1] ? eventTime[order[counts[a]]] : .infinity
            let tb = sessionCount > 0 && counts[b] < counts[b + 1] ? eventTime[order[counts[b]]] : .infinity
            return ta != tb ? ta < tb : a < b
        }
        var offsets = [0]
        offsets.reserveCapacity(sessionCount + 1)
        var items: [Int32] = []
        var times: [Double] = []
        var fileIndex: [Int32] = []
        fileIndex.reserveCapacity(eventIndex.count)
        items.reserveCapacity(eventItem.count)
        times.reserveCapacity(eventItem.count)
        var ids: [String] = []
        ids.reserveCapacity(sessionCount)
        for s in sessionOrder {
            for k in counts[s]..<counts[s + 1] {
                items.append(eventItem[order[k]])
                times.append(eventTime[order[k]])
                if !eventIndex.isEmpty { fileIndex.append(eventIndex[order[k]]) }
            }
            offsets.append(items.count)
            ids.append(names[s])
        }
        var data = SessionData(sessionIDs: ids, offsets: offsets, items: items, times: times)
        data.fileIndex = fileIndex
        return data
    }
}
