/// One pane of a view: how it draws, and what keys (while it has the focus),
/// the mouse wheel (over it) and a click on one of its list rows do. Keys,
/// wheel and clicks change the state, so they run inside `Shell.update`.
///
/// A new pane is a type conforming to this (one file), a `Pane` case with
/// its row in `Pane.behaviour`, and its place in `ShellLayout`.
protocol PaneBehaviour {
    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer)
    /// A key while the pane has the focus (keys the shell itself binds never come here).
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect]
    /// The mouse wheel over the pane: `delta` rows (negative: up).
    static func wheel(_ delta: Int, in state: inout ShellState)
    /// A click on row `row` of the pane's list area (`ShellLayout.listRect`).
    static func click(row: Int, in state: inout ShellState) -> [ShellEffect]
}

extension PaneBehaviour {
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] { [] }
    static func wheel(_ delta: Int, in state: inout ShellState) {}
    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] { [] }
}

extension Pane {
    /// The table from each pane to the type that draws it and handles its input.
    var behaviour: any PaneBehaviour.Type {
        switch self {
        case .catalog: return CatalogPane.self
        case .session: return SessionPane.self
        case .suggestions: return SuggestionsPane.self
        case .hidden: return HiddenStatePane.self
        case .replay: return ReplayPane.self
        case .metrics: return MetricsPane.self
        case .training: return TrainingView.self
        case .help: return HelpView.self
        case .explain: return ExplainPane.self
        case .similar: return SimilarPane.self
        case .worst: return WorstSessionsPane.self
        case .analysis: return AnalysisView.self
        case .trajectory: return TrajectoryPane.self
        case .changes: return MostChangedPane.self
        }
    }
}

extension ScrollList {
    /// Selects the item on screen row `row`, if there is one.
    mutating func selectRow(_ row: Int) {
        if let index = index(atRow: row) { select(index) }
    }

    /// Arrow, page and Home/End movement of the selection; other keys do nothing.
    mutating func move(_ key: Key) {
        switch key {
        case .up: move(by: -1)
        case .down: move(by: 1)
        case .pageUp: pageUp()
        case .pageDown: pageDown()
        case .home: home()
        case .end: end()
        default: break
        }
    }
}

/// A text pane's first line after a movement key (clamped when drawn).
func scrolled(_ offset: Int, _ key: Key) -> Int {
    switch key {
    case .up: return max(0, offset - 1)
    case .down: return offset + 1
    case .pageUp: return max(0, offset - 10)
    case .pageDown: return offset + 10
    case .home: return 0
    default: return offset
    }
}
