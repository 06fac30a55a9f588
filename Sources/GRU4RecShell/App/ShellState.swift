import GRU4Rec

/// The shell's screens.
public enum ShellView: String, CaseIterable, Sendable {
    /// Catalog, session, suggestions and hidden state.
    case main
    /// Training curves, hyperparameters and final metrics.
    case training
    /// Step through a real session and measure the model on it.
    case replay
    /// Commands and keys.
    case help
    /// The model's metrics per slice over its sessions file (F5).
    case analysis
    /// Why a suggestion: score split, influence of every click, neighbours.
    case explain
    /// Units x clicks: how every unit of a layer moved over the session (F7).
    case trajectory

    /// The tab label.
    var title: String {
        switch self {
        case .main: return "Session"
        case .training: return "Training"
        case .replay: return "Replay"
        case .help: return "Help"
        case .analysis: return "Analysis"
        case .explain: return "Explain"
        case .trajectory: return "Trajectory"
        }
    }

    /// Resolves a `view` argument (`session` is another name for `main`).
    static func named(_ name: String) -> ShellView? {
        switch name.lowercased() {
        case "main", "session": return .main
        case "training", "train": return .training
        case "replay": return .replay
        case "help": return .help
        case "explain": return .explain
        case "analysis": return .analysis
        case "trajectory", "units": return .trajectory
        default: return nil
        }
    }

    /// The names `view` accepts, for completion and hints.
    static let names = ["main", "session", "training", "replay", "help", "analysis", "explain", "trajectory"]
}

/// A focusable part of a view.
public enum Pane: String, CaseIterable, Sendable {
    case catalog, session, suggestions, hidden, replay, metrics, training, help
    case explain, similar
    /// The Replay view's sessions, worst first (after `replay all`).
    case worst
    /// The Analysis view's bar charts.
    case analysis
    /// Units x clicks of h, z, r or Δh (the Trajectory view; beside the heat map from 200x60).
    case trajectory
    /// The units the last click changed most, by |Δh|.
    case changes
}

/// The one-line message under the panes: an error with a hint, or information.
public struct Notice: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case info, error }
    public var kind: Kind
    public var text: String
    public var hint: String?
    /// Increases with every new notice, so that a repeated identical error
    /// still counts as new (scripted mode uses it to spot failures).
    public var serial: Int
}

/// The command line's text, cursor and history.
public struct LineEditor: Equatable, Sendable {
    /// Whether the command line has focus.
    public internal(set) var isActive = false
    /// The line being edited.
    public internal(set) var text = ""
    /// Cursor position in characters (0...text.count).
    public internal(set) var cursor = 0
    /// Submitted lines, oldest first.
    public internal(set) var history: [String] = []
    /// While browsing history with Up/Down: the entry shown.
    var historyIndex: Int?
    /// Candidates of the last Tab completion, shown under the line.
    public internal(set) var candidates: [String] = []
}

/// A replay of a real session from the sessions file.
public struct ReplayState: Equatable, Sendable {
    /// The replayed session (index into the sessions data), if any.
    public internal(set) var sessionIndex: Int?
    /// How many of its events have been fed into the live session.
    public internal(set) var position = 0
    /// Whether the live session still is exactly the replayed prefix (a
    /// manual click, undo, remove or reset detaches it).
    public internal(set) var attached = false
    /// Whether auto-play is on.
    public internal(set) var playing = false
    /// Auto-play speed: milliseconds per step.
    public internal(set) var speedMilliseconds = 500
    /// When auto-play last stepped (`tick` time), if it did.
    var lastStepTime: Double?
    /// Rank of the true next item for every replayed (session, position):
    /// the model had seen `position` events and `items[position]` came next.
    /// Stepping back and forth over a position records it once.
    public internal(set) var ranks: [ReplayKey: Double] = [:]
    /// The compared model's rank of the same targets (infinite for an item
    /// it does not know), when a model is compared.
    public internal(set) var ranksB: [ReplayKey: Double] = [:]
    /// Replayed positions whose rank waits for a deferred full pass: the
    /// trace generation and step index it will be read from.
    var pendingRanks: [PendingRank] = []

    /// Running Recall@k over everything replayed (`nil` before any prediction).
    public func recall(at k: Int) -> Double? { Self.recall(ranks, at: k) }

    /// Running MRR@k over everything replayed (`nil` before any prediction).
    public func mrr(at k: Int) -> Double? { Self.mrr(ranks, at: k) }

    static func recall(_ ranks: [ReplayKey: Double], at k: Int) -> Double? {
        guard !ranks.isEmpty else { return nil }
        return Double(ranks.values.filter { $0 <= Double(k) }.count) / Double(ranks.count)
    }

