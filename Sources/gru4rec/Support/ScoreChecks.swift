import GRU4Rec

/// Refuses results that can only come from NaN or infinite scores: a metric that is not
/// finite, or a rate (recall, MRR, NDCG, coverage) above 1. Such a model is reported
/// as broken instead of printing Recall@20 = 1.
/// - Throws: `CommandFailure` naming the model.
func requireSaneMetrics(_ metrics: [(String, Double)], model: String) throws {
    for (name, value) in metrics {
        let isRate = !name.hasPrefix("popularity")
        if !value.isFinite || (isRate && (value < 0 || value > 1)) {
            throw CommandFailure(message: "\(model): \(name) came out as \(value): the model's scores are NaN or infinite\n"
                                 + "  hint: the model is broken (its training diverged); train it again with a lower learning rate")
        }
    }
}

/// Refuses recommendations whose scores are NaN or infinite (an empty or arbitrary
/// list would otherwise be printed as if it were an answer).
/// - Throws: `CommandFailure` naming the model.
func requireFiniteScores(_ scores: [Float], model: String) throws {
    if let bad = scores.first(where: { !$0.isFinite }) {
        throw CommandFailure(message: "\(model): the model scored an item as \(bad): its scores are NaN or infinite\n"
                             + "  hint: the model is broken (its training diverged); train it again with a lower learning rate")
    }
}
