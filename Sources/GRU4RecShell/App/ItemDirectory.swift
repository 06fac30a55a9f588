import Foundation
import GRU4Rec

/// The model's items as the shell shows and finds them: id, display name and
/// popularity (training support) per catalog index, the catalog order
/// (most popular first) and name lookup. Built once per loaded model.
struct ItemDirectory {
    /// Item id per catalog index.
    let ids: [String]
    /// Display name per catalog index (the id when there is no name).
    let names: [String]
    /// Training support per catalog index.
    let support: [Int]
    /// Catalog indices, most popular first (ties: lower index first).
    let byPopularity: [Int]
    /// Lower-cased "name id" per index, for filtering.
    private let searchKeys: [String]
    /// Lower-cased name -> first index with that name.
    private let nameLookup: [String: Int]
    private let idLookup: [String: Int]
    /// Widest id, in columns (for the catalog's id column).
    let idWidth: Int
    /// Whether any item has a name other than its id (otherwise the catalog
    /// shows no separate id column).
    let hasNames: Bool

    init(ids: [String], names: [String]?, support: [Int]) {
        self.ids = ids
        let names = names.flatMap { $0.count == ids.count ? $0 : nil } ?? ids
        self.names = names
        self.support = support
        byPopularity = ids.indices.sorted { support[$0] != support[$1] ? support[$0] > support[$1] : $0 < $1 }
        searchKeys = ids.indices.map { (names[$0] + " " + ids[$0]).lowercased() }
        var lookup: [String: Int] = [:]
        for (i, name) in names.enumerated() where lookup[name.lowercased()] == nil { lookup[name.lowercased()] = i }
        nameLookup = lookup
        var idIndex: [String: Int] = [:]
        for (i, id) in ids.enumerated() where idIndex[id] == nil { idIndex[id] = i }
        idLookup = idIndex
        idWidth = ids.map { DisplayWidth.of($0) }.max() ?? 0
        hasNames = names != ids
    }

    init(_ loaded: LoadedModel) {
        self.init(ids: loaded.model.catalog.ids, names: loaded.itemNames, support: loaded.model.itemSupport)
    }

    var count: Int { ids.count }

    /// The items whose name or id contains `query` (case-insensitive), most
    /// popular first; all items for an empty query.
    func filter(_ query: String) -> [Int] {
        let q = query.lowercased().trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { return byPopularity }
        return byPopularity.filter { searchKeys[$0].contains(q) }
    }

    /// How a typed item reference resolved.
    enum Resolution: Equatable {
        case found(Int)
        /// Several items start with the text.
        case ambiguous([Int])
        case unknown(suggestion: Int?)
    }

    /// Finds an item by exact id, then exact name (case-insensitive), then a
    /// unique id or name prefix; otherwise suggests the closest id or name.
    func resolve(_ text: String) -> Resolution {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let i = idLookup[t] { return .found(i) }
        let lower = t.lowercased()
        if let i = nameLookup[lower] { return .found(i) }
        let prefixed = byPopularity.filter { names[$0].lowercased().hasPrefix(lower) || ids[$0].lowercased().hasPrefix(lower) }
        if prefixed.count == 1 { return .found(prefixed[0]) }
        if prefixed.count > 1, !lower.isEmpty { return .ambiguous(prefixed) }
        if let best = closestMatch(t, in: names) { return .unknown(suggestion: nameLookup[best.lowercased()]) }
        if let best = closestMatch(t, in: ids) { return .unknown(suggestion: idLookup[best]) }
        return .unknown(suggestion: nil)
    }

    /// "Name (id)", or just the id when the name is the id.
    func label(_ item: Int) -> String {
        names[item] == ids[item] ? ids[item] : "\(names[item]) (\(ids[item]))"
    }
}
