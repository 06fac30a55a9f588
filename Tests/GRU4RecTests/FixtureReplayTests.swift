import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// Replays the reference implementation's recorded runs (../shared/fixtures, whose file
/// format is described beside them, outside this repository) step by step: structure, single
/// teacher-forced steps, a free run from the initial parameters, and the evaluation. The
/// conventions and tolerances are this project's own: GRU4Rec.docc (GRU4Rec.md), "Conventions
/// the code cites" and "Tolerances".
struct Fixture {
    let name: String
    let tensors: SafeTensorsFile
    let json: [String: Any]
    let hyperparameters: Hyperparameters
    let catalog: ItemCatalog
    let steps: Int

    static let all = [
        "a_xe_constrained_logq", "b_bprmax_constrained_elu", "c_xe_embedding8",
        "d_bprmax_onehot_gruembedding", "e_xe_constrained_2layers", "f_xe_constrained_logq_fullepoch",
    ]
    static var available: Bool { TestPaths.exists(TestPaths.fixtures + "/a_xe_constrained_logq.safetensors") }

    init(_ name: String) throws {
        self.name = name
        tensors = try SafeTensorsFile(contentsOf: TestPaths.fixtures + "/\(name).safetensors")
        let data = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixtures + "/\(name).json"))
        json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let p = json["gru4rec_params"] as! [String: Any]
        var hp = Hyperparameters()
        for (k, v) in p {
            if k == "layers" { hp.layers = (v as! [Int]); continue }
            try hp.set(k, to: "\(v)")
        }
        hp.sampleStore = 0
        hyperparameters = hp
        catalog = ItemCatalog(ids: json["item_ids"] as! [String])
        steps = json["n_steps_recorded"] as! Int
    }

    var paramNames: [String] { (json["parameters"] as! [[String: Any]]).map { $0["name"] as! String } }
    var isFullEpoch: Bool { name.hasPrefix("f_") }

    func floats(_ key: String) throws -> [Float] { try tensors.floats(key) }
    func ints(_ key: String) throws -> [Int32] { try tensors.int64s(key).map { Int32($0) } }
    func key(_ step: Int, _ rest: String) -> String { String(format: "step%03d/", step) + rest }

    func model() throws -> GRU4RecModel {
        let support = try tensors.int64s("data/item_support").map { Int($0) }
        let m = GRU4RecModel(hyperparameters: hyperparameters, catalog: catalog, itemSupport: support)
        for p in paramNames { m.parameters.setValues(p, try floats("init/\(p)")) }
        return m
    }

    func trainData() throws -> SessionData {
        try SessionData.load(path: TestPaths.fixtures + "/train.tsv", catalog: nil).data
    }
    func testData() throws -> SessionData {
        try SessionData.load(path: TestPaths.fixtures + "/test.tsv", catalog: catalog).data
    }
}

@Suite(.enabled(if: Fixture.available, "../shared/fixtures is absent: reference fixture replay skipped"))
struct FixtureReplayTests {
    @Test("structure: item map, supports, sampling CDF, batches", arguments: Fixture.all)
    func structure(_ name: String) throws {
        let fx = try Fixture(name)
        let train = try SessionData.load(path: TestPaths.fixtures + "/train.tsv", catalog: nil)
        #expect(train.catalog.ids == fx.catalog.ids)
        let support = train.data.itemSupport(itemCount: train.catalog.count)
        #expect(support.map(Int64.init) == (try fx.tensors.int64s("data/item_support")))
        let cdf = NegativeSampler.referenceCDF(support: support, alpha: fx.hyperparameters.sampleAlpha)
        #expect(maxAbsDiff(cdf, try fx.floats("data/sample_cdf")) <= 1e-7)
        var batcher = SessionBatcher(data: train.data, batchSize: fx.hyperparameters.batchSize)
        var step = BatchStep()
        for k in 0..<fx.steps {
            let more = batcher.next(into: &step)
            #expect(more, "step \(k) missing")
            #expect(step.input == (try fx.ints(fx.key(k, "in_idx"))), "in_idx step \(k)")
            #expect(step.target == (try fx.ints(fx.key(k, "out_idx"))), "out_idx step \(k)")
            #expect(step.reset.map { $0 ? 1 : 0 } == (try fx.ints(fx.key(k, "reset_mask"))).map(Int.init), "reset step \(k)")
            #expect(step.previousRow.map(Int32.init) == (try fx.ints(fx.key(k, "prev_rows"))), "prev_rows step \(k)")
        }
        if fx.isFullEpoch {
            let more = batcher.next(into: &step)
            #expect(!more, "the epoch has exactly \(fx.steps) steps")
        }
    }

