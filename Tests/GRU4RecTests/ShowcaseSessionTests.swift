import GRU4Rec
import GRU4RecTestSupport
import Testing

/// The showcase rule (`ShowcaseSession`) against a brute-force application of
/// it: every session of a fitting length replayed through a live session.
@Suite struct ShowcaseSessionTests {
    let tiny = TinyModel()

    /// The oracle: the rank (1 + items scored strictly higher) of each next item after every click but the last.
    func ranks(_ items: [Int]) -> [Int] {
        let live = LiveSession(model: tiny.model, parallelism: .tests)
        var out: [Int] = []
        for j in 0..<(items.count - 1) {
            _ = live.feed(items[j])
            let scores = live.scores()
            out.append(1 + scores.filter { $0 > scores[items[j + 1]] }.count)
        }
        return out
    }

    /// The rule applied by brute force: (session, hits) of every examined session, in order.
    func examined(_ data: SessionData, _ rule: ShowcaseSession.Rule) -> [(session: Int, ranks: [Int])] {
        let fitting = (0..<data.sessionCount).filter { rule.lengths.contains(data.sessionLength($0)) }
        return fitting.prefix(rule.candidateLimit).map { s in (s, ranks(data.sessionItems(s).map { Int($0) })) }
    }

    @Test(arguments: [1, 2, 3, 5, 10])
    func theChosenSessionHasTheMostHitsAndNoEarlierOneHasAsMany(k: Int) throws {
        let data = tiny.sessions
        let rule = ShowcaseSession.Rule(lengths: 4...8, k: k, minimumHits: 2)
        let all = examined(data, rule)
        try #require(all.count >= 5, "the tiny sessions have several of 4-8 clicks")
        let outcome = ShowcaseSession.choose(model: tiny.model, sessions: data, rule: rule, parallelism: .tests)
        #expect(outcome.examined == all.count)
        let hits = all.map { $0.ranks.filter { $0 <= k }.count }
        guard let most = hits.max(), most >= rule.minimumHits else {
            #expect(outcome.chosen == nil)
            return
        }
        let expected = try #require(hits.firstIndex(of: most))
        let chosen = try #require(outcome.chosen)
        #expect(chosen.session == all[expected].session)
        #expect(chosen.ranks == all[expected].ranks)
        #expect(chosen.hits == most)
        // Shown up to the last click after which the next item is in the top k.
        let last = try #require(chosen.ranks.lastIndex { $0 <= k })
        #expect(chosen.shownClicks == last + 1)
        #expect(chosen.ranks[chosen.shownClicks - 1] <= k)
        #expect(rule.lengths.contains(data.sessionLength(chosen.session)))
    }

    @Test func theTieBreakIsTheEarliestAndSomeKChoosesALaterSession() throws {
        // At some cutoff the first fitting session is not the one chosen, so "most hits" is exercised;
        // at k = catalog size every prediction is a hit and the longest earliest session wins.
        let data = tiny.sessions
        var choices: [Int] = []
        for k in 1...6 {
            let rule = ShowcaseSession.Rule(lengths: 4...8, k: k, minimumHits: 2)
            if let chosen = ShowcaseSession.choose(model: tiny.model, sessions: data, rule: rule, parallelism: .tests).chosen { choices.append(chosen.session) }
        }
        let first = try #require((0..<data.sessionCount).first { (4...8).contains(data.sessionLength($0)) })
        #expect(choices.contains { $0 != first }, "choices \(choices), first fitting session \(first)")

        let all = ShowcaseSession.Rule(lengths: 4...8, k: tiny.model.itemCount, minimumHits: 2)
        let chosen = try #require(ShowcaseSession.choose(model: tiny.model, sessions: data, rule: all, parallelism: .tests).chosen)
        let longest = try #require((0..<data.sessionCount).filter { (4...8).contains(data.sessionLength($0)) }.map(data.sessionLength).max())
        let earliestLongest = (0..<data.sessionCount).first { data.sessionLength($0) == longest }
        #expect(chosen.session == earliestLongest)
        #expect(chosen.hits == longest - 1)
        #expect(chosen.shownClicks == longest - 1)
    }

    @Test func noSessionFollowsTheRule() {
        let data = tiny.sessions
        let impossible = ShowcaseSession.Rule(lengths: 4...8, k: 10, minimumHits: 100)
        let outcome = ShowcaseSession.choose(model: tiny.model, sessions: data, rule: impossible, parallelism: .tests)
        #expect(outcome.chosen == nil)
        #expect(outcome.examined == (0..<data.sessionCount).filter { (4...8).contains(data.sessionLength($0)) }.count)
        let noLength = ShowcaseSession.choose(model: tiny.model, sessions: data, rule: ShowcaseSession.Rule(lengths: 500...600), parallelism: .tests)
        #expect(noLength.chosen == nil && noLength.examined == 0)
        #expect(impossible.description == "a session of 4-8 clicks whose next item is in the top 10 after at least 100 of them")
    }

    @Test func onlyTheFirstCandidatesAreExamined() throws {
        let data = tiny.sessions
        let rule = ShowcaseSession.Rule(lengths: 4...8, k: tiny.model.itemCount, minimumHits: 2, candidateLimit: 1)
        let outcome = ShowcaseSession.choose(model: tiny.model, sessions: data, rule: rule, parallelism: .tests)
        #expect(outcome.examined == 1)
        let first = (0..<data.sessionCount).first { (4...8).contains(data.sessionLength($0)) }
        #expect(outcome.chosen?.session == first)
    }

    @Test func theDemoModelsShowcase() throws {
        let modelPath = TestPaths.packageRoot + "/demo-data/model.safetensors"
        let testPath = TestPaths.packageRoot + "/demo-data/test.tsv.gz"
        guard TestPaths.exists(modelPath), TestPaths.exists(testPath) else { return }
        let model = try GRU4RecModel.load(from: modelPath).model
        let data = try SessionData.load(path: testPath, catalog: model.catalog).data
        let outcome = ShowcaseSession.choose(model: model, sessions: data, parallelism: .tests)
        let chosen = try #require(outcome.chosen)
        #expect(outcome.examined <= 300)
        #expect(chosen.hits >= 2)
        #expect((5...8).contains(data.sessionLength(chosen.session)))
        // The ranks are those of a live session, one click at a time.
        let items = data.sessionItems(chosen.session).map { Int($0) }
        let live = LiveSession(model: model, parallelism: .tests)
        for j in 0..<(items.count - 1) {
            _ = live.feed(items[j])
            #expect(Int(live.rank(of: items[j + 1])) == chosen.ranks[j])
        }
    }
}
