import Foundation

/// Seeded synthetic sessions over a catalog of any size, for benchmarks at
/// the scale of real shops (10^4 to 10^6 items) without data files.
///
/// Items have Zipf-like popularity (weight `1 / (rank + 1)^zipf`) and belong to
/// categories of `categorySize` items (a seeded permutation assigns them).
/// A session starts at an item drawn by popularity and walks: with
/// probability 3/4 to one of the current item's 8 neighbours (fixed,
/// seeded members of its category, computed on the fly, so the graph costs no
/// memory), otherwise it jumps to an item drawn by popularity. Lengths are
/// 2 + a geometric number of extra clicks (mean 4, at most 30). Item ids are
/// the decimal indices `"0"`, `"1"`, ...
public struct SyntheticCatalog {
    public let itemCount: Int
    public let catalog: ItemCatalog
    /// Cumulative popularity weights (rank order = index order: item 0 is the most popular).
    private let cumulative: [Double]
    /// Items in category order: category c holds `members[c*size ..< (c+1)*size]`.
    private let members: [Int32]
    /// Position of each item in `members`.
    private let position: [Int32]
    private let categorySize: Int
    private let graphSeed: UInt64

    public init(items: Int, seed: UInt64 = 1, zipf: Double = 0.9, categorySize: Int = 64) {
        precondition(items >= 2, "a catalog needs two items")
        itemCount = items
        catalog = ItemCatalog(ids: (0..<items).map(String.init))
        var c = [Double](repeating: 0, count: items)
        var total = 0.0
        for i in 0..<items {
            total += 1 / pow(Double(i + 1), zipf)
            c[i] = total
        }
        cumulative = c
        var rng = SeededGenerator(seed: seed)
        var perm = (0..<items).map(Int32.init)
        for i in stride(from: items - 1, to: 0, by: -1) { perm.swapAt(i, rng.nextInt(below: i + 1)) }
        var pos = [Int32](repeating: 0, count: items)
        for (k, item) in perm.enumerated() { pos[Int(item)] = Int32(k) }
        members = perm
        position = pos
        self.categorySize = max(2, min(categorySize, items))
        graphSeed = rng.next()
    }

    /// An item drawn by popularity.
    func popular(_ rng: inout SeededGenerator) -> Int {
        let u = Double(rng.nextUnitFloat()) * (cumulative[itemCount - 1])
        var lo = 0, hi = itemCount - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Neighbour `k` (0..<8) of `item`: a fixed member of its category.
    func neighbour(of item: Int, _ k: Int) -> Int {
        var z = graphSeed &+ UInt64(item) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(k) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 31)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 29
        let start = (Int(position[item]) / categorySize) * categorySize
        let size = min(categorySize, itemCount - start)
        return Int(members[start + Int(z % UInt64(size))])
    }

    /// About `events` events in whole sessions, seeded (sessions `s0`, `s1`, ...,
    /// times increasing), ready for training or evaluation on ``catalog``.
    public func sessions(events: Int, seed: UInt64) -> SessionData {
        var rng = SeededGenerator(seed: seed)
        var ids: [String] = [], offsets = [0], items: [Int32] = [], times: [Double] = []
        items.reserveCapacity(events + 32)
        times.reserveCapacity(events + 32)
        while items.count < events {
            var length = 2
            while length < 30 && rng.nextInt(below: 4) != 0 { length += 1 }
            var item = popular(&rng)
            for _ in 0..<length {
                items.append(Int32(item))
                times.append(Double(items.count))
                item = rng.nextInt(below: 4) != 0 ? neighbour(of: item, rng.nextInt(below: 8)) : popular(&rng)
            }
            ids.append("s\(ids.count)")
            offsets.append(items.count)
        }
        return SessionData(sessionIDs: ids, offsets: offsets, items: items, times: times)
    }
}