    @Test("numpy-compatible initialisation is bit-exact", arguments: ["a_xe_constrained_logq", "b_bprmax_constrained_elu", "d_bprmax_onehot_gruembedding"])
    func initialisation(_ name: String) throws {
        let fx = try Fixture(name)
        let m = try fx.model()
        try m.initialize(.numpyCompatible)
        for p in fx.paramNames {
            let expected = try fx.floats("init/\(p)")
            #expect(m.parameters.values(p) == expected, "\(p) differs by \(maxAbsDiff(m.parameters.values(p), expected))")
        }
    }

    @Test("single steps, teacher-forced", arguments: Fixture.all)
    func singleSteps(_ name: String) throws {
        let fx = try Fixture(name)
        let m = try fx.model()
        let trainer = TrainingStep(model: m, parallelism: .tests)
        var report = DiffReport()
        let data = try fx.trainData()
        var batcher = SessionBatcher(data: data, batchSize: fx.hyperparameters.batchSize)
        var batch = BatchStep()
        let momentum = fx.hyperparameters.momentum > 0
        for k in 0..<fx.steps {
            let more = batcher.next(into: &batch)
            #expect(more)
            let prev = k == 0 ? "init/" : fx.key(k - 1, "param/")
            for p in fx.paramNames {
                m.parameters.setValues(p, try fx.floats(prev + p))
                if k > 0 {
                    trainer.optimizer.acc.setValues(p, try fx.floats(fx.key(k - 1, "opt_acc/\(p)")))
                    if momentum { trainer.optimizer.mom!.setValues(p, try fx.floats(fx.key(k - 1, "opt_mom/\(p)"))) }
                }
            }
            for l in 0..<fx.hyperparameters.layers.count {
                trainer.setHiddenState(layer: l, rows: batch.rows, try fx.floats(fx.key(k, "hidden_in\(l)")))
            }
            let negatives = try fx.ints(fx.key(k, "sample"))
            let loss = negatives.withUnsafeBufferPointer { trainer.run(batch, negatives: $0.baseAddress!) }
            try compareStep(fx, k, trainer, loss: loss, report: &report,
                            tol: (loss: 1e-5, scores: 1e-5, hidden: 1e-5, grad: 1e-4, params: 1e-5, acc: 1e-6, mom: 1e-5))
        }
        print("[\(name)] single-step max diffs: \(report.summary)")
    }

    @Test("free run from the initial parameters, then evaluation", arguments: Fixture.all)
    func freeRun(_ name: String) throws {
        let fx = try Fixture(name)
        let m = try fx.model()
        let trainer = TrainingStep(model: m, parallelism: .tests)
        var report = DiffReport()
        var batcher = SessionBatcher(data: try fx.trainData(), batchSize: fx.hyperparameters.batchSize)
        var batch = BatchStep()
        trainer.resetHidden()
        let t: Float = fx.isFullEpoch ? 5e-4 : 2e-5
        for k in 0..<fx.steps {
            let more = batcher.next(into: &batch)
            #expect(more)
            trainer.prepareHidden(batch)
            let negatives = try fx.ints(fx.key(k, "sample"))
            let loss = negatives.withUnsafeBufferPointer { trainer.run(batch, negatives: $0.baseAddress!) }
            try compareStep(fx, k, trainer, loss: loss, report: &report,
                            tol: (loss: fx.isFullEpoch ? 1e-4 : 1e-5, scores: t, hidden: t, grad: fx.isFullEpoch ? 2e-3 : 1e-4,
                                  params: t, acc: t, mom: t))
        }
        for p in fx.paramNames {
            let d = maxAbsDiff(m.parameters.values(p), try fx.floats("final/\(p)"))
            report.record("final", d)
            #expect(d <= t, "final/\(p): \(d)")
        }
        print("[\(name)] free-run max diffs: \(report.summary)")

        // Evaluation from the recorded final parameters (batch size 8, as recorded).
        for p in fx.paramNames { m.parameters.setValues(p, try fx.floats("final/\(p)")) }
        var options = EvaluationOptions()
        options.batchSize = 8
        var evalStep = 0
        var evalReport = DiffReport()
        let n = m.itemCount
        for mode in [TieMode.standard, .conservative] {
            options.mode = mode
            evalStep = 0
            let result = Evaluator(model: m, parallelism: .tests).evaluate(try fx.testData(), options: options, progress: nil) { step, scores, ranks in
                let key = String(format: "eval/step%03d/", evalStep)
                let expectedScores = (try? fx.floats(key + "scores")) ?? []
                let ours = Array(UnsafeBufferPointer(start: scores, count: step.rows * n))
                evalReport.record("eval scores", maxAbsDiff(ours, expectedScores))
                #expect(maxAbsDiff(ours, expectedScores) <= 1e-5, "eval step \(evalStep) scores")
                #expect(step.input == ((try? fx.ints(key + "in_idx")) ?? []))
                #expect(step.target == ((try? fx.ints(key + "out_idx")) ?? []))
                let expectedRanks = ((try? fx.tensors.int64s(key + "rank_\(mode.rawValue)")) ?? []).map(Double.init)
                #expect(ranks == expectedRanks, "eval step \(evalStep) ranks (\(mode))")
                evalStep += 1
            }
            let evalJSON = fx.json["eval"] as! [String: Any]
            #expect(result.events == evalJSON["n_events"] as! Int)
            #expect(evalStep == evalJSON["n_steps"] as! Int)
            let recall = try fx.floats("eval/\(mode.rawValue)/recall"), mrr = try fx.floats("eval/\(mode.rawValue)/mrr")
            for (i, c) in [1, 5, 10, 20].enumerated() {
                #expect(abs(result.recall[c]! - Double(recall[i])) <= 1e-6, "recall@\(c)")
                #expect(abs(result.mrr[c]! - Double(mrr[i])) <= 1e-6, "mrr@\(c)")
                evalReport.record("metrics", Float(abs(result.mrr[c]! - Double(mrr[i]))))
            }
        }
        print("[\(name)] evaluation max diffs: \(evalReport.summary); ranks exact")
    }

