import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// What the shell opens on: `replay showcase` (the `--start auto` preload),
/// its fallback, the `--start` / `--preload` interplay, and the first screen
/// as snapshots.
@Suite struct AppShowcaseTests {
    /// The shell after the startup of `start`, as `gru4rec shell` runs it.
    static func started(_ start: ShellStart = .auto, preload: Int? = nil, width: Int = 120, height: Int = 40,
                        sessions: SessionData? = nil) -> ShellState {
        var state = AppFixture.state(width: width, height: height)
        if let sessions {
            state = ShellState(model: AppFixture.loaded().0, sessions: sessions, sessionsPath: "short.tsv", width: width,
                               height: height, colorMode: .none, parallelism: .tests)
        }
        for line in start.commands(preload: preload, hasSessions: true) { state.commands(line) }
        state.send(.preloaded)
        return state
    }

    @Test func theShowcaseIsTheRulesSessionUpToItsLastHitWithTheTopSuggestionExplained() throws {
        let state = Self.started()
        let model = try #require(state.loaded?.model)
        let data = try #require(state.sessions)
        let chosen = try #require(ShowcaseSession.choose(model: model, sessions: data, rule: ShowcaseSession.Rule(k: state.topK), parallelism: .tests).chosen)
        #expect(state.replay.sessionIndex == chosen.session)
        #expect(state.replay.attached)
        #expect(state.replay.position == chosen.shownClicks)
        #expect(state.sessionItems == data.sessionItems(chosen.session).prefix(chosen.shownClicks).map { Int($0) })
        // The shell's own ranks of the clicks shown agree with the rule's.
        #expect(state.trace.steps.dropFirst().map { Int($0.rankBefore ?? 0) } == Array(chosen.ranks.prefix(chosen.shownClicks - 1)))
        // The item clicked next is among the suggestions on screen.
        let next = Int(data.items[data.offsets[chosen.session] + chosen.shownClicks])
        #expect(state.suggestions.contains { $0.item == next })
        // Explain open on the top suggestion, computed for the session shown.
        #expect(state.view == .explain)
        #expect(state.explainState.item == state.suggestions.first?.item)
        #expect(state.explainState.session == state.sessionItems)
        let notice = try #require(state.notice)
        #expect(notice.kind == .info)
        #expect(notice.text.hasPrefix("showcase: session \(data.sessionIDs[chosen.session]), \(chosen.shownClicks) of "))
        #expect(notice.text.contains("; next ◆ \(state.itemName(next) ?? "?") (#\(chosen.ranks[chosen.shownClicks - 1]));"))
        // The startup's predictions are not counted in the running figures.
        #expect(state.replay.ranks.isEmpty)
    }

    @Test func withoutAFittingSessionTheFirstSessionIsShownAndTheMessageSaysSo() throws {
        // Sessions of 2 and 4 clicks: none of 5-8.
        let short = SessionData(sessionIDs: ["s1", "s2"], offsets: [0, 2, 6], items: [0, 1, 2, 3, 4, 5],
                                times: [1, 2, 3, 4, 5, 6])
        let state = Self.started(sessions: short)
        #expect(state.replay.sessionIndex == 0)
        #expect(state.sessionItems == [0, 1])
        #expect(state.view == .explain)
        #expect(state.explainState.item == state.suggestions.first?.item)
        let notice = try #require(state.notice)
        #expect(notice.kind == .info)
        #expect(notice.text == "no session follows the showcase rule (a session of 5-8 clicks whose next item is in the top 10 "
                + "after at least 2 of them; 0 examined): the first session, 2 of 2 clicks")
    }

    @Test func startAndPreloadResolve() {
        #expect(ShellStart.resolved(start: nil, preload: nil) == .auto)
        #expect(ShellStart.resolved(start: nil, preload: 0) == ShellStart.none)
        #expect(ShellStart.resolved(start: nil, preload: 5) == .first)
        #expect(ShellStart.resolved(start: .auto, preload: 5) == .auto)
        #expect(ShellStart.resolved(start: ShellStart.none, preload: 5) == ShellStart.none)
        #expect(ShellStart.auto.commands(preload: nil, hasSessions: true) == ["replay showcase"])
        #expect(ShellStart.first.commands(preload: nil, hasSessions: true) == ["replay next", "step", "step", "step"])
        #expect(ShellStart.first.commands(preload: 1, hasSessions: true) == ["replay next", "step"])
        #expect(ShellStart.first.commands(preload: 0, hasSessions: true) == [])
        #expect(ShellStart.none.commands(preload: 3, hasSessions: true) == [])
        #expect(ShellStart.auto.commands(preload: nil, hasSessions: false) == [])

        let first = Self.started(.first, preload: 2)
        #expect(first.replay.sessionIndex == 0)
        #expect(first.sessionItems.count == 2)
        #expect(first.view == .replay)
        #expect(Self.started(ShellStart.none).sessionItems.isEmpty)
    }

    @Test func replayShowcaseIsACommandWithCompletion() {
        var state = AppFixture.state()
        state.commands("click Red mug", "replay showcase")
        #expect(state.view == .explain)
        #expect(state.replay.attached)
        #expect(Shell.completions(for: "replay sh", state: state) == ["replay showcase"])
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 60)]) func firstScreen(width: Int, height: Int) {
        let state = Self.started(width: width, height: height)
        assertSnapshot(Shell.render(state, width: width, height: height).text, named: "App.firstscreen.\(width)x\(height)")
    }
}
