import Foundation

/// A progress report during an epoch.
public struct TrainingProgress: Sendable {
    public var epoch: Int
    public var batches: Int
    /// Predicted events done in this epoch, and the epoch's total.
    public var events: Int
    public var totalEvents: Int
    /// The epoch's loss so far as the reference reports it (see ``EpochSummary/meanLoss``).
    public var meanLoss: Double
    /// Mean loss per predicted event since the previous report: each step's
    /// summed loss divided by the rows it really had, so the shrinking
    /// mini-batches at an epoch's end do not dip.
    public var recentLoss: Double
    public var eventsPerSecond: Double
    /// Seconds since the epoch started (this run).
    public var elapsed: Double
}

/// What one finished epoch did.
public struct EpochSummary: Sendable {
    public var epoch: Int
    /// The epoch's loss as the official code prints it: the plain mean of the
    /// step losses, each summed over its rows and divided by the configured
    /// batch size. (Its `avgc = Σ(L·n) / Σ n` weights by `n_valid`, but that
    /// variable stays `batch_size` for the whole epoch, so it is a plain mean.)
    public var meanLoss: Double
    public var events: Int
    public var batches: Int
    public var seconds: Double
    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
}

public enum TrainingError: Error, CustomStringConvertible {
    case notANumber(epoch: Int, batch: Int)
    case noTransitions
    /// A parameter holds NaN or infinity after an epoch (the loss stayed finite).
    case nonFiniteParameter(name: String, epoch: Int)
    /// Resuming, but there is no checkpoint at `path`.
    case noCheckpoint(path: String)
    /// A warm start that would change the continued model's layers or input mode.
    case architectureChanged(layers: [Int], inputMode: InputMode)
    /// Pretrained vectors for a model with one-hot input (it has no embedding to fill).
    case vectorsNeedEmbedding

    public var description: String {
        switch self {
        case let .notANumber(e, b):
            return "the loss became NaN in epoch \(e), mini-batch \(b)\n  hint: lower the learning rate, or use a smaller bpreg / logq"
        case let .nonFiniteParameter(name, e):
            return "parameter \(name) holds NaN or infinity after epoch \(e); training stopped (the last checkpoint is kept)\n  hint: lower the learning rate, or set grad_clip"
        case let .noCheckpoint(path):
            return "no checkpoint at \(escapingControlCharacters(path)) to resume from\n  hint: train without --resume, or check --output"
        case let .architectureChanged(layers, mode):
            return "--from keeps the model's architecture (layers \(layers), \(mode.rawValue) input); do not change layers/embedding"
        case .vectorsNeedEmbedding:
            return "--init-embeddings needs shared (constrained) or separate embeddings; this model uses one-hot input"
        case .noTransitions:
            return "the training data has no session with two or more events: nothing to learn from\n  hint: check the session and item columns, and that sessions are not all of length 1"
        }
    }
}

/// Trains a model epoch by epoch on session data, as the reference does:
/// sessions in order of their first event (never shuffled), session-parallel
/// mini-batches, hidden state zero at each session start and each epoch, one
/// optimizer step per mini-batch with negatives shared by the batch.
///
/// All state needed to continue (mid-epoch included) is in ``state``, so a
/// checkpoint can resume with the same results as an uninterrupted run.
public final class Trainer {
    public let model: GRU4RecModel
    public let data: SessionData
    public let step: TrainingStep
    public var sampler: NegativeSampler
    /// Completed epochs.
    public var completedEpochs = 0
    /// The training file as the user named it, recorded in checkpoints so `--resume`
    /// can say which file a checkpoint belongs to.
    public var trainingFile: String?
    var batcher: SessionBatcher?
    /// Σ of the epoch's step losses.
    var epochLossSum = 0.0
    /// Mini-batches and predicted events done in the current (or just finished) epoch.
    public internal(set) var epochBatches = 0
    public internal(set) var epochEvents = 0
    var epochSeconds = 0.0
    private var negatives: [Int32]
    private var batch = BatchStep()

    /// `parallelism`: the threads of every training step (``TrainingStep/parallelism``).
    public init(model: GRU4RecModel, data: SessionData, parallelism: Parallelism) throws {
        guard data.transitionCount > 0 else { throw TrainingError.noTransitions }
        self.model = model
        self.data = data
        let hp = model.hyperparameters
        step = TrainingStep(model: model, parallelism: parallelism)
        sampler = NegativeSampler(support: model.itemSupport, alpha: hp.sampleAlpha, nSample: hp.nSample,
                                  storeSize: hp.sampleStore, seed: hp.seed)
        negatives = [Int32](repeating: 0, count: max(hp.nSample, 1))
    }

    /// Whether an epoch is in progress (interrupted mid-way).
    public var epochInProgress: Bool { batcher != nil }

    /// Runs (or continues) the current epoch until it ends or `shouldStop` returns true
    /// between two mini-batches. Returns the summary when the epoch finished, nil when stopped.
    public func runEpoch(reportEvery: Int = 100, shouldStop: () -> Bool = { false },
                         onProgress: (TrainingProgress) -> Void = { _ in }) throws -> EpochSummary? {
        let hp = model.hyperparameters
        if batcher == nil {
            batcher = SessionBatcher(data: data, batchSize: hp.batchSize, stopBelowTwoRows: hp.nSample == 0)
            step.resetHidden()
            epochLossSum = 0; epochBatches = 0; epochEvents = 0; epochSeconds = 0
        }
        let total = data.transitionCount
        let start = DispatchTime.now().uptimeNanoseconds
        let nominalRows = Double(hp.batchSize)
        // Since the last report: summed (unnormalised) step losses and their rows.
        var recentSum = 0.0, recentRows = 0
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        while true {
            if shouldStop() {
                epochSeconds += elapsed()
                return nil
            }
            guard batcher?.next(into: &batch) == true else { break }
            step.prepareHidden(batch)
            // (`negatives` holds at least one element, so it always has an address.)
            let loss = negatives.withUnsafeMutableBufferPointer { buffer -> Double in
                guard let p = buffer.baseAddress else { return .nan }
                sampler.next(into: p)
                return step.run(batch, negatives: p)
            }
            epochBatches += 1
            guard loss.isFinite else { throw TrainingError.notANumber(epoch: completedEpochs + 1, batch: epochBatches) }
            epochLossSum += loss
            epochEvents += batch.rows
            recentSum += loss * nominalRows
            recentRows += batch.rows
            if reportEvery > 0 && epochBatches % reportEvery == 0 {
                let t = epochSeconds + elapsed()
                onProgress(TrainingProgress(
                    epoch: completedEpochs + 1, batches: epochBatches, events: epochEvents, totalEvents: total,
                    meanLoss: epochLossSum / Double(epochBatches),
                    recentLoss: recentRows > 0 ? recentSum / Double(recentRows) : 0,
                    eventsPerSecond: t > 0 ? Double(epochEvents) / t : 0, elapsed: t))
                recentSum = 0
                recentRows = 0
            }
        }
        epochSeconds += elapsed()
        if let name = model.parameters.firstNonFiniteTensor() {
            throw TrainingError.nonFiniteParameter(name: name, epoch: completedEpochs + 1)
        }
        batcher = nil
        completedEpochs += 1
        return EpochSummary(epoch: completedEpochs, meanLoss: epochBatches > 0 ? epochLossSum / Double(epochBatches) : 0,
                            events: epochEvents, batches: epochBatches, seconds: epochSeconds)
    }
}
