import Foundation
import Testing
import GRU4Rec
@testable import GRU4RecServe
import GRU4RecTestSupport

/// Every endpoint of `gru4rec-serve`, in process on a loopback port, against the core's own answers.
struct ServeRoutesTests {
    static let tiny = TinyModel()

    func start(clock: LiveServer.ManualClock? = nil, configure: (inout ServeConfiguration) -> Void = { _ in }) async throws -> LiveServer {
        let t = Self.tiny
        return try await LiveServer.start(model: ServedModel(model: t.model, facts: t.facts, path: "tiny.safetensors", generation: 1),
                                          clock: clock, configure: configure)
    }

    @Test("POST /v1/recommend and /invocations: the core's recommendation (unknown ids listed, exclude_seen)")
    func recommend() async throws {
        let live = try await start()
        defer { Task { await live.stop() } }
        let m = Self.tiny.model
        for exclude in [false, true] {
            let session = ["A1", "zz-unknown", "A2", "B1"]
            let expected = LiveSession(model: m, parallelism: .tests).recommend(session: session, k: 7, excludeSeen: exclude)
            for path in ["/v1/recommend", "/invocations"] {
                let reply = try await live.post(path, json: ["session": session, "k": 7, "exclude_seen": exclude])
                #expect(reply.status == 200)
                #expect(reply.headers["content-type"] == "application/json")
                #expect(same(rows(reply), rows(expected)), "\(path) exclude_seen \(exclude)")
                #expect(reply.json["unknown"] as? [String] == ["zz-unknown"])
            }
        }
        // Defaults: k = 10, exclude_seen false; an empty session recommends from a zero state.
        let reply = try await live.post("/v1/recommend", json: ["session": [String]()])
        #expect(same(rows(reply), rows(LiveSession(model: m, parallelism: .tests).recommend(session: [String](), k: 10, excludeSeen: false))))
    }

    @Test("sessions: events one by one answer like the whole session replayed; GET, DELETE, unknown items")
    func sessions() async throws {
        let live = try await start()
        defer { Task { await live.stop() } }
        let m = Self.tiny.model
        let clicks = ["C1", "C2", "nope", "C3", "C1"]
        var known: [String] = []
        for click in clicks {
            let reply = try await live.post("/v1/sessions/s-1/events", json: ["item": click, "k": 5, "exclude_seen": true])
            #expect(reply.status == 200)
            if m.catalog.index(of: click) != nil { known.append(click) }
            let expected = LiveSession(model: m, parallelism: .tests).recommend(session: known, k: 5, excludeSeen: true)
            #expect(same(rows(reply), rows(expected)), "after \(click)")
            #expect(reply.json["unknown"] as? [String] == (click == "nope" ? ["nope"] : []))
            #expect(reply.json["session"] as? String == "s-1")
            #expect(reply.json["length"] as? Int == known.count)
        }
        let shown = try await live.get("/v1/sessions/s-1")
        #expect(shown.status == 200)
        #expect(shown.json["items"] as? [String] == known)
        #expect(live.server.sessions.count == 1)

        #expect(try await live.delete("/v1/sessions/s-1").status == 204)
        let again = try await live.delete("/v1/sessions/s-1")
        #expect(again.status == 404)
        #expect(again.error == "unknown session 's-1'")
        #expect(try await live.get("/v1/sessions/s-1").status == 404)
        // A deleted session starts afresh.
        let fresh = try await live.post("/v1/sessions/s-1/events", json: ["item": "C3"])
        #expect(fresh.json["length"] as? Int == 1)
    }

    @Test("sessions are bounded: the least recently used goes beyond --max-sessions, idle ones after --session-ttl")
    func boundedSessions() async throws {
        let clock = LiveServer.ManualClock()
        let live = try await start(clock: clock) { $0.maxSessions = 2; $0.sessionTTL = 60 }
        defer { Task { await live.stop() } }
        for sid in ["a", "b"] { _ = try await live.post("/v1/sessions/\(sid)/events", json: ["item": "A1"]) }
        _ = try await live.post("/v1/sessions/a/events", json: ["item": "A2"])  // a is now the most recent
        _ = try await live.post("/v1/sessions/c/events", json: ["item": "A1"])  // b goes
        #expect(try await live.get("/v1/sessions/b").status == 404)
        #expect(try await live.get("/v1/sessions/a").json["length"] as? Int == 2)
        #expect(live.server.sessions.count == 2)

        clock.advance(seconds: 30)
        _ = try await live.get("/v1/sessions/c")  // c used at 30 s
        clock.advance(seconds: 45)  // a idle 75 s, c idle 45 s
        #expect(try await live.get("/v1/sessions/a").status == 404)
        #expect(try await live.get("/v1/sessions/c").status == 200)
        let metrics = try await live.get("/metrics").text
        #expect(metrics.contains("gru4rec_sessions_active 1"))
    }

