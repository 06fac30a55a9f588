import Foundation
import GRU4Rec

/// The server's stateful sessions: per session id, the GRU state after its
/// clicks, kept in a bounded LRU (``ServeConfiguration/maxSessions``) with idle
/// expiry (``ServeConfiguration/sessionTTL``). Thread-safe.
///
/// Clicks on one session are applied one at a time (each ``Session`` has its own
/// lock), clicks on different sessions in parallel.
public final class SessionStore: @unchecked Sendable {
    /// One stateful session. Use only inside ``withLock(_:)``.
    final class Session: @unchecked Sendable {
        private let lock = NSLock()
        /// The GRU state, valid for the model of `generation`.
        var state: LiveSessionState?
        /// The generation of the model `state` belongs to.
        var generation = 0
        /// The known items' ids, in order: replayed through a new model after a reload.
        var itemIDs: [String] = []

        func withLock<T>(_ body: () throws -> T) rethrows -> T { try lock.withLock(body) }
    }

    private let lock = NSLock()
    private var cache: LRUCache<Session>
    private let clock: @Sendable () -> UInt64
    /// Called with the session count after every change.
    private let onCount: @Sendable (Int) -> Void

    /// - Parameters:
    ///   - capacity: most sessions kept.
    ///   - ttl: idle seconds before a session expires.
    ///   - clock: monotonic nanoseconds (injected so tests control time).
    ///   - onCount: told the number of sessions after each change (the metrics gauge).
    init(capacity: Int, ttl: Double, clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds },
         onCount: @escaping @Sendable (Int) -> Void = { _ in }) {
        cache = LRUCache(capacity: max(1, capacity), ttl: UInt64(max(0, ttl) * 1e9))
        self.clock = clock
        self.onCount = onCount
    }

    /// Sessions held now (after dropping expired ones).
    public var count: Int {
        let n = lock.withLock { () -> Int in
            cache.expire(now: clock())
            return cache.count
        }
        onCount(n)
        return n
    }

    /// The session `id`, created empty when absent (marked as just used).
    func session(_ id: String) -> Session {
        let (session, n) = lock.withLock { () -> (Session, Int) in
            let now = clock()
            if let s = cache.get(id, now: now) { return (s, cache.count) }
            let s = Session()
            cache.set(id, s, now: now)
            return (s, cache.count)
        }
        onCount(n)
        return session
    }

    /// The session `id` if it is held (marked as just used).
    func existing(_ id: String) -> Session? {
        lock.withLock { cache.get(id, now: clock()) }
    }

    /// Forgets session `id`; false when it was not held.
    @discardableResult
    public func remove(_ id: String) -> Bool {
        let (found, n) = lock.withLock { () -> (Bool, Int) in
            let found = cache.remove(id, now: clock()) != nil
            return (found, cache.count)
        }
        onCount(n)
        return found
    }
}
