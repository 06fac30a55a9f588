import GRU4Rec

/// One row of the Similar pane: a neighbour of the pane's item, the cosine
/// similarity, and which item vectors it was found by.
public struct SimilarEntry: Equatable, Sendable {
    public var item: Int
    public var similarity: Float
    /// `.output` (rows of `Wy`) or `.input` (rows of `E`, separate embedding only).
    public var vectors: ItemVectors
}

/// What the Explain view shows: the explained suggestion (recomputed when the
/// session changes) and the neighbours of an item.
///
/// The neighbour search (`ItemNeighbours`, row norms computed once) is built
/// on the first `explain` or `similar` for a model and kept while the model
/// stays loaded.
public struct ExplainState {
    /// The explained item (catalog index), if any.
    public internal(set) var item: Int?
    /// The session the explanation was computed for (catalog indices).
    public internal(set) var session: [Int] = []
    /// Score split, probability, rank and leave-one-click-out influence.
    public internal(set) var explanation: SuggestionExplanation?
    /// The item whose neighbours are listed, and the list (output vectors
    /// first, then input vectors where the model has a separate embedding).
    public internal(set) var similarItem: Int?
    public internal(set) var similar: [SimilarEntry] = []
    /// Selection and scroll position of the Similar list and the influence list.
    public internal(set) var similarList = ScrollList(count: 0, visibleRows: 0)
    public internal(set) var influenceOffset = 0
    /// Tracked items (`track`, at most `trackLimit`) and, per tracked item,
    /// its rank after every click of `trackedSession` (the live session).
    public internal(set) var tracked: [Int] = []
    public internal(set) var trackedRanks: [[Int]] = []
    var trackedSession: [Int] = []
    static let trackLimit = 3

    /// The neighbour searches of the loaded model (output, then input vectors).
    var searches: [ItemNeighbours] = []

    /// The explanation asked for with an `.explain` effect and not yet
    /// answered: its id, and the session and item it is for.
    var pending: (id: Int, session: [Int], item: Int)?
    /// Numbers the `.explain` requests, so that a late answer to an older one is ignored.
    var requestSerial = 0
    /// Whether the explanation on screen is of an earlier session while the
    /// one of the live session is being computed (the pane says "updating").
    public var isUpdating: Bool { pending != nil }

    /// Neighbours listed per kind of vectors.
    static let neighbourCount = 10
}
