/// What a ``TrainingRun`` reports while it trains, in order (the CLI prints these).
public enum TrainingEvent: Sendable {
    /// Every ``TrainingPolicy/logEvery`` mini-batches.
    case progress(TrainingProgress)
    /// An epoch finished: its summary and its validation metrics (`recall@K`, `mrr@K`;
    /// empty without validation data). The log already holds its record.
    case epochFinished(EpochSummary, metrics: [String: Double])
    /// Early stopping ends the run after the epoch just reported.
    case stoppingEarly(key: String, patience: Int, bestScore: Double, bestEpoch: Int)
}
