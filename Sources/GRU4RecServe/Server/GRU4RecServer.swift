import Foundation
import GRU4Rec
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `gru4rec-serve`: a GRU4Rec model over HTTP (Hummingbird 2).
///
/// Endpoints (JSON in and out, item ids as strings):
/// - `POST /v1/recommend`, `POST /invocations`: `{"session": [ids], "k": 10, "exclude_seen": false}`
///   -> `{"items": [{"id", "score", "rank"}], "unknown": [ids]}` (as `gru4rec recommend`).
/// - `POST /v1/sessions/{sid}/events`: `{"item": id, "k": 10, "exclude_seen": false}` -> the same,
///   plus `session` and `length`, the state kept on the server; `GET`/`DELETE /v1/sessions/{sid}`.
/// - `GET /v1/items/{id}/similar?k=10&vectors=output|input`, `GET /v1/model`.
/// - `GET /health`, `GET /ping`, `GET /metrics` (Prometheus text).
///
/// Bad requests get a 4xx and `{"error": "..."}`.
public final class GRU4RecServer: Sendable {
    public let configuration: ServeConfiguration
    public let models: ModelSlot
    public let sessions: SessionStore
    public let metrics: ServeMetrics
    let logger: Logger

    /// Loads the model of `configuration` (throws when it does not load).
    public convenience init(configuration: ServeConfiguration, logger: Logger = Logger(label: "gru4rec-serve")) throws {
        try self.init(configuration: configuration, model: ServedModel.load(path: configuration.modelPath, generation: 1), logger: logger)
    }

    /// Serves an already loaded model.
    public init(configuration: ServeConfiguration, model: ServedModel, logger: Logger = Logger(label: "gru4rec-serve"),
                clock: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.configuration = configuration
        self.logger = logger
        let metrics = ServeMetrics()
        self.metrics = metrics
        models = ModelSlot(model)
        sessions = SessionStore(capacity: configuration.maxSessions, ttl: configuration.sessionTTL, clock: clock,
                                onCount: { metrics.activeSessions.record($0) })
        metrics.generation.record(model.generation)
        metrics.activeSessions.record(0)
    }

    /// The router with every endpoint and the error and metrics middleware.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        router.add(middleware: JSONErrorMiddleware())
        ServeRoutes(models: models, sessions: sessions, metrics: metrics, configuration: configuration).register(on: router)
        return router
    }

    /// Reads the model file again and serves it; on failure keeps the old model.
    /// Logs and counts the outcome either way.
    @discardableResult
    public func reload() -> Bool {
        do {
            let fresh = try models.reload()
            metrics.recordReload(ok: true)
            metrics.generation.record(fresh.generation)
            logger.info("model reloaded", metadata: ["path": "\(fresh.path)", "generation": "\(fresh.generation)", "items": "\(fresh.model.itemCount)"])
            return true
        } catch {
            metrics.recordReload(ok: false)
            logger.error("reload failed; still serving the previous model", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// The application: the server on `host:port` with `threads` event loops, plus
    /// the SIGHUP reloader. `onRunning` is told the bound port (useful with port 0).
    public func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.threads))
        return Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "gru4rec-serve"),
            services: [HangupReloader(server: self)],
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(group),
            logger: logger)
    }
}
