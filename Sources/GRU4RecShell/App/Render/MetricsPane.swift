/// The replay's running Recall@K and MRR@K (drawn by `ReplayPane.drawMetrics`);
/// it takes no focus and no input.
enum MetricsPane: PaneBehaviour {
    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        ReplayPane.drawMetrics(state, in: rect, into: &buffer)
    }
}