    static func mrr(_ ranks: [ReplayKey: Double], at k: Int) -> Double? {
        guard !ranks.isEmpty else { return nil }
        return ranks.values.reduce(0) { $0 + ($1 <= Double(k) ? 1 / $1 : 0) } / Double(ranks.count)
    }
}

/// A replayed prediction: session index and the number of events seen.
public struct ReplayKey: Hashable, Sendable {
    public var session: Int
    public var position: Int

    public init(session: Int, position: Int) {
        self.session = session
        self.position = position
    }
}

/// A top-k suggestion after the current session.
public struct Suggestion: Equatable, Sendable {
    /// How a suggestion moved since the step before.
    public enum Movement: Equatable, Sendable {
        /// Not in the previous top-k (or there was no previous step).
        case new
        case same
        /// Up by this many places.
        case up(Int)
        case down(Int)
        /// Not known yet: the scores before the click are still being
        /// computed (a deferred full pass, `ShellState+Scoring.swift`).
        case pending
    }

    public var item: Int
    public var score: Float
    /// Softmax probability over all item scores; `nil` while the click's
    /// full pass (the log-sum-exp over every score) is pending.
    public var probability: Double?
    public var movement: Movement
}

/// The whole state of the shell: one value, changed only by `Shell.update`
/// and drawn by `Shell.render`.
///
/// It holds the loaded model and live session (the only reference-typed
/// parts, kept copy-on-write, see `SessionEngine`), everything derived from
/// the session (`trace`, `suggestions`), the settings, the replay, and the
/// UI's focus, lists, filter, command line and message.
public struct ShellState {
    // MARK: Terminal
    /// The terminal size the layout (and mouse hit-testing) uses.
    public internal(set) var width: Int
    public internal(set) var height: Int
    /// What the terminal can show; heat maps pick their glyphs by it.
    public internal(set) var colorMode: ColorMode

    // MARK: Model and session
    /// The threads of the live sessions, explanations and evaluations (given at init).
    public let parallelism: Parallelism
    /// The model shown, if one is loaded.
    public internal(set) var loaded: LoadedModel?
    var directory: ItemDirectory?
    var engine: SessionEngine?
    /// The live session's clicks, states and scores.
    public internal(set) var trace = SessionTrace()
    /// From this many items on, a click's full pass (every score, for the
    /// probabilities and ranks) leaves the update as a `.score` effect, and
    /// the click's frame comes from the screened exact top-k (see
    /// `ShellState+Scoring.swift`). Below it a click scores in place.
    public var deferredScoringItems = ShellState.defaultDeferredScoringItems
    /// Full passes asked for by clicks and edits, not yet handed out as effects.
    var scoringRequests: [ScoringRequest] = []
    /// The model a screening copy was asked for (once per model).
    var screeningRequested: GRU4RecModel?
    /// The top-k after the current session.
    public internal(set) var suggestions: [Suggestion] = []
    /// Sessions taken out by `undo` and `remove`, most recent last, for `redo`
    /// (cleared by any other change to the session).
    var redoSessions: [[Int]] = []
    /// After an edit: item -> place in the top-k that was on screen before
    /// it, which suggestion movement is marked against; `nil` otherwise.
    var movementBaseline: [Int: Int]?
    /// The sessions file for replay, when one is loaded.
    public internal(set) var sessions: SessionData?
    /// Where `sessions` came from.
    public internal(set) var sessionsPath: String?
    /// A `load` confirmation waiting for its sessions file to be read (then
    /// shown with it).
    var pendingLoadNotice: String?

    // MARK: Settings
    /// How many suggestions to show (and the K of hit markers and replay metrics).
    public internal(set) var topK = 10
    /// Whether items already in the session are left out of the suggestions.
    public internal(set) var excludeSessionItems = false
    /// The GRU layer the hidden-state pane shows (0-based).
    public internal(set) var layer = 0
    /// The unit cursor, the colour scale and the trajectory's quantity.
    public internal(set) var inspection = UnitInspection()

    // MARK: Replay
    /// The replay of a real session and its running metrics.
    public internal(set) var replay = ReplayState()
    /// The generator behind `replay random` (seeded, so replays repeat).
    public internal(set) var random: SeededGenerator
    /// `replay all` and the Analysis view: the evaluation and the ranked sessions.
    public internal(set) var batch = BatchState()
    /// A second model reading the same clicks (`--compare`, `compare <file>`).
    public internal(set) var compared: ComparedModel?

    // MARK: Explain
    /// The explained suggestion and the Similar list (`explain`, `similar`).
    public internal(set) var explainState = ExplainState()

