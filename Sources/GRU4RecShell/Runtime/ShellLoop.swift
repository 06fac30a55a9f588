/// The interactive loop of `gru4rec shell` over any `TerminalBackend`: paint
/// `Shell.render`, read input, route keys to the backend's line editor while
/// the command line has focus, drive auto-play's timer from the backend's
/// clock, and act on the runtime effects that `ShellDriver` hands back. The
/// state changes only in `Shell.update`.
public final class ShellLoop {
    public private(set) var driver: ShellDriver
    private let terminal: TerminalBackend
    /// Whether keys go to the backend's line editor.
    public private(set) var lineEditing = false
    /// The auto-play timer: its interval in seconds, when running, and its next firing.
    public private(set) var timerInterval: Double?
    private var nextTick: Double = 0
    /// `.evaluate`, `.explain`, `.score` and `.buildScreening` effects running off this thread.
    private let evaluations = BackgroundEvaluations()

    public init(state: ShellState, environment: ShellEnvironment, terminal: TerminalBackend) {
        driver = ShellDriver(state: state, environment: environment)
        driver.runsEvaluationsInBackground = true
        self.terminal = terminal
    }

    /// Whether a background evaluation is running or has answers not yet sent.
    public var isEvaluating: Bool { evaluations.isBusy }

    /// Sends the progress and results of background evaluations that arrived.
    public func deliverEvaluations() {
        for message in evaluations.drain() { send(message) }
    }

    /// Waits for the running evaluations to finish and sends their answers (tests).
    public func finishEvaluations() {
        evaluations.waitUntilIdle()
        deliverEvaluations()
    }

    public var state: ShellState { driver.state }

    /// Runs `startup` commands, then frames until `quit` or until the terminal closes.
    public func run(startup: [String] = []) {
        send(.input(.resize(width: terminal.width, height: terminal.height)))
        for line in startup { send(.command(line)) }
        if !startup.isEmpty { send(.preloaded) }
        while !state.quitRequested && !terminal.isClosed {
            let renderStart = terminal.now()
            let screen = Shell.render(state, width: terminal.width, height: terminal.height)
            terminal.paint(screen, cursor: Shell.cursorPosition(state, width: terminal.width, height: terminal.height))
            let renderSeconds = terminal.now() - renderStart
            var wait = timerInterval == nil ? 500 : max(0, Int(((nextTick - terminal.now()) * 1000).rounded(.up)))
            // While an evaluation runs in the background, its progress is drawn about ten times a
            // second; an explanation (milliseconds at the demo's size) is drawn as soon as it arrives.
            // A click's full pass (deferred at large catalogs) is drawn as soon as it arrives.
            if evaluations.isBusy { wait = min(wait, state.explainState.isUpdating || evaluations.isScoring ? 5 : 100) }
            let input = terminal.readEvent(timeoutMilliseconds: wait)
            let updateStart = terminal.now()
            if let input { handle(input) }
            if let interval = timerInterval, terminal.now() >= nextTick {
                nextTick = terminal.now() + interval
                send(.tick(now: terminal.now()))
            }
            deliverEvaluations()
            if input != nil {
                send(.measured(updateSeconds: terminal.now() - updateStart, renderSeconds: renderSeconds))
            }
        }
        if lineEditing { terminal.endLineEditing() }
    }

    /// One input: keys go to the line editor while the command line has focus.
    func handle(_ event: InputEvent) {
        guard lineEditing, case .key(let key) = event else {
            send(.input(event))
            return
        }
        if key == .escape {
            send(.lineCancelled)
            return
        }
        guard let edit = terminal.editLine(key) else {
            send(.input(event))
            return
        }
        for line in edit.completedLines {
            send(.lineSubmitted(line))
            if !lineEditing { break }
        }
        if edit.endOfInput {
            send(.execute(.quit))
            return
        }
        if lineEditing {
            send(.lineEdited(text: edit.text, cursor: edit.cursor))
            if !edit.candidates.isEmpty { send(.completionsShown(edit.candidates)) }
        }
    }

    /// Sends a message through the driver and acts on the runtime effects.
    public func send(_ message: ShellMessage) {
        for effect in driver.send(message) {
            switch effect {
            case .startTimer(let ms):
                let interval = Double(max(ms, 10)) / 1000
                timerInterval = interval
                nextTick = terminal.now() + interval
            case .stopTimer:
                timerInterval = nil
            case .startLineEditing(let text):
                lineEditing = true
                terminal.beginLineEditing(text: text)
            case .stopLineEditing:
                lineEditing = false
                terminal.endLineEditing()
            case .evaluate(let request):
                evaluations.start(request)
            case .explain(let request):
                evaluations.start(request)
            case .score(let request):
                evaluations.start(request)
            case .buildScreening(let request):
                evaluations.start(request)
            case .quit, .loadModel, .loadSessions, .writeFile, .loadComparison:
                break  // quit: `state.quitRequested` ends the loop; file effects were performed by the driver
            }
        }
        _ = driver.takeNotices()
    }
}