    typealias Tolerances = (loss: Float, scores: Float, hidden: Float, grad: Float, params: Float, acc: Float, mom: Float)

    func compareStep(_ fx: Fixture, _ k: Int, _ trainer: TrainingStep, loss: Double, report: inout DiffReport, tol: Tolerances) throws {
        let expectedLoss = try fx.floats(fx.key(k, "loss"))[0]
        let lossRel = Float(abs(loss - Double(expectedLoss)) / max(abs(Double(expectedLoss)), 1e-12))
        report.record("loss(rel)", lossRel)
        #expect(lossRel <= tol.loss, "step \(k) loss \(loss) vs \(expectedLoss)")
        let scores = maxAbsDiff(trainer.lastScores, try fx.floats(fx.key(k, "scores")))
        report.record("scores", scores)
        #expect(scores <= tol.scores, "step \(k) scores")
        for l in 0..<fx.hyperparameters.layers.count {
            let d = maxAbsDiff(trainer.hiddenState(layer: l), try fx.floats(fx.key(k, "hidden\(l)")))
            report.record("hidden", d)
            #expect(d <= tol.hidden, "step \(k) hidden\(l)")
        }
        let m = trainer.model
        for p in fx.paramNames {
            let g = maxNormalisedDiff(trainer.lastGradient(p), try fx.floats(fx.key(k, "grad/\(p)")))
            report.record("grad(norm)", g)
            #expect(g <= tol.grad, "step \(k) grad/\(p): \(g)")
            let pd = maxAbsDiff(m.parameters.values(p), try fx.floats(fx.key(k, "param/\(p)")))
            report.record("params", pd)
            #expect(pd <= tol.params, "step \(k) param/\(p): \(pd)")
            let ad = maxAbsDiff(trainer.optimizer.acc.values(p), try fx.floats(fx.key(k, "opt_acc/\(p)")))
            report.record("acc", ad)
            #expect(ad <= tol.acc, "step \(k) opt_acc/\(p): \(ad)")
            if fx.hyperparameters.momentum > 0 {
                let md = maxAbsDiff(trainer.optimizer.mom!.values(p), try fx.floats(fx.key(k, "opt_mom/\(p)")))
                report.record("mom", md)
                #expect(md <= tol.mom, "step \(k) opt_mom/\(p): \(md)")
            }
            if m.parameters.spec(p)?.update == .rowSparse {
                let touched = try fx.tensors.int64s(fx.key(k, "touched/\(p)")).map(Int.init)
                #expect(trainer.touchedRows(p) == touched, "step \(k) touched/\(p)")
            }
        }
    }
}
