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
    /// Folded "name id" (the id alone when there are no names) of every item
    /// in display order, for filtering (built once).
    private let searchIndex: CatalogSearchIndex
    /// Exact id lookup (the model's catalog).
    private let catalog: ItemCatalog
    /// Lower-cased name -> first index with that name. Without names (the names
    /// are the ids) only the ids that lower-casing changes are here; the others
    /// are found through `catalog` (see `indexOfName(lowerCased:)`).
    private let nameLookup: [String: Int]
    /// Widest id, in columns (for the catalog's id column).
    let idWidth: Int
    /// Whether any item has a name other than its id (otherwise the catalog
    /// shows no separate id column).
    let hasNames: Bool

    /// Built once per model; linear in the catalog apart from one sort of
    /// integers (a million items in a fraction of a second).
    init(catalog: ItemCatalog, names: [String]?, support: [Int]) {
        self.catalog = catalog
        let ids = catalog.ids
        self.ids = ids
        let names = names.flatMap { $0.count == ids.count ? $0 : nil } ?? ids
        self.names = names
        self.support = support
        byPopularity = Self.popularityOrder(support)
        let hasNames = names != ids
        self.hasNames = hasNames
        // "name id"; just the id when there are no names.
        searchIndex = CatalogSearchIndex(order: byPopularity) { hasNames ? names[$0] + " " + ids[$0] : ids[$0] }
        var lookup: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            let lower = Self.isLowerCaseASCII(name) ? name : name.lowercased()
            if !hasNames && lower == name { continue }  // found through the catalog
            if lookup[lower] == nil { lookup[lower] = i }
        }
        nameLookup = lookup
        var widest = 0
        for id in ids {
            let printableASCII = id.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
            widest = max(widest, printableASCII ? id.utf8.count : DisplayWidth.of(id))
        }
        idWidth = widest
    }

    init(_ loaded: LoadedModel) {
        self.init(catalog: loaded.model.catalog, names: loaded.itemNames, support: loaded.model.itemSupport)
    }

    /// Catalog indices by support, highest first, ties by lower index: one sort
    /// of packed integers when support and index fit in 32 bits each.
    static func popularityOrder(_ support: [Int]) -> [Int] {
        let highest = support.max() ?? 0, lowest = support.min() ?? 0
        guard support.count < 1 << 32, lowest >= 0, highest < 1 << 32 else {
            return support.indices.sorted { support[$0] != support[$1] ? support[$0] > support[$1] : $0 < $1 }
        }
        var keys = support.enumerated().map { UInt64(highest - $0.element) << 32 | UInt64($0.offset) }
        keys.sort()
        return keys.map { Int($0 & 0xFFFF_FFFF) }
    }

    private static func isLowerCaseASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 < 0x80 && !($0 >= 0x41 && $0 <= 0x5A) }
    }

    /// The first index whose lower-cased name is `lower`.
    private func indexOfName(lowerCased lower: String) -> Int? {
        let mapped = nameLookup[lower]
        guard !hasNames, let exact = catalog.index(of: lower) else { return mapped }
        return min(exact, mapped ?? exact)
    }

    var count: Int { ids.count }

    /// The items whose name or id contains `query` (case-insensitive), most
    /// popular first; all items for an empty query. One scan of the index
    /// (``CatalogSearchIndex``): only the query is folded per call.
    func filter(_ query: String) -> [Int] {
        let q = query.trimmingCharacters(in: .whitespaces)
        guard !q.isEmpty else { return byPopularity }
        return searchIndex.items(containing: CatalogSearchIndex.folded(q))
    }

    /// How a typed item reference resolved.
    enum Resolution: Equatable {
        case found(Int)
        /// Several items match the text (as the catalog filter matches), most popular first.
        case ambiguous([Int])
        case unknown(suggestion: Int?)
    }

    /// Longest text that gets a "did you mean" suggestion: longer text is
    /// no misspelling, and the fuzzy search costs length x name length per item.
    static let longestFuzzyQuery = 64

    /// Finds an item by exact id, then exact name (case-insensitive), then a
    /// unique id or name prefix, then the catalog filter's matches (the text
    /// anywhere in name or id, as `/` and `find` match): one is found, more
    /// are ambiguous. Otherwise suggests the most similar name or id
    /// (`suggestion(for:)`).
    func resolve(_ text: String) -> Resolution {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let i = catalog.index(of: t) { return .found(i) }
        let lower = t.lowercased()
        if let i = indexOfName(lowerCased: lower) { return .found(i) }
        guard !lower.isEmpty else { return .unknown(suggestion: nil) }
        let prefixed = byPopularity.filter { names[$0].lowercased().hasPrefix(lower) || ids[$0].lowercased().hasPrefix(lower) }
        if prefixed.count == 1 { return .found(prefixed[0]) }
        let matching = filter(lower)
        if matching.count == 1 { return .found(matching[0]) }
        if matching.count > 1 { return .ambiguous(matching) }
        return .unknown(suggestion: suggestion(for: lower))
    }

    /// The item whose name or id is most like `text`: the fewest edits
    /// turning `text` into a part of the name (`approximateSubstringDistance`),
    /// ties broken by the edits to the whole name, then by popularity. Only
    /// within about one edit per four characters (one per three for ids), so
    /// that `99999` suggests no unrelated id; nothing for text longer than
    /// `longestFuzzyQuery`.
    func suggestion(for text: String) -> Int? {
        let query = Array(text.lowercased())
        guard !query.isEmpty, query.count <= Self.longestFuzzyQuery else { return nil }
        var best: (item: Int, part: Int, whole: Int)?
        for item in byPopularity {
            for (candidate, perEdit) in [(ids[item], 3), (names[item], 4)] {
                let allowed = query.count / perEdit
                guard allowed > 0 else { continue }
                let target = Array(candidate.lowercased())
                let part = Self.approximateSubstringDistance(query, in: target)
                guard part <= allowed else { continue }
                if let b = best, b.part < part || (b.part == part && b.whole <= abs(target.count - query.count)) { continue }
                let whole = editDistance(text, candidate)
                if let b = best, b.part == part, b.whole <= whole { continue }
                best = (item, part, whole)
            }
        }
        return best?.item
    }

    /// The fewest edits (insert, delete, substitute) that turn `query` into
    /// some contiguous part of `target` (Sellers' algorithm: free start and end in `target`).
    static func approximateSubstringDistance(_ query: [Character], in target: [Character]) -> Int {
        guard !query.isEmpty else { return 0 }
        guard !target.isEmpty else { return query.count }
        // previous[j]: edits for query[0..<i] ending at target position j (free start).
        var previous = [Int](repeating: 0, count: target.count + 1)
        var current = previous
        for i in 1...query.count {
            current[0] = i
            for j in 1...target.count {
                let substitute = previous[j - 1] + (query[i - 1] == target[j - 1] ? 0 : 1)
                current[j] = min(substitute, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous.min() ?? query.count
    }

    /// "Name (id)", or just the id when the name is the id.
    func label(_ item: Int) -> String {
        names[item] == ids[item] ? ids[item] : "\(names[item]) (\(ids[item]))"
    }
}
