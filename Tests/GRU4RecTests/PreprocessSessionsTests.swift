import Foundation
import GRU4Rec
import Testing

/// Sessions as lists of (item, time), for readable expectations.
private func contents(_ d: PreprocessSessions) -> [[Int32]] {
    (0..<d.sessionCount).map { Array(d.items[d.offsets[$0]..<d.offsets[$0 + 1]]) }
}

/// Builds sessions from lists of items; session `k` has ordinal `k` and its events are
/// at times `start[k]`, `start[k] + 1`, ...
private func sessions(_ lists: [[Int32]], start: [Double]? = nil) -> PreprocessSessions {
    var offsets = [0], items: [Int32] = [], times: [Double] = []
    for (k, list) in lists.enumerated() {
        for (j, item) in list.enumerated() {
            items.append(item)
            times.append((start?[k] ?? Double(k * 100)) + Double(j))
        }
        offsets.append(items.count)
    }
    return PreprocessSessions(sessions: (0..<lists.count).map(Int32.init), offsets: offsets, items: items, times: times)
}

/// The working form of `gru4rec prepare`: grouping, filters, the fixed point, splits.
@Suite struct PreprocessSessionsTests {
    /// Events by time, equal times in file order (stable); sessions by first event time,
    /// ties by first appearance.
    @Test func groupingIsStable() {
        // file order: (session, item, time)
        let rows: [(Int32, Int32, Double)] = [
            (0, 10, 50), (1, 20, 40), (0, 11, 50), (0, 12, 50), (2, 30, 40), (1, 21, 40), (0, 13, 45), (2, 31, 39),
            (3, 40, 60),
        ]
        let d = PreprocessSessions.grouping(
            eventSessions: rows.map(\.0), items: rows.map(\.1), times: rows.map(\.2), sessionKeyCount: 5)
        // Session 0's item 13 (time 45) moves first; session 2 starts at 39, 1 at 40, 0 at 45.
        #expect(d.sessions == [2, 1, 0, 3])
        #expect(contents(d) == [[31, 30], [20, 21], [13, 10, 11, 12], [40]])
        #expect(d.times == [39, 40, 40, 40, 45, 50, 50, 50, 60])
        #expect(d.offsets == [0, 2, 4, 8, 9])
    }

    @Test func equalFirstTimesKeepFirstAppearance() {
        let rows: [(Int32, Int32, Double)] = [(3, 1, 7), (1, 2, 7), (3, 3, 7), (0, 4, 7), (1, 5, 7)]
        let d = PreprocessSessions.grouping(
            eventSessions: rows.map(\.0), items: rows.map(\.1), times: rows.map(\.2), sessionKeyCount: 4)
        #expect(d.sessions == [0, 1, 3])  // ordinals are first appearance in the raw file
        #expect(contents(d) == [[4], [2, 5], [1, 3]])
    }

    @Test func sortedByFirstEventAfterAFilter() {
        // Session 0 starts at 0 with item 9; without it, it starts at 150, after session 1.
        let d = PreprocessSessions(sessions: [0, 1], offsets: [0, 2, 4], items: [9, 1, 2, 3], times: [0, 150, 100, 200])
        let filtered = d.keepingEvents { d.items[$0] != 9 }
        #expect(filtered.sessions == [0, 1])
        let sorted = filtered.sortedByFirstEvent()
        #expect(sorted.sessions == [1, 0])
        #expect(contents(sorted) == [[2, 3], [1]])
        #expect(sorted.times == [100, 200, 150])
        #expect(sorted.sortedByFirstEvent() == sorted)
    }

    @Test func keepingEventsDropsEmptiedSessions() {
        let d = sessions([[1, 2], [3], [4, 3]])
        let kept = d.keepingEvents { d.items[$0] != 3 }
        #expect(kept.sessions == [0, 2])
        #expect(contents(kept) == [[1, 2], [4]])
        #expect(kept.offsets == [0, 2, 3])
    }

    @Test func dedupeRemovesOnlyConsecutiveRepeatsInsideASession() {
        let d = sessions([[1, 1, 2, 1, 1, 1], [1, 3, 3], [3, 4]])
        let deduped = d.removingConsecutiveRepeats()
        #expect(contents(deduped) == [[1, 2, 1], [1, 3], [3, 4]])  // 3|3 across sessions stays
        #expect(deduped.times == [0, 2, 3, 100, 101, 200, 201])  // the first of a run stays
        let clean = sessions([[1, 2], [2, 1]])
        #expect(clean.removingConsecutiveRepeats() == clean)
    }

