#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A string compared and hashed by its UTF-8 bytes.
///
/// Swift's `String` equality is canonical equivalence: "café" with a precomposed `é`
/// (U+00E9) equals "café" with `e` + U+0301. Item and session ids from a file are
/// opaque bytes, and two ids that differ in the file must never merge, so every map
/// keyed by an id (``ItemCatalog``, the session loader) uses this key instead.
struct ExactKey: Hashable {
    let string: String

    init(_ string: String) { self.string = string }

    static func == (a: ExactKey, b: ExactKey) -> Bool {
        var x = a.string, y = b.string
        return x.withUTF8 { p in
            y.withUTF8 { q in
                guard p.count == q.count else { return false }
                guard let pb = p.baseAddress, let qb = q.baseAddress else { return true }
                return memcmp(pb, qb, p.count) == 0
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var s = string
        s.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
