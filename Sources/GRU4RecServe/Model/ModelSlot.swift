import Foundation
import GRU4Rec

/// The model being served, swapped atomically by a reload.
///
/// A request reads ``current`` once and uses that model to the end, so a reload
/// never changes the model under a request in flight; the old model is freed when
/// the last request holding it finishes. A reload that fails (missing file, bad
/// file) leaves the served model as it was.
public final class ModelSlot: @unchecked Sendable {
    private let lock = NSLock()
    private let reloadLock = NSLock()
    private var model: ServedModel

    public init(_ model: ServedModel) {
        self.model = model
    }

    /// The model to use for one request.
    public var current: ServedModel { lock.withLock { model } }

    /// Reads `path` (default: the current model's file) and, when it loads, serves it.
    /// Reloads run one at a time. Throws (and keeps the old model) when it does not load.
    @discardableResult
    public func reload(from path: String? = nil) throws -> ServedModel {
        try reloadLock.withLock {
            let old = current
            let fresh = try ServedModel.load(path: path ?? old.path, generation: old.generation + 1)
            lock.withLock { model = fresh }
            return fresh
        }
    }
}
