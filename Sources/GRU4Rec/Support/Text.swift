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
///
/// Bounded work: words longer than ``closestMatchMaximumLength`` characters get no
/// suggestion, and candidates whose length differs by more than the allowed distance
/// (a lower bound of the distance) are skipped without computing it.
public func closestMatch(_ word: String, in candidates: [String]) -> String? {
    let length = word.count
    guard length <= closestMatchMaximumLength else { return nil }
    let allowed = max(2, length / 3)
    var best: (String, Int)?
    for candidate in candidates {
        guard abs(candidate.count - length) <= allowed else { continue }
        let d = editDistance(word, candidate)
        if d <= allowed && d < (best?.1 ?? Int.max) { best = (candidate, d) }
    }
    return best?.0
}

/// Words longer than this get no "did you mean" suggestion (the edit distance is quadratic).
public let closestMatchMaximumLength = 200

/// `text` with control characters (C0, DEL, C1) written as `\u{1B}`, so that text from
/// a file cannot drive the terminal when it is echoed in a message. Newlines stay when
/// `keepNewlines` is true (messages use them before a hint).
public func escapingControlCharacters(_ text: String, keepNewlines: Bool = false) -> String {
    guard text.unicodeScalars.contains(where: { isControl($0) && !(keepNewlines && $0 == "\n") }) else { return text }
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if isControl(scalar) && !(keepNewlines && scalar == "\n") {
            out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
        } else {
            out.append(scalar)
        }
    }
    return String(out)
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
}

/// `text` cut to `limit` characters, with how much was left out, for echoing values
/// the user gave (a 50 MB option value is not printed back whole).
public func truncatedForMessage(_ text: String, limit: Int = 80) -> String {
    guard text.utf8.count > limit else { return text }
    return String(text.prefix(limit)) + "... (\(text.utf8.count) bytes)"
}

/// Text from input echoed in a message: at most 60 characters, control
/// characters escaped (a file or argument cannot inject terminal escapes).
public func clippedForMessage(_ text: String) -> String {
    escapingControlCharacters(truncatedForMessage(text, limit: 60))
}
