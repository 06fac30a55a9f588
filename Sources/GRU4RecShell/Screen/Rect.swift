/// A rectangle of cells. `x` and `y` are the 0-based column and row of the
/// top-left cell; `x` grows to the right, `y` grows downwards. A rectangle
/// with zero (or negative) width or height is empty.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The rectangle at the origin of a `width` x `height` screen.
    public init(width: Int, height: Int) {
        self.init(x: 0, y: 0, width: width, height: height)
    }

    /// The first column to the right of the rectangle (exclusive bound).
    public var maxX: Int { x + width }
    /// The first row below the rectangle (exclusive bound).
    public var maxY: Int { y + height }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    public var description: String { "Rect(x: \(x), y: \(y), width: \(width), height: \(height))" }

    /// Whether the cell at column `x`, row `y` lies inside.
    public func contains(x px: Int, y py: Int) -> Bool {
        px >= x && px < maxX && py >= y && py < maxY
    }

    /// The overlap of two rectangles; empty (zero size) when they do not overlap.
    public func intersection(_ other: Rect) -> Rect {
        let x0 = max(x, other.x), y0 = max(y, other.y)
        let x1 = min(maxX, other.maxX), y1 = min(maxY, other.maxY)
        return Rect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }

    /// The rectangle shrunk by `dx` columns on the left and right and `dy`
    /// rows at the top and bottom; never of negative size.
    public func inset(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: max(0, width - 2 * dx), height: max(0, height - 2 * dy))
    }

    /// The rectangle shrunk by one cell on every side: the inside of a box.
    public var interior: Rect { inset(dx: 1, dy: 1) }

    /// One row of the rectangle (`row` counts from 0 at the top).
    public func row(_ row: Int) -> Rect { Rect(x: x, y: y + row, width: width, height: 1) }
}
