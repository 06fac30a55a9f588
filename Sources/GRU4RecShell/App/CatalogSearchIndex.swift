import Foundation

/// The catalog filter's index, built once per loaded model: every item's search
/// key (`"name id"`, lower-cased and in Unicode canonical composition) as UTF-8,
/// one after another in the catalog's display order (most popular first) in one
/// byte buffer, each followed by a NUL.
///
/// A keystroke folds only the query, then scans the buffer once (no per-item
/// string work: `memchr` for the query's first byte, `memcmp` for the rest):
/// a match at byte `p` belongs to the key whose range holds it, and since keys lie in display order the matches come out
/// most popular first. A match must lie inside one key (a query holding a NUL
/// cannot join two keys). At 1,000,000 items the buffer is about 14 MB and a
/// keystroke is a few milliseconds.
///
/// Typing narrows: the results of the text typed so far are kept (a short
/// stack of prefixes, ``Memo``), so a query that extends the last one checks
/// only the last one's matches, and Backspace returns a kept result. Only the
/// first character of a query scans the whole buffer.
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
        var keyOfItem = [Int32](repeating: 0, count: order.count)
        for (k, item) in order.enumerated() where item >= 0 && item < order.count { keyOfItem[item] = Int32(k) }
        self.keyOfItem = keyOfItem
        self.bytes = bytes
        self.starts = starts
        longestKeyBytes = longest
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
        let result: [Int]
        if let last = memo.entries.last {
            if last.query.count == query.count { return last.items }
            result = narrow(last.items, to: query)
        } else {
            result = scan(for: query)
        }
        memo.entries.append((query, result))
        return result
    }

    /// The items of `candidates` (in display order) whose key contains `query`.
    private func narrow(_ candidates: [Int], to query: [UInt8]) -> [Int] {
        bytes.withUnsafeBufferPointer { buffer in
            query.withUnsafeBufferPointer { needle in
                guard let base = buffer.baseAddress, let q = needle.baseAddress else { return [] }
                return candidates.filter { item in
                    let k = Int(keyOfItem[item])
                    return Self.find(q, needle.count, in: base + starts[k], starts[k + 1] - 1 - starts[k]) != nil
                }
            }
        }
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

    /// The whole buffer scanned for `query`.
    private func scan(for query: [UInt8]) -> [Int] {
        var result: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            query.withUnsafeBufferPointer { needle in
                guard let base = buffer.baseAddress, let q = needle.baseAddress else { return }
                let end = buffer.count, m = needle.count
                var from = 0, key = 0
                // The first byte by memchr, the rest by memcmp (memmem is a GNU extension).
                while let p = Self.find(q, m, in: base + from, end - from).map({ $0 + from }) {
                    while starts[key + 1] <= p { key += 1 }
                    // The key's text ends before its NUL.
                    if p + m <= starts[key + 1] - 1 {
                        result.append(order[key])
                        from = starts[key + 1]
                    } else {
                        from = p + 1
                    }
                }
            }
        }
        return result
    }
}
