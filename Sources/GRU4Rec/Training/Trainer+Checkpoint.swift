import Foundation

/// A checkpoint holds everything needed to continue training with the same
/// results as an uninterrupted run: parameters, optimizer state, the hidden
/// state and batch position of an unfinished epoch, the sampler's and the
/// dropout generator's states, and the epoch counters.
///
/// File layout (safetensors): the model's own tensors and metadata (so a
/// checkpoint is also a loadable model), plus `opt/acc/<p>`, `opt/mom/<p>`,
/// `hidden/<l>`, optional `best/<p>`, and metadata `checkpoint` (JSON).
public struct TrainerCheckpointInfo: Codable, Equatable, Sendable {
    public var completedEpochs: Int
    public var batcher: SessionBatcher.State?
    public var hiddenRows: Int
    public var samplerRefillState: [UInt64]
    public var samplerPosition: Int
    public var dropoutState: [UInt64]
    public var optimizerSteps: Int
    public var epochLossSum: Double
    public var epochBatches: Int
    public var epochEvents: Int
    public var epochSeconds: Double
    /// The run's early-stopping and keep-best bookkeeping (JSON key `extras`, its name
    /// since the first checkpoints).
    public var run: TrainingRunState
    /// What the checkpoint was trained on; `--resume` refuses other data.
    public var data: TrainingDataFingerprint?

    enum CodingKeys: String, CodingKey {
        case completedEpochs = "completed_epochs", batcher, hiddenRows = "hidden_rows"
        case samplerRefillState = "sampler_refill_state", samplerPosition = "sampler_position"
        case dropoutState = "dropout_state", optimizerSteps = "optimizer_steps", epochLossSum = "epoch_loss_sum"
        case epochBatches = "epoch_batches", epochEvents = "epoch_events", epochSeconds = "epoch_seconds", run = "extras"
        case data = "training_data"
    }
}

extension Trainer {
    /// Writes a checkpoint atomically. `best` (optional) is a parameter snapshot kept
    /// alongside; `run` the training run's policy state.
    public func saveCheckpoint(to path: String, facts: TrainingFacts, best: ParameterStore? = nil,
                               run: TrainingRunState = TrainingRunState()) throws {
        var tensors: [(String, [Float], [Int])] = []
        for spec in model.parameters.specs {
            tensors.append(("opt/acc/\(spec.name)", step.optimizer.acc.values(spec.name), spec.shape))
            if let mom = step.optimizer.mom { tensors.append(("opt/mom/\(spec.name)", mom.values(spec.name), spec.shape)) }
            if let best { tensors.append(("best/\(spec.name)", best.values(spec.name), spec.shape)) }
        }
        let rows = batcher == nil ? 0 : step.rows
        for (l, h) in model.layers.enumerated() {
            tensors.append(("hidden/\(l)", Array(step.hiddenState(layer: l).prefix(rows * h)), [rows, h]))
        }
        let info = TrainerCheckpointInfo(
            completedEpochs: completedEpochs, batcher: batcher?.state, hiddenRows: rows,
            samplerRefillState: sampler.refillState.stateWords, samplerPosition: sampler.position,
            dropoutState: step.dropoutState.stateWords, optimizerSteps: step.optimizer.stepCount,
            epochLossSum: epochLossSum, epochBatches: epochBatches, epochEvents: epochEvents, epochSeconds: epochSeconds,
            run: run, data: TrainingDataFingerprint(data, file: trainingFile))
        let json = String(decoding: try JSONEncoder.sorted.encode(info), as: UTF8.self)
        try model.save(to: path, facts: facts, extraTensors: tensors, extraMetadata: ["checkpoint": json])
    }

