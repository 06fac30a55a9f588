import Foundation

/// Runs `.evaluate`, `.explain`, `.score` and `.buildScreening` effects off
/// the UI thread for `ShellLoop`: each on a global dispatch queue (the full
/// passes of `.score` on one serial queue, so that they finish in click
/// order), its progress and result left here, and the loop takes them as
/// messages between frames (`drain`). Only the newest request's progress is
/// kept; a finished result always is. A full pass of an older session
/// generation than the newest asked for is skipped (the shell would drop it).
final class BackgroundEvaluations: @unchecked Sendable {
    private let lock = NSLock()
    private var progress: (id: Int, done: Int, total: Int)?
    private var finished: [ShellMessage] = []
    private var running = 0
    private var scoring = 0
    private var newestGeneration = Int.min
    private let scoringQueue = DispatchQueue(label: "gru4rec.shell.scoring", qos: .userInteractive)

    /// Whether full passes of clicks are queued or running.
    var isScoring: Bool {
        lock.lock()
        defer { lock.unlock() }
        return scoring > 0
    }

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
        run(on: .global(qos: .userInitiated)) { .explained(id: request.id, request.compute()) }
    }

    /// A click's full pass, on the serial queue (answers in click order);
    /// skipped when a newer session generation was asked for meanwhile.
    func start(_ request: ScoringRequest) {
        lock.lock()
        newestGeneration = max(newestGeneration, request.generation)
        lock.unlock()
        run(on: scoringQueue, scoring: true) { [self] in
            lock.lock()
            let stale = request.generation < newestGeneration
            lock.unlock()
            return stale ? nil : .scored(request.compute())
        }
    }

    func start(_ request: ScreeningRequest) {
        run(on: .global(qos: .utility)) { .screeningBuilt(request, request.compute()) }
    }

    /// Runs `work` on `queue`, counted as running (and as scoring) until its answer, if any, is left here.
    private func run(on queue: DispatchQueue, scoring isScoring: Bool = false, _ work: @escaping @Sendable () -> ShellMessage?) {
        lock.lock()
        running += 1
        if isScoring { scoring += 1 }
        lock.unlock()
        queue.async { [self] in
            let answer = work()
            lock.lock()
            if let answer { finished.append(answer) }
            running -= 1
            if isScoring { scoring -= 1 }
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
