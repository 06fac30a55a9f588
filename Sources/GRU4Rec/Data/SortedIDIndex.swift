/// Exact id -> index lookup over a fixed list of ids, built in bulk: one 64-bit key per
/// id (a 32-bit hash of its UTF-8 bytes above its index), sorted. A lookup is a binary
/// search for the hash, then a byte comparison of the ids with that hash.
///
/// Built for opening large models: a million ids are indexed (and checked for
/// duplicates) in tens of milliseconds, against hundreds for inserting them one by one
/// into a `Dictionary` (a keyed hash per insert, rehashing as it grows). Ids are compared
/// as bytes, as ``ExactKey`` compares them. Hash collisions cost only comparisons: ids
/// crafted to collide make lookups of those ids linear in their number, never wrong, and
/// the duplicate check stays `O(n log n)` (a `Set` per run of equal hashes).
struct SortedIDIndex: Sendable {
    /// `hash << 32 | index`, ascending.
    private let keys: [UInt64]
    private let hashOf: @Sendable (String) -> UInt32

    /// Indexes `ids` (at most 2^32 of them); `duplicate` is the first id (in hash order)
    /// that appears twice, or nil when all are distinct. `hash` is for tests (collisions).
    init(_ ids: [String], duplicate: inout String?, hash: @escaping @Sendable (String) -> UInt32 = { SortedIDIndex.hash($0) }) {
        precondition(ids.count <= Int(UInt32.max), "too many ids for a 32-bit index")
        self.hashOf = hash
        var keys = [UInt64](unsafeUninitializedCapacity: ids.count) { buffer, initialized in
            for (i, id) in ids.enumerated() { buffer[i] = UInt64(hash(id)) << 32 | UInt64(i) }
            initialized = ids.count
        }
        Self.radixSort(&keys)
        self.keys = keys
        duplicate = Self.firstDuplicate(keys, ids)
    }

    /// The index of `id` in the ids given to `init`, or nil.
    func index(of id: String, in ids: [String]) -> Int? {
        let h = UInt64(hashOf(id))
        // Lower bound of h << 32.
        var low = 0, high = keys.count
        let target = h << 32
        while low < high {
            let mid = (low + high) / 2
            if keys[mid] < target { low = mid + 1 } else { high = mid }
        }
        let key = ExactKey(id)
        while low < keys.count && keys[low] >> 32 == h {
            let i = Int(keys[low] & 0xFFFF_FFFF)
            if ExactKey(ids[i]) == key { return i }
            low += 1
        }
        return nil
    }

    /// 32 bits of FNV-1a (64-bit) over the UTF-8 bytes, finished by a multiply-xorshift
    /// so that the high bits depend on every byte.
    static func hash(_ id: String) -> UInt32 {
        var text = id
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        text.withUTF8 { bytes in
            for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h >> 32)
    }

    /// The first id that appears twice: equal ids have equal hashes, so only runs of
    /// equal hashes are compared (pairwise when short, through a `Set` when long).
    private static func firstDuplicate(_ keys: [UInt64], _ ids: [String]) -> String? {
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count && keys[end] >> 32 == keys[start] >> 32 { end += 1 }
            if end - start > 1 {
                let run = keys[start..<end].map { Int($0 & 0xFFFF_FFFF) }
                if run.count <= 8 {
                    for a in 0..<run.count {
                        for b in a + 1..<run.count where ExactKey(ids[run[a]]) == ExactKey(ids[run[b]]) { return ids[run[a]] }
                    }
                } else {
                    var seen = Set<ExactKey>()
                    for i in run where !seen.insert(ExactKey(ids[i])).inserted { return ids[i] }
                }
            }
            start = end
        }
        return nil
    }

    /// Sorts keys made in index order by their hash (the high 32 bits): a stable
    /// least-significant-digit radix sort, 16 bits a pass, so that equal hashes stay in
    /// index order; a pass whose digit is the same in every key is skipped.
    private static func radixSort(_ keys: inout [UInt64]) {
        let n = keys.count
        guard n > 1 else { return }
        var scratch = [UInt64](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 1 << 16)
        for shift in [32, 48] {
            for i in counts.indices { counts[i] = 0 }
            for k in keys { counts[Int((k >> UInt64(shift)) & 0xFFFF)] += 1 }
            if counts.contains(n) { continue }  // one digit in every key: already in order
            var total = 0
            for i in counts.indices {
                let c = counts[i]
                counts[i] = total
                total += c
            }
            for k in keys {
                let d = Int((k >> UInt64(shift)) & 0xFFFF)
                scratch[counts[d]] = k
                counts[d] += 1
            }
            swap(&keys, &scratch)
        }
    }
}
