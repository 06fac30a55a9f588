/// Which part of a long list is visible, and which item is selected.
///
/// Invariants: `selected` is `nil` exactly when `count == 0`, otherwise in
/// `0..<count`; `offset` (the first visible item) is in
/// `0...max(0, count - visibleRows)`. Moving the selection scrolls just
/// enough to keep it visible; `scroll(by:)` (the mouse wheel) moves only the
/// window and leaves the selection where it is.
public struct ScrollList: Hashable, Sendable {
    public private(set) var count: Int
    public private(set) var visibleRows: Int
    public private(set) var selected: Int?
    public private(set) var offset: Int

    public init(count: Int, visibleRows: Int, selected: Int? = 0, offset: Int = 0) {
        self.count = max(0, count)
        self.visibleRows = max(0, visibleRows)
        self.selected = nil
        self.offset = offset
        if self.count > 0 { self.selected = min(self.count - 1, max(0, selected ?? 0)) }
        clampOffset()
        revealSelection()
    }

    /// Indices of the items on screen, top to bottom.
    public var visibleRange: Range<Int> { offset..<min(count, offset + visibleRows) }

    /// The item shown on screen row `row` (0 = first visible row), if any.
    public func index(atRow row: Int) -> Int? {
        guard row >= 0, row < visibleRows, offset + row < count else { return nil }
        return offset + row
    }

    /// The screen row of item `index`, or `nil` when it is not visible.
    public func row(of index: Int) -> Int? {
        visibleRange.contains(index) ? index - offset : nil
    }

    /// Selects `index` (clamped to the list) and scrolls it into view.
    public mutating func select(_ index: Int) {
        guard count > 0 else { return }
        selected = min(count - 1, max(0, index))
        revealSelection()
    }

    /// Moves the selection by `delta` items (negative = up), clamped.
    public mutating func move(by delta: Int) {
        guard let s = selected else { return }
        select(s + delta)
    }

    public mutating func pageUp() { move(by: -max(1, visibleRows)) }
    public mutating func pageDown() { move(by: max(1, visibleRows)) }
    public mutating func home() { select(0) }
    public mutating func end() { select(count - 1) }

    /// Scrolls the window by `delta` rows (negative = up), clamped; the
    /// selection is unchanged and may leave the window.
    public mutating func scroll(by delta: Int) {
        offset += delta
        clampOffset()
    }

    /// Adapts to a new item count and window height, keeping the selection
    /// (clamped) visible.
    public mutating func resize(count newCount: Int, visibleRows newRows: Int) {
        count = max(0, newCount)
        visibleRows = max(0, newRows)
        if count == 0 { selected = nil } else { selected = min(count - 1, max(0, selected ?? 0)) }
        clampOffset()
        revealSelection()
    }

    private mutating func clampOffset() {
        offset = min(max(0, count - visibleRows), max(0, offset))
    }

    private mutating func revealSelection() {
        guard let s = selected, visibleRows > 0 else { return }
        if s < offset { offset = s }
        if s >= offset + visibleRows { offset = s - visibleRows + 1 }
        clampOffset()
    }
}
