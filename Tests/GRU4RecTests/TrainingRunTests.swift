import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// The training policy of ``TrainingRun``: early stopping, keep-best, and the
/// policy's state through a checkpoint (interrupt, resume).
struct TrainingRunTests {
    /// A directory with the CLI tests' `train.tsv` and `test.tsv` (250 + 50 synthetic sessions).
    struct Workspace {
        let dir = TestPaths.temporaryDirectory("training-run")
        let input: TrainingInput
        init() throws {
            let (train, test) = try SyntheticSessions.writeTrainTest(in: dir)
            input = TrainingInput(train: train, valid: test)
        }
        func paths(_ name: String) -> TrainingPaths { TrainingPaths(model: dir + "/\(name).safetensors") }
        func remove() { try? FileManager.default.removeItem(atPath: dir) }
    }

    static func hyperparameters(epochs: Int) -> Hyperparameters {
        var hp = SyntheticSessions.hyperparameters()
        hp.nEpochs = epochs
        hp.dropoutPHidden = 0.2
        hp.momentum = 0.3
        hp.sampleStore = 40  // refills during an epoch: the sampler's state matters on resume
        return hp
    }

    func makeRun(_ w: Workspace, _ name: String, epochs: Int, policy: TrainingPolicy, start: TrainingRun.Start = .fresh) throws -> TrainingRun {
        try TrainingRun(start, input: w.input, paths: w.paths(name), policy: policy, parallelism: .tests) { _ in Self.hyperparameters(epochs: epochs) }
    }

    func savedParameters(_ path: String) throws -> [String: [Float]] {
        let model = try GRU4RecModel.load(from: path).model
        var values: [String: [Float]] = [:]
        for spec in model.parameters.specs { values[spec.name] = model.parameters.values(spec.name) }
        return values
    }

    @Test("the first validated epoch is best; later ones must beat it by more than min_improvement")
    func stateRecordsScores() {
        var state = TrainingRunState()
        var verdicts: [Bool] = []
        for (epoch, score) in [0.10, 0.14, 0.16, 0.01, 0.20].enumerated() {
            verdicts.append(state.record(score: score, epoch: epoch + 1, minImprovement: 0.05))
            if epoch == 1 { #expect(state.sinceBest == 1 && state.bestEpoch == 1) }
        }
        #expect(verdicts == [true, false, true, false, false])
        #expect(state == { var s = TrainingRunState(); s.bestScore = 0.16; s.bestEpoch = 3; s.sinceBest = 2; return s }())
    }

    @Test("early stopping ends the run after `patience` epochs without improvement and says so")
    func stopsEarly() throws {
        let w = try Workspace()
        defer { w.remove() }
        var policy = TrainingPolicy()
        policy.stopEarly = true
        policy.patience = 2
        policy.minImprovement = 1  // no gain of MRR counts: epoch 1 stays best
        let run = try makeRun(w, "model", epochs: 10, policy: policy)
        var finished: [Int] = [], stops: [Int] = []
        let outcome = try run.run(report: { event in
            switch event {
            case .epochFinished(let summary, let metrics):
                finished.append(summary.epoch)
                #expect(metrics["mrr@20"] != nil && metrics["recall@20"] != nil)
            case .stoppingEarly(let key, let patience, _, let bestEpoch):
                #expect(key == "mrr@20" && patience == 2)
                stops.append(bestEpoch)
            case .progress: break
            }
        })
        #expect(outcome == .saved(keptEpoch: 3, epochs: 3))
        #expect(finished == [1, 2, 3])
        #expect(stops == [1])
        #expect(!FileManager.default.fileExists(atPath: run.paths.checkpoint), "the checkpoint is removed once the model is saved")
        let epochs = try TrainingLog.read(path: run.paths.log).filter { if case .epoch = $0 { return true } else { return false } }
        #expect(epochs.count == 3)
    }

    @Test("keep best saves the best epoch's parameters, bit for bit those of a run that stopped there")
    func keepsBest() throws {
        let w = try Workspace()
        defer { w.remove() }
        var policy = TrainingPolicy()
        policy.keep = .best
        policy.minImprovement = 1  // epoch 1 stays best
        let outcome = try makeRun(w, "best", epochs: 3, policy: policy).run()
        #expect(outcome == .saved(keptEpoch: 1, epochs: 3))
        let one = try makeRun(w, "one", epochs: 1, policy: TrainingPolicy()).run()
        #expect(one == .saved(keptEpoch: 1, epochs: 1))
        let best = try savedParameters(w.paths("best").model), first = try savedParameters(w.paths("one").model)
        #expect(best == first)
        let last = try makeRun(w, "last", epochs: 3, policy: TrainingPolicy()).run()
        #expect(last == .saved(keptEpoch: 3, epochs: 3))
        #expect(try savedParameters(w.paths("last").model) != best, "three epochs move the parameters")
        let facts = try GRU4RecModel.load(from: w.paths("best").model).facts
        #expect(facts.epochs == 3 && facts.metrics?["mrr@20"] != nil)
    }

    @Test("interrupted mid-epoch, the policy's state and best parameters go through the checkpoint; the resumed run ends bit-identical",
          arguments: [5, 40])
    func resumeRoundTrip(stopAfterBatches: Int) throws {
        let w = try Workspace()
        defer { w.remove() }
        var policy = TrainingPolicy()
        policy.keep = .best
        policy.stopEarly = true
        policy.patience = 3
        let straight = try makeRun(w, "straight", epochs: 3, policy: policy).run()

        let first = try makeRun(w, "resumed", epochs: 3, policy: policy)
        var calls = 0, epochsDone = 0
        let stopped = try first.run(shouldStop: { calls += 1; return epochsDone == 2 && calls > stopAfterBatches }) { event in
            if case .epochFinished = event { epochsDone += 1; calls = 0 }
        }
        #expect(stopped == .interrupted(epoch: 3, midEpoch: true))
        #expect(first.state.bestEpoch >= 1)
        #expect(FileManager.default.fileExists(atPath: first.paths.checkpoint))

        let resumed = try makeRun(w, "resumed", epochs: 3, policy: policy, start: .resume)
        #expect(resumed.origin == .resumed(completedEpochs: 2, midEpoch: true))
        #expect(resumed.state == first.state)
        #expect(resumed.facts == first.facts)
        let firstBest = try #require(first.best), resumedBest = try #require(resumed.best)
        for spec in firstBest.specs { #expect(resumedBest.values(spec.name) == firstBest.values(spec.name)) }
        let outcome = try resumed.run()
        #expect(outcome == straight)
        #expect(try savedParameters(w.paths("resumed").model) == savedParameters(w.paths("straight").model))
    }

    @Test("a checkpoint's policy state reads back; counts written as floating-point numbers by older versions too")
    func stateDecodes() throws {
        var state = TrainingRunState()
        state.bestScore = 0.25
        state.bestEpoch = 4
        state.sinceBest = 1
        let json = try JSONEncoder().encode(state)
        #expect(try JSONDecoder().decode(TrainingRunState.self, from: json) == state)
        let old = #"{"best_score":0.25,"best_epoch":4.0,"since_best":1.0}"#
        #expect(try JSONDecoder().decode(TrainingRunState.self, from: Data(old.utf8)) == state)
        #expect(try JSONDecoder().decode(TrainingRunState.self, from: Data("{}".utf8)) == TrainingRunState())
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TrainingRunState.self, from: Data(#"{"best_epoch":1e300}"#.utf8)) }
    }
}
