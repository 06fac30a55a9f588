/// The catalog: every item with name, id and popularity (training support),
/// most popular first, filtered by `/` or `find`. A dot marks items already
/// in the session.
///
///     ┌─ Catalog ─────────────────────┐
///     │/mug▏              4 of 24     │
///     │  name             id      pop │
///     │● Red mug          A1       31 │
enum CatalogPane: PaneBehaviour {
    /// Enter adds the selected item; movement keys move the selection.
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        if key == .enter, let item = state.selectedCatalogItem { return state.execute(.click(.index(item))) }
        state.catalogList.move(key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.catalogList.scroll(by: delta) }

    /// A click on an item adds it.
    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] {
        guard let index = state.catalogList.index(atRow: row) else { return [] }
        state.catalogList.select(index)
        return state.execute(.click(.index(state.catalogRows[index])))
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        buffer.box(rect, title: "Catalog", focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0 else { return }
        guard let d = state.directory else {
            buffer.put(fit("no model loaded", inner.width), x: inner.x, y: inner.y, style: Theme.dim)
            return
        }

        // Info line: the filter being typed, the filter in force, or a hint.
        let count = "\(grouped(state.catalogRows.count)) of \(grouped(d.count))"
        if state.isEditingFilter || !state.catalogFilter.isEmpty {
            let prefix = state.isEditingFilter ? "/" + state.catalogFilter + "▏" : "filter '" + state.catalogFilter + "'"
            let w = max(0, inner.width - DisplayWidth.of(count) - 1)
            buffer.put(fit(prefix, w), x: inner.x, y: inner.y, style: state.isEditingFilter ? Theme.title : Theme.info)
            buffer.put(count, x: inner.maxX - DisplayWidth.of(count), y: inner.y, style: Theme.dim)
        } else {
            buffer.put(fit("\(plural(d.count, "item")) · / filters", inner.width), x: inner.x, y: inner.y, style: Theme.dim)
        }

        let widths = columnWidths(d, width: inner.width)
        buffer.putRow([
            Column(text: "", width: 1), Column(text: d.hasNames ? "name" : "id", width: widths.name, style: Theme.header),
            Column(text: "id", width: widths.id, style: Theme.header),
            Column(text: "pop", width: widths.pop, align: .right, style: Theme.header),
        ], x: inner.x, y: inner.y + 1)

        let listRect = ShellLayout.listRect(of: .catalog, in: rect)
        let list = state.catalogList.fitted(count: state.catalogRows.count, visibleRows: listRect.height)
        if state.catalogRows.isEmpty, listRect.height > 0 {
            buffer.put(fit("no item matches", listRect.width), x: listRect.x, y: listRect.y, style: Theme.dim)
            return
        }
        let inSession = Set(state.sessionItems)
        for index in list.visibleRange {
            let item = state.catalogRows[index]
            let y = listRect.y + index - list.offset
            let isSelected = index == list.selected
            let base = isSelected ? (focused ? Theme.selected : Theme.selectedUnfocused) : Theme.plain
            if isSelected { buffer.fill(Rect(x: listRect.x, y: y, width: listRect.width, height: 1), style: base) }
            buffer.putRow([
                Column(text: inSession.contains(item) ? "●" : "", width: 1, style: base),
                Column(text: d.names[item], width: widths.name, style: base),
                Column(text: d.ids[item], width: widths.id, style: isSelected ? base : Theme.dim),
                Column(text: grouped(d.support[item]), width: widths.pop, align: .right, style: base),
            ], x: listRect.x, y: y)
        }
    }

    /// Name, id and popularity column widths for an interior `width` wide
    /// (a marker column and three gaps take the rest).
    static func columnWidths(_ d: ItemDirectory, width: Int) -> (name: Int, id: Int, pop: Int) {
        let pop = max(3, DisplayWidth.of(grouped(d.support.max() ?? 0)))
        guard d.hasNames else { return (max(0, width - 1 - pop - 2), 0, pop) }
        let id = min(max(2, d.idWidth), max(2, width / 4))
        let name = max(0, width - 1 - pop - id - 3)
        return (name, id, pop)
    }
}
