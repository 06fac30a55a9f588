import Foundation

/// A whole training run: the epoch loop over a ``Trainer``, validation after each
/// epoch, early stopping and keep-best (``TrainingPolicy``), the training log, a
/// checkpoint after every epoch and on interruption, and the saved model at the end.
/// How it begins (a fresh model, a warm start from a saved model, or a resumed
/// checkpoint) is in `TrainingRun+Setup.swift`.
///
/// Files (see ``TrainingPaths``): this run's log records go to the checkpoint's log
/// and join the model's log when the model is saved; the checkpoint is written after
/// every epoch and when stopped mid-epoch, and removed once the model is saved.
/// Everything the policy needs to continue is in the checkpoint, so a resumed run
/// ends with the same model as an uninterrupted one.
public final class TrainingRun {
    public let trainer: Trainer
    public var model: GRU4RecModel { trainer.model }
    public var data: SessionData { trainer.data }
    public let validation: SessionData?
    public let input: TrainingInput
    public let paths: TrainingPaths
    public let policy: TrainingPolicy
    /// How the run began.
    public let origin: Origin
    /// Pretrained vectors found for the model's items, when the run loaded some.
    public internal(set) var initialVectorsFound: Int?
    /// Facts saved with the model (carried over from a continued model or a checkpoint).
    public private(set) var facts: TrainingFacts
    public private(set) var state: TrainingRunState
    /// The parameters of the best epoch so far (kept only with ``KeepPolicy/best``).
    public private(set) var best: ParameterStore?

    init(trainer: Trainer, validation: SessionData?, input: TrainingInput, paths: TrainingPaths, policy: TrainingPolicy,
         origin: Origin, facts: TrainingFacts, state: TrainingRunState, best: ParameterStore?) {
        self.trainer = trainer
        self.validation = validation
        self.input = input
        self.paths = paths
        self.policy = policy
        self.origin = origin
        self.facts = facts
        self.state = state
        self.best = best
    }

    /// Trains until `n_epochs` epochs are done, early stopping ends the run, or
    /// `shouldStop` (asked between mini-batches and after each epoch) returns true.
    /// - Returns: ``TrainingOutcome/saved(keptEpoch:epochs:)`` with the model written,
    ///   or ``TrainingOutcome/interrupted(epoch:midEpoch:)`` with the checkpoint written.
    public func run(shouldStop: () -> Bool = { false }, report: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        try writeStartRecord()
        let hp = model.hyperparameters
        while trainer.completedEpochs < hp.nEpochs {
            let epoch = trainer.completedEpochs + 1
            var pending: [TrainingLogRecord] = []
            let summary = try trainer.runEpoch(reportEvery: max(1, policy.logEvery), shouldStop: shouldStop) { p in
                report(.progress(p))
                pending.append(.batch(epoch: p.epoch, batch: p.batches, events: p.events, loss: p.meanLoss, recentLoss: p.recentLoss,
                                      eventsPerSecond: p.eventsPerSecond, elapsed: p.elapsed))
                if pending.count >= 20 { try? TrainingLog.append(pending, to: paths.runLog); pending.removeAll() }
            }
            try TrainingLog.append(pending, to: paths.runLog)
            guard let summary else {
                try saveCheckpoint()
                return .interrupted(epoch: epoch, midEpoch: true)
            }
            let metrics = validate()
            try TrainingLog.append([.epoch(epoch: summary.epoch, loss: summary.meanLoss, events: summary.events, batches: summary.batches,
                                           seconds: summary.seconds, eventsPerSecond: summary.eventsPerSecond, validation: metrics)],
                                   to: paths.runLog)
            report(.epochFinished(summary, metrics: metrics))
            facts.finalLoss = summary.meanLoss
            // The sum of the epochs' times (as the log has them), kept in every
            // checkpoint so that an interrupted and resumed run loses none.
            facts.trainingSeconds = (facts.trainingSeconds ?? 0) + summary.seconds
            if let score = metrics[policy.scoreKey] {
                if state.record(score: score, epoch: summary.epoch, minImprovement: policy.minImprovement) {
                    if policy.keep == .best { best = model.parameters.clone() }
                    facts.metrics = metrics
                }
                if policy.keep == .last { facts.metrics = metrics }
            }
            try saveCheckpoint()
            if policy.stopEarly && state.sinceBest >= policy.patience {
                report(.stoppingEarly(key: policy.scoreKey, patience: policy.patience, bestScore: state.bestScore, bestEpoch: state.bestEpoch))
                break
            }
            if shouldStop() { return .interrupted(epoch: summary.epoch, midEpoch: false) }
        }
        return try saveModel()
    }

    /// Recall@K and MRR@K on the validation data (all items ranked); empty without it.
    func validate() -> [String: Double] {
        guard let validation else { return [:] }
        var options = EvaluationOptions()
        options.cutoffs = [policy.cutoff]
        options.listMetrics = false
        let r = Evaluator(model: model, parallelism: trainer.step.parallelism).evaluate(validation, options: options)
        return ["recall@\(policy.cutoff)": r.recall[policy.cutoff] ?? 0, policy.scoreKey: r.mrr[policy.cutoff] ?? 0]
    }

    /// The run log's `start` record; a resumed run keeps the record its log already has.
    func writeStartRecord() throws {
        if case .resumed = origin, FileManager.default.fileExists(atPath: paths.runLog) { return }
        try? FileManager.default.removeItem(atPath: paths.runLog)
        var hyperparameters: [String: String] = [:]
        for (k, v) in model.hyperparameters.asDictionary { hyperparameters[k] = v }
        try TrainingLog.append([.start(time: TrainingLog.timestamp(), trainFile: input.train, events: data.transitionCount,
                                       sessions: data.sessionCount, items: model.itemCount, hyperparameters: hyperparameters)],
                               to: paths.runLog)
    }

    func saveCheckpoint() throws {
        try trainer.saveCheckpoint(to: paths.checkpoint, facts: facts, best: best, run: state)
    }

    /// Saves the kept epoch's model, ends and commits the log, removes the checkpoint.
    func saveModel() throws -> TrainingOutcome {
        var kept = trainer.completedEpochs
        if policy.keep == .best, let best {
            model.parameters.copy(from: best)
            kept = state.bestEpoch
        }
        facts.trainFile = (input.train as NSString).lastPathComponent
        facts.validFile = input.valid.map { ($0 as NSString).lastPathComponent }
        facts.trainEvents = data.transitionCount
        facts.trainSessions = data.sessionCount
        facts.epochs = trainer.completedEpochs
        facts.log = (paths.log as NSString).lastPathComponent
        facts.created = TrainingLog.timestamp()
        try model.save(to: paths.model, facts: facts)
        try TrainingLog.append([.end(epochs: trainer.completedEpochs, keptEpoch: kept, time: TrainingLog.timestamp())], to: paths.runLog)
        try TrainingLog.commitRun(from: paths.runLog, to: paths.log)
        try? FileManager.default.removeItem(atPath: paths.checkpoint)
        return .saved(keptEpoch: kept, epochs: trainer.completedEpochs)
    }
}
