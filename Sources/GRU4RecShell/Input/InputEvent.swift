/// One input event for the shell's `update`, independent of the terminal
/// library. Coordinates are 0-based columns (x) and rows (y) from the
/// top-left corner of the screen.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// The terminal now has this many columns and rows.
    case resize(width: Int, height: Int)
    /// A timer fired (no input arrived within the read timeout).
    case tick
}

/// A key press.
public enum Key: Hashable, Sendable {
    /// A printable character (already decoded from UTF-8).
    case character(Character)
    case enter, tab, backTab, backspace, delete, escape
    case up, down, left, right
    case pageUp, pageDown, home, end
    /// Function key F`n` (1-based).
    case function(Int)
    /// Control plus a letter or symbol, given in lower case: Ctrl-A is `.ctrl("a")`.
    /// (Ctrl-I, Ctrl-M and Ctrl-[ arrive as `.tab`, `.enter` and `.escape`.)
    case ctrl(Character)
}

/// A mouse action at a cell.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Left button went down (reported alone when press and release arrive apart).
        case press
        /// Left button went up.
        case release
        /// Left button pressed and released together.
        case click
        case wheelUp
        case wheelDown

        /// True for `press` and `click`: acting on these gives exactly one
        /// action per click whether the terminal reports the press and the
        /// release together (a click) or apart (press, then release).
        public var isActivation: Bool { self == .press || self == .click }
    }

    /// 0-based column.
    public var x: Int
    /// 0-based row.
    public var y: Int
    public var kind: Kind

    public init(x: Int, y: Int, kind: Kind) {
        self.x = x
        self.y = y
        self.kind = kind
    }
}