    @Test func filtersByLengthAndSupport() {
        let d = sessions([[1, 2], [3], [1, 1, 2]])
        #expect(contents(d.keepingSessions(minimumLength: 2)) == [[1, 2], [1, 1, 2]])
        #expect(d.itemSupport(itemCount: 5) == [0, 3, 2, 1, 0])
        #expect(contents(d.keepingItems(minimumSupport: 3, itemCount: 5)) == [[1], [1, 1]])
        #expect(d.distinctItemCount(itemCount: 5) == 3)
        let other = sessions([[2, 4]])
        #expect(contents(d.keepingItems(of: other, itemCount: 5)) == [[2], [2]])
    }

    /// A chain that needs four rounds: removing item 0 shortens session A, removing A
    /// drops item 1 below support, which shortens B, and removing B changes nothing more.
    @Test func iterativeFilteringReachesAFixedPoint() {
        let (a, b, x) = (Int32(0), Int32(1), Int32(9))
        let d = sessions([[a, b], [b, 2], [2, 3], [2, 3], [2, 3], [3, x]])
        var steps: [String] = []
        let (result, rounds) = d.filteredToFixedPoint(
            minimumLength: 2, minimumSupport: 2, removingRepeats: false, itemCount: 10) { step, _ in steps.append(step) }
        #expect(contents(result) == [[2, 3], [2, 3], [2, 3]])
        #expect(result.sessions == [2, 3, 4])
        #expect(rounds == 4)
        #expect(steps.count == 8)
        #expect(steps[0] == "round 1: sessions with length >= 2")
        #expect(steps[1] == "round 1: items with support >= 2")
        // The fixed point holds: one more pass changes nothing.
        #expect(result.keepingSessions(minimumLength: 2).keepingItems(minimumSupport: 2, itemCount: 10) == result)
        // The reference's single pass (sessions, items, sessions) stops too early here.
        let once = d.keepingSessions(minimumLength: 2).keepingItems(minimumSupport: 2, itemCount: 10)
            .keepingSessions(minimumLength: 2)
        #expect(once.itemSupport(itemCount: 10)[Int(b)] == 1)
    }

    /// With repeats removed, a removal that brings two equal items together is followed
    /// by removing the repeat.
    @Test func iterativeFilteringRemovesRepeatsItBringsTogether() {
        let d = sessions([[1, 7, 1, 2], [1, 2], [1, 2], [2, 1]])
        var steps: [String] = []
        let (result, rounds) = d.filteredToFixedPoint(
            minimumLength: 2, minimumSupport: 2, removingRepeats: true, itemCount: 10) { step, _ in steps.append(step) }
        #expect(contents(result) == [[1, 2], [1, 2], [1, 2], [2, 1]])
        #expect(result.times[0...1] == [0, 3])  // the first 1 stays, the second goes
        #expect(rounds == 3)
        #expect(steps.contains("round 2: consecutive repeats"))
        let (kept, _) = d.filteredToFixedPoint(minimumLength: 2, minimumSupport: 2, removingRepeats: false, itemCount: 10)
        #expect(contents(kept)[0] == [1, 1, 2])
    }

    @Test func emptyResultStops() {
        let d = sessions([[1, 2], [3, 4]])
        let (result, rounds) = d.filteredToFixedPoint(minimumLength: 2, minimumSupport: 2, removingRepeats: false, itemCount: 5)
        #expect(result.eventCount == 0)
        #expect(result.sessionCount == 0)
        #expect(rounds == 1)
    }

    /// Sessions that start at or after `last - days * 86400` go to the later part; a
    /// session that starts before but runs into that period stays in the earlier part.
    @Test func splitByDaysUsesTheFirstEvent() {
        let day = 86400.0
        let last = 10 * day
        let d = PreprocessSessions(
            sessions: [0, 1, 2, 3], offsets: [0, 2, 4, 6, 8], items: [1, 2, 3, 4, 5, 6, 7, 8],
            times: [0, day, 9 * day - 1, last, 9 * day, 9 * day + 5, 9.5 * day, last])
        let (earlier, later, boundary) = d.splittingByStart(lastDays: 1)
        #expect(boundary == 9 * day)
        #expect(earlier.sessions == [0, 1])
        #expect(later.sessions == [2, 3])  // 9 * day exactly is in the last day
        #expect(earlier.eventCount + later.eventCount == d.eventCount)
        #expect(d.splittingByStart(lastDays: 0.5).later.sessions == [3])
        #expect(d.splittingByStart(lastDays: 20).earlier.sessionCount == 0)
    }

    @Test func sanitisingAndFieldsForTSV() {
        #expect(sanitizedName("  RED\tRETRO\nSPOT  BAG\r ") == "RED RETRO SPOT BAG")
        #expect(sanitizedName("") == "")
        #expect(tsvField("12\" RULER") == Array("12\" RULER".utf8))
        #expect(tsvField("\"LEIS\" GARLAND") == Array("\"\"\"LEIS\"\" GARLAND\"".utf8))
        #expect(formatTime(1291191960) == "1291191960")
        #expect(formatTime(1396437466.94) == "1396437466.94")
        #expect(formatTime(-60) == "-60")
    }
}
