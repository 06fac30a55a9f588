/// One command of the shell as a value: what a command line parses into
/// (`CommandTable.parse`), what keys and mouse clicks produce directly, and
/// what `ShellState.execute` carries out. Arguments are typed; checks that
/// need the state (a click number within the session, K within the
/// catalog) happen when the command runs.
public enum ShellCommand: Equatable, Sendable {
    /// Add an item to the session.
    case click(ItemQuery)
    /// Remove the last click (it can be redone).
    case undo
    /// Put back what the last `undo` or `remove` took out.
    case redo
    /// Remove click `n` (1-based) and recompute the rest.
    case remove(Int)
    /// Start an empty session.
    case reset
    /// Show this many suggestions.
    case topK(Int)
    /// Leave items already in the session out of the suggestions (or not).
    case exclude(Bool)
    /// Filter the catalog (empty: show all).
    case find(String)
    /// Show GRU layer `n` (1-based).
    case layer(Int)
    /// Put the heat map's cursor on unit `n` (0-based); `nil` clears it.
    case unit(Int?)
    /// The colour scale of h and Δh.
    case scale(UnitInspection.Scale)
    /// Open the Trajectory view, showing this quantity (`nil`: the one shown last).
    case trajectory(UnitInspection.Quantity?)
    case view(ShellView)
    /// Replay a real session from the sessions file.
    case replay(ReplayTarget)
    /// Replay: feed the next event, take the last back, play, pause.
    case step, back, play, pause
    /// Replay: milliseconds per automatic step.
    case speed(Int)
    /// Evaluate every session of the sessions file (`replay all`).
    case replayAll
    /// Narrow the ranked session list (`nil`: show all).
    case replayFilter(SessionFilter?)
    /// Rank sessions by their MRR (`nil`) or by the rank of step `n`'s target.
    case replaySort(step: Int?)
    /// Start the running replay figures afresh.
    case metricsReset
    /// Compare with another model read from `path`; `nil`: stop comparing.
    case compare(path: String?)
    /// Load a sessions file for replay.
    case sessions(path: String)
    /// Load another model.
    case load(path: String)
    /// Save the session, its suggestions and ranks as JSON.
    case save(path: String)
    /// Show the help view; with a topic, the command's usage in the message line.
    case help(topic: String?)
    /// Toggle the status line's timing figures (update and draw times).
    case timings
    case quit
    /// Explain a suggestion (score split, influence of every click, neighbours).
    case explain(ExplainTarget)
    /// List the nearest neighbours of an item by the model's item vectors.
    case similar(ItemQuery)
    /// Pin an item (up to three): its rank after every click; `nil` clears them.
    case track(ItemQuery?)
}

/// An item as a command names it.
public enum ItemQuery: Equatable, Sendable {
    /// A catalog index (keys, mouse).
    case index(Int)
    /// Typed text: an id or a name, exact or a unique prefix (`ItemDirectory.resolve`).
    case text(String)
}

/// Which session `replay` loads.
public enum ReplayTarget: Equatable, Sendable {
    /// The one after the current replay (the first without one).
    case next
    /// One drawn with the shell's seeded generator.
    case random
    /// The session with this id.
    case session(String)
    /// The worst of the ranked list (`replay all`) not opened yet.
    case worst
    /// The session chosen by the showcase rule (`ShowcaseSession`), shown up
    /// to its last hit with the top suggestion explained: what the shell opens on.
    case showcase
}

/// Which item `explain` explains.
public enum ExplainTarget: Equatable, Sendable {
    /// The suggestion selected in the Suggestions pane (the first when it has no focus).
    case selected
    /// The suggestion at this place (1-based) of the top-k.
    case place(Int)
    /// Any item of the catalog.
    case item(ItemQuery)
}
