import Foundation

/// Formats a number without trailing zeros: 0.5, 2, 1e-06.
public func formatCompact(_ x: Double) -> String {
    if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
    var s = String(format: "%.6g", x)
    if s.contains("e") { return s }
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}

/// Levenshtein distance, for "did you mean" hints.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

/// The closest candidate within a small edit distance, if any.
public func closestMatch(_ word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
    guard let (best, d) = scored, d <= max(2, word.count / 3) else { return nil }
    return best
}

/// Text from input echoed in a message: at most 60 characters, control
/// characters escaped (a file or argument cannot inject terminal escapes).
public func clippedForMessage(_ text: String) -> String {
    let cut = text.count > 60 ? String(text.prefix(60)) + "… (\(text.count) characters)" : text
    return String(String.UnicodeScalarView(cut.unicodeScalars.flatMap { s -> [Unicode.Scalar] in
        s.value < 0x20 || s.value == 0x7F ? Array(s.escaped(asASCII: true).unicodeScalars) : [s]
    }))
}
