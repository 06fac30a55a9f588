import Foundation

/// Runs `.evaluate` and `.explain` effects off the UI thread for
/// `ShellLoop`: each on a global dispatch queue, its progress and result
/// left here, and the loop takes them as messages between frames (`drain`).
/// Only the newest request's progress is kept; a finished result always is.
final class BackgroundEvaluations: @unchecked Sendable {
    private let lock = NSLock()
    private var progress: (id: Int, done: Int, total: Int)?
    private var finished: [ShellMessage] = []
    private var running = 0

    /// Whether an evaluation is still running or has answers to take.
    var isBusy: Bool {
        lock.lock()
        defer { lock.unlock() }
        return running > 0 || progress != nil || !finished.isEmpty
    }

    func start(_ request: EvaluationRequest) {
        lock.lock()
        running += 1
        lock.unlock()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let result = BatchEvaluation.compute(request) { done, total in
                self.lock.lock()
                self.progress = (request.id, done, total)
                self.lock.unlock()
            }
            lock.lock()
            finished.append(.evaluated(id: request.id, result))
            running -= 1
            lock.unlock()
        }
    }

    func start(_ request: ExplanationRequest) {
        lock.lock()
        running += 1
        lock.unlock()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let explanation = request.compute()
            lock.lock()
            finished.append(.explained(id: request.id, explanation))
            running -= 1
            lock.unlock()
        }
    }

    /// The messages that arrived since the last call: the latest progress, then results.
    func drain() -> [ShellMessage] {
        lock.lock()
        defer { lock.unlock() }
        var out: [ShellMessage] = []
        if let p = progress { out.append(.evaluationProgress(id: p.id, done: p.done, total: p.total)) }
        out += finished
        progress = nil
        finished = []
        return out
    }

    /// Blocks until every started evaluation has finished (tests, shutdown).
    func waitUntilIdle(pollMilliseconds: Int = 5) {
        while true {
            lock.lock()
            let busy = running > 0
            lock.unlock()
            if !busy { return }
            usleep(useconds_t(pollMilliseconds * 1000))
        }
    }
}
