/// The training view's facts pane: the arrows scroll it. (Its charts are
/// drawn by `TrainingView.drawCharts`, outside the panes.)
extension TrainingView: PaneBehaviour {
    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        drawFacts(state, in: rect, focused: focused, into: &buffer)
    }

    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        state.trainingOffset = scrolled(state.trainingOffset, key)
        return []
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.trainingOffset = max(0, state.trainingOffset + delta) }
}
