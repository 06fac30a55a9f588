import Foundation
import GRU4Rec

/// Reusable ``LiveSession``s of one model, one per request in flight.
///
/// A live session owns a score buffer of one float per item and the GRU's scratch
/// buffers, too much to allocate per request on a large catalog; requests borrow
/// one, restore or reset its state, and give it back. At most `keep` idle
/// sessions are kept.
final class LiveSessionPool: @unchecked Sendable {
    let model: GRU4RecModel
    private let lock = NSLock()
    private var idle: [LiveSession] = []
    private let keep: Int

    init(model: GRU4RecModel, keep: Int = 64) {
        self.model = model
        self.keep = keep
    }

    /// Runs `body` with a live session of its own (in an unknown state: reset or restore it).
    /// Sessions are serial: a request runs on its own thread, and requests in parallel use the cores.
    func withSession<T>(_ body: (LiveSession) throws -> T) rethrows -> T {
        let session = lock.withLock { idle.popLast() } ?? LiveSession(model: model, parallelism: .serial)
        defer { lock.withLock { if idle.count < keep { idle.append(session) } } }
        return try body(session)
    }
}
