/// A one-row chart of the most recent values with the eight block heights
/// ▁▂▃▄▅▆▇█, left-aligned. The lowest visible value gets ▁ and the highest █
/// (or the ends of `range` when given); a constant run is drawn as ▄; NaN
/// and infinite values are blank.
public struct Sparkline: Hashable, Sendable {
    public var values: [Double]
    public var range: ClosedRange<Double>?
    public var style: Style

    public init(values: [Double], range: ClosedRange<Double>? = nil, style: Style = .plain) {
        self.values = values
        self.range = range
        self.style = style
    }

    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The glyphs for the last `width` values (fewer when there are fewer values).
    public func glyphs(width: Int) -> String {
        guard width > 0 else { return "" }
        let shown = values.suffix(width)
        var lo = range?.lowerBound ?? .infinity
        var hi = range?.upperBound ?? -.infinity
        if range == nil {
            for v in shown where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        }
        return String(shown.map { v -> Character in
            guard v.isFinite, lo <= hi else { return " " }
            if hi == lo { return "▄" }
            let t = min(1, max(0, (v - lo) / (hi - lo)))
            return Self.levels[Int((t * 7).rounded())]
        })
    }

    /// Draws into the first row of `rect`.
    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
        guard !rect.isEmpty else { return }
        buffer.put(glyphs(width: rect.width), x: rect.x, y: rect.y, style: style, maxWidth: rect.width)
    }
}