    @Test("clicks on one session from many connections at once are all applied, one at a time")
    func concurrentEvents() async throws {
        let live = try await start()
        defer { Task { await live.stop() } }
        let port = live.port
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<40 {
                group.addTask {
                    let sid = i % 2 == 0 ? "shared" : "own-\(i)"
                    return try await HTTPTestClient.send("POST", "/v1/sessions/\(sid)/events", body: #"{"item": "B2", "k": 3}"#, port: port).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(try await live.get("/v1/sessions/shared").json["length"] as? Int == 20)
        #expect(live.server.sessions.count == 21)
    }

    @Test("GET /v1/items/{id}/similar: the core's ItemNeighbours ranking; k and vectors checked")
    func similar() async throws {
        let live = try await start()
        defer { Task { await live.stop() } }
        let m = Self.tiny.model
        let search = try ItemNeighbours(model: m)
        let reply = try await live.get("/v1/items/B2/similar?k=4")
        #expect(reply.status == 200)
        #expect(reply.json["item"] as? String == "B2")
        #expect(reply.json["vectors"] as? String == "output")
        let items = (reply.json["items"] as? [[String: Any]]) ?? []
        let expected = search.nearest(to: m.catalog.index(of: "B2")!, k: 4)
        #expect(items.map { $0["id"] as? String } == expected.map { m.catalog.ids[$0.item] })
        #expect(items.map { ($0["similarity"] as? NSNumber).map { Float($0.doubleValue) } } == expected.map(\.similarity))
        #expect(items.map { $0["rank"] as? Int } == [1, 2, 3, 4])
        #expect((try await live.get("/v1/items/B2/similar").json["items"] as? [Any])?.count == 10)

        let unknown = try await live.get("/v1/items/NOPE/similar")
        #expect(unknown.status == 404)
        #expect(unknown.error == "unknown item 'NOPE'")
        for (query, message) in [
            ("k=0", "'k' must be between 1 and 1000, got 0"), ("k=5000", "'k' must be between 1 and 1000, got 5000"),
            ("k=ten", "'k' must be an integer, got 'ten'"), ("vectors=hidden", "'vectors' must be 'output' or 'input', got 'hidden'"),
        ] {
            let bad = try await live.get("/v1/items/B2/similar?\(query)")
            #expect(bad.status == 400, "\(query)")
            #expect(bad.error == message)
        }
        let input = try await live.get("/v1/items/B2/similar?vectors=input")
        #expect(input.status == 400)
        #expect(input.error?.contains("no separate input embedding") == true)
    }

    @Test("GET /v1/model, /health, /ping, /metrics")
    func infoEndpoints() async throws {
        let live = try await start()
        defer { Task { await live.stop() } }
        let model = try await live.get("/v1/model").json
        #expect(model["items"] as? Int == Self.tiny.model.itemCount)
        #expect(model["layers"] as? [Int] == [8])
        #expect(model["generation"] as? Int == 1)
        #expect(model["input_mode"] as? String == "shared")
        #expect((model["hyperparameters"] as? [String: String])?["layers"] == "8")
        #expect((model["training"] as? [String: Any])?["train_file"] as? String == "tiny.tsv")

        let jobsBefore = ServerTestExecutor.shared.jobs
        let health = try await live.get("/health")
        #expect(ServerTestExecutor.shared.jobs > jobsBefore, "the server's handlers run on the test executor")
        #expect(health.status == 200 && health.json["status"] as? String == "ok")
        let ping = try await live.get("/ping")
        #expect(ping.status == 200 && ping.body.isEmpty)

        _ = try await live.post("/v1/recommend", json: ["session": ["A1"]])
        _ = try await live.post("/v1/recommend", "{")
        _ = try await live.get("/nowhere")
        let metrics = try await live.get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        let text = metrics.text
        #expect(text.contains(#"gru4rec_http_requests_total{route="/v1/recommend",method="POST",status="200"} 1"#))
        #expect(text.contains(#"gru4rec_http_requests_total{route="/v1/recommend",method="POST",status="400"} 1"#))
        #expect(text.contains(#"gru4rec_http_requests_total{route="NotFound",method="GET",status="404"} 1"#))
        #expect(text.contains(#"gru4rec_http_request_duration_seconds_bucket{route="/v1/recommend",method="POST",le="0.001"}"#))
        #expect(text.contains("gru4rec_sessions_active 0"))
        #expect(text.contains("gru4rec_model_generation 1"))
    }

    @Test("bad requests: 4xx with a JSON error naming the problem, and the server keeps serving")
    func badRequests() async throws {
        let live = try await start { $0.maxBodyBytes = 1024 }
        defer { Task { await live.stop() } }
        let cases: [(method: String, path: String, body: String?, status: Int, error: String)] = [
            ("POST", "/v1/recommend", "{\"session\": [\"A1\"", 400, "malformed JSON"),
            ("POST", "/v1/recommend", "", 400, "the request body is empty; send a JSON object"),
            ("POST", "/v1/recommend", "[1, 2]", 400, "the body must be a JSON object"),
            ("POST", "/v1/recommend", #"{"session": "A1"}"#, 400, "field 'session': expected an array"),
            ("POST", "/v1/recommend", #"{"session": ["A1", 7]}"#, 400, "field 'session[1]': expected a string"),
            ("POST", "/v1/recommend", #"{"session": ["A1"], "k": "5"}"#, 400, "field 'k': expected an integer"),
            ("POST", "/v1/recommend", #"{"session": ["A1"], "exclude_seen": "yes"}"#, 400, "field 'exclude_seen': expected true or false"),
            ("POST", "/v1/recommend", #"{"k": 5}"#, 400, "missing field 'session'"),
            ("POST", "/v1/recommend", #"{"session": null}"#, 400, "field 'session': expected an array, found null"),
            ("POST", "/v1/recommend", #"{"session": ["A1"], "k": 0}"#, 400, "'k' must be between 1 and 1000, got 0"),
            ("POST", "/v1/recommend", #"{"session": ["A1"], "k": 1001}"#, 400, "'k' must be between 1 and 1000, got 1001"),
            ("POST", "/invocations", #"{"session": ["A1"], "k": -3}"#, 400, "'k' must be between 1 and 1000, got -3"),
            ("POST", "/v1/sessions/x/events", #"{"item": 85123}"#, 400, "field 'item': expected a string"),
            ("POST", "/v1/sessions/x/events", #"{"items": ["A1"]}"#, 400, "missing field 'item'"),
            ("POST", "/v1/sessions/\(String(repeating: "s", count: 300))/events", #"{"item": "A1"}"#, 400,
             "a session id must have 1 to 256 bytes"),
            ("POST", "/v1/recommend", "{\"session\": [\"" + String(repeating: "x", count: 5000) + "\"]}", 413, "request body too large"),
            ("DELETE", "/v1/sessions/never-seen", nil, 404, "unknown session 'never-seen'"),
            ("GET", "/v1/sessions/never-seen", nil, 404, "unknown session 'never-seen'"),
            ("GET", "/v1/nothing-here", nil, 404, "no route GET /v1/nothing-here"),
        ]
        for c in cases {
            let reply = try await HTTPTestClient.send(c.method, c.path, body: c.body, port: live.port)
            #expect(reply.status == c.status, "\(c.method) \(c.path) \(c.body?.prefix(60) ?? "")")
            #expect(reply.headers["content-type"] == "application/json")
            #expect(reply.error?.hasPrefix(c.error) == true, "\(reply.error ?? reply.text) for \(c.body.map { String($0.prefix(60)) } ?? c.path)")
        }
        // A request that is not HTTP at all.
        let port = live.port
        _ = try? await HTTPTestClient.offPool { try HTTPTestClient.exchange(Data("NOT HTTP\r\n\r\n".utf8), port: port) }
        // Still serving, and no session was made by the failed events.
        #expect(try await live.get("/health").status == 200)
        #expect(live.server.sessions.count == 0)
    }

    @Test("reload: a new model file is served from the next request on; a bad file keeps the old model; sessions replay")
    func reload() async throws {
        let dir = TestPaths.temporaryDirectory("serve-reload")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors"
        let first = TinyModel(epochs: 2), second = TinyModel(epochs: 6)
        try first.model.save(to: path, facts: first.facts)
        let live = try await LiveServer.start(model: try ServedModel.load(path: path, generation: 1))
        defer { Task { await live.stop() } }

        let body: [String: Any] = ["session": ["D1", "D2"], "k": 5]
        #expect(same(rows(try await live.post("/v1/recommend", json: body)),
                     rows(LiveSession(model: first.model, parallelism: .tests).recommend(session: ["D1", "D2"], k: 5, excludeSeen: false))))
        _ = try await live.post("/v1/sessions/kept/events", json: ["item": "D1"])

        try second.model.save(to: path, facts: second.facts)
        #expect(live.server.reload())
        #expect(try await live.get("/v1/model").json["generation"] as? Int == 2)
        #expect(same(rows(try await live.post("/v1/recommend", json: body)),
                     rows(LiveSession(model: second.model, parallelism: .tests).recommend(session: ["D1", "D2"], k: 5, excludeSeen: false))))
        // The session begun on the old model continues on the new one, its clicks replayed.
        let continued = try await live.post("/v1/sessions/kept/events", json: ["item": "D2", "k": 5])
        #expect(continued.json["length"] as? Int == 2)
        #expect(same(rows(continued), rows(LiveSession(model: second.model, parallelism: .tests).recommend(session: ["D1", "D2"], k: 5, excludeSeen: false))))

        try Data("not a model".utf8).write(to: URL(fileURLWithPath: path))
        #expect(!live.server.reload())
        #expect(try await live.get("/v1/model").json["generation"] as? Int == 2)
        #expect(try await live.post("/v1/recommend", json: body).status == 200)
        let metrics = try await live.get("/metrics").text
        #expect(metrics.contains(#"gru4rec_model_reloads_total{result="ok"} 1"#))
        #expect(metrics.contains(#"gru4rec_model_reloads_total{result="failed"} 1"#))
    }
}
