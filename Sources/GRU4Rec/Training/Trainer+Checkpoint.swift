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
    /// Caller-defined extras (early-stopping bookkeeping, ...).
    public var extras: [String: Double]

    enum CodingKeys: String, CodingKey {
        case completedEpochs = "completed_epochs", batcher, hiddenRows = "hidden_rows"
        case samplerRefillState = "sampler_refill_state", samplerPosition = "sampler_position"
        case dropoutState = "dropout_state", optimizerSteps = "optimizer_steps", epochLossSum = "epoch_loss_sum"
        case epochBatches = "epoch_batches", epochEvents = "epoch_events", epochSeconds = "epoch_seconds", extras
    }
}

extension Trainer {
    /// Writes a checkpoint atomically. `best` (optional) is a parameter snapshot kept alongside.
    public func saveCheckpoint(to path: String, facts: TrainingFacts, best: ParameterStore? = nil, extras: [String: Double] = [:]) throws {
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
            extras: extras)
        let json = String(decoding: try JSONEncoder.sorted.encode(info), as: UTF8.self)
        try model.save(to: path, facts: facts, extraTensors: tensors, extraMetadata: ["checkpoint": json])
    }

    /// Restores the state saved by ``saveCheckpoint(to:facts:best:extras:)`` into this trainer,
    /// whose model must have been loaded from the same file. Returns the saved best
    /// parameters (if any) and the extras.
    public func restoreCheckpoint(from file: SafeTensorsFile) throws -> (best: ParameterStore?, extras: [String: Double]) {
        guard let text = file.metadata["checkpoint"],
              let info = try? JSONDecoder().decode(TrainerCheckpointInfo.self, from: Data(text.utf8)) else {
            throw InputError(path: file.path, message: "not a training checkpoint (no 'checkpoint' metadata)",
                             hint: "--resume takes the .checkpoint.safetensors file written during training")
        }
        var best: ParameterStore? = nil
        if file.contains("best/\(model.parameters.specs[0].name)") { best = ParameterStore(sameLayoutAs: model.parameters) }
        for spec in model.parameters.specs {
            step.optimizer.acc.setValues(spec.name, try file.floats("opt/acc/\(spec.name)"))
            if let mom = step.optimizer.mom { mom.setValues(spec.name, try file.floats("opt/mom/\(spec.name)")) }
            if let best { best.setValues(spec.name, try file.floats("best/\(spec.name)")) }
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
            for l in 0..<model.layers.count {
                step.setHiddenState(layer: l, rows: info.hiddenRows, try file.floats("hidden/\(l)"))
            }
            step.restoreRows(info.hiddenRows)
        } else {
            batcher = nil
        }
        return (best, info.extras)
    }
}
