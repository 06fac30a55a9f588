/// The one interpreter of effects: sends a message to `Shell.update`,
/// performs the file effects it asks for with the environment, feeds their
/// answers back, and hands the effects that concern the runtime itself
/// (timers, line editing, quit) to its caller, in order.
///
/// Both the terminal loop (`ShellLoop`) and scripted mode (`Shell.runScript`)
/// drive the shell through it.
public struct ShellDriver {
    /// The shell's state after the last message.
    public private(set) var state: ShellState
    public let environment: ShellEnvironment
    /// New notices (information and errors), oldest first, since the last
    /// `takeNotices()`: each message can raise one, and so can every answer.
    private var notices: [Notice] = []
    /// Whether `.evaluate` and `.explain` effects go back to the caller
    /// (which runs them off its thread and sends `.evaluationProgress`,
    /// `.evaluated` and `.explained`) instead of running in place. `ShellLoop` sets it.
    public var runsEvaluationsInBackground = false

    public init(state: ShellState, environment: ShellEnvironment) {
        self.state = state
        self.environment = environment
    }

    /// Applies `message` and every answer to its file effects. Returns the
    /// runtime effects (`.quit`, `.startTimer`, `.stopTimer`,
    /// `.startLineEditing`, `.stopLineEditing`) for the caller to act on.
    @discardableResult
    public mutating func send(_ message: ShellMessage) -> [ShellEffect] {
        var runtime: [ShellEffect] = []
        var pending = update(message)
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if runsEvaluationsInBackground, effect.runsInBackground {
                runtime.append(effect)
            } else if let answer = Shell.perform(effect, environment: environment) {
                pending += update(answer)
            } else {
                runtime.append(effect)
            }
        }
        return runtime
    }

    /// The notices raised since the last call, oldest first.
    public mutating func takeNotices() -> [Notice] {
        defer { notices = [] }
        return notices
    }

    private mutating func update(_ message: ShellMessage) -> [ShellEffect] {
        let before = state.notice?.serial
        let effects = Shell.update(&state, message)
        if let notice = state.notice, notice.serial != before { notices.append(notice) }
        return effects
    }
}
