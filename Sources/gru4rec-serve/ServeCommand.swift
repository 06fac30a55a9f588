import ArgumentParser
import Foundation
import GRU4Rec
import GRU4RecServe
import Logging

/// `gru4rec-serve`: options, logging, then the server until SIGTERM or SIGINT.
@main
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gru4rec-serve",
        abstract: "Serve a GRU4Rec model over HTTP.",
        discussion: """
        Endpoints (JSON; item ids as strings):
          POST   /v1/recommend             {"session": ["85123A", "22423"], "k": 10, "exclude_seen": false}
          POST   /invocations              the same body (managed-inference container contract)
          POST   /v1/sessions/{sid}/events {"item": "22423", "k": 10}  (state kept on the server)
          GET    /v1/sessions/{sid}        DELETE /v1/sessions/{sid}
          GET    /v1/items/{id}/similar?k=10&vectors=output|input
          GET    /v1/model   GET /health   GET /ping   GET /metrics
        SIGTERM or SIGINT: finish the requests in flight and exit 0.
        SIGHUP with --reload: read the model file again and swap it in; in-flight requests
        finish on the old model, and a model that does not load leaves the old one serving.

        Example:
          gru4rec-serve --model demo-data/model.safetensors --port 8080
        """)

    @Option(help: "The model to serve (.safetensors).") var model: String
    @Option(help: "Address to listen on (0.0.0.0 for every interface, e.g. in a container).") var host = "127.0.0.1"
    @Option(help: "Port (0: any free port; the port is printed).") var port = 8080
    @Option(help: "SwiftNIO event-loop threads for sockets and HTTP (default: one per core); handlers run on Swift's cooperative pool.") var threads: Int?
    @Option(name: .customLong("max-sessions"), help: "Most stateful sessions kept (least recently used dropped first).") var maxSessions = 100_000
    @Option(name: .customLong("session-ttl"), help: "Seconds a session may stay idle before it is dropped.") var sessionTTL: Double = 1800
    @Option(name: .customLong("max-body"), help: "Largest request body in bytes.") var maxBody = 65_536
    @Flag(help: "Reload the model file on SIGHUP.") var reload = false
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let t = threads, t < 1 { throw ValidationError("--threads must be at least 1") }
        guard maxSessions >= 1 else { throw ValidationError("--max-sessions must be at least 1") }
        guard sessionTTL > 0 else { throw ValidationError("--session-ttl must be positive (seconds)") }
        guard maxBody >= 64 else { throw ValidationError("--max-body must be at least 64 bytes") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical") }
    }

    func run() async throws {
        // SIGHUP is handled once the server runs; until then (loading the model) one must
        // not end the process, and the model being loaded is the file's newest anyway.
        signal(SIGHUP, SIG_IGN)
        var config = ServeConfiguration(modelPath: model)
        config.host = host
        config.port = port
        if let threads { config.threads = threads }
        config.maxSessions = maxSessions
        config.sessionTTL = sessionTTL
        config.maxBodyBytes = maxBody
        config.reloadOnHangup = reload
        var logger = Logger(label: "gru4rec-serve")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        // Scoring runs on the request's own thread (each live session's `Parallelism` is
        // serial): requests in parallel use the cores, and BLAS keeps to one thread too.
        BLASSettings.setThreads(1)

        let server: GRU4RecServer
        do {
            server = try GRU4RecServer(configuration: config, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("gru4rec-serve: cannot load the model: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let served = server.models.current
        logger.info("model loaded", metadata: ["path": "\(served.path)", "items": "\(served.model.itemCount)", "layers": "\(served.model.layers)"])
        let host = config.host
        let app = server.makeApplication { port in
            // One line on stdout, flushed, for scripts and tests waiting for the port.
            FileHandle.standardOutput.write(Data("gru4rec-serve: listening on http://\(host):\(port)\n".utf8))
        }
        try await app.runService()
        logger.info("stopped")
    }
}
