import Foundation

/// Everything `gru4rec-serve` is told on its command line.
public struct ServeConfiguration: Sendable {
    /// The model file (.safetensors) to serve, and to read again on SIGHUP.
    public var modelPath: String
    /// The address to listen on (127.0.0.1 by default: only this machine; 0.0.0.0 in a container).
    public var host = "127.0.0.1"
    /// The port (8080, the managed-inference container contract; 0 picks a free one).
    public var port = 8080
    /// Event-loop threads that run requests (default: one per core).
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    /// Most stateful sessions kept; the least recently used is dropped beyond it.
    public var maxSessions = 100_000
    /// Seconds a session may stay idle before it is dropped.
    public var sessionTTL: Double = 1800
    /// Largest request body accepted, in bytes (413 beyond).
    public var maxBodyBytes = 64 * 1024
    /// Largest `k` accepted for recommendations and neighbours (400 beyond).
    public var maxK = 1000
    /// Whether SIGHUP reads the model file again (`--reload`).
    public var reloadOnHangup = false

    public init(modelPath: String) {
        self.modelPath = modelPath
    }
}
