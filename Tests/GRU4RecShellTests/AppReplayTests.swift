import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Replaying real sessions: stepping, metrics, auto-play, detaching.
@Suite struct AppReplayTests {
    /// The ranks a fresh live session gives each next event of `items`.
    func ranks(_ state: ShellState, _ items: [Int]) -> [Double] {
        let live = LiveSession(model: state.loaded!.model, parallelism: .tests)
        var out: [Double] = []
        for (p, item) in items.enumerated() {
            if p > 0 { out.append(live.rank(of: item)) }
            live.feed(item)
        }
        return out
    }

    @Test func stepAndBackFollowTheSessionAndKeepMetrics() {
        var state = AppFixture.state()
        state.commands("replay S3")
        #expect(state.view == .replay)
        #expect(state.focus == .replay)
        let items = state.replayItems!
        #expect(items.count == 6)
        #expect(state.replay.position == 0)
        #expect(state.sessionItems.isEmpty)

        state.commands("step", "step", "step")
        #expect(state.replay.position == 3)
        #expect(state.sessionItems == Array(items[0..<3]))
        let expected = ranks(state, items)
        #expect(state.replay.ranks.count == 2)
        #expect(state.replay.ranks[ReplayKey(session: 2, position: 1)] == expected[0])
        #expect(state.replay.ranks[ReplayKey(session: 2, position: 2)] == expected[1])
        let k = Double(state.topK)
        let hits = expected.prefix(2).filter { $0 <= k }
        #expect(state.replay.recall(at: state.topK) == Double(hits.count) / 2)
        #expect(state.replay.mrr(at: state.topK) == hits.reduce(0) { $0 + 1 / $1 } / 2)

        state.commands("back")
        #expect(state.replay.position == 2)
        #expect(state.sessionItems == Array(items[0..<2]))
        #expect(state.replay.ranks.count == 2)  // replayed predictions stay counted
        state.commands("step")
        #expect(state.replay.ranks.count == 2)  // and are not counted twice

        // Keys: → steps, ← goes back.
        state.keys(.right)
        #expect(state.replay.position == 4)
        state.keys(.left)
        #expect(state.replay.position == 3)

        state.commands("step", "step", "step")
        #expect(state.replay.position == 6)
        #expect(state.replay.ranks.count == 5)
        #expect(state.notice?.text.hasPrefix("end of session S3") == true)
        state.commands("step")
        #expect(state.notice?.text == "end of session S3")
        #expect(state.replay.position == 6)
    }

    @Test func nextAndRandomPickSessionsRepeatably() {
        var state = AppFixture.state()
        state.commands("replay")
        #expect(state.replay.sessionIndex == 0)
        state.commands("replay next")
        #expect(state.replay.sessionIndex == 1)
        state.commands("replay random")
        let picked = state.replay.sessionIndex
        var again = AppFixture.state()
        again.commands("replay random")
        #expect(again.replay.sessionIndex == picked)
        state.commands("replay S99")
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text.hasPrefix("unknown session 'S99'; did you mean") == true)
    }

    @Test func replayNeedsASessionsFile() {
        let (loaded, _) = AppFixture.loaded()
        var state = ShellState(model: loaded, colorMode: .none, parallelism: .tests)
        state.commands("replay next")
        #expect(state.notice?.text == "no sessions file loaded")
        #expect(state.notice?.hint == "start the shell with --sessions FILE, or load one with: sessions <file>")
        state.commands("step")
        #expect(state.notice?.text == "no session is being replayed")
    }

    @Test func playStepsOnTicksAtTheChosenSpeed() {
        var state = AppFixture.state()
        state.commands("replay S3", "speed 200")
        #expect(state.commands("play") == [.startTimer(intervalMilliseconds: 200)])
        #expect(state.replay.playing)
        state.send(.tick(now: 10.0))
        #expect(state.replay.position == 1)
        state.send(.tick(now: 10.1))
        #expect(state.replay.position == 1)  // too early
        state.send(.tick(now: 10.2))
        #expect(state.replay.position == 2)
        #expect(state.commands("speed 100") == [.startTimer(intervalMilliseconds: 100)])
        #expect(state.commands("pause") == [.stopTimer])
        state.send(.tick(now: 20))
        #expect(state.replay.position == 2)

        state.commands("play")
        var effects: [ShellEffect] = []
        for t in 0..<10 { effects += state.send(.tick(now: 30 + Double(t) * 0.1)) }
        #expect(state.replay.position == 6)
        #expect(!state.replay.playing)
        #expect(effects == [.stopTimer])
        #expect(state.keys(.character(" ")) == [])  // at the end: play fails
        #expect(state.notice?.kind == .error)
    }

    @Test func aManualChangeDetachesTheReplay() {
        var state = AppFixture.state()
        state.commands("replay S3", "step", "play")
        #expect(state.commands("click Teapot") == [.stopTimer])
        #expect(!state.replay.attached)
        #expect(!state.replay.playing)
        state.commands("step")
        #expect(state.notice?.text == "the replay was detached by a change to the session")
        #expect(state.notice?.hint == "replay S3 starts it again")
        #expect(state.screen.contains("detached"))
        state.commands("replay S3")
        #expect(state.replay.attached)
        #expect(state.replay.ranks.isEmpty)  // S3 position 0 has no prediction yet
    }
}
