/// Events grouped into sessions and put in the reference's order: the one grouping
/// behind session files (``SessionData``) and `gru4rec prepare`.
///
/// Order: the events of a session by time, equal times in input order (stable);
/// sessions by the time of their first event, ties by session ordinal (ordinals are
/// numbered by first appearance, so ties keep the order in which sessions first
/// appear). Session ordinals without events are left out.
struct SessionGrouping {
    /// Indices into the input events, session after session.
    var events: [Int]
    /// The ordinal of each grouped session, in order.
    var sessions: [Int32]
    /// `events[offsets[s]..<offsets[s + 1]]` are the events of grouped session `s` (count: sessions + 1).
    var offsets: [Int]

    /// - Parameters:
    ///   - eventSessions: the session ordinal of every event (in input order), below `sessionCount`.
    ///   - times: the time of every event.
    init(eventSessions: [Int32], times: [Double], sessionCount: Int) {
        precondition(eventSessions.count == times.count)
        // Counting sort by session keeps input order inside each session.
        var start = [Int](repeating: 0, count: sessionCount + 1)
        for s in eventSessions { start[Int(s) + 1] += 1 }
        for s in 0..<sessionCount { start[s + 1] += start[s] }
        var fill = start
        var order = [Int](repeating: 0, count: eventSessions.count)
        for (e, s) in eventSessions.enumerated() {
            order[fill[Int(s)]] = e
            fill[Int(s)] += 1
        }
        // Stable sort by time inside each session (usually already sorted: check first).
        for s in 0..<sessionCount where !Self.isSortedByTime(order[start[s]..<start[s + 1]], times) {
            let sorted = order[start[s]..<start[s + 1]].sorted { times[$0] != times[$1] ? times[$0] < times[$1] : $0 < $1 }
            order.replaceSubrange(start[s]..<start[s + 1], with: sorted)
        }
        // Sessions by first event time; ties by ordinal.
        let nonEmpty = (0..<sessionCount).filter { start[$0] < start[$0 + 1] }
        let sessionOrder = nonEmpty.sorted { a, b in
            let ta = times[order[start[a]]], tb = times[order[start[b]]]
            return ta != tb ? ta < tb : a < b
        }
        events = []
        events.reserveCapacity(order.count)
        sessions = []
        sessions.reserveCapacity(sessionOrder.count)
        offsets = [0]
        offsets.reserveCapacity(sessionOrder.count + 1)
        for s in sessionOrder {
            events.append(contentsOf: order[start[s]..<start[s + 1]])
            sessions.append(Int32(s))
            offsets.append(events.count)
        }
    }

    private static func isSortedByTime(_ events: ArraySlice<Int>, _ times: [Double]) -> Bool {
        var k = events.startIndex + 1
        while k < events.endIndex {
            if times[events[k]] < times[events[k - 1]] { return false }
            k += 1
        }
        return true
    }
}
