/// The shell's styles, in 256 colours (the backend degrades them to 8 or none).
enum Theme {
    static let plain = Style.plain
    static let dim = Style(fg: .grey(12))
    static let header = Style(fg: .grey(14), underline: true)
    static let box = Style(fg: .grey(10))
    static let focusedBox = Style(fg: .palette(39), bold: true)
    static let selected = Style(reverse: true)
    static let selectedUnfocused = Style(bg: .grey(5))
    static let hit = Style(fg: .palette(40), bold: true)
    static let up = Style(fg: .palette(40))
    static let down = Style(fg: .palette(203))
    static let new = Style(fg: .palette(220))
    static let bar = Style(fg: .palette(33))
    static let error = Style(fg: .palette(203), bold: true)
    static let info = Style(fg: .palette(75))
    static let tabBar = Style(fg: .grey(20), bg: .grey(3))
    static let activeTab = Style(fg: .black, bg: .palette(39), bold: true)
    static let statusBar = Style(fg: .grey(22), bg: .grey(4))
    static let target = Style(fg: .palette(220), bold: true)
    static let title = Style(bold: true)
    static let chartColors: [Color] = [.palette(39), .palette(208), .palette(40), .palette(170), .palette(220)]
}

/// The first of `titles` that a box `width` wide shows whole (the last one,
/// truncated, when none fits): `ScreenBuffer.box` keeps 6 columns for its frame.
func boxTitle(_ titles: [String], width: Int) -> String {
    titles.first { DisplayWidth.of($0) <= width - 6 } ?? titles.last ?? ""
}

/// The first of `texts` that fits `width` columns (the last one otherwise).
func firstFitting(_ texts: [String], _ width: Int) -> String {
    texts.first { DisplayWidth.of($0) <= width } ?? texts.last ?? ""
}

/// How text sits in a column.
enum Align { case left, right }

/// One column of a table row.
struct Column {
    var text: String
    var width: Int
    var align: Align = .left
    var style: Style = .plain
}

extension ScreenBuffer {
    /// Draws `columns` left to right from (x, y) with `gap` spaces between,
    /// each text cut with "…" or padded to its column's width. Zero-width
    /// columns are skipped.
    mutating func putRow(_ columns: [Column], x: Int, y: Int, gap: Int = 1) {
        var column = x
        for c in columns where c.width > 0 {
            put(fit(c.text, c.width, c.align), x: column, y: y, style: c.style, maxWidth: c.width)
            column += c.width + gap
        }
    }
}

/// `text` cut to `width` columns (ending in "…") and padded with spaces.
func fit(_ text: String, _ width: Int, _ align: Align = .left) -> String {
    guard width > 0 else { return "" }
    let cut = ScreenBuffer.truncate(text, to: width)
    let pad = String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
    return align == .left ? cut + pad : pad + cut
}

/// An integer with thousands separators: 12,345.
func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}

/// A rank as "#12" (compact above 99,999).
func rankText(_ rank: Double?) -> String {
    rankText(rank, pending: false)
}

/// `rankText`, or "…" while the rank waits for a deferred full pass (`ShellState+Scoring.swift`).
func rankText(_ rank: Double?, pending: Bool) -> String {
    if pending { return "…" }
    guard let rank, rank.isFinite else { return "—" }
    return rank < 100_000 ? "#\(Int(rank))" : "#" + CompactNumber.format(rank)
}

/// "s" for counts other than one.
func plural(_ n: Int, _ word: String) -> String { "\(grouped(n)) \(word)\(n == 1 ? "" : "s")" }
