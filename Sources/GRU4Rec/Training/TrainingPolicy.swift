/// The epoch to keep at the end of a run.
public enum KeepPolicy: String, CaseIterable, Sendable {
    /// The epoch with the best validation MRR@K.
    case best
    /// The last epoch trained.
    case last
}

/// The rules of a training run beyond the hyperparameters: how often to log,
/// the cutoff of the validation metrics, early stopping and the epoch to keep.
/// Validation (when the run has validation data) ranks all items after every
/// epoch and scores MRR@``cutoff``.
public struct TrainingPolicy: Equatable, Sendable {
    /// Cutoff K of the validation metrics Recall@K and MRR@K.
    public var cutoff = 20
    /// Stop when validation MRR@K has not improved for ``patience`` epochs.
    public var stopEarly = false
    /// Epochs without improvement before stopping early (0: stop after the first validated epoch).
    public var patience = 2
    /// The smallest MRR@K gain that counts as improvement.
    public var minImprovement = 0.0
    public var keep: KeepPolicy = .last
    /// A progress report (and a `batch` log record) every this many mini-batches.
    public var logEvery = 100

    public init() {}

    /// The metric early stopping and keep-best compare, e.g. `mrr@20`.
    public var scoreKey: String { "mrr@\(cutoff)" }
}
