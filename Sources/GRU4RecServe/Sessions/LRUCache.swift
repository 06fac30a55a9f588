/// A map with a size cap and idle expiry: the least recently used entry goes
/// first when the cap is reached, and entries idle for longer than a time-to-live
/// are dropped.
///
/// A doubly linked list threaded through an array of slots (freed slots are
/// reused), plus a dictionary from key to slot: every operation is O(1)
/// (``expire(now:)`` O(1) per dropped entry). Because an access moves an entry
/// to the front, the list is also ordered by last use, so expiry only looks at
/// the back. Time is passed in (nanoseconds of a monotonic clock). Not
/// thread-safe: ``SessionStore`` guards it with a lock.
struct LRUCache<Value> {
    private struct Slot {
        var key: String
        var value: Value?
        var lastUsed: UInt64
        var newer = -1, older = -1
    }

    let capacity: Int
    /// Idle time after which an entry expires, in nanoseconds.
    let ttl: UInt64
    private var slots: [Slot] = []
    private var free: [Int] = []
    private var index: [String: Int] = [:]
    private var newest = -1, oldest = -1

    init(capacity: Int, ttl: UInt64) {
        precondition(capacity > 0)
        self.capacity = capacity
        self.ttl = ttl
    }

    var count: Int { index.count }

    /// The value of `key`, marked as just used; nil when absent or expired.
    mutating func get(_ key: String, now: UInt64) -> Value? {
        expire(now: now)
        guard let i = index[key] else { return nil }
        slots[i].lastUsed = now
        moveToFront(i)
        return slots[i].value
    }

    /// Inserts or replaces `key`'s value (marked as just used); returns how many
    /// entries were dropped to make room (0 or 1) or by expiry.
    @discardableResult
    mutating func set(_ key: String, _ value: Value, now: UInt64) -> Int {
        var dropped = expire(now: now)
        if let i = index[key] {
            slots[i].value = value
            slots[i].lastUsed = now
            moveToFront(i)
            return dropped
        }
        if index.count >= capacity, oldest >= 0 {
            remove(slot: oldest)
            dropped += 1
        }
        let slot = Slot(key: key, value: value, lastUsed: now)
        let i: Int
        if let f = free.popLast() { slots[f] = slot; i = f } else { slots.append(slot); i = slots.count - 1 }
        index[key] = i
        link(i)
        return dropped
    }

    /// Removes `key`; returns its value if it was there (and not expired).
    @discardableResult
    mutating func remove(_ key: String, now: UInt64) -> Value? {
        expire(now: now)
        guard let i = index[key] else { return nil }
        let value = slots[i].value
        remove(slot: i)
        return value
    }

    /// Drops entries idle for longer than the TTL; returns how many.
    @discardableResult
    mutating func expire(now: UInt64) -> Int {
        var dropped = 0
        while oldest >= 0, now >= slots[oldest].lastUsed, now - slots[oldest].lastUsed > ttl {
            remove(slot: oldest)
            dropped += 1
        }
        return dropped
    }

    /// Drops everything.
    mutating func removeAll() {
        slots.removeAll()
        free.removeAll()
        index.removeAll()
        newest = -1
        oldest = -1
    }

    /// Keys from most to least recently used (for tests).
    var keysByRecency: [String] {
        var out: [String] = [], i = newest
        while i >= 0 { out.append(slots[i].key); i = slots[i].older }
        return out
    }

    private mutating func remove(slot i: Int) {
        unlink(i)
        index[slots[i].key] = nil
        slots[i].value = nil
        slots[i].key = ""
        free.append(i)
    }

    private mutating func moveToFront(_ i: Int) {
        guard newest != i else { return }
        unlink(i)
        link(i)
    }

    /// Puts slot `i` at the front (newest).
    private mutating func link(_ i: Int) {
        slots[i].older = newest
        slots[i].newer = -1
        if newest >= 0 { slots[newest].newer = i }
        newest = i
        if oldest < 0 { oldest = i }
    }

    private mutating func unlink(_ i: Int) {
        let newer = slots[i].newer, older = slots[i].older
        if newer >= 0 { slots[newer].older = older } else { newest = older }
        if older >= 0 { slots[older].newer = newer } else { oldest = newer }
        slots[i].newer = -1
        slots[i].older = -1
    }
}
