/// How a ``TrainingRun`` ended.
public enum TrainingOutcome: Equatable, Sendable {
    /// The model was saved (the checkpoint removed, the run's log joined to the model's):
    /// `epochs` trained in all, `keptEpoch` the one whose parameters were saved.
    case saved(keptEpoch: Int, epochs: Int)
    /// Stopped on request with the checkpoint written: `epoch` is the epoch that was
    /// running (`midEpoch`) or had just finished.
    case interrupted(epoch: Int, midEpoch: Bool)
}
