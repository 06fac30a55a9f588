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

    /// The items whose key contains `query` (already folded, not empty), in display order.
    func items(containing query: [UInt8]) -> [Int] {
        guard !query.isEmpty, query.count <= longestKeyBytes else { return [] }
        var result: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            query.withUnsafeBufferPointer { needle in
                guard let base = buffer.baseAddress, let q = needle.baseAddress else { return }
                let end = buffer.count, first = Int32(q[0]), m = needle.count
                var from = 0, key = 0
                // The first byte by memchr, the rest by memcmp (memmem is a GNU extension).
                while from <= end - m, let hit = memchr(base + from, first, end - m + 1 - from) {
                    let p = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                    if m > 1 && memcmp(base + p + 1, q + 1, m - 1) != 0 { from = p + 1; continue }
                    while starts[key + 1] <= p { key += 1 }
                    // The key's text ends before its NUL.
                    if p + needle.count <= starts[key + 1] - 1 {
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
