/// Builds ``SessionData`` from events given one at a time in file order: session ids
/// interned to ordinals (``IdTable``), items to catalog indices, then grouped
/// (``SessionGrouping``). Used by both ``SessionData/load(path:columns:separator:catalog:)``
/// and ``SessionData/build(sessionKeys:itemKeys:times:catalog:)``.
struct SessionDataBuilder {
    private var catalog: ItemCatalog
    /// Whether new items join the catalog (training) or are dropped (evaluation).
    private let growing: Bool
    private var sessions = IdTable()
    private var eventSession: [Int32] = []
    private var eventItem: [Int32] = []
    private var eventTime: [Double] = []
    /// The file index (0-based, dropped events counted) of every kept event.
    private var eventIndex: [Int32] = []
    private var events = 0
    private var dropped = 0

    /// - Parameter catalog: nil to build the catalog from the events; otherwise events of
    ///   items it does not know are dropped and counted (and their sessions not numbered).
    init(catalog: ItemCatalog?, capacity: Int = 0) {
        self.catalog = catalog ?? ItemCatalog(ids: [])
        growing = catalog == nil
        eventSession.reserveCapacity(capacity)
        eventItem.reserveCapacity(capacity)
        eventTime.reserveCapacity(capacity)
        eventIndex.reserveCapacity(capacity)
    }

    /// Adds the next event of the file.
    mutating func add(session: String, item: String, time: Double) {
        defer { events += 1 }
        let index: Int
        if growing {
            index = catalog.insert(item)
        } else if let known = catalog.index(of: item) {
            index = known
        } else {
            dropped += 1
            return
        }
        eventSession.append(sessions.insert(session).ordinal)
        eventItem.append(Int32(index))
        eventTime.append(time)
        eventIndex.append(Int32(truncatingIfNeeded: events))
    }

    /// The grouped sessions (with ``SessionData/fileIndex`` and
    /// ``SessionData/droppedUnknownItems``) and the catalog used.
    func finish() -> (SessionData, ItemCatalog) {
        let grouping = SessionGrouping(eventSessions: eventSession, times: eventTime, sessionCount: sessions.count)
        let order = grouping.events
        var data = SessionData(sessionIDs: grouping.sessions.map { sessions.ids[Int($0)] }, offsets: grouping.offsets,
                               items: order.map { eventItem[$0] }, times: order.map { eventTime[$0] })
        data.fileIndex = order.map { eventIndex[$0] }
        data.droppedUnknownItems = dropped
        return (data, catalog)
    }
}
