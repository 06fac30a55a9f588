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
    /// The longest search key, in UTF-8 bytes (longer text matches nothing).
    private let longestKeyBytes: Int
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
        longestKeyBytes = searchKeys.map(\.utf8.count).max() ?? 0
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
        guard q.utf8.count <= longestKeyBytes else { return [] }  // longer than every name and id
        return byPopularity.filter { searchKeys[$0].contains(q) }
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
        if let i = idLookup[t] { return .found(i) }
        let lower = t.lowercased()
        if let i = nameLookup[lower] { return .found(i) }
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
