/// One recommended item: catalog index, id, score and 1-based rank.
public struct RecommendedItem: Sendable, Equatable {
    public var item: Int
    public var id: String
    public var score: Float
    public var rank: Int

    public init(item: Int, id: String, score: Float, rank: Int) {
        self.item = item
        self.id = id
        self.score = score
        self.rank = rank
    }
}

/// The answer to "which items next, after this session?": what `gru4rec recommend`
/// prints and what `gru4rec-serve` returns, computed by one code path
/// (``LiveSession/recommend(session:k:excludeSeen:)``).
public struct Recommendation: Sendable, Equatable {
    /// The best items, best first (ties: lower catalog index first).
    public var items: [RecommendedItem]
    /// Catalog indices of the session's known items, in order (what the GRU was fed).
    public var session: [Int]
    /// The session's ids that are not in the catalog, in order (skipped).
    public var unknown: [String]

    public init(items: [RecommendedItem], session: [Int], unknown: [String]) {
        self.items = items
        self.session = session
        self.unknown = unknown
    }
}

extension LiveSession {
    /// Replays a whole session from a zero hidden state and returns the top `k`.
    ///
    /// The session's ids are fed in order; ids not in the catalog are skipped and
    /// listed in ``Recommendation/unknown``. With `excludeSeen` the items of the
    /// session are never recommended. The live session is reset first and holds
    /// the replayed session afterwards.
    public func recommend<S: Sequence>(session ids: S, k: Int, excludeSeen: Bool) -> Recommendation where S.Element == String {
        reset()
        let unknown = feed(ids: ids)
        return Recommendation(items: recommendation(k: k, excludeSeen: excludeSeen), session: items, unknown: unknown)
    }

    /// Feeds item ids in order, skipping those that are not in the catalog;
    /// returns the skipped ids, in order.
    @discardableResult
    public func feed<S: Sequence>(ids: S) -> [String] where S.Element == String {
        var unknown: [String] = []
        for id in ids {
            if let i = model.catalog.index(of: id) { feed(i) } else { unknown.append(id) }
        }
        return unknown
    }

    /// The top `k` after the session so far, with ids and ranks (ties: lower
    /// catalog index first). `excludeSeen` skips the items fed so far.
    public func recommendation(k: Int, excludeSeen: Bool) -> [RecommendedItem] {
        let ids = model.catalog.ids
        return topK(k, excluding: excludeSeen ? Set(items) : []).enumerated().map {
            RecommendedItem(item: $0.element.item, id: ids[$0.element.item], score: $0.element.score, rank: $0.offset + 1)
        }
    }
}
