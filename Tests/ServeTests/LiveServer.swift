import Foundation
import GRU4Rec
import GRU4RecServe
import Hummingbird
import Logging

/// A `GRU4RecServer` running in this process on a free loopback port, for one test.
final class LiveServer: @unchecked Sendable {
    let server: GRU4RecServer
    let port: Int
    private let task: Task<Void, any Error>

    /// A clock the tests move by hand (nanoseconds).
    final class ManualClock: @unchecked Sendable {
        private let lock = NSLock()
        private var now: UInt64 = 1_000_000_000
        func read() -> UInt64 { lock.withLock { now } }
        func advance(seconds: Double) { lock.withLock { now += UInt64(seconds * 1e9) } }
    }

    /// Starts `model` (or the tiny model) with `configure` applied to a default configuration.
    static func start(model: ServedModel, clock: ManualClock? = nil,
                      configure: (inout ServeConfiguration) -> Void = { _ in }) async throws -> LiveServer {
        var configuration = ServeConfiguration(modelPath: model.path)
        configuration.port = 0
        configuration.threads = 2
        configure(&configuration)
        var logger = Logger(label: "gru4rec-serve-test")
        logger.logLevel = .critical
        let server: GRU4RecServer
        if let clock {
            server = GRU4RecServer(configuration: configuration, model: model, logger: logger, clock: { clock.read() })
        } else {
            server = GRU4RecServer(configuration: configuration, model: model, logger: logger)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = server.makeApplication { port in continuation.yield(port) }
        // The server's tasks (connections, handlers) inherit this executor: they must not queue
        // behind the other suites' tests on the cooperative pool (two threads on two cores).
        let task = Task(executorPreference: ServerTestExecutor.shared) { try await app.run() }
        var port = 0
        for await p in ports { port = p; break }
        return LiveServer(server: server, port: port, task: task)
    }

    private init(server: GRU4RecServer, port: Int, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func get(_ path: String) async throws -> HTTPReply { try await HTTPTestClient.send("GET", path, port: port) }
    func delete(_ path: String) async throws -> HTTPReply { try await HTTPTestClient.send("DELETE", path, port: port) }
    func post(_ path: String, _ body: String) async throws -> HTTPReply { try await HTTPTestClient.send("POST", path, body: body, port: port) }
    func post(_ path: String, json: [String: Any]) async throws -> HTTPReply {
        try await post(path, String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self))
    }
}

/// `(id, score, rank)` rows of a recommendation answer.
func rows(_ reply: HTTPReply) -> [(id: String, score: Float, rank: Int)] {
    ((reply.json["items"] as? [[String: Any]]) ?? []).map {
        (id: $0["id"] as? String ?? "?", score: Float(($0["score"] as? NSNumber)?.doubleValue ?? .nan), rank: $0["rank"] as? Int ?? -1)
    }
}

/// The same rows from the core's answer.
func rows(_ answer: Recommendation) -> [(id: String, score: Float, rank: Int)] {
    answer.items.map { (id: $0.id, score: $0.score, rank: $0.rank) }
}

func same(_ a: [(id: String, score: Float, rank: Int)], _ b: [(id: String, score: Float, rank: Int)]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.id == $1.id && $0.score == $1.score && $0.rank == $1.rank }
}

/// Runs the in-process servers' tasks on threads of their own (a concurrent Dispatch queue
/// of its own, not a global one: on Linux those are the cooperative pool), so that the
/// tests of other suites, which hold the pool's threads while they run, cannot starve them.
final class ServerTestExecutor: TaskExecutor, @unchecked Sendable {
    static let shared = ServerTestExecutor()
    private let queue = DispatchQueue(label: "gru4rec-serve-tests", attributes: .concurrent)
    private let lock = NSLock()
    private var count = 0

    /// Jobs run so far (a test checks that the server's work really comes here).
    var jobs: Int { lock.withLock { count } }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        lock.withLock { count += 1 }
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
