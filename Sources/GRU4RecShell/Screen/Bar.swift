/// A horizontal bar with eighth-of-a-cell precision: full blocks █ then one
/// of ▏▎▍▌▋▊▉ for the remainder. The bar's length is `value / maximum` of the
/// width, clamped to 0...1 (NaN counts as 0).
public struct Bar: Hashable, Sendable {
    public var value: Double
    public var maximum: Double
    public var style: Style

    public init(value: Double, maximum: Double = 1, style: Style = .plain) {
        self.value = value
        self.maximum = maximum
        self.style = style
    }

    static let partials: [String] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]

    /// The fraction of the width the bar fills, in 0...1.
    public var fraction: Double {
        guard maximum > 0, value.isFinite else { return value.isInfinite && value > 0 ? 1 : 0 }
        return min(1, max(0, value / maximum))
    }

    /// The bar's glyphs for `width` columns (no padding: at most `width` characters).
    public static func glyphs(fraction: Double, width: Int) -> String {
        guard width > 0, fraction.isFinite else { return "" }
        let eighths = Int((min(1, max(0, fraction)) * Double(width * 8)).rounded())
        return String(repeating: "█", count: eighths / 8) + partials[eighths % 8]
    }

    /// Draws into the first row of `rect`; the rest of that row is filled with spaces.
    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
        guard !rect.isEmpty else { return }
        buffer.fill(rect.row(0), style: style)
        buffer.put(Self.glyphs(fraction: fraction, width: rect.width), x: rect.x, y: rect.y, style: style)
    }
}
