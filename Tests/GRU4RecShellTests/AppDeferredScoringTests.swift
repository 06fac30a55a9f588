import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Deferred scoring (`ShellState+Scoring.swift`): at large catalogs a click
/// draws its frame from the exact top-k and leaves the full pass (every
/// score: probabilities, ranks) to a `.score` effect. Here the tiny model
/// defers from 0 items, and every figure is checked against the in-place path.
@Suite struct AppDeferredScoringTests {
    /// A shell on the tiny model whose clicks defer their full pass.
    func deferred(width: Int = 120, height: Int = 40) -> ShellState {
        var state = AppFixture.state(width: width, height: height)
        state.deferredScoringItems = 0
        return state
    }

    /// The `.score` requests among `effects`, in order.
    func scoring(_ effects: [ShellEffect]) -> [ScoringRequest] {
        effects.compactMap { if case .score(let r) = $0 { return r } else { return nil } }
    }

    /// Everything the panes read of the session, for comparing the two paths.
    func expectSameFigures(_ a: ShellState, _ b: ShellState, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.trace.steps == b.trace.steps, "\(context): steps", sourceLocation: sourceLocation)
        #expect(a.trace.scores == b.trace.scores, "\(context): scores", sourceLocation: sourceLocation)
        #expect(a.trace.previousScores == b.trace.previousScores, "\(context): previous scores", sourceLocation: sourceLocation)
        #expect(a.trace.logSumExp == b.trace.logSumExp, "\(context): log-sum-exp", sourceLocation: sourceLocation)
        #expect(a.trace.robustBound == b.trace.robustBound && a.trace.changeRanking == b.trace.changeRanking, "\(context)", sourceLocation: sourceLocation)
        #expect(a.suggestions == b.suggestions, "\(context): suggestions", sourceLocation: sourceLocation)
        #expect(a.replay == b.replay, "\(context): replay", sourceLocation: sourceLocation)
        #expect(a.explainState.trackedRanks == b.explainState.trackedRanks, "\(context): tracked ranks", sourceLocation: sourceLocation)
        #expect(a.notice?.text == b.notice?.text, "\(context): message", sourceLocation: sourceLocation)
        for view in ["main", "session", "replay"] {
            var (x, y) = (a, b)
            x.commands("view \(view)")
            y.commands("view \(view)")
            #expect(x.screen == y.screen, "\(context): the \(view) view", sourceLocation: sourceLocation)
        }
    }

    @Test func theClicksFrameHasTheExactTopKAndMarksWhatWaitsForTheFullPass() throws {
        var state = deferred()
        var inPlace = AppFixture.state()
        let red = state.item(named: "Red mug"), blue = state.item(named: "Blue mug")
        for (n, item) in [red, blue].enumerated() {
            let effects = Shell.update(&state, .execute(.click(.index(item))))
            inPlace.commands("click \(inPlace.itemName(item)!)")
            let requests = scoring(effects)
            #expect(requests.map(\.clicks) == [n + 1])
            // The frame before the pass: the top-k and its scores exact, the probabilities pending.
            #expect(!state.trace.isComplete)
            #expect(state.suggestions.map(\.item) == inPlace.suggestions.map(\.item))
            #expect(state.suggestions.map(\.score) == inPlace.suggestions.map(\.score))
            #expect(state.suggestions.allSatisfy { $0.probability == nil })
            // The rank before the click is counted from the previous click's scores (already here),
            // and so is the movement.
            #expect(state.trace.steps.map(\.rankBefore) == inPlace.trace.steps.map(\.rankBefore))
            #expect(state.suggestions.map(\.movement) == inPlace.suggestions.map(\.movement))
            let row = try #require(state.screenLines.first { $0.contains(state.itemName(state.suggestions[0].item)!) && $0.contains("…") })
            #expect(!row.contains("%"))
            // The pass arrives: every figure is the in-place path's.
            _ = state.send(.scored(requests[0].compute()))
            #expect(state.trace.isComplete)
            expectSameFigures(state, inPlace, "after click \(n + 1)")
        }
    }

    @Test func rapidClicksShowPendingMarksUntilTheirPassesArriveInOrder() {
        var state = deferred()
        state.commands("track Tea towel")
        var inPlace = AppFixture.state()
        inPlace.commands("track Tea towel")
        let clicks = ["Red mug", "Teapot", "Blue mug", "Yoga mat"]
        var requests: [ScoringRequest] = []
        for name in clicks {
            requests += scoring(Shell.update(&state, .command("click \(name)")))
            inPlace.commands("click \(name)")
        }
        #expect(requests.map(\.clicks) == [1, 2, 3, 4])
        #expect(state.trace.scoredClicks == 0)
        // No figure of another click: ranks before clicks 2-4, movement and probabilities pending.
        #expect((1...3).allSatisfy { state.trace.isRankPending(step: $0) && state.trace.steps[$0].rankBefore == nil })
        #expect(state.suggestions.map(\.item) == inPlace.suggestions.map(\.item))
        #expect(state.suggestions.allSatisfy { $0.movement == .pending && $0.probability == nil })
        #expect(state.notice?.text.contains("being computed") == true)
        state.commands("view session")
        #expect(state.screen.contains("…"))
        #expect(state.explainState.trackedRanks.map(\.count) == [0])
        for (k, request) in requests.enumerated() {
            state.send(.scored(request.compute()))
            #expect(state.trace.scoredClicks == k + 1)
            // Each rank is known once the pass before its click is here, and equals the in-place one.
            for step in 0..<clicks.count {
                #expect(state.trace.isRankPending(step: step) == (step > k + 1))
                if step <= k + 1 { #expect(state.trace.steps[step].rankBefore == inPlace.trace.steps[step].rankBefore) }
            }
            #expect(state.explainState.trackedRanks == inPlace.explainState.trackedRanks.map { Array($0.prefix(k + 1)) })
        }
        state.commands("view main")
        expectSameFigures(state, inPlace, "after every pass")
    }

    @Test func aPassOfAnOlderSessionOrOutOfOrderIsDropped() {
        var state = deferred()
        let first = scoring(Shell.update(&state, .command("click Red mug")))
        let second = scoring(Shell.update(&state, .command("click Blue mug")))
        // Out of order: the second pass before the first is dropped.
        state.send(.scored(second[0].compute()))
        #expect(state.trace.scoredClicks == 0 && state.trace.scores.isEmpty)
        // An edit starts a new session generation: both old passes are dropped.
        let undo = scoring(Shell.update(&state, .command("undo")))
        #expect(undo.map(\.clicks) == [1] && undo[0].generation != first[0].generation)
        let before = state.trace
        state.send(.scored(first[0].compute()), .scored(second[0].compute()))
        #expect(state.trace == before)
        #expect(state.suggestions.allSatisfy { $0.probability == nil })
        state.send(.scored(undo[0].compute()))
        var inPlace = AppFixture.state()
        inPlace.commands("click Red mug", "click Blue mug", "undo")
        expectSameFigures(state, inPlace, "after undo")
    }

    @Test func withThePassesInPlaceEveryFigureIsTheInPlacePaths() {
        // As scripted mode runs it: each effect performed and answered in place.
        var state = deferred()
        var inPlace = AppFixture.state()
        let script = ["click Red mug", "click Teapot", "track Earl Grey", "click Blue mug", "click Notebook A5", "undo", "redo",
                      "remove 2", "topk 5", "exclude on", "click Teapot", "reset", "click Yoga mat", "click Towel",
                      "replay S3", "step", "step", "step", "back", "step", "step"]
        for line in script {
            state.commands(line)
            inPlace.commands(line)
            #expect(state.trace.isComplete)
            expectSameFigures(state, inPlace, line)
        }
    }

    @Test func replayedRanksThatWaitArriveInTheReplayRecord() {
        var state = deferred()
        var inPlace = AppFixture.state()
        state.commands("replay S3")
        inPlace.commands("replay S3", "step", "step", "step")
        var requests: [ScoringRequest] = []
        for _ in 0..<3 { requests += scoring(Shell.update(&state, .command("step"))) }
        #expect(state.replay.ranks.isEmpty)
        state.commands("view replay")
        #expect(state.screen.contains("…"))
        for request in requests { state.send(.scored(request.compute())) }
        #expect(state.replay.ranks == inPlace.replay.ranks && state.replay.ranks.count == 2)
    }

    @Test func smallCatalogsScoreInPlace() {
        var state = AppFixture.state()
        #expect(state.deferredScoringItems == ShellState.defaultDeferredScoringItems)
        let effects = Shell.update(&state, .command("click Red mug"))
        #expect(scoring(effects).isEmpty && !effects.contains { if case .buildScreening = $0 { true } else { false } })
        #expect(state.trace.isComplete && state.suggestions.allSatisfy { $0.probability != nil })
    }

    @Test func theTerminalLoopScoresOffItsThreadAndDrawsTheResult() {
        let terminal = MemoryTerminal()
        let loop = ShellLoop(state: deferred(width: terminal.width, height: terminal.height),
                             environment: AppFixture.environment(), terminal: terminal)
        var inPlace = AppFixture.state(width: terminal.width, height: terminal.height)
        for line in ["click Red mug", "click Blue mug", "undo", "click Teapot", "click Mug rack"] {
            loop.send(.command(line))
            inPlace.commands(line)
        }
        loop.finishEvaluations()
        #expect(loop.state.trace.isComplete)
        expectSameFigures(loop.state, inPlace, "after the loop's passes")
    }
}
