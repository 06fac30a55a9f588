import Foundation

/// The catalog filter's index, built once per loaded model: every item's search
/// key (`"name id"`, lower-cased and in Unicode canonical composition) as UTF-8,
/// one after another in the catalog's display order (most popular first) in one
/// byte buffer, each followed by a NUL.
///
/// Beside it, postings lists per byte value and per pair of adjacent bytes: the
/// keys (display positions, ascending) whose text holds that byte or pair, each key
/// once (4 bytes per distinct byte and per distinct pair of a key: about 40 MB for
/// 1,000,000 six-digit ids; 4 bytes per character of the key at most).
///
/// A keystroke folds only the query and never scans the whole buffer: the
/// candidates are the shortest of the postings lists of the query's bytes and
/// pairs, or the kept matches of the text typed so far when those are fewer, and
/// each candidate's own text is searched for the query. A query of one or two
/// bytes is its postings list. The candidates are in display order, so the matches come out
/// most popular first. A match must lie inside one key (a query holding a NUL
/// cannot join two keys).
///
/// Typing narrows: the results of the text typed so far are kept (a short
/// stack of prefixes, ``Memo``), and Backspace returns a kept result.
///
/// Matching is byte-wise on the folded UTF-8: the same as `String.contains`
/// on the folded keys for ASCII text, and for other text wherever equal text
/// has equal bytes after canonical composition (which both sides get).
struct CatalogSearchIndex {
    /// The keys' bytes, each followed by a NUL.
    private let bytes: [UInt8]
    /// Start of key k in `bytes`; `starts[count]` is the end of the buffer.
    private let starts: [Int]
    /// The item (catalog index) of key k.
    private let order: [Int]
    /// Keys holding byte b: `postings[postingStarts[b]..<postingStarts[b + 1]]`, ascending.
    private let postings: [Int32]
    private let postingStarts: [Int]
    /// Keys holding the pair of bytes (a, b), at code a << 8 | b, in the same form.
    private let pairPostings: [Int32]
    private let pairStarts: [Int]
    /// The key of each item (the inverse of `order`).
    private let keyOfItem: [Int32]
    /// The results of the queries typed so far (a reference: a pure cache of
    /// `items(containing:)`, shared by copies of the shell's state).
    private let memo = Memo()

    /// Queries and their results, each query extending the one below it.
    final class Memo {
        var entries: [(query: [UInt8], items: [Int])] = []
    }
    /// The longest key, in bytes (a longer query matches nothing).
    let longestKeyBytes: Int

    /// - Parameters:
    ///   - order: the items in display order (each catalog index once).
    ///   - key: the text of item i's key (folded here).
    init(order: [Int], key: (Int) -> String) {
        self.order = order
        var bytes: [UInt8] = []
        var starts: [Int] = []
        starts.reserveCapacity(order.count + 1)
        var longest = 0
        for item in order {
            starts.append(bytes.count)
            let before = bytes.count
            Self.appendFolded(key(item), to: &bytes)
            longest = max(longest, bytes.count - before)
            bytes.append(0)
        }
        starts.append(bytes.count)
        (postings, postingStarts) = Self.postings(bytes, starts, pairs: false)
        (pairPostings, pairStarts) = Self.postings(bytes, starts, pairs: true)
        var keyOfItem = [Int32](repeating: 0, count: order.count)
        for (k, item) in order.enumerated() where item >= 0 && item < order.count { keyOfItem[item] = Int32(k) }
        self.keyOfItem = keyOfItem
        self.bytes = bytes
        self.starts = starts
        longestKeyBytes = longest
    }

    /// Per byte value (or per pair of adjacent bytes, code a << 8 | b), the keys whose
    /// text holds it (each key once, ascending), as one array and the starts of each
    /// code's list: one pass to count, one to fill.
    private static func postings(_ bytes: [UInt8], _ starts: [Int], pairs: Bool) -> ([Int32], [Int]) {
        let keys = starts.count - 1, codes = pairs ? 65_536 : 256, width = pairs ? 2 : 1
        var counts = [Int](repeating: 0, count: codes + 1)
        var seen = [Int32](repeating: -1, count: codes)
        var flat: [Int32] = []
        bytes.withUnsafeBufferPointer { text in
            for pass in 0..<2 {
                seen.withUnsafeMutableBufferPointer { $0.update(repeating: -1) }
                var next = counts  // fill position per byte (second pass)
                flat.withUnsafeMutableBufferPointer { out in
                    for k in 0..<keys {
                        let key = Int32(k)
                        for p in starts[k]..<max(starts[k], starts[k + 1] - width) {
                            let b = pairs ? Int(text[p]) << 8 | Int(text[p + 1]) : Int(text[p])
                            guard seen[b] != key else { continue }
                            seen[b] = key
                            if pass == 0 { counts[b + 1] += 1 } else { out[next[b]] = key; next[b] += 1 }
                        }
                    }
                }
                if pass == 0 {
                    for b in 0..<codes { counts[b + 1] += counts[b] }
                    flat = [Int32](repeating: 0, count: counts[codes])
                }
            }
        }
        return (flat, counts)
    }

