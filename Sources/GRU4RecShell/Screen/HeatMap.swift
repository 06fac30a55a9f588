/// A matrix of values drawn as a grid: each value takes `cellWidth`
/// columns of one row. NaN is drawn as "?". Two scales:
///
/// `.diverging` (values in -1...1, clamped; signed quantities such as h and Δh):
/// - 256 colours: a background scale, strong blue (-1) through white (0) to
///   strong red (+1), in 11 steps on the colour cube.
/// - 8 colours: a shade glyph ` ░▒▓█` by magnitude, blue for negative and
///   red for positive values.
/// - No colour: the shade glyph by magnitude, and when `cellWidth >= 2` a sign
///   marker `-`/`+` in the last column; with `cellWidth == 1` negative values
///   use the ramp ` .-=#` instead.
///
/// `.sequential` (values in 0...1, clamped; gates): 0 is blank, like a
/// diverging 0, so that a closed gate never looks like a strong negative.
/// - 256 colours: white (0) to strong green (1), in 6 steps on the colour cube.
/// - 8 colours: the shade glyph ` ░▒▓█` by value, in green.
/// - No colour: the shade glyph by value in every column, never a sign marker.
public struct HeatMap: Hashable, Sendable {
    /// How values map to cells.
    public enum Scale: Hashable, Sendable {
        /// -1...1 around a neutral 0 (signed values).
        case diverging
        /// 0...1 from nothing to full (gates, probabilities).
        case sequential
    }

    /// Row-major values, `rows * columns` of them.
    public var values: [Double]
    public var rows: Int
    public var columns: Int
    /// Columns per value (2 makes cells roughly square).
    public var cellWidth: Int
    /// The first matrix row and column shown (for scrolling a large matrix).
    public var rowOffset: Int
    public var columnOffset: Int
    public var mode: ColorMode
    public var scale: Scale

    public init(
        values: [Double], rows: Int, columns: Int, cellWidth: Int = 2,
        rowOffset: Int = 0, columnOffset: Int = 0, mode: ColorMode = .twoFiftySix, scale: Scale = .diverging
    ) {
        self.scale = scale
        self.values = values
        self.rows = rows
        self.columns = columns
        self.cellWidth = max(1, cellWidth)
        self.rowOffset = rowOffset
        self.columnOffset = columnOffset
        self.mode = mode
    }

    static let shades: [Character] = [" ", "░", "▒", "▓", "█"]
    static let negativeShades: [Character] = [" ", ".", "-", "=", "#"]

    /// The 256-colour background for `value`: 11 steps from blue (-1) via white (0) to red (+1).
    public static func paletteColor(for value: Double) -> Color {
        let v = value.isNaN ? 0 : min(1, max(-1, value))
        let k = Int((v * 5).rounded())
        if k < 0 { return .cube(red: 5 + k, green: 5 + k, blue: 5) }
        return .cube(red: 5, green: 5 - k, blue: 5 - k)
    }

    /// The 256-colour background for a sequential `value`: 6 steps from white (0) to green (1).
    public static func sequentialColor(for value: Double) -> Color {
        let v = value.isNaN ? 0 : min(1, max(0, value))
        let k = Int((v * 5).rounded())
        return .cube(red: 5 - k, green: 5, blue: 5 - k)
    }

    /// Magnitude step 0...4 of `value` (0 for |v| < 0.125).
    static func magnitude(_ value: Double) -> Int {
        Int((min(1, abs(value)) * 4).rounded())
    }

    /// The text and style of one value's cell, `width` columns wide.
    public static func cell(for value: Double, width: Int, mode: ColorMode, scale: Scale = .diverging) -> (text: String, style: Style) {
        let width = max(1, width)
        if value.isNaN {
            return ("?" + String(repeating: " ", count: width - 1), Style(dim: true))
        }
        if scale == .sequential {
            let v = min(1, max(0, value))
            let glyph = String(repeating: shades[magnitude(v)], count: width)
            switch mode {
            case .twoFiftySix: return (String(repeating: " ", count: width), Style(bg: sequentialColor(for: v)))
            case .eight: return (glyph, Style(fg: magnitude(v) == 0 ? .default : .green))
            case .none: return (glyph, .plain)
            }
        }
        let v = min(1, max(-1, value))
        let m = magnitude(v)
        switch mode {
        case .twoFiftySix:
            return (String(repeating: " ", count: width), Style(bg: paletteColor(for: v)))
        case .eight:
            let color: Color = m == 0 ? .default : (v < 0 ? .blue : .red)
            return (String(repeating: shades[m], count: width), Style(fg: color))
        case .none:
            if width == 1 { return (String(v < 0 ? negativeShades[m] : shades[m]), .plain) }
            let sign: Character = m == 0 ? " " : (v < 0 ? "-" : "+")
            return (String(repeating: shades[m], count: width - 1) + String(sign), .plain)
        }
    }

    /// Draws as many rows and columns as fit in `rect`, starting at the offsets.
    public func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
        guard !rect.isEmpty, rows > 0, columns > 0 else { return }
        let visibleRows = min(rect.height, rows - max(0, rowOffset))
        let visibleColumns = min(rect.width / cellWidth, columns - max(0, columnOffset))
        guard visibleRows > 0, visibleColumns > 0 else { return }
        for r in 0..<visibleRows {
            for c in 0..<visibleColumns {
                let index = (r + max(0, rowOffset)) * columns + c + max(0, columnOffset)
                let value = index < values.count ? values[index] : .nan
                let (text, style) = Self.cell(for: value, width: cellWidth, mode: mode, scale: scale)
                buffer.put(text, x: rect.x + c * cellWidth, y: rect.y + r, style: style)
            }
        }
    }
}
