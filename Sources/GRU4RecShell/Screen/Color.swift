/// A terminal colour: the terminal's default, one of the eight basic ANSI
/// colours, or an index into the 256-colour palette.
///
/// Basic colours use the ANSI numbering (black 0, red 1, green 2, yellow 3,
/// blue 4, magenta 5, cyan 6, white 7), which is also their palette index.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background colour.
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    /// An index into the xterm 256-colour palette: 0-15 system colours,
    /// 16-231 a 6x6x6 colour cube, 232-255 a grey ramp.
    case palette(UInt8)

    /// The eight basic colours in ANSI order.
    public static let basic: [Color] = [.black, .red, .green, .yellow, .blue, .magenta, .cyan, .white]

    /// The ANSI number 0-7 of a basic colour; `nil` for `.default` and `.palette`.
    public var basicIndex: Int? {
        switch self {
        case .default, .palette: return nil
        case .black: return 0
        case .red: return 1
        case .green: return 2
        case .yellow: return 3
        case .blue: return 4
        case .magenta: return 5
        case .cyan: return 6
        case .white: return 7
        }
    }

    /// The colour number a terminal library uses: -1 for the default colour,
    /// 0-7 for basic colours, 0-255 for palette entries.
    public var terminalNumber: Int {
        switch self {
        case .default: return -1
        case .palette(let index): return Int(index)
        default: return basicIndex ?? -1
        }
    }

    /// A colour on the 6x6x6 cube of the 256-colour palette; each level is
    /// clamped to 0...5.
    public static func cube(red: Int, green: Int, blue: Int) -> Color {
        func level(_ v: Int) -> Int { min(5, max(0, v)) }
        return .palette(UInt8(16 + 36 * level(red) + 6 * level(green) + level(blue)))
    }

    /// One step of the 24-step grey ramp (0 darkest ... 23 lightest), clamped.
    public static func grey(_ step: Int) -> Color {
        .palette(UInt8(232 + min(23, max(0, step))))
    }

    /// The approximate RGB value of a palette colour (xterm's defaults).
    static func rgb(ofPaletteIndex index: Int) -> (r: Int, g: Int, b: Int) {
        switch index {
        case 0..<16:
            return systemRGB[index]
        case 16..<232:
            let i = index - 16
            let levels = [0, 95, 135, 175, 215, 255]
            return (levels[i / 36], levels[(i / 6) % 6], levels[i % 6])
        default:
            let v = 8 + 10 * (index - 232)
            return (v, v, v)
        }
    }

    /// xterm's default system colours 0-15.
    private static let systemRGB: [(r: Int, g: Int, b: Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0),
        (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0),
        (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// The basic colour nearest to this one. Palette entries 0-15 map to their
    /// ANSI number modulo 8 (bright red -> red); the cube and grey ramp map to
    /// the basic colour at the smallest squared RGB distance (xterm's values).
    public var nearestBasic: Color {
        switch self {
        case .default: return .default
        case .palette(let p):
            let index = Int(p)
            if index < 16 { return Color.basic[index % 8] }
            let c = Color.rgb(ofPaletteIndex: index)
            var best = 0
            var bestDistance = Int.max
            for b in 0..<8 {
                let s = Color.systemRGB[b]
                let d = (c.r - s.r) * (c.r - s.r) + (c.g - s.g) * (c.g - s.g) + (c.b - s.b) * (c.b - s.b)
                if d < bestDistance { bestDistance = d; best = b }
            }
            return Color.basic[best]
        default: return self
        }
    }
}