    /// `text` lower-cased and canonically composed, as UTF-8 (ASCII is folded byte by byte).
    static func folded(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        appendFolded(text, to: &out)
        return out
    }

    private static func appendFolded(_ text: String, to out: inout [UInt8]) {
        var utf8 = text.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            for c in utf8 { out.append(c >= 0x41 && c <= 0x5A ? c | 0x20 : c) }
            return
        }
        let folded = text.lowercased().precomposedStringWithCanonicalMapping
        utf8 = folded.utf8
        out.append(contentsOf: utf8)
    }

    /// The items whose key contains `query` (already folded, not empty), in
    /// display order; narrows the kept result of a prefix of `query` when there is one.
    func items(containing query: [UInt8]) -> [Int] {
        guard !query.isEmpty, query.count <= longestKeyBytes else { return [] }
        while let last = memo.entries.last, !query.starts(with: last.query) { memo.entries.removeLast() }
        if let last = memo.entries.last, last.query.count == query.count { return last.items }
        // The shortest postings list of the query's bytes and pairs holds every match; it is
        // exactly the matches when the query is that byte or pair.
        var keys = postings[postingStarts[Int(query[0])]..<postingStarts[Int(query[0]) + 1]]
        var exact = query.count == 1
        for b in query.dropFirst() where postingStarts[Int(b) + 1] - postingStarts[Int(b)] < keys.count {
            keys = postings[postingStarts[Int(b)]..<postingStarts[Int(b) + 1]]
        }
        for i in query.indices.dropLast() {
            let code = Int(query[i]) << 8 | Int(query[i + 1])
            if pairStarts[code + 1] - pairStarts[code] <= keys.count {
                keys = pairPostings[pairStarts[code]..<pairStarts[code + 1]]
                exact = query.count == 2
            }
        }
        let result: [Int]
        if let last = memo.entries.last, last.items.count <= keys.count {
            result = matches(of: query, amongItems: last.items)
        } else {
            result = exact ? keys.map { order[Int($0)] } : matches(of: query, amongKeys: keys)
        }
        memo.entries.append((query, result))
        return result
    }

    /// The items of `candidates` (in display order) whose key contains `query`.
    private func matches(of query: [UInt8], amongItems candidates: [Int]) -> [Int] {
        keysContaining(query, candidates.count) { Int(keyOfItem[candidates[$0]]) }
    }

    /// The items of the keys `candidates` (ascending) whose text contains `query`.
    private func matches(of query: [UInt8], amongKeys candidates: ArraySlice<Int32>) -> [Int] {
        let first = candidates.startIndex
        return keysContaining(query, candidates.count) { Int(candidates[first + $0]) }
    }

    /// The items of keys `key(0)`, ..., `key(count - 1)` whose text contains `query`, in that order.
    @inline(__always)
    private func keysContaining(_ query: [UInt8], _ count: Int, _ key: (Int) -> Int) -> [Int] {
        var out: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            query.withUnsafeBufferPointer { needle in
                guard let base = buffer.baseAddress, let q = needle.baseAddress else { return }
                let m = needle.count
                for c in 0..<count {
                    let k = key(c)
                    let n = starts[k + 1] - 1 - starts[k]
                    if n >= m, Self.contains(q, m, in: base + starts[k], n) { out.append(order[k]) }
                }
            }
        }
        return out
    }

    /// Whether `text` (n bytes) contains `q` (m bytes, 1 ≤ m ≤ n): a plain loop for short
    /// keys (ids), `memchr` for long ones.
    @inline(__always)
    private static func contains(_ q: UnsafePointer<UInt8>, _ m: Int, in text: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        if n > 48 { return find(q, m, in: text, n) != nil }
        let q0 = q[0]
        for p in 0...(n - m) where text[p] == q0 {
            if m == 1 || memcmp(text + p + 1, q + 1, m - 1) == 0 { return true }
        }
        return false
    }

    /// Offset of the first occurrence of `q` (m bytes) in `text` (n bytes).
    @inline(__always)
    private static func find(_ q: UnsafePointer<UInt8>, _ m: Int, in text: UnsafePointer<UInt8>, _ n: Int) -> Int? {
        var from = 0
        while from <= n - m, let hit = memchr(text + from, Int32(q[0]), n - m + 1 - from) {
            let p = UnsafeRawPointer(hit) - UnsafeRawPointer(text)
            if m == 1 || memcmp(text + p + 1, q + 1, m - 1) == 0 { return p }
            from = p + 1
        }
        return nil
    }
}