    // MARK: UI
    /// The screen shown.
    public internal(set) var view: ShellView = .main
    /// The view to return to when help closes.
    var viewBeforeHelp: ShellView = .main
    /// The pane that keys act on (always one of the view's panes).
    public internal(set) var focus: Pane = .catalog
    /// The catalog filter (`/` or `find`): a case-insensitive substring of name or id.
    public internal(set) var catalogFilter = ""
    /// Whether keys go to the catalog filter.
    public internal(set) var isEditingFilter = false
    /// The catalog rows: item indices, most popular first, filtered.
    public internal(set) var catalogRows: [Int] = []
    /// Selection and scroll position of each list pane (visible rows follow the layout).
    public internal(set) var catalogList = ScrollList(count: 0, visibleRows: 0)
    public internal(set) var sessionList = ScrollList(count: 0, visibleRows: 0)
    public internal(set) var suggestionList = ScrollList(count: 0, visibleRows: 0)
    public internal(set) var replayList = ScrollList(count: 0, visibleRows: 0)
    public internal(set) var worstList = ScrollList(count: 0, visibleRows: 0)
    /// First line shown in the help view and in the training view's facts.
    public internal(set) var helpOffset = 0
    public internal(set) var trainingOffset = 0
    /// The command line at the bottom.
    public internal(set) var commandLine = LineEditor()
    /// The message line: the last error or information.
    public internal(set) var notice: Notice?
    var noticeSerial = 0
    /// A click's message that names its rank once a deferred full pass
    /// brings it (while the message is still on screen).
    var noticeAwaitingRank: NoticeAwaitingRank?

    // MARK: Runtime
    /// How long the runtime's last update and render took (from `.measured`).
    public internal(set) var lastUpdateSeconds: Double?
    public internal(set) var lastRenderSeconds: Double?
    /// Whether the status line shows `lastUpdateSeconds` and `lastRenderSeconds`
    /// (`--debug`, the `t` key, the `timings` command).
    public internal(set) var showTimings = false
    /// Set by `quit` (the `.quit` effect is returned as well).
    public internal(set) var quitRequested = false

    /// A shell with no model yet (load one with the `.loadModel` effect or `load`).
    ///
    /// - Parameters:
    ///   - seed: seeds `replay random`.
    ///   - showTimings: show update and draw times in the status line (`--debug`).
    ///   - parallelism: the threads every click, explanation and evaluation splits over.
    public init(width: Int = 120, height: Int = 40, colorMode: ColorMode = .twoFiftySix, seed: UInt64 = 1,
                showTimings: Bool = false, parallelism: Parallelism) {
        self.parallelism = parallelism
        self.showTimings = showTimings
        self.width = max(0, width)
        self.height = max(0, height)
        self.colorMode = colorMode
        random = SeededGenerator(seed: seed)
        syncLists()
    }

    /// A shell showing `model`, with `sessions` (mapped to its catalog) for replay.
    public init(
        model: LoadedModel, sessions: SessionData? = nil, sessionsPath: String? = nil,
        width: Int = 120, height: Int = 40, colorMode: ColorMode = .twoFiftySix, seed: UInt64 = 1,
        showTimings: Bool = false, parallelism: Parallelism
    ) {
        self.init(width: width, height: height, colorMode: colorMode, seed: seed, showTimings: showTimings,
                  parallelism: parallelism)
        install(model)
        self.sessions = sessions
        self.sessionsPath = sessionsPath ?? (sessions == nil ? nil : "sessions")
        syncLists()
    }

    // MARK: Read-only conveniences for the runtime and tests

    /// The items of the live session, oldest first.
    public var sessionItems: [Int] { trace.items }

    /// The id of catalog item `index`.
    public func itemID(_ index: Int) -> String? {
        guard let d = directory, index >= 0, index < d.count else { return nil }
        return d.ids[index]
    }

    /// The display name of catalog item `index`.
    public func itemName(_ index: Int) -> String? {
        guard let d = directory, index >= 0, index < d.count else { return nil }
        return d.names[index]
    }

    /// The catalog index of the item with this id.
    public func itemIndex(id: String) -> Int? { loaded?.model.catalog.index(of: id) }

    /// The item selected in the catalog, if any.
    public var selectedCatalogItem: Int? { catalogList.selected.map { catalogRows[$0] } }

    /// Items of the replayed session, or `nil` without a replay.
    public var replayItems: [Int]? {
        guard let data = sessions, let s = replay.sessionIndex, s < data.sessionCount else { return nil }
        return data.sessionItems(s).map { Int($0) }
    }
}
