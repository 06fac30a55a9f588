import Foundation
import GRU4Rec
import Hummingbird
import HTTPTypes
import NIOCore

/// The HTTP endpoints. Every handler reads the served model once (``ModelSlot/current``)
/// and uses it to the end, so a reload never changes the model under a request.
struct ServeRoutes: Sendable {
    let models: ModelSlot
    let sessions: SessionStore
    let metrics: ServeMetrics
    let configuration: ServeConfiguration

    /// Longest session id accepted (bytes).
    static let maxSessionIDBytes = 256

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v1/recommend") { request, context in try await recommend(request, context) }
        router.post("/invocations") { request, context in try await recommend(request, context) }
        router.post("/v1/sessions/{sid}/events") { request, context in try await event(request, context) }
        router.get("/v1/sessions/{sid}") { _, context in try showSession(context) }
        router.delete("/v1/sessions/{sid}") { _, context in try deleteSession(context) }
        router.get("/v1/items/{id}/similar") { request, context in try similar(request, context) }
        router.get("/v1/model") { _, _ in try json(modelInfo()) }
        router.get("/health") { _, _ in try json(["status": "ok"]) }
        router.get("/ping") { _, _ in Response(status: .ok) }
        router.get("/metrics") { _, _ in
            _ = sessions.count  // drops expired sessions, updates the gauge
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
        }
    }

    // MARK: Recommendations

    /// `POST /v1/recommend` (and `/invocations`): `{"session": [ids], "k": 10, "exclude_seen": false}`.
    func recommend(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let body: RecommendRequest = try await decode(request)
        let k = try checkK(body.k)
        let served = models.current
        let answer = served.sessions.withSession {
            $0.recommend(session: body.session, k: k, excludeSeen: body.exclude_seen ?? false)
        }
        return try json(RecommendResponse(answer.items, unknown: answer.unknown))
    }

    /// `POST /v1/sessions/{sid}/events`: `{"item": id, "k": 10, "exclude_seen": false}`.
    /// The session is created by its first event; an unknown item leaves it unchanged
    /// and is listed in `unknown`.
    func event(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        let sid = try sessionID(context)
        let body: EventRequest = try await decode(request)
        let k = try checkK(body.k)
        let served = models.current
        let session = sessions.session(sid)
        let (items, unknown, length) = session.withLock { () -> ([RecommendedItem], [String], Int) in
            served.sessions.withSession { live in
                if let state = session.state, session.generation == served.generation {
                    live.restore(state)
                } else {
                    // New session, or one begun under a model since replaced: replay its clicks
                    // (those the new model does not know are dropped).
                    live.reset()
                    let dropped = Set(live.feed(ids: session.itemIDs))
                    if !dropped.isEmpty { session.itemIDs.removeAll { dropped.contains($0) } }
                }
                let unknown = live.feed(ids: [body.item])
                if unknown.isEmpty { session.itemIDs.append(body.item) }
                session.state = live.state
                session.generation = served.generation
                return (live.recommendation(k: k, excludeSeen: body.exclude_seen ?? false), unknown, live.items.count)
            }
        }
        return try json(RecommendResponse(items, unknown: unknown, session: sid, length: length))
    }

    /// `GET /v1/sessions/{sid}`: the session's known clicks.
    func showSession(_ context: BasicRequestContext) throws -> Response {
        let sid = try sessionID(context)
        guard let session = sessions.existing(sid) else { throw APIError.notFound("unknown session '\(sid)'") }
        let ids = session.withLock { session.itemIDs }
        return try json(SessionResponse(session: sid, items: ids, length: ids.count))
    }

    /// `DELETE /v1/sessions/{sid}`: 204, or 404 for an unknown session.
    func deleteSession(_ context: BasicRequestContext) throws -> Response {
        let sid = try sessionID(context)
        guard sessions.remove(sid) else { throw APIError.notFound("unknown session '\(sid)'") }
        return Response(status: .noContent)
    }

    // MARK: Items and model

    /// `GET /v1/items/{id}/similar?k=10&vectors=output|input`.
    func similar(_ request: Request, _ context: BasicRequestContext) throws -> Response {
        let id = try context.parameters.require("id")
        let query = request.uri.queryParameters
        var k: Int?
        if let raw = query["k"] {
            guard let value = Int(String(raw)) else { throw APIError.badRequest("'k' must be an integer, got '\(raw)'") }
            k = value
        }
        let count = try checkK(k)
        let served = models.current
        let name = query["vectors"].map(String.init) ?? ItemVectors.output.rawValue
        guard let vectors = ItemVectors(rawValue: name) else {
            throw APIError.badRequest("'vectors' must be 'output' or 'input', got '\(name)'")
        }
        guard let search = served.neighbours[vectors] else {
            throw APIError.badRequest(String(describing: ItemNeighboursError.noInputEmbedding(served.model.inputMode)))
        }
        guard let item = served.model.catalog.index(of: id) else { throw APIError.notFound("unknown item '\(id)'") }
        let ids = served.model.catalog.ids
        let found = search.nearest(to: item, k: count).enumerated().map {
            SimilarResponse.Neighbour(id: ids[$0.element.item], similarity: $0.element.similarity, rank: $0.offset + 1)
        }
        return try json(SimilarResponse(item: id, vectors: vectors.rawValue, items: found))
    }

    func modelInfo() -> ModelResponse {
        let served = models.current
        let m = served.model
        return ModelResponse(
            path: served.path, generation: served.generation, loaded_at: served.loadedAt, items: m.itemCount,
            layers: m.layers, input_mode: m.inputMode.rawValue, embedding: m.hyperparameters.embedding,
            vectors: ItemNeighbours.available(for: m).map(\.rawValue),
            hyperparameters: Dictionary(m.hyperparameters.asDictionary, uniquingKeysWith: { a, _ in a }),
            training: served.facts)
    }

    // MARK: Request parts

    /// The body as JSON of type `T`, or a 400 that says what is wrong (413 when too large).
    func decode<T: Decodable>(_ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: configuration.maxBodyBytes)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("the request body is empty; send a JSON object") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error))
        }
    }

    /// `k` or its default, checked against 1...maxK.
    func checkK(_ k: Int?) throws -> Int {
        let k = k ?? 10
        guard k >= 1 && k <= configuration.maxK else {
            throw APIError.badRequest("'k' must be between 1 and \(configuration.maxK), got \(k)")
        }
        return k
    }

    func sessionID(_ context: BasicRequestContext) throws -> String {
        let sid = try context.parameters.require("sid")
        guard !sid.isEmpty, sid.utf8.count <= Self.maxSessionIDBytes else {
            throw APIError.badRequest("a session id must have 1 to \(Self.maxSessionIDBytes) bytes")
        }
        return sid
    }

    /// A JSON response.
    func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A sentence for a JSON decoding failure: which field, what was expected.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .typeMismatch(_, let c) where c.codingPath.isEmpty:
            return "the body must be a JSON object"
        case .typeMismatch(let type, let c):
            return "field '\(path(c.codingPath))': expected \(typeName(type))"
        case .valueNotFound(let type, let c):
            return "field '\(path(c.codingPath))': expected \(typeName(type)), found null"
        case .keyNotFound(let key, let c):
            let at = c.codingPath.isEmpty ? "" : " in '\(path(c.codingPath))'"
            return "missing field '\(key.stringValue)'\(at)"
        case .dataCorrupted(let c):
            if c.codingPath.isEmpty { return "malformed JSON: \(c.debugDescription)" }
            return "field '\(path(c.codingPath))': \(c.debugDescription)"
        @unknown default:
            return "malformed request: \(error)"
        }
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is Bool.Type: return "true or false"
        case is [String].Type, is [Any].Type: return "an array"
        case is [String: Any].Type: return "an object"
        default: return String(describing: type)
        }
    }
}
