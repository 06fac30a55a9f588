import GRU4Rec

/// `POST /v1/recommend` and `POST /invocations`: a whole session, replayed from a zero state.
struct RecommendRequest: Decodable {
    /// Item ids in click order.
    var session: [String]
    /// How many items (default 10; 1...maxK).
    var k: Int?
    /// Leave out the session's own items (default false).
    var exclude_seen: Bool?
}

/// `POST /v1/sessions/{sid}/events`: one click on a session kept on the server.
struct EventRequest: Decodable {
    var item: String
    var k: Int?
    var exclude_seen: Bool?
}

/// One recommended item: `{"id", "score", "rank"}`. The score is the model's float32
/// value, written with the fewest digits that read back as the same float32.
struct ItemScore: Encodable {
    var id: String
    var score: Float
    var rank: Int
}

/// The answer to a recommendation: the items and the ids that were not in the catalog.
struct RecommendResponse: Encodable {
    var items: [ItemScore]
    var unknown: [String]
    /// For session events: the session id and how many known clicks it holds.
    var session: String?
    var length: Int?

    init(_ items: [RecommendedItem], unknown: [String], session: String? = nil, length: Int? = nil) {
        self.items = items.map { ItemScore(id: $0.id, score: $0.score, rank: $0.rank) }
        self.unknown = unknown
        self.session = session
        self.length = length
    }
}

/// `GET /v1/sessions/{sid}`.
struct SessionResponse: Encodable {
    var session: String
    var items: [String]
    var length: Int
}

/// `GET /v1/items/{id}/similar`.
struct SimilarResponse: Encodable {
    struct Neighbour: Encodable {
        var id: String
        /// Cosine similarity (float32, as ``ItemScore/score``).
        var similarity: Float
        var rank: Int
    }
    var item: String
    var vectors: String
    var items: [Neighbour]
}

/// `GET /v1/model`.
struct ModelResponse: Encodable {
    var path: String
    var generation: Int
    var loaded_at: String
    var items: Int
    var layers: [Int]
    var input_mode: String
    var embedding: Int
    var vectors: [String]
    var hyperparameters: [String: String]
    var training: TrainingFacts
}
