import GRU4Rec

/// Everything that can happen to the shell. The runtime turns terminal
/// input, readline callbacks, the clock and the results of effects into
/// these and hands them to `Shell.update`.
public enum ShellMessage {
    /// A key, mouse action or resize from the terminal backend. (`.tick` is
    /// ignored here: send `.tick(now:)`, which carries the time.)
    case input(InputEvent)
    /// The readline bridge's line changed: the whole text and the cursor, in
    /// characters from the start of the line.
    case lineEdited(text: String, cursor: Int)
    /// The readline bridge accepted a line (Enter): run it as a command.
    case lineSubmitted(String)
    /// The readline bridge abandoned the line (Escape, Ctrl-G, Ctrl-C).
    /// Answered with `.stopLineEditing`, so keys go to `update` again.
    case lineCancelled
    /// The readline bridge has several completions for the line: show them
    /// under it (from `rl_completion_display_matches_hook`).
    case completionsShown([String])
    /// Run one command line directly (scripted mode, tests).
    case command(String)
    /// Run one command value directly (no parsing).
    case execute(ShellCommand)
    /// The clock: `now` is monotonic time in seconds (any origin). Drives
    /// replay auto-play; the runtime sends it when a timer it was asked to
    /// start fires (and may send it more often).
    case tick(now: Double)
    /// How long the runtime's last `update` and `render` took, in seconds,
    /// for the status line (the shell core never reads the clock itself).
    case measured(updateSeconds: Double, renderSeconds: Double)
    /// The result of a `.loadModel` effect.
    case modelLoaded(path: String, Result<LoadedModel, ShellFailure>)
    /// The result of a `.loadSessions` effect.
    case sessionsLoaded(path: String, Result<SessionData, ShellFailure>)
    /// The result of a `.writeFile` effect (`error` is `nil` on success).
    case fileWritten(path: String, what: String, error: ShellFailure?)
    /// Progress of a running `.evaluate` effect: events done of all events.
    case evaluationProgress(id: Int, done: Int, total: Int)
    /// The result of an `.evaluate` effect (`replay all`, the Analysis view).
    case evaluated(id: Int, BatchEvaluation)
    /// The result of an `.explain` effect.
    case explained(id: Int, SuggestionExplanation)
    /// The result of a `.score` effect: a deferred click's full pass.
    case scored(ScoredClicks)
    /// The result of a `.buildScreening` effect (`nil`: this CPU has no fast scan).
    case screeningBuilt(ScreeningRequest, ScreenedScorer?)
    /// The result of a `.loadComparison` effect.
    case comparisonLoaded(path: String, Result<LoadedModel, ShellFailure>)
    /// The startup commands (the preloaded demo steps) have run: their
    /// predictions leave the running figures.
    case preloaded
}

/// A side effect `update` asks the runtime to perform. File effects are
/// performed by `Shell.perform(_:environment:)`, which answers with a
/// message; the others concern the runtime itself.
public enum ShellEffect: Equatable {
    /// Load a model file (answer: `.modelLoaded`).
    case loadModel(path: String)
    /// Load a sessions file for replay, mapped to `catalog` (answer: `.sessionsLoaded`).
    case loadSessions(path: String, catalog: ItemCatalog)
    /// Write a file (answer: `.fileWritten`); `what` names it for messages.
    case writeFile(path: String, contents: [UInt8], what: String)
    /// Load a model to compare with the shown one (answer: `.comparisonLoaded`).
    case loadComparison(path: String)
    /// Evaluate a model over a sessions file (answer: `.evaluated`, with
    /// `.evaluationProgress` before it when the runtime runs it in the
    /// background). Not file I/O but long: `ShellLoop` runs it off the UI
    /// thread; scripted mode and `ShellDriver` run it in place.
    case evaluate(EvaluationRequest)
    /// Explain an item after a session (answer: `.explained`): the Explain
    /// view's explanation after the session changed. `ShellLoop` runs it off
    /// the UI thread; scripted mode and `ShellDriver` run it in place.
    case explain(ExplanationRequest)
    /// The full pass after a click at a large catalog (answer: `.scored`):
    /// every score and the log-sum-exp, for the probabilities and ranks.
    /// `ShellLoop` runs these off the UI thread, in order; scripted mode and
    /// `ShellDriver` run them in place.
    case score(ScoringRequest)
    /// Build the screening copy of a large model's output weights (answer:
    /// `.screeningBuilt`). `ShellLoop` builds it off the UI thread.
    case buildScreening(ScreeningRequest)
    /// Leave the shell.
    case quit
    /// Send `.tick(now:)` about every `intervalMilliseconds` until `.stopTimer`
    /// (replaces a running timer).
    case startTimer(intervalMilliseconds: Int)
    case stopTimer
    /// The command line got focus: route keys to readline, starting from `text`.
    case startLineEditing(text: String)
    /// The command line lost focus: keys go to `update` again.
    case stopLineEditing
}
