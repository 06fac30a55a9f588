import Logging
import ServiceLifecycle
import UnixSignals

/// Waits for SIGHUP while the server runs: with `--reload` it reads the model file
/// again (``GRU4RecServer/reload()``), else it logs that reloading is off. Either
/// way SIGHUP no longer ends the process. Ends on graceful shutdown.
struct HangupReloader: Service {
    let server: GRU4RecServer

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals.cancelOnGracefulShutdown() {
            if server.configuration.reloadOnHangup {
                server.logger.info("SIGHUP: reloading the model", metadata: ["path": "\(server.models.current.path)"])
                server.reload()
            } else {
                server.logger.notice("SIGHUP ignored: start with --reload to reload the model file on SIGHUP")
            }
        }
    }
}
