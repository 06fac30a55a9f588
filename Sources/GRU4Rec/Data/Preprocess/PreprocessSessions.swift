/// Events grouped into sessions, the working form of `gru4rec prepare`.
///
/// Sessions and items are ordinals into the key tables of the raw file: session `k` is
/// the `k`-th distinct session id in file order, so a smaller ordinal means an earlier
/// first appearance. Every operation keeps the order of what it keeps: events inside a
/// session, and sessions among themselves.
///
/// Order, as in `SessionData`: the events of a session are ordered by time, equal times
/// in file order (stable); sessions by the time of their first event, ties by first
/// appearance. Filtering can remove a session's first event, and with it change the
/// session's place; `sortedByFirstEvent()` restores the order before writing.
package struct PreprocessSessions: Equatable {
    /// The session ordinal of every session (count: sessions).
    package var sessions: [Int32]
    /// `offsets[s]..<offsets[s + 1]` are the events of session `s` (count: sessions + 1).
    package var offsets: [Int]
    /// The item ordinal of every event.
    package var items: [Int32]
    /// The time of every event, in unix seconds.
    package var times: [Double]

    /// Sessions with the given ordinals, offsets, items and times (see the properties).
    package init(sessions: [Int32], offsets: [Int], items: [Int32], times: [Double]) {
        precondition(offsets.count == sessions.count + 1 && items.count == times.count && offsets.last == items.count)
        self.sessions = sessions
        self.offsets = offsets
        self.items = items
        self.times = times
    }

    package var sessionCount: Int { sessions.count }
    package var eventCount: Int { items.count }

    package func length(_ s: Int) -> Int { offsets[s + 1] - offsets[s] }

    /// Groups events given in file order into sessions, in order (``SessionGrouping``,
    /// the grouping session files get too).
    /// - Parameters:
    ///   - eventSessions: the session ordinal of every event; ordinals are numbered by
    ///     first appearance, so they are below `sessionKeyCount`.
    ///   - items, times: the item ordinal and time of every event.
    package static func grouping(
        eventSessions: [Int32], items: [Int32], times: [Double], sessionKeyCount: Int
    ) -> PreprocessSessions {
        precondition(eventSessions.count == items.count && items.count == times.count)
        let grouping = SessionGrouping(eventSessions: eventSessions, times: times, sessionCount: sessionKeyCount)
        return PreprocessSessions(sessions: grouping.sessions, offsets: grouping.offsets,
                                  items: grouping.events.map { items[$0] }, times: grouping.events.map { times[$0] })
    }

    /// The sessions ordered by the time of their first event, ties by first appearance
    /// (session ordinal). Returns `self` when already in order.
    package func sortedByFirstEvent() -> PreprocessSessions {
        func before(_ a: Int, _ b: Int) -> Bool {
            let ta = times[offsets[a]], tb = times[offsets[b]]
            return ta != tb ? ta < tb : sessions[a] < sessions[b]
        }
        var sorted = true
        var s = 1
        while s < sessionCount {
            if before(s, s - 1) { sorted = false; break }
            s += 1
        }
        if sorted { return self }
        let order = (0..<sessionCount).sorted(by: before)
        var result = PreprocessSessions(sessions: [], offsets: [0], items: [], times: [])
        result.sessions.reserveCapacity(sessionCount)
        result.offsets.reserveCapacity(sessionCount + 1)
        result.items.reserveCapacity(eventCount)
        result.times.reserveCapacity(eventCount)
        for s in order {
            result.sessions.append(sessions[s])
            result.items.append(contentsOf: items[offsets[s]..<offsets[s + 1]])
            result.times.append(contentsOf: times[offsets[s]..<offsets[s + 1]])
            result.offsets.append(result.items.count)
        }
        return result
    }

    /// The events for which `keep(event)` is true; sessions left without events are
    /// dropped.
    package func keepingEvents(_ keep: (Int) -> Bool) -> PreprocessSessions {
        var result = PreprocessSessions(sessions: [], offsets: [0], items: [], times: [])
        result.items.reserveCapacity(eventCount)
        result.times.reserveCapacity(eventCount)
        for s in 0..<sessionCount {
            for e in offsets[s]..<offsets[s + 1] where keep(e) {
                result.items.append(items[e])
                result.times.append(times[e])
            }
            if result.items.count > result.offsets[result.offsets.count - 1] {
                result.sessions.append(sessions[s])
                result.offsets.append(result.items.count)
            }
        }
        return result
    }

    /// The sessions (by position) for which `keep(s)` is true.
    package func keepingSessions(_ keep: (Int) -> Bool) -> PreprocessSessions {
        var result = PreprocessSessions(sessions: [], offsets: [0], items: [], times: [])
        for s in 0..<sessionCount where keep(s) {
            result.sessions.append(sessions[s])
            result.items.append(contentsOf: items[offsets[s]..<offsets[s + 1]])
            result.times.append(contentsOf: times[offsets[s]..<offsets[s + 1]])
            result.offsets.append(result.items.count)
        }
        return result
    }

    /// Without events whose item repeats the previous event's item in the same session
    /// (A A B A becomes A B A).
    package func removingConsecutiveRepeats() -> PreprocessSessions {
        var isRepeat = [Bool](repeating: false, count: eventCount)
        var any = false
        for s in 0..<sessionCount {
            var e = offsets[s] + 1
            while e < offsets[s + 1] {
                if items[e] == items[e - 1] {
                    isRepeat[e] = true
                    any = true
                }
                e += 1
            }
        }
        return any ? keepingEvents { !isRepeat[$0] } : self
    }

    /// Only sessions with at least `minimum` events.
    package func keepingSessions(minimumLength minimum: Int) -> PreprocessSessions {
        keepingSessions { length($0) >= minimum }
    }

    /// Only events of items with at least `minimum` events here (support), counted
    /// before anything is removed.
    package func keepingItems(minimumSupport minimum: Int, itemCount: Int) -> PreprocessSessions {
        let support = itemSupport(itemCount: itemCount)
        return keepingEvents { support[Int(items[$0])] >= minimum }
    }

    /// Only events of items that occur in `other`.
    package func keepingItems(of other: PreprocessSessions, itemCount: Int) -> PreprocessSessions {
        var known = [Bool](repeating: false, count: itemCount)
        for i in other.items { known[Int(i)] = true }
        return keepingEvents { known[Int(items[$0])] }
    }

    /// Removes sessions shorter than `minimumLength` and then items with fewer than
    /// `minimumSupport` events, round after round, until a round changes nothing; with
    /// `removingRepeats`, each round after the first starts by removing consecutive
    /// repeats that the previous removals brought together.
    ///
    /// Afterwards every session has at least `minimumLength` events and every item at
    /// least `minimumSupport` (or nothing is left).
    /// - Parameter record: called after every step with its label and result (a round
    ///   that changes nothing is recorded too: two calls).
    /// - Returns: the result and the number of rounds, the last of which changed nothing.
    package func filteredToFixedPoint(
        minimumLength: Int, minimumSupport: Int, removingRepeats: Bool, itemCount: Int,
        record: (String, PreprocessSessions) -> Void = { _, _ in }
    ) -> (sessions: PreprocessSessions, rounds: Int) {
        var data = self
        var round = 0
        while true {
            round += 1
            let before = (data.eventCount, data.sessionCount)
            if removingRepeats && round > 1 {
                let deduped = data.removingConsecutiveRepeats()
                if deduped.eventCount != data.eventCount {
                    data = deduped
                    record("round \(round): consecutive repeats", data)
                }
            }
            data = data.keepingSessions(minimumLength: minimumLength)
            record("round \(round): sessions with length >= \(minimumLength)", data)
            data = data.keepingItems(minimumSupport: minimumSupport, itemCount: itemCount)
            record("round \(round): items with support >= \(minimumSupport)", data)
            // Filters only remove: equal counts mean nothing changed.
            if (data.eventCount, data.sessionCount) == before || data.eventCount == 0 { return (data, round) }
        }
    }

    /// The number of events of every item ordinal.
    package func itemSupport(itemCount: Int) -> [Int] {
        var support = [Int](repeating: 0, count: itemCount)
        for i in items { support[Int(i)] += 1 }
        return support
    }

    /// The number of distinct items.
    package func distinctItemCount(itemCount: Int) -> Int {
        var seen = [Bool](repeating: false, count: itemCount)
        var count = 0
        for i in items where !seen[Int(i)] {
            seen[Int(i)] = true
            count += 1
        }
        return count
    }

    /// Splits by the time of each session's first event: sessions that start at or after
    /// `lastTime - days * 86400`, where `lastTime` is the latest event here, go to
    /// `later`; the rest to `earlier`. Order is kept in both.
    package func splittingByStart(lastDays days: Double) -> (earlier: PreprocessSessions, later: PreprocessSessions, boundary: Double) {
        let last = times.max() ?? 0
        let boundary = last - days * 86400
        return (keepingSessions { times[offsets[$0]] < boundary },
                keepingSessions { times[offsets[$0]] >= boundary }, boundary)
    }
}
