import Testing
@testable import GRU4RecServe
import GRU4RecTestSupport
import GRU4Rec

/// ``LRUCache`` against a plain reference (an array ordered by recency) under random operations.
struct LRUCacheTests {
    @Test("random get/set/remove/expire: same contents and recency order as the reference; never over capacity")
    func randomOperations() {
        var rng = SeededGenerator(seed: 11)
        let capacity = 5, ttl: UInt64 = 50
        var cache = LRUCache<Int>(capacity: capacity, ttl: ttl)
        var reference: [(key: String, value: Int, lastUsed: UInt64)] = []  // most recent first
        var now: UInt64 = 0
        func expireReference() { reference.removeAll { now - $0.lastUsed > ttl } }
        for step in 0..<5000 {
            now += UInt64(rng.nextInt(below: 8))
            let key = "k\(rng.nextInt(below: 9))"
            switch rng.nextInt(below: 4) {
            case 0:
                expireReference()
                let expected = reference.firstIndex { $0.key == key }.map { i -> Int in
                    var e = reference.remove(at: i)
                    e.lastUsed = now
                    reference.insert(e, at: 0)
                    return e.value
                }
                #expect(cache.get(key, now: now) == expected, "step \(step)")
            case 1, 2:
                expireReference()
                reference.removeAll { $0.key == key }
                if reference.count >= capacity { reference.removeLast() }
                reference.insert((key, step, now), at: 0)
                cache.set(key, step, now: now)
            default:
                expireReference()
                let expected = reference.firstIndex { $0.key == key }.map { reference.remove(at: $0).value }
                #expect(cache.remove(key, now: now) == expected, "step \(step)")
            }
            #expect(cache.count <= capacity)
            #expect(cache.keysByRecency == reference.map(\.key), "step \(step)")
        }
    }
}
