import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

extension ShellState {
    /// Runs commands and performs their effects the way `ShellDriver` does
    /// (evaluations in place), with the fixture's environment.
    mutating func drive(_ lines: String..., environment: ShellEnvironment = AppFixture.environment()) {
        var driver = ShellDriver(state: self, environment: environment)
        for line in lines { driver.send(.command(line)) }
        self = driver.state
    }
}

/// `replay all`, the ranked sessions (`replay worst`, `replay filter`,
/// `replay sort`), `metrics reset`, the preload left out of the running
/// figures, and the Analysis view's evaluation.
@Suite struct AppBatchTests {
    /// The evaluator's own figures at K over the state's sessions.
    func evaluatorFigures(_ state: ShellState, k: Int) throws -> (recall: Double, mrr: Double, result: EvaluationResult) {
        let model = try #require(state.loaded?.model)
        var options = EvaluationOptions()
        options.cutoffs = [1, 5, k, 20]
        let result = Evaluator(model: model, parallelism: .tests).evaluate(try #require(state.sessions), options: options)
        return (result.recall[k] ?? -1, result.mrr[k] ?? -1, result)
    }

    @Test func replayAllIsAnEffectWithProgressAndItsFiguresAreTheEvaluators() throws {
        var state = AppFixture.state()
        let effects = state.commands("replay all")
        guard case .evaluate(let request)? = effects.last else {
            Issue.record("replay all should ask for an evaluation, got \(effects)")
            return
        }
        #expect(request.cutoff == 10)
        #expect(state.view == .replay)
        #expect(state.batch.progress?.done == 0)
        #expect(state.screen.contains("evaluating: 0 of"))
        state.send(.evaluationProgress(id: request.id, done: 3, total: 9))
        #expect(state.screen.contains("evaluating: 3 of 9 events (33%)"))
        // An answer to an older request is ignored.
        state.send(.evaluated(id: request.id - 1, BatchEvaluation.compute(request)))
        #expect(state.batch.result == nil)
        state.send(.evaluated(id: request.id, BatchEvaluation.compute(request)))
        let expected = try evaluatorFigures(state, k: 10)
        let figures = String(format: "Recall@10 %.4f MRR@10 %.4f", expected.recall, expected.mrr)
        #expect(state.notice?.text.hasPrefix("replay all: " + figures) == true, "\(state.notice?.text ?? "")")
        #expect(state.batch.result?.events == expected.result.events)
        #expect(state.batch.progress == nil)
    }

    @Test func replayAllOnTheDemoTestFileEqualsTheEvaluatorAndTheCLIsPublishedFigures() throws {
        let dir = TestPaths.packageRoot + "/demo-data"
        let environment = ShellEnvironment.live()
        let loaded = try environment.loadModel(dir + "/model.safetensors")
        let sessions = try environment.loadSessions(dir + "/test.tsv.gz", loaded.model.catalog)
        var state = ShellState(model: loaded, sessions: sessions, sessionsPath: dir + "/test.tsv.gz", parallelism: .tests)
        state.drive("topk 20", "replay all", environment: environment)
        let expected = try evaluatorFigures(state, k: 20)
        let published = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: dir + "/metrics.json"))) as? [String: [String: Double]])["gru4rec"]
        let figures = String(format: "Recall@20 %.4f MRR@20 %.4f", expected.recall, expected.mrr)
        #expect(figures == String(format: "Recall@20 %.4f MRR@20 %.4f", published?["recall@20"] ?? -1, published?["mrr@20"] ?? -1))
        #expect(state.notice?.text.hasPrefix("replay all: " + figures) == true, "\(state.notice?.text ?? "")")
        #expect(state.batch.result?.events == Int(published?["events"] ?? -1))
    }

    @Test func sessionsAreRankedWorstFirstAndReplayWorstOpensEachOnce() throws {
        var state = AppFixture.state()
        state.drive("replay all")
        let result = try #require(state.batch.result)
        let ranked = state.batch.ranked
        #expect(ranked.count == result.scores.count)
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.mrr <= $1.mrr })
        // Session MRR from its ranks, and the events add up to the total.
        for score in ranked {
            let mrr = score.ranks.reduce(0) { $0 + ($1 <= 10 ? 1 / $1 : 0) } / Double(score.ranks.count)
            #expect(abs(score.mrr - mrr) < 1e-12)
        }
        #expect(ranked.map(\.events).reduce(0, +) == result.events)
        let sessions = try #require(state.sessions)
        state.drive("replay worst")
        #expect(state.replay.sessionIndex == ranked[0].session)
        #expect(state.notice?.text.hasPrefix("replaying session \(sessions.sessionIDs[ranked[0].session]), #1 worst") == true)
        state.drive("replay worst")
        #expect(state.replay.sessionIndex == ranked[1].session)
        #expect(state.batch.opened == [ranked[0].session, ranked[1].session])
        #expect(state.screen.contains("Sessions, worst first"))
    }

    @Test func replayWorstNeedsARanking() {
        var state = AppFixture.state()
        state.drive("replay worst")
        #expect(state.notice?.kind == .error)
        #expect(state.notice?.text == "no sessions ranked yet")
        #expect(state.notice?.hint == "replay all evaluates and ranks every session")
    }

    @Test func filtersNarrowTheListAndBadOnesSayWhy() throws {
        var state = AppFixture.state()
        state.drive("replay all", "replay filter length>=5")
        let all = try #require(state.batch.result?.scores)
        #expect(state.batch.ranked.count == all.filter { $0.length >= 5 }.count)
        #expect(state.batch.ranked.allSatisfy { $0.length >= 5 })
        state.drive("replay filter length >= 3 and mrr<0.5")
        #expect(state.batch.ranked.count == all.filter { $0.length >= 3 && $0.mrr < 0.5 }.count)
        #expect(state.batch.filter?.description == "length>=3 and mrr<0.5")
        state.drive("replay filter off")
        #expect(state.batch.ranked.count == all.count)
        for (bad, message) in [("replay filter size>3", "'size>3' does not start with length, events or mrr"),
                               ("replay filter length 3", "length needs a comparison (>=, <=, >, <, =, !=)"),
                               ("replay filter mrr<x", "mrr < needs a number"),
                               ("replay filter length>=3x", "unexpected 'x' after length >= 3")] {
            state.drive(bad)
            #expect(state.notice?.kind == .error, "\(bad)")
            #expect(state.notice?.text == message, "\(bad)")
            #expect(state.notice?.hint?.hasPrefix("e.g. replay filter length>=5") == true)
        }
    }

    @Test func sortingByAStepsRank() throws {
        var state = AppFixture.state()
        state.drive("replay all", "replay sort step 1")
        let ranked = state.batch.ranked
        #expect(!ranked.isEmpty)
        #expect(zip(ranked, ranked.dropFirst()).allSatisfy { $0.ranks[0] >= $1.ranks[0] })
        state.drive("replay sort step 0")
        #expect(state.notice?.kind == .error)
        state.drive("replay sort mrr")
        #expect(state.batch.sortStep == nil)
    }

    @Test func metricsResetClearsTheRunningFigures() {
        var state = AppFixture.state()
        state.drive("replay S1", "step", "step", "step")
        #expect(!state.replay.ranks.isEmpty)
        state.drive("metrics reset")
        #expect(state.replay.ranks.isEmpty)
        #expect(state.notice?.text == "running figures reset (2 predictions cleared)")
        state.drive("metrics")
        #expect(state.notice?.kind == .error)
    }

    @Test func thePreloadedDemoStepsAreNotCounted() {
        let result = Shell.runScript(lines: ["step"], preload: ["replay next", "step", "step"],
                                     state: AppFixture.state(), environment: AppFixture.environment())
        #expect(result.state.replay.ranks.count == 1)
        #expect(result.state.replay.position == 3)
    }

    @Test func replayAllInAScriptPrintsTheFiguresInTheTranscript() throws {
        let result = Shell.runScript(lines: ["replay all"], state: AppFixture.state(), environment: AppFixture.environment())
        let expected = try evaluatorFigures(result.state, k: 10)
        #expect(result.output.contains(String(format: "  replay all: Recall@10 %.4f MRR@10 %.4f", expected.recall, expected.mrr)))
        #expect(!result.failed)
    }

    @Test func theAnalysisViewEvaluatesInTheBackgroundOnceAndItsSlicesAddUp() throws {
        var state = AppFixture.state()
        let effects = state.keys(.function(5))
        #expect(state.view == .analysis)
        guard case .evaluate(let request)? = effects.last else {
            Issue.record("F5 should ask for an evaluation, got \(effects)")
            return
        }
        #expect(!request.reportsFigures)
        #expect(state.screen.contains("evaluating"))
        // While it runs, other messages do not start another.
        #expect(state.keys(.down).isEmpty)
        state.send(.evaluated(id: request.id, BatchEvaluation.compute(request)))
        let result = try #require(state.batch.result)
        #expect(result.breakdowns.map(\.dimension) == SliceDimension.allCases)
        for breakdown in result.breakdowns {
            #expect(breakdown.slices.map(\.events).reduce(0, +) == result.events, "\(breakdown.dimension)")
        }
        #expect(state.keys(.down).isEmpty, "no second evaluation for the same K")
        #expect(state.screen.contains("By length") && state.screen.contains("By repeat"))
        // A new K asks again.
        let again = state.commands("topk 5")
        #expect(again.contains { if case .evaluate(let r) = $0 { return r.cutoff == 5 } else { return false } })
    }

    @Test func theLoopRunsEvaluationsOffItsThreadAndDeliversTheAnswer() throws {
        let terminal = MemoryTerminal()
        terminal.type(.function(5))
        let loop = ShellLoop(state: AppFixture.state(width: terminal.width, height: terminal.height),
                             environment: AppFixture.environment(), terminal: terminal)
        loop.run()
        loop.finishEvaluations()
        #expect(loop.state.view == .analysis)
        let result = try #require(loop.state.batch.result)
        #expect(result.cutoff == 10)
        #expect(!loop.isEvaluating)
        #expect(loop.state.batch.progress == nil)
    }
}
