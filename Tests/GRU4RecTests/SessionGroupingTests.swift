import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// Session files and `prepare` group through one ``SessionGrouping``: the same order.
struct SessionGroupingTests {
    /// Events in file order: session, item, time. Session "b" and "c" start at the same
    /// time (ties by first appearance), "a" is out of order inside, "d" starts earliest.
    static let events: [(String, String, Double)] = [
        ("a", "x", 5), ("b", "y", 3), ("a", "y", 4), ("c", "z", 3), ("a", "z", 4), ("b", "x", 3), ("d", "x", 1), ("c", "y", 9),
    ]

    @Test("events by time (equal times in file order), sessions by first time (ties by first appearance)")
    func order() {
        let (data, catalog) = SessionData.build(sessionKeys: Self.events.map(\.0), itemKeys: Self.events.map(\.1),
                                                times: Self.events.map(\.2), catalog: nil)
        #expect(data.sessionIDs == ["d", "b", "c", "a"])
        #expect(data.offsets == [0, 1, 3, 5, 8])
        #expect(data.items.map { catalog.ids[Int($0)] } == ["x", "y", "x", "z", "y", "y", "z", "x"])
        #expect(data.times == [1, 3, 3, 3, 9, 4, 4, 5])
        #expect(data.fileIndex == [6, 1, 5, 3, 7, 2, 4, 0])
    }

    @Test("prepare's grouping orders the same events the same way")
    func prepareAgrees() {
        var sessions = IdTable(), items = IdTable()
        let s = Self.events.map { sessions.insert($0.0).ordinal }, i = Self.events.map { items.insert($0.1).ordinal }
        let grouped = PreprocessSessions.grouping(eventSessions: s, items: i, times: Self.events.map(\.2), sessionKeyCount: sessions.count)
        let (data, catalog) = SessionData.build(sessionKeys: Self.events.map(\.0), itemKeys: Self.events.map(\.1),
                                                times: Self.events.map(\.2), catalog: nil)
        #expect(grouped.sessions.map { sessions.ids[Int($0)] } == data.sessionIDs)
        #expect(grouped.offsets == data.offsets)
        #expect(grouped.items.map { items.ids[Int($0)] } == data.items.map { catalog.ids[Int($0)] })
        #expect(grouped.times == data.times)
    }

    @Test("with a catalog, unknown items are dropped before their sessions are numbered")
    func droppedEventsDoNotNumberSessions() {
        // "a" first appears on an event of an unknown item; "b" then starts at the same time as "a"'s kept event.
        let keys = ["a", "b", "a"], items = ["unknown", "x", "x"], times = [5.0, 5, 5]
        let (data, _) = SessionData.build(sessionKeys: keys, itemKeys: items, times: times, catalog: ItemCatalog(ids: ["x"]))
        #expect(data.sessionIDs == ["b", "a"])
        #expect(data.droppedUnknownItems == 1)
        #expect(data.fileIndex == [1, 2])
    }
}
