/// The bookkeeping of early stopping and keep-best across epochs, saved in every
/// checkpoint so that a resumed run stops and keeps exactly as an uninterrupted one.
///
/// In the checkpoint's JSON it is the object `extras` with the numbers
/// `best_score`, `best_epoch` and `since_best` (the layout checkpoints have always
/// had, so older checkpoints resume; a missing field takes its initial value).
public struct TrainingRunState: Codable, Equatable, Sendable {
    /// The best validation score so far; -1 before the first validated epoch.
    public var bestScore = -1.0
    /// The epoch (1-based) that scored ``bestScore``; 0 before the first validated epoch.
    public var bestEpoch = 0
    /// Validated epochs since the best one.
    public var sinceBest = 0

    public init() {}

    /// Records a validated epoch's score. The first validated epoch is always the best
    /// so far; a later one must beat the best by more than `minImprovement`.
    /// - Returns: whether `epoch` is now the best epoch.
    public mutating func record(score: Double, epoch: Int, minImprovement: Double) -> Bool {
        if score > bestScore + minImprovement || bestEpoch == 0 {
            bestScore = max(score, bestScore)
            bestEpoch = epoch
            sinceBest = 0
            return true
        }
        sinceBest += 1
        return false
    }

    enum CodingKeys: String, CodingKey {
        case bestScore = "best_score", bestEpoch = "best_epoch", sinceBest = "since_best"
    }

    /// Reads the numbers as numbers of any form (older checkpoints wrote the counts
    /// as floating-point numbers); a count that is not a whole number is an error.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys, default value: Int) throws -> Int {
            guard let d = try c.decodeIfPresent(Double.self, forKey: key) else { return value }
            guard let n = Int(exactly: d) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.rawValue) must be a whole number")
            }
            return n
        }
        bestScore = try c.decodeIfPresent(Double.self, forKey: .bestScore) ?? -1
        bestEpoch = try count(.bestEpoch, default: 0)
        sinceBest = try count(.sinceBest, default: 0)
    }
}
