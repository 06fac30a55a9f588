extension ScrollList {
    /// This list for `count` items in `visibleRows` rows. Unchanged when both
    /// already match, so that a window scrolled away from the selection (by
    /// the mouse wheel) stays where it is; otherwise resized, which scrolls
    /// the selection back into view.
    func fitted(count: Int, visibleRows: Int) -> ScrollList {
        guard count != self.count || visibleRows != self.visibleRows else { return self }
        var list = self
        list.resize(count: count, visibleRows: visibleRows)
        return list
    }
}
