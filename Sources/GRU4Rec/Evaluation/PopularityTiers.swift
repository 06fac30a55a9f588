/// Head / torso / tail tiers of a catalog by training popularity (`item_support`).
///
/// The rule: items sorted by support, most popular first (equal support: lower index
/// first); an item's tier is decided by the share of all training events taken by the
/// items *before* it in that order:
/// - `head`: less than 20% (the few items that together make up the first 20% of training
///   events, the one that crosses 20% included);
/// - `torso`: from 20% to less than 80%;
/// - `tail`: 80% or more (the many items sharing the last 20% of events), and every item
///   with no training event.
public struct PopularityTiers: Sendable, Equatable {
    public static let labels = ["head", "torso", "tail"]
    /// Cumulative-share bounds of head and torso.
    public static let bounds = (head: 0.2, torso: 0.8)

    /// Tier (0 head, 1 torso, 2 tail) of every item index.
    public let tiers: [UInt8]

    public init(itemSupport: [Int]) {
        let total = Double(itemSupport.reduce(0) { $0 + max($1, 0) })
        let order = itemSupport.indices.sorted { itemSupport[$0] > itemSupport[$1] || (itemSupport[$0] == itemSupport[$1] && $0 < $1) }
        var tiers = [UInt8](repeating: 2, count: itemSupport.count)
        var before = 0.0
        for i in order {
            let share = total > 0 ? before / total : 1
            if itemSupport[i] > 0 { tiers[i] = share < Self.bounds.head ? 0 : share < Self.bounds.torso ? 1 : 2 }
            before += Double(max(itemSupport[i], 0))
        }
        self.tiers = tiers
    }

    /// Tier of an item index (tail for an index outside the catalog).
    public func tier(of item: Int) -> Int { item >= 0 && item < tiers.count ? Int(tiers[item]) : 2 }

    /// Number of items in each tier.
    public var itemCounts: [Int] {
        var counts = [0, 0, 0]
        for t in tiers { counts[Int(t)] += 1 }
        return counts
    }
}