    /// Restores the state saved by ``saveCheckpoint(to:facts:best:run:)`` into this trainer,
    /// whose model must have been loaded from the same file. Returns the saved best
    /// parameters (if any) and the run's policy state.
    public func restoreCheckpoint(from file: SafeTensorsFile) throws -> (best: ParameterStore?, run: TrainingRunState) {
        guard let text = file.metadata["checkpoint"] else {
            throw InputError(path: file.path, message: "not a training checkpoint (no 'checkpoint' metadata)",
                             hint: "--resume takes the .checkpoint.safetensors file written during training")
        }
        let info: TrainerCheckpointInfo
        do {
            info = try JSONDecoder().decode(TrainerCheckpointInfo.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw InputError(path: file.path, message: "checkpoint field '\(error.fieldPath)' is missing or not of its type",
                             hint: "the checkpoint is damaged or was edited; train again without --resume")
        }
        // Everything is checked before anything is changed: a bad checkpoint leaves the
        // trainer as it was.
        try validate(info, file: file)
        let hasBest = file.contains("best/\(model.parameters.specs[0].name)")
        let best: ParameterStore? = hasBest ? ParameterStore(sameLayoutAs: model.parameters) : nil
        for spec in model.parameters.specs {
            step.optimizer.acc.setValues(spec.name, try checkedFloats(file, "opt/acc/\(spec.name)", shape: spec.shape))
            if let mom = step.optimizer.mom {
                mom.setValues(spec.name, try checkedFloats(file, "opt/mom/\(spec.name)", shape: spec.shape))
            }
            if let best { best.setValues(spec.name, try checkedFloats(file, "best/\(spec.name)", shape: spec.shape)) }
        }
        var hidden: [[Float]] = []
        if info.batcher != nil {
            for (l, h) in model.layers.enumerated() {
                hidden.append(try checkedFloats(file, "hidden/\(l)", shape: [info.hiddenRows, h]))
            }
        }
        step.optimizer.stepCount = info.optimizerSteps
        step.dropoutState = SeededGenerator(state: info.dropoutState)
        sampler.restore(refillState: SeededGenerator(state: info.samplerRefillState), position: info.samplerPosition)
        completedEpochs = info.completedEpochs
        epochLossSum = info.epochLossSum
        epochBatches = info.epochBatches
        epochEvents = info.epochEvents
        epochSeconds = info.epochSeconds
        if let state = info.batcher {
            let hp = model.hyperparameters
            batcher = SessionBatcher(data: data, batchSize: hp.batchSize, stopBelowTwoRows: hp.nSample == 0, state: state)
            for (l, values) in hidden.enumerated() {
                step.setHiddenState(layer: l, rows: info.hiddenRows, values)
            }
            step.restoreRows(info.hiddenRows)
        } else {
            batcher = nil
        }
        return (best, info.run)
    }

    /// The tensor `name` of the checkpoint, which must have `shape` and finite values.
    private func checkedFloats(_ file: SafeTensorsFile, _ name: String, shape: [Int]) throws -> [Float] {
        guard let info = file.info(name) else {
            throw InputError(path: file.path, message: "checkpoint tensor '\(name)' is missing",
                             hint: "the checkpoint is damaged; train again without --resume")
        }
        guard info.shape == shape else {
            throw InputError(path: file.path, message: "checkpoint tensor '\(name)' has shape \(info.shape), expected \(shape)",
                             hint: "the checkpoint is damaged; train again without --resume")
        }
        let values = try file.floats(name)
        guard values.count == ResourceLimits.product(shape), values.allSatisfy({ $0.isFinite }) else {
            throw InputError(path: file.path, message: "checkpoint tensor '\(name)' holds NaN or infinite values",
                             hint: "the checkpoint is damaged; train again without --resume")
        }
        return values
    }

    /// Checks every field of a checkpoint against the model and the training data
    /// (ranges, counts and consistency), with checks that stay in release builds.
    /// - Throws: `InputError` naming the checkpoint and the field.
    func validate(_ info: TrainerCheckpointInfo, file: SafeTensorsFile) throws {
        let path = file.path
        func bad(_ field: String, _ problem: String) -> InputError {
            InputError(path: path, message: "checkpoint field '\(field)' \(problem)",
                       hint: "the checkpoint is damaged or was edited; train again without --resume")
        }
        if let saved = info.data {
            let current = TrainingDataFingerprint(data, file: trainingFile)
            if !saved.matches(current) {
                throw InputError(
                    path: trainingFile ?? path,
                    message: "this is not the data the checkpoint was trained on: the checkpoint belongs to "
                        + "\(saved.file ?? "another file") (\(saved.events) events in \(saved.sessions) sessions), "
                        + "this file has \(current.events) events in \(current.sessions) sessions"
                        + (saved.events == current.events && saved.sessions == current.sessions ? " in another order or with other items" : ""),
                    hint: "resume with \(saved.file ?? "the training file the run started on"), or train without --resume")
            }
        }
        let hp = model.hyperparameters
        guard (0...ResourceLimits.maximumEpochs).contains(info.completedEpochs) else {
            throw bad("completed_epochs", "is \(info.completedEpochs), expected 0...\(ResourceLimits.maximumEpochs)")
        }
        guard info.samplerRefillState.count == 4 else { throw bad("sampler_refill_state", "must hold 4 words, found \(info.samplerRefillState.count)") }
        guard info.dropoutState.count == 4 else { throw bad("dropout_state", "must hold 4 words, found \(info.dropoutState.count)") }
        guard (0...sampler.vectorsPerStore).contains(info.samplerPosition) else {
            throw bad("sampler_position", "is \(info.samplerPosition), expected 0...\(sampler.vectorsPerStore)")
        }
        guard info.optimizerSteps >= 0 else { throw bad("optimizer_steps", "is negative (\(info.optimizerSteps))") }
        guard info.epochLossSum.isFinite else { throw bad("epoch_loss_sum", "is not a finite number") }
        guard info.epochBatches >= 0, info.epochEvents >= 0 else { throw bad("epoch_batches", "or epoch_events is negative") }
        guard info.epochSeconds.isFinite, info.epochSeconds >= 0 else { throw bad("epoch_seconds", "is not a non-negative number") }
        guard info.run.bestScore.isFinite, abs(info.run.bestScore) <= 1e15 else {
            throw bad("extras.best_score", "is not a finite number of sane size")
        }
        guard (0...ResourceLimits.maximumEpochs).contains(info.run.bestEpoch) else {
            throw bad("extras.best_epoch", "is \(info.run.bestEpoch), expected 0...\(ResourceLimits.maximumEpochs)")
        }
        guard (0...ResourceLimits.maximumEpochs).contains(info.run.sinceBest) else {
            throw bad("extras.since_best", "is \(info.run.sinceBest), expected 0...\(ResourceLimits.maximumEpochs)")
        }
        guard let state = info.batcher else {
            guard info.hiddenRows == 0 else { throw bad("hidden_rows", "is \(info.hiddenRows) between epochs, expected 0") }
            return
        }
        guard (0...hp.batchSize).contains(info.hiddenRows) else {
            throw bad("hidden_rows", "is \(info.hiddenRows), expected 0...\(hp.batchSize) (batch_size)")
        }
        let rows = state.rowSession.count
        guard rows <= hp.batchSize else { throw bad("batcher.rowSession", "has \(rows) rows, more than batch_size \(hp.batchSize)") }
        guard state.cursor.count == rows else { throw bad("batcher.cursor", "has \(state.cursor.count) entries, expected \(rows)") }
        guard state.pendingReset.count == rows else { throw bad("batcher.pendingReset", "has \(state.pendingReset.count) entries, expected \(rows)") }
        guard state.pendingPrevious.count == rows else {
            throw bad("batcher.pendingPrevious", "has \(state.pendingPrevious.count) entries, expected \(rows)")
        }
        guard state.pendingPrevious.allSatisfy({ (0..<hp.batchSize).contains($0) }) else {
            throw bad("batcher.pendingPrevious", "names a row outside 0..<\(hp.batchSize)")
        }
        let sessions = data.sessionCount
        guard (0...sessions + hp.batchSize).contains(state.next) else {
            throw bad("batcher.next", "is \(state.next), expected 0...\(sessions + hp.batchSize)")
        }
        if state.finished { return }
        var shortest = Int.max
        for k in 0..<rows {
            let s = state.rowSession[k]
            guard (0..<sessions).contains(s) else { throw bad("batcher.rowSession", "names session \(s), the data has \(sessions)") }
            let length = data.sessionLength(s)
            guard (0..<length).contains(state.cursor[k]) else {
                throw bad("batcher.cursor", "is \(state.cursor[k]) in session \(s) of \(length) events")
            }
            shortest = min(shortest, length - state.cursor[k])
        }
        let maximumSteps = rows == 0 ? 0 : max(0, shortest - 1)
        guard (0...maximumSteps).contains(state.stepsLeft) else {
            throw bad("batcher.stepsLeft", "is \(state.stepsLeft), expected 0...\(maximumSteps) for the rows' sessions")
        }
    }
}

extension DecodingError {
    /// The dotted path of the field that failed, e.g. `extras.best_epoch` (`(top level)` for the whole value).
    var fieldPath: String {
        let path: [CodingKey]
        switch self {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): path = c.codingPath
        case .keyNotFound(let key, let c): path = c.codingPath + [key]
        @unknown default: path = []
        }
        let names = path.map { $0.intValue.map(String.init) ?? $0.stringValue }
        return names.isEmpty ? "(top level)" : names.joined(separator: ".")
    }
}
