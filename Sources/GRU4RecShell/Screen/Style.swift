/// How a cell is drawn: colours and attributes.
public struct Style: Hashable, Sendable {
    public var fg: Color
    public var bg: Color
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(
        fg: Color = .default, bg: Color = .default,
        bold: Bool = false, dim: Bool = false, reverse: Bool = false, underline: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    /// Default colours, no attributes.
    public static let plain = Style()

    /// This style with another foreground colour.
    public func with(fg color: Color) -> Style { var s = self; s.fg = color; return s }
    /// This style with another background colour.
    public func with(bg color: Color) -> Style { var s = self; s.bg = color; return s }
    /// This style made bold.
    public var bolded: Style { var s = self; s.bold = true; return s }
    /// This style with reverse video.
    public var reversed: Style { var s = self; s.reverse = true; return s }

    /// This style as a terminal in `mode` can show it; see `ColorMode.degrade(_:)`.
    public func degraded(to mode: ColorMode) -> Style {
        var s = self
        s.fg = mode.degrade(fg)
        s.bg = mode.degrade(bg)
        return s
    }
}

/// How many colours the terminal shows.
public enum ColorMode: Hashable, Sendable, CaseIterable {
    /// No colours (a monochrome terminal, or `NO_COLOR` set): attributes only.
    case none
    /// The eight basic ANSI colours.
    case eight
    /// The xterm 256-colour palette.
    case twoFiftySix

    /// `color` as this mode can show it: unchanged in 256-colour mode; a
    /// palette entry becomes its nearest basic colour in 8-colour mode; every
    /// colour becomes `.default` in no-colour mode.
    public func degrade(_ color: Color) -> Color {
        switch self {
        case .twoFiftySix: return color
        case .eight: return color.nearestBasic
        case .none: return .default
        }
    }
}
