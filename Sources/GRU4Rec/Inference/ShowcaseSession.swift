/// The session the shell opens on: a real session of the sessions file that
/// shows the model at its best *and* honestly, chosen by a fixed rule.
///
/// **The rule.** Among the first `candidateLimit` sessions (in the order of
/// the sessions data, which is the order `replay next` steps through: by the
/// time of their first event) whose length is within `lengths` (5...8 clicks
/// by default), take those where the true next item is in the model's top
/// `k` (standard ties: 1 + items scored strictly higher, as the shell ranks)
/// after at least `minimumHits` of the clicks. Of those, the one with the
/// most such hits wins; equal hits: the earliest. The session is shown up to
/// its `shownClicks`: the last click after which the true next item is in
/// the top `k`, so the suggestions on screen hold the item the user clicked
/// next.
///
/// Every session is run from a zero state one click at a time with one
/// scoring pass per click (the live session's path: one row, the same
/// products), so the ranks equal those the shell shows when it replays the
/// session. Cost: at most `candidateLimit * lengths.upperBound` forward steps
/// and scoring passes, fewer in practice: a session stops as soon as the
/// clicks it has left cannot give it more hits than the best so far.
public struct ShowcaseSession: Equatable, Sendable {
    /// The chosen session's index in the sessions data.
    public var session: Int
    /// `ranks[j]`: the rank of the session's item `j + 1` after its first
    /// `j + 1` clicks (one per click but the last).
    public var ranks: [Int]
    /// How many of `ranks` are within the top `k`.
    public var hits: Int
    /// How many clicks to show: the last click after which the next item is in the top `k`.
    public var shownClicks: Int

    /// The rule's settings (the defaults are the shell's).
    public struct Rule: Equatable, Sendable {
        /// Session lengths (clicks) considered.
        public var lengths: ClosedRange<Int> = 5...8
        /// The cutoff of a hit.
        public var k = 10
        /// Hits a session needs at least.
        public var minimumHits = 2
        /// At most this many sessions of a fitting length are examined (the first ones).
        public var candidateLimit = 300

        public init(lengths: ClosedRange<Int> = 5...8, k: Int = 10, minimumHits: Int = 2, candidateLimit: Int = 300) {
            self.lengths = lengths
            self.k = k
            self.minimumHits = minimumHits
            self.candidateLimit = candidateLimit
        }

        /// The rule in words, for messages and help: "a session of 5-8 clicks whose next item is in the top 10 after at least 2 clicks".
        public var description: String {
            let length = lengths.lowerBound == lengths.upperBound ? "\(lengths.lowerBound)" : "\(lengths.lowerBound)-\(lengths.upperBound)"
            return "a session of \(length) clicks whose next item is in the top \(k) after at least \(minimumHits) of them"
        }
    }

    /// What the rule found: the chosen session, or `nil` (and how many sessions were examined).
    public struct Outcome: Equatable, Sendable {
        public var chosen: ShowcaseSession?
        public var examined: Int
    }

    /// Applies `rule` to `sessions` (item indices of `model`'s catalog); each click's
    /// forward step and scores split over `parallelism`.
    public static func choose(model: GRU4RecModel, sessions: SessionData, rule: Rule = Rule(),
                              parallelism: Parallelism) -> Outcome {
        let n = model.itemCount
        guard n > 0, rule.k > 0 else { return Outcome(chosen: nil, examined: 0) }
        let pass = ForwardPass(model: model, maxRows: 1, parallelism: parallelism)
        var scores = [Float](repeating: 0, count: n)
        var best: ShowcaseSession?
        var examined = 0
        for s in 0..<sessions.sessionCount {
            if examined >= rule.candidateLimit { break }
            let length = sessions.sessionLength(s)
            guard rule.lengths.contains(length) else { continue }
            examined += 1
            let items = sessions.sessionItems(s).map { Int($0) }
            guard items.allSatisfy({ $0 >= 0 && $0 < n }) else { continue }
            // Only a session with more hits than the best so far can win (equal hits: the earlier stays).
            let needed = max(1, rule.minimumHits, (best?.hits ?? 0) + 1)
            guard let ranks = nextItemRanks(items, pass: pass, scores: &scores, k: rule.k, needed: needed) else { continue }
            let hits = ranks.lazy.filter { $0 <= rule.k }.count
            guard hits >= needed, let last = ranks.lastIndex(where: { $0 <= rule.k }) else { continue }
            best = ShowcaseSession(session: s, ranks: ranks, hits: hits, shownClicks: last + 1)
        }
        return Outcome(chosen: best, examined: examined)
    }

    /// The rank of `items[j + 1]` after `items[0...j]`, for every `j` but the
    /// last; `nil` as soon as the session cannot reach `needed` ranks within
    /// the top `k` (the clicks left are not run).
    static func nextItemRanks(_ items: [Int], pass: ForwardPass, scores: inout [Float], k: Int, needed: Int) -> [Int]? {
        let n = pass.model.itemCount
        var ranks: [Int] = []
        guard items.count >= 2 else { return needed <= 0 ? ranks : nil }
        ranks.reserveCapacity(items.count - 1)
        pass.reset()
        var hits = 0
        for j in 0..<(items.count - 1) {
            if hits + (items.count - 1 - j) < needed { return nil }
            var x = Int32(items[j])
            pass.step(items: &x, rows: 1)
            scores.withUnsafeMutableBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                pass.scoreAll(rows: 1, into: p)
                ranks.append(Int(rankOfTarget(UnsafePointer(p), count: n, target: items[j + 1], mode: .standard)))
            }
            if let rank = ranks.last, rank <= k { hits += 1 }
        }
        return ranks
    }
}
