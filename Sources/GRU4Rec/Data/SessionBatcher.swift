/// One session-parallel mini-batch step.
public struct BatchStep {
    /// Rows in this step (the batch shrinks at the end of the data).
    public var rows: Int = 0
    /// Input item of each row.
    public var input: [Int32] = []
    /// Target (next) item of each row.
    public var target: [Int32] = []
    /// `true` where the row's hidden state must be zeroed before the step (a new session).
    public var reset: [Bool] = []
    /// The row of the previous step whose hidden state this row continues.
    public var previousRow: [Int] = []
    /// `false` when every row continues itself with no reset (hidden state used as is).
    public var changesState: Bool = false
    /// Session ordinal of each row (for tracing and evaluation reports).
    public var session: [Int] = []

    public init() {}
}

/// Session-parallel mini-batches exactly as the reference builds them
/// (GRU4Rec.md, Mini-batches).
///
/// Row `k` follows one session; all rows advance one event per step (no BPTT).
/// After the shortest row runs out, every used-up row takes the next session
/// (its hidden state is reset) and rows with no session left are deleted; the
/// remaining rows keep their order and `previousRow` maps each to its old row.
///
/// The whole iteration state is plain integers (``State``) so a training
/// checkpoint can save and restore it mid-epoch.
public struct SessionBatcher {
    public struct State: Equatable, Codable, Sendable {
        /// Session ordinal per row.
        public var rowSession: [Int]
        /// Cursor (event position inside the row's session) per row.
        public var cursor: [Int]
        /// Next session ordinal to hand out.
        public var next: Int
        /// Steps left in the current run of `ℓ - 1` steps.
        public var stepsLeft: Int
        public var pendingReset: [Bool]
        public var pendingPrevious: [Int]
        public var pendingChange: Bool
        public var finished: Bool
    }

    public let data: SessionData
    public let batchSize: Int
    /// Stop when fewer than two rows remain (the reference does this for models trained with n_sample == 0).
    public let stopBelowTwoRows: Bool
    public private(set) var state: State

    public init(data: SessionData, batchSize: Int, stopBelowTwoRows: Bool = false) {
        precondition(batchSize > 0)
        self.data = data
        self.batchSize = batchSize
        self.stopBelowTwoRows = stopBelowTwoRows
        let b = min(batchSize, data.sessionCount)
        // The reference always starts with batchSize rows; with fewer sessions than
        // rows it would index past the end. We start with min(batch, sessions) rows.
        state = State(
            rowSession: Array(0..<b), cursor: [Int](repeating: 0, count: b), next: b,
            stepsLeft: 0, pendingReset: [Bool](repeating: true, count: b), pendingPrevious: Array(0..<b),
            pendingChange: true, finished: b == 0)
        state.stepsLeft = runLength()
        advanceIfRunEmpty()
    }

    public init(data: SessionData, batchSize: Int, stopBelowTwoRows: Bool = false, state: State) {
        self.data = data
        self.batchSize = batchSize
        self.stopBelowTwoRows = stopBelowTwoRows
        self.state = state
    }

    /// Number of steps in the current run: (shortest remaining length) - 1.
    private func runLength() -> Int {
        var minLeft = Int.max
        for k in 0..<state.rowSession.count {
            minLeft = min(minLeft, data.sessionLength(state.rowSession[k]) - state.cursor[k])
        }
        return state.rowSession.isEmpty ? 0 : max(0, minLeft - 1)
    }

    /// Replaces used-up rows, drops rows with no session left, until a run has steps.
    private mutating func advanceIfRunEmpty() {
        while !state.finished && state.stepsLeft == 0 {
            let rows = state.rowSession.count
            var finishedRow = [Bool](repeating: false, count: rows)
            for k in 0..<rows where data.sessionLength(state.rowSession[k]) - state.cursor[k] <= 1 {
                finishedRow[k] = true
                state.rowSession[k] = state.next
                state.cursor[k] = 0
                state.next += 1
            }
            var valid: [Int] = []
            for k in 0..<rows where state.rowSession[k] < data.sessionCount { valid.append(k) }
            if valid.isEmpty || (stopBelowTwoRows && valid.count < 2) {
                state.finished = true
                return
            }
            // Hidden rows of finished sessions are zeroed, then invalid rows deleted.
            var reset: [Bool] = [], prev: [Int] = []
            for k in valid {
                reset.append(state.pendingReset[k] || finishedRow[k])
                prev.append(state.pendingPrevious[k])
            }
            state.pendingReset = reset
            state.pendingPrevious = prev
            state.pendingChange = true
            state.rowSession = valid.map { state.rowSession[$0] }
            state.cursor = valid.map { state.cursor[$0] }
            state.stepsLeft = runLength()
        }
    }

    /// Fills `step` with the next mini-batch; returns `false` at the end of the data.
    public mutating func next(into step: inout BatchStep) -> Bool {
        advanceIfRunEmpty()
        if state.finished { return false }
        let rows = state.rowSession.count
        step.rows = rows
        if step.input.count != rows {
            step.input = [Int32](repeating: 0, count: rows)
            step.target = [Int32](repeating: 0, count: rows)
            step.session = [Int](repeating: 0, count: rows)
        }
        for k in 0..<rows {
            let base = data.offsets[state.rowSession[k]] + state.cursor[k]
            step.input[k] = data.items[base]
            step.target[k] = data.items[base + 1]
            step.session[k] = state.rowSession[k]
            state.cursor[k] += 1
        }
        step.changesState = state.pendingChange
        step.reset = state.pendingReset
        step.previousRow = state.pendingPrevious
        if state.pendingChange {
            state.pendingChange = false
            state.pendingReset = [Bool](repeating: false, count: rows)
            state.pendingPrevious = Array(0..<rows)
        }
        state.stepsLeft -= 1
        return true
    }
}
