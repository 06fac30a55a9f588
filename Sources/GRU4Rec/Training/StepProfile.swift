/// Time spent in each phase of training steps, when a clock is injected (benchmarks).
public struct StepProfile: Sendable {
    public var gather: UInt64 = 0, gruForward: UInt64 = 0, scores: UInt64 = 0, loss: UInt64 = 0
    public var scoreBackward: UInt64 = 0, gruBackward: UInt64 = 0, optimizer: UInt64 = 0
    public var steps = 0
    /// Sum over the steps of the distinct output items scored (the score columns computed).
    public var distinctColumns = 0
    public init() {}
    /// (phase, nanoseconds) in step order.
    public var phases: [(String, UInt64)] {
        [("gather + embedding", gather), ("GRU forward", gruForward), ("scores (product)", scores), ("loss", loss),
         ("score backward (products)", scoreBackward), ("GRU backward", gruBackward), ("optimizer", optimizer)]
    }
}
