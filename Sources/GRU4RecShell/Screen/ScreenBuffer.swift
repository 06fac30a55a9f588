/// An in-memory grid of cells: what the screen should show.
///
/// Cells are stored row-major (`cells[y * width + x]`), with `x` the 0-based
/// column and `y` the 0-based row from the top. Every drawing operation clips
/// to the grid and keeps wide characters whole: overwriting either half of a
/// wide character blanks the other half. Rendering is pure: the same calls
/// give the same grid, and `text` turns it into plain lines for snapshots.
public struct ScreenBuffer: Hashable, Sendable {
    public let width: Int
    public let height: Int
    /// Row-major cells, `width * height` of them.
    public private(set) var cells: [Cell]

    /// A blank grid; negative sizes count as zero.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The whole grid as a rectangle at the origin.
    public var bounds: Rect { Rect(width: width, height: height) }

    /// The cell at column `x`, row `y`; a blank cell outside the grid.
    public subscript(x: Int, y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank }
        return cells[y * width + x]
    }

    // MARK: Writing cells

    /// Writes one narrow (1-column) cell, keeping wide characters whole.
    /// Out-of-grid positions are ignored.
    public mutating func set(x: Int, y: Int, _ character: Character, style: Style = .plain) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        clearWide(x: x, y: y)
        cells[y * width + x] = Cell(character, style: style)
    }

    /// Writes a 2-column character at `x` and its continuation at `x + 1`.
    /// Nothing is written unless both columns are on the grid.
    mutating func setWide(x: Int, y: Int, _ character: Character, style: Style) {
        guard x >= 0, x + 1 < width, y >= 0, y < height else { return }
        clearWide(x: x, y: y)
        clearWide(x: x + 1, y: y)
        cells[y * width + x] = Cell(character, style: style)
        cells[y * width + x + 1] = .continuation(style)
    }

    /// If (x, y) is half of a wide character, blanks the other half (keeping
    /// its style) so that no orphan half remains.
    private mutating func clearWide(x: Int, y: Int) {
        let i = y * width + x
        if cells[i].isContinuation {
            if x > 0 { cells[i - 1] = Cell(" ", style: cells[i - 1].style) }
            cells[i] = Cell(" ", style: cells[i].style)
        } else if x + 1 < width, cells[i + 1].isContinuation {
            cells[i + 1] = Cell(" ", style: cells[i + 1].style)
        }
    }

    /// Writes `text` starting at column `x`, row `y`, and returns the columns
    /// it took (counted from `x`, including any clipped-off part on the left).
    ///
    /// Wide characters take two columns. Control characters are skipped. The
    /// text is clipped to the grid and to `maxWidth` columns from `x` when
    /// given; a wide character that does not fit whole is replaced by a space
    /// in the last column. Nothing wraps.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil) -> Int {
        guard y >= 0, y < height else { return 0 }
        let limit = min(width, maxWidth.map { x + max(0, $0) } ?? width)
        var column = x
        for ch in text {
            if column >= limit { break }
            if DisplayWidth.isControl(ch) { continue }
            let w = DisplayWidth.of(ch)
            if w == 0 { continue }
            if w == 2 {
                if column + 1 >= limit || column < 0 {
                    // Does not fit whole: pad the visible column instead.
                    if column >= 0 { set(x: column, y: y, " ", style: style) }
                    if column + 1 < limit, column + 1 >= 0 { set(x: column + 1, y: y, " ", style: style) }
                } else {
                    setWide(x: column, y: y, ch, style: style)
                }
                column += 2
            } else {
                if column >= 0 { set(x: column, y: y, ch, style: style) }
                column += 1
            }
        }
        return min(column, limit) - x
    }

    /// Fills `rect` (clipped to the grid) with `character` in `style`.
    public mutating func fill(_ rect: Rect, character: Character = " ", style: Style = .plain) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        let wide = DisplayWidth.of(character) == 2
        for y in r.y..<r.maxY {
            if wide {
                var x = r.x
                while x + 1 < r.maxX { setWide(x: x, y: y, character, style: style); x += 2 }
                if x < r.maxX { set(x: x, y: y, " ", style: style) }
            } else {
                for x in r.x..<r.maxX { set(x: x, y: y, character, style: style) }
            }
        }
    }

    /// Changes the style of every cell in `rect`, keeping the characters.
    public mutating func restyle(_ rect: Rect, _ transform: (Style) -> Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { cells[y * width + x].style = transform(cells[y * width + x].style) }
        }
    }

    /// Copies `other` onto this grid with its top-left corner at (x, y), clipped.
    public mutating func blit(_ other: ScreenBuffer, x: Int, y: Int) {
        for sy in 0..<other.height {
            var sx = 0
            while sx < other.width {
                let cell = other[sx, sy]
                if cell.isContinuation { sx += 1; continue }
                if sx + 1 < other.width, other[sx + 1, sy].isContinuation {
                    setWide(x: x + sx, y: y + sy, cell.character, style: cell.style)
                    sx += 2
                } else {
                    set(x: x + sx, y: y + sy, cell.character, style: cell.style)
                    sx += 1
                }
            }
        }
    }

    // MARK: Text for snapshots

    /// Each row as plain text, continuation cells skipped, trailing spaces trimmed.
    public var lines: [String] {
        (0..<height).map { y in
            var line = ""
            for x in 0..<width where !cells[y * width + x].isContinuation {
                line.append(cells[y * width + x].character)
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The grid as plain text: `lines` joined by newlines (one line per row,
    /// blank rows included, no final newline).
    public var text: String { lines.joined(separator: "\n") }

    /// One character per column chosen by `transform` (continuation cells
    /// included), rows joined by newlines, trailing spaces trimmed. Used to
    /// snapshot styles, e.g. a letter per colour.
    public func map(_ transform: (Cell) -> Character) -> String {
        (0..<height).map { y in
            var line = String((0..<width).map { transform(cells[y * width + $0]) })
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
