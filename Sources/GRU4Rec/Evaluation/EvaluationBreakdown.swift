/// Metrics of one slice of the evaluated events.
public struct SliceMetrics: Sendable, Equatable {
    public var label: String
    /// The sums behind the figures (events, hits, reciprocal ranks, DCG per cutoff).
    public var sums: RankMetricSums
    public var events: Int { sums.events }
    /// Per cutoff, in the breakdown's `cutoffs` order (0 for an empty slice).
    public var recall: [Double] { sums.recall }
    public var mrr: [Double] { sums.mrr }
    public var ndcg: [Double] { sums.ndcg }
}

/// Recall@K, MRR@K and NDCG@K per slice of one ``SliceDimension``, computed from the
/// per-event records of one evaluation pass (``EvaluationRecords``), so a breakdown costs
/// one pass over the records and never a second scoring.
///
/// The slices are listed in the dimension's label order, empty ones included; their
/// event counts add up to the records' count, and each metric's event-weighted mean over
/// the slices is the overall figure. This value is what the command line prints
/// (`gru4rec eval --by`) and what a UI draws: it holds labels, counts and figures, no
/// formatting.
public struct EvaluationBreakdown: Sendable, Equatable {
    public var dimension: SliceDimension
    public var cutoffs: [Int]
    public var slices: [SliceMetrics]

    /// - Parameters:
    ///   - records: the records of an evaluation of `data`.
    ///   - itemSupport: the scorer's training support per item (for `popularity`).
    ///   - cutoffs: the cutoffs K (sorted ascending, as the evaluator uses them).
    public init(dimension: SliceDimension, records: EvaluationRecords, data: SessionData, itemSupport: [Int], cutoffs: [Int]) {
        self.init(dimension: dimension, records: records, data: data, tiers: PopularityTiers(itemSupport: itemSupport), cutoffs: cutoffs)
    }

    public init(dimension: SliceDimension, records: EvaluationRecords, data: SessionData, tiers: PopularityTiers, cutoffs: [Int]) {
        self.dimension = dimension
        self.cutoffs = cutoffs
        var sums = [RankMetricSums](repeating: RankMetricSums(cutoffs: cutoffs), count: dimension.labels.count)
        let slice = dimension.assign(records, data: data, tiers: tiers)
        for e in 0..<records.count { sums[slice[e]].add(rank: records.rank[e]) }
        slices = zip(dimension.labels, sums).map { SliceMetrics(label: $0, sums: $1) }
    }

    /// Breakdowns by several dimensions (the popularity tiers computed once).
    public static func all(_ dimensions: [SliceDimension], records: EvaluationRecords, data: SessionData,
                           itemSupport: [Int], cutoffs: [Int]) -> [EvaluationBreakdown] {
        let tiers = PopularityTiers(itemSupport: itemSupport)
        return dimensions.map { EvaluationBreakdown(dimension: $0, records: records, data: data, tiers: tiers, cutoffs: cutoffs) }
    }
}
