import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// The built `gru4rec-serve` binary on a free loopback port: every endpoint, a bad
/// request of each kind, answers equal to `gru4rec recommend` (ties too), reload on
/// SIGHUP (good and bad file), graceful exit 0 on SIGTERM.
@Suite(.serialized)
struct ServeEndToEndTests {
    /// `gru4rec-serve` beside the built `gru4rec` (GRU4REC_BIN moves both).
    static var serveBinary: String? {
        guard let gru4rec = builtProductPath("gru4rec") else { return nil }
        let path = (gru4rec as NSString).deletingLastPathComponent + "/gru4rec-serve"
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Polls `condition` every 20 ms until it holds or `seconds` pass.
    func eventually(_ seconds: Double = 30, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(20_000)
        }
        return try condition()
    }

    /// Whether process `pid` catches signal `sig` (Linux: `SigCgt` in /proc; elsewhere assumed).
    /// The server installs its handlers in tasks of its own, possibly after it first answers.
    func catches(_ sig: Int32, pid: pid_t) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return true }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
              let mask = UInt64(line.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) else { return true }
        return mask & (1 << UInt64(sig - 1)) != 0
    }

    /// The `recommendations` of `gru4rec recommend --json` as (id, score, rank).
    func cliRecommend(_ model: String, _ session: [String], k: Int, excludeSeen: Bool) throws -> [(id: String, score: Float, rank: Int)] {
        var args = ["recommend", model, "--session", session.joined(separator: ","), "-k", String(k), "--json"]
        if excludeSeen { args.append("--exclude-seen") }
        let run = try runGRU4Rec(args)
        #expect(run.code == 0, "\(run.err)")
        let object = (try JSONSerialization.jsonObject(with: Data(run.out.utf8))) as? [String: Any] ?? [:]
        return ((object["recommendations"] as? [[String: Any]]) ?? []).map {
            (id: $0["item"] as? String ?? "?", score: Float(($0["score"] as? NSNumber)?.doubleValue ?? .nan), rank: $0["rank"] as? Int ?? -1)
        }
    }

    @Test("serve, compare with gru4rec recommend, bad requests, reload on SIGHUP, exit 0 on SIGTERM")
    func lifecycle() async throws {
        // Blocking waits (sockets, the child) run on a Dispatch thread, off Swift's cooperative pool.
        try await HTTPTestClient.offPool { try self.runLifecycle() }
    }

    func runLifecycle() throws {
        guard let binary = Self.serveBinary else {
            Issue.record("gru4rec-serve is not built (swift build --build-tests builds it)")
            return
        }
        let dir = TestPaths.temporaryDirectory("serve-e2e")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/model.safetensors", tiesPath = dir + "/ties.safetensors"
        let trained = TinyModel(epochs: 3)
        try trained.model.save(to: path, facts: trained.facts)
        // A model whose scores all tie (zero output rows, equal biases): order by catalog index.
        let ties = TinyModel(epochs: 0).model
        ties.parameters.setValues("Wy.weight", [Float](repeating: 0, count: ties.itemCount * ties.outputSize))
        ties.parameters.setValues("By.weight", [Float](repeating: 0.5, count: ties.itemCount))
        try ties.save(to: tiesPath)

        let server = try RunningCommand(binary, ["--model", path, "--port", "0", "--threads", "2", "--reload", "--max-body", "2048"])
        var port = 0
        let listening = eventually {
            let out = (try? String(contentsOfFile: server.outPath, encoding: .utf8)) ?? ""
            guard let range = out.range(of: "listening on http://127.0.0.1:") else { return false }
            port = Int(out[range.upperBound...].prefix { $0.isNumber }) ?? 0
            return port > 0
        }
        guard listening else {
            server.signal(SIGKILL)
            Issue.record("gru4rec-serve did not start: \(server.wait().err)")
            return
        }
        func call(_ method: String, _ path: String, _ body: String? = nil) throws -> HTTPReply {
            try HTTPTestClient.request(method, path, body: body, port: port)
        }
        func rows(_ r: HTTPReply) -> [(id: String, score: Float, rank: Int)] {
            ((r.json["items"] as? [[String: Any]]) ?? []).map {
                (id: $0["id"] as? String ?? "?", score: Float(($0["score"] as? NSNumber)?.doubleValue ?? .nan), rank: $0["rank"] as? Int ?? -1)
            }
        }

        #expect(eventually { catches(SIGHUP, pid: server.pid) && catches(SIGTERM, pid: server.pid) })

        // Answers equal `gru4rec recommend`, stateless and stateful.
        let session = ["B1", "B2", "nope", "B3"]
        let cli = try cliRecommend(path, session, k: 8, excludeSeen: true)
        #expect(cli.count == 8)
        let body = #"{"session": ["B1", "B2", "nope", "B3"], "k": 8, "exclude_seen": true}"#
        for route in ["/v1/recommend", "/invocations"] {
            let reply = try call("POST", route, body)
            #expect(reply.status == 200)
            #expect(same(rows(reply), cli), "\(route)")
            #expect(reply.json["unknown"] as? [String] == ["nope"])
        }
        var last: HTTPReply?
        for item in session { last = try call("POST", "/v1/sessions/e2e/events", #"{"item": "\#(item)", "k": 8, "exclude_seen": true}"#) }
        #expect(same(rows(try #require(last)), cli))
        #expect(try call("GET", "/v1/sessions/e2e").json["length"] as? Int == 3)
        #expect(try call("GET", "/v1/items/B2/similar?k=3").json["items"].map { ($0 as? [Any])?.count } == 3)
        #expect(try call("GET", "/v1/model").json["generation"] as? Int == 1)
        #expect(try call("GET", "/health").json["status"] as? String == "ok")
        #expect(try call("GET", "/ping").status == 200)
        #expect(try call("DELETE", "/v1/sessions/e2e").status == 204)

        // One bad request of each kind: 4xx with a JSON error, and the server stays up.
        let bad: [(String, String, String?, Int)] = [
            ("POST", "/v1/recommend", "{not json", 400), ("POST", "/v1/recommend", #"{"session": 5}"#, 400),
            ("POST", "/v1/recommend", #"{"session": [], "k": 0}"#, 400),
            ("POST", "/v1/recommend", #"{"session": [""# + String(repeating: "a", count: 4000) + #""]}"#, 413),
            ("DELETE", "/v1/sessions/unknown", nil, 404), ("GET", "/v1/items/unknown/similar", nil, 404),
        ]
        for (method, route, payload, status) in bad {
            let reply = try call(method, route, payload)
            #expect(reply.status == status, "\(method) \(route)")
            #expect(reply.error != nil)
        }
        #expect(try call("GET", "/health").status == 200)

        // SIGHUP with a new file: served from then on; answers equal `gru4rec recommend` on it, ties included.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: tiesPath, toPath: path)
        server.signal(SIGHUP)
        #expect(try eventually { try call("GET", "/v1/model").json["generation"] as? Int == 2 })
        let tieCLI = try cliRecommend(path, ["A1"], k: 6, excludeSeen: true)
        let tieReply = try call("POST", "/v1/recommend", #"{"session": ["A1"], "k": 6, "exclude_seen": true}"#)
        #expect(same(rows(tieReply), tieCLI))
        let a1 = try #require(ties.catalog.index(of: "A1"))
        #expect(tieCLI.map(\.id) == Array((0..<ties.itemCount).filter { $0 != a1 }.prefix(6)).map { ties.catalog.ids[$0] })

        // SIGHUP with a broken file: the old model keeps serving, the failure is counted.
        try Data("broken".utf8).write(to: URL(fileURLWithPath: path))
        server.signal(SIGHUP)
        #expect(try eventually { try call("GET", "/metrics").text.contains(#"gru4rec_model_reloads_total{result="failed"} 1"#) })
        #expect(try call("GET", "/v1/model").json["generation"] as? Int == 2)
        #expect(same(rows(try call("POST", "/v1/recommend", #"{"session": ["A1"], "k": 6, "exclude_seen": true}"#)), tieCLI))

        // SIGTERM: a graceful exit with status 0.
        server.signal(SIGTERM)
        let watchdog = DispatchWorkItem { server.signal(SIGKILL) }  // a hang fails the test (137), it does not hang it
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        let end = server.wait()
        watchdog.cancel()
        #expect(end.code == 0, "\(end.err)")
        #expect(end.err.contains("reload failed"))
        #expect(!end.err.contains("Fatal error"))
    }
}
