extension ScreenBuffer {
    /// The characters of a box outline.
    public struct BoxCharacters: Hashable, Sendable {
        public var topLeft, topRight, bottomLeft, bottomRight, horizontal, vertical: Character

        public init(
            topLeft: Character, topRight: Character, bottomLeft: Character, bottomRight: Character,
            horizontal: Character, vertical: Character
        ) {
            self.topLeft = topLeft
            self.topRight = topRight
            self.bottomLeft = bottomLeft
            self.bottomRight = bottomRight
            self.horizontal = horizontal
            self.vertical = vertical
        }

        /// ┌─┐ │ └─┘
        public static let light = BoxCharacters(
            topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘", horizontal: "─", vertical: "│")
        /// ┏━┓ ┃ ┗━┛, used for the focused pane.
        public static let heavy = BoxCharacters(
            topLeft: "┏", topRight: "┓", bottomLeft: "┗", bottomRight: "┛", horizontal: "━", vertical: "┃")
    }

    /// A horizontal line of `length` cells from (x, y) to the right, clipped.
    public mutating func hline(x: Int, y: Int, length: Int, character: Character = "─", style: Style = .plain) {
        guard length > 0 else { return }
        fill(Rect(x: x, y: y, width: length, height: 1), character: character, style: style)
    }

    /// A vertical line of `length` cells from (x, y) downwards, clipped.
    public mutating func vline(x: Int, y: Int, length: Int, character: Character = "│", style: Style = .plain) {
        guard length > 0 else { return }
        fill(Rect(x: x, y: y, width: 1, height: length), character: character, style: style)
    }

    /// Draws the outline of `rect` with box-drawing characters, heavy and bold
    /// when `focused`, and `title` on the top edge ("┌─ title ───┐"),
    /// truncated to fit. The inside is left untouched (see `Rect.interior`).
    /// Rectangles narrower or shorter than 2 cells are not drawn.
    public mutating func box(_ rect: Rect, title: String? = nil, focused: Bool = false, style: Style = .plain) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let chars: BoxCharacters = focused ? .heavy : .light
        let lineStyle = focused ? style.bolded : style
        hline(x: rect.x + 1, y: rect.y, length: rect.width - 2, character: chars.horizontal, style: lineStyle)
        hline(x: rect.x + 1, y: rect.maxY - 1, length: rect.width - 2, character: chars.horizontal, style: lineStyle)
        vline(x: rect.x, y: rect.y + 1, length: rect.height - 2, character: chars.vertical, style: lineStyle)
        vline(x: rect.maxX - 1, y: rect.y + 1, length: rect.height - 2, character: chars.vertical, style: lineStyle)
        set(x: rect.x, y: rect.y, chars.topLeft, style: lineStyle)
        set(x: rect.maxX - 1, y: rect.y, chars.topRight, style: lineStyle)
        set(x: rect.x, y: rect.maxY - 1, chars.bottomLeft, style: lineStyle)
        set(x: rect.maxX - 1, y: rect.maxY - 1, chars.bottomRight, style: lineStyle)
        if let title, !title.isEmpty, rect.width >= 7 {
            // "┌─ " + title + " " + at least one line cell + corner.
            let room = rect.width - 6
            let shown = Self.truncate(title, to: room)
            if !shown.isEmpty { put(" " + shown + " ", x: rect.x + 2, y: rect.y, style: lineStyle) }
        }
    }

    /// `text` cut to at most `width` columns, ending in "…" when cut.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        if DisplayWidth.of(text) <= width { return text }
        var out = ""
        var used = 0
        for ch in text {
            let w = DisplayWidth.of(ch)
            if used + w > width - 1 { break }
            out.append(ch)
            used += w
        }
        return out + "…"
    }
}
