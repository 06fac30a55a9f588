import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

struct TrainingBehaviourTests {
    func freshTrainer(_ hp: Hyperparameters, _ data: SessionData, _ catalog: ItemCatalog) throws -> Trainer {
        let m = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
        try m.initialize(.uniform(seed: hp.seed))
        return try Trainer(model: m, data: data, parallelism: .tests)
    }

    @Test("a seed makes training bit-reproducible; another seed changes it")
    func reproducible() throws {
        let (data, catalog) = SyntheticSessions.make(sessions: 120)
        var hp = SyntheticSessions.hyperparameters()
        hp.dropoutPHidden = 0.2
        let a = try freshTrainer(hp, data, catalog), b = try freshTrainer(hp, data, catalog)
        for _ in 0..<2 { _ = try a.runEpoch(); _ = try b.runEpoch() }
        #expect(a.model.parameters.values("Wy.weight") == b.model.parameters.values("Wy.weight"))
        hp.seed = 2
        let c = try freshTrainer(hp, data, catalog)
        for _ in 0..<2 { _ = try c.runEpoch() }
        #expect(a.model.parameters.values("Wy.weight") != c.model.parameters.values("Wy.weight"))
    }

    @Test("a checkpoint taken mid-epoch resumes to the same result as an uninterrupted run", arguments: [3, 17, 40])
    func resumeMidEpoch(stopAfter: Int) throws {
        let (data, catalog) = SyntheticSessions.make(sessions: 150)
        var hp = SyntheticSessions.hyperparameters()
        hp.momentum = 0.3
        hp.dropoutPHidden = 0.25
        hp.dropoutPEmbed = 0.1
        hp.sampleStore = 40  // small store: refills happen during the run
        let straight = try freshTrainer(hp, data, catalog)
        for _ in 0..<2 { _ = try straight.runEpoch() }

        let first = try freshTrainer(hp, data, catalog)
        _ = try first.runEpoch()
        var batches = 0
        let stopped = try first.runEpoch(shouldStop: { batches += 1; return batches > stopAfter })
        #expect(stopped == nil, "the epoch was interrupted")
        let dir = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/ckpt.safetensors"
        try first.saveCheckpoint(to: path, facts: TrainingFacts())

        let loaded = try GRU4RecModel.load(from: path)
        let resumed = try Trainer(model: loaded.model, data: data, parallelism: .tests)
        _ = try resumed.restoreCheckpoint(from: loaded.file)
        #expect(resumed.epochInProgress)
        let summary = try resumed.runEpoch()
        #expect(summary?.epoch == 2)
        for spec in straight.model.parameters.specs {
            #expect(resumed.model.parameters.values(spec.name) == straight.model.parameters.values(spec.name), "\(spec.name) differs after resume")
        }
    }

    @Test("the live session API agrees with the batched evaluation path")
    func liveMatchesBatched() throws {
        let (model, data) = try SyntheticSessions.model(layers: [8, 6])
        let pass = ForwardPass(model: model, maxRows: 4, parallelism: .tests)
        pass.reset()
        var batcher = SessionBatcher(data: data, batchSize: 4)
        var step = BatchStep()
        let n = model.itemCount
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: 4 * n)
        defer { scores.deallocate() }
        var lives: [Int: LiveSession] = [:]
        var checked = 0
        for _ in 0..<12 {
            guard batcher.next(into: &step) else { break }
            pass.prepare(step)
            step.input.withUnsafeBufferPointer { pass.step(items: $0.baseAddress!, rows: step.rows) }
            pass.scoreAll(rows: step.rows, into: scores)
            for r in 0..<step.rows {
                let live = step.reset[r] || lives[step.session[r]] == nil ? LiveSession(model: model, parallelism: .tests) : lives[step.session[r]]!
                lives[step.session[r]] = live
                live.feed(Int(step.input[r]))
                let batchedHidden = Array(UnsafeBufferPointer(start: pass.hiddenPointer(layer: 1) + r * 6, count: 6))
                #expect(maxAbsDiff(live.hidden(layer: 1), batchedHidden) <= 1e-6)
                let batchedScores = Array(UnsafeBufferPointer(start: scores + r * n, count: n))
                #expect(maxAbsDiff(live.scores(), batchedScores) <= 1e-5)
                let liveTop = live.topK(5).map(\.item)
                let batchedTop = batchedScores.withUnsafeBufferPointer { topK($0.baseAddress!, count: n, k: 5).map(\.item) }
                #expect(liveTop == batchedTop)
                checked += 1
            }
        }
        #expect(checked > 20)
    }

    @Test("save and load: bit-identical scores; every parameter round-trips")
    func saveLoad() throws {
        let (model, _) = try SyntheticSessions.model()
        let dir = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var facts = TrainingFacts()
        facts.epochs = 3
        facts.metrics = ["recall@20": 0.5]
        try model.save(to: dir + "/m.safetensors", facts: facts)
        let (loaded, loadedFacts, _) = try GRU4RecModel.load(from: dir + "/m.safetensors")
        #expect(loadedFacts == facts)
        #expect(loaded.catalog == model.catalog)
        #expect(loaded.hyperparameters == model.hyperparameters)
        #expect(loaded.itemSupport == model.itemSupport)
        let a = LiveSession(model: model, parallelism: .tests), b = LiveSession(model: loaded, parallelism: .tests)
        for item in [3, 4, 5, 9] { a.feed(item); b.feed(item) }
        #expect(a.scores() == b.scores())
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(leftovers == ["m.safetensors"], "no temporary files left behind")
    }

    @Test("loading rejects models of another format version or with wrong shapes")
    func loadErrors() throws {
        let (model, _) = try SyntheticSessions.model()
        let dir = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A future format version.
        var w = SafeTensorsWriter()
        for spec in model.parameters.specs { w.add(spec.name, floats: model.parameters.values(spec.name), shape: spec.shape) }
        w.add("item_support", int64s: model.itemSupport.map(Int64.init), shape: [model.itemCount])
        w.metadata = model.modelMetadata(facts: TrainingFacts())
        w.metadata["format_version"] = "99"
        try w.write(to: dir + "/future.safetensors")
        #expect(throws: InputError.self) { try GRU4RecModel.load(from: dir + "/future.safetensors") }
        do { _ = try GRU4RecModel.load(from: dir + "/future.safetensors") } catch let e as InputError {
            #expect(e.description.contains("version 99"))
            #expect(e.path.hasSuffix("future.safetensors"))
        }
        // Fewer items listed than the tensors hold.
        w.metadata = model.modelMetadata(facts: TrainingFacts())
        w.metadata["items"] = "[\"a\",\"b\"]"
        try w.write(to: dir + "/shape.safetensors")
        #expect(throws: InputError.self) { try GRU4RecModel.load(from: dir + "/shape.safetensors") }
        // Not a model at all.
        var other = SafeTensorsWriter()
        other.add("x", floats: [1, 2], shape: [2])
        try other.write(to: dir + "/other.safetensors")
        #expect(throws: InputError.self) { try GRU4RecModel.load(from: dir + "/other.safetensors") }
    }

    @Test("tie modes: standard, conservative and median ranks")
    func tieModes() {
        let scores: [Float] = [0.5, 0.9, 0.5, 0.1, 0.5]
        scores.withUnsafeBufferPointer { s in
            #expect(rankOfTarget(s.baseAddress!, count: 5, target: 0, mode: .standard) == 2)
            #expect(rankOfTarget(s.baseAddress!, count: 5, target: 0, mode: .conservative) == 4)
            #expect(rankOfTarget(s.baseAddress!, count: 5, target: 0, mode: .median) == 3)
            #expect(rankOfTarget(s.baseAddress!, count: 5, target: 1, mode: .conservative) == 1)
        }
    }

    @Test("batching: sessions of length one, fewer sessions than rows, the shrinking end")
    func batchingEdges() {
        let built = SessionData.build(
            sessionKeys: ["a", "a", "b", "c", "c", "c", "d", "d"], itemKeys: ["1", "2", "3", "1", "2", "3", "2", "1"],
            times: [0, 1, 2, 3, 4, 5, 6, 7], catalog: nil).0
        var batcher = SessionBatcher(data: built, batchSize: 8)
        var step = BatchStep()
        var targets = 0
        var steps = 0
        while batcher.next(into: &step) { targets += step.rows; steps += 1 }
        #expect(targets == built.transitionCount)
        #expect(built.transitionCount == 4)
    }

    @Test("hyperparameters: reference names, parameter strings and helpful errors")
    func hyperparameterParsing() throws {
        var hp = Hyperparameters()
        try hp.apply(parameterString: "loss=bpr-max,layers=100/100,elu_param=1,batch_size=80,constrained_embedding=False")
        #expect(hp.loss == .bprMax && hp.layers == [100, 100] && hp.finalActivation == .elu(1) && hp.batchSize == 80 && !hp.constrainedEmbedding)
        #expect(throws: HyperparameterError.self) { try hp.set("batchsize", to: "3") }
        do { try hp.set("batchsize", to: "3") } catch { #expect("\(error)".contains("did you mean 'batch_size'")) }
        #expect(throws: HyperparameterError.self) { try hp.set("loss", to: "hinge") }
        #expect(throws: HyperparameterError.self) { try hp.set("dropout_p_hidden", to: "1.5") }
        let round = try Hyperparameters(dictionary: Dictionary(uniqueKeysWithValues: hp.asDictionary))
        #expect(round == hp)
    }

    @Test("training on real sessions beats the most-popular baseline by far",
          .enabled(if: TestPaths.exists(TestPaths.datasets + "/rsc15-100k/yoochoose-clicks-100k_train_full.txt"), "rsc15-100k absent"))
    func learnsRealSessions() throws {
        let dir = TestPaths.datasets + "/rsc15-100k/"
        let full = try SessionData.load(path: dir + "yoochoose-clicks-100k_train_full.txt", catalog: nil)
        // The first 2,000 sessions (by start time), re-indexed.
        let keep = full.data.offsets[2000]
        var s: [String] = [], i: [String] = [], t: [Double] = []
        for k in 0..<2000 { for e in full.data.offsets[k]..<full.data.offsets[k + 1] { s.append(full.data.sessionIDs[k]); i.append(full.catalog.ids[Int(full.data.items[e])]); t.append(full.data.times[e]) } }
        #expect(s.count == keep)
        let (train, catalog) = SessionData.build(sessionKeys: s, itemKeys: i, times: t, catalog: nil)
        let test = try SessionData.load(path: dir + "yoochoose-clicks-100k_test.txt", catalog: catalog).data
        var hp = Hyperparameters()
        try hp.apply(parameterString: "loss=cross-entropy,layers=64,batch_size=32,dropout_p_hidden=0.3,learning_rate=0.2,momentum=0.2,n_sample=256,sample_alpha=0.5,logq=1,sample_store=100000")
        let trainer = try freshTrainer(hp, train, catalog)
        for _ in 0..<4 { _ = try trainer.runEpoch() }
        var options = EvaluationOptions()
        options.cutoffs = [20]
        let gru = Evaluator(model: trainer.model, parallelism: .tests).evaluate(test, options: options)
        let pop = Evaluator(scorer: PopularityScorer(itemSupport: trainer.model.itemSupport), parallelism: .tests).evaluate(test, options: options)
        print("rsc15 first 2,000 sessions: GRU4Rec recall@20 \(gru.recall[20]!) mrr@20 \(gru.mrr[20]!); pop recall@20 \(pop.recall[20]!)")
        #expect(gru.events == pop.events && gru.events > 1000)
        #expect(gru.recall[20]! > 2 * pop.recall[20]!)
        #expect(gru.mrr[20]! > 3 * pop.mrr[20]!)
    }
    @Test("the epoch loss is the official code's figure (the plain mean of the step losses); batch losses are per predicted event")
    func epochLossAsTheReferencePrintsIt() throws {
        let (data, catalog) = SyntheticSessions.make(sessions: 60)
        let hp = SyntheticSessions.hyperparameters()
        let trainer = try freshTrainer(hp, data, catalog)
        var reports: [TrainingProgress] = []
        let summary = try #require(try trainer.runEpoch(reportEvery: 1) { reports.append($0) })
        #expect(reports.count == summary.batches)
        // Each report covers one step: recentLoss = summed loss / rows, so the
        // step's loss as the reference computes it is L = recentLoss * rows / batch_size.
        var weighted = 0.0, plain = 0.0, rowsSeen = 0
        var shrunk = false
        for r in reports {
            let rows = r.events - rowsSeen
            rowsSeen = r.events
            let step = r.recentLoss * Double(rows) / Double(hp.batchSize)
            weighted += step * Double(rows)
            plain += step
            shrunk = shrunk || rows < hp.batchSize
        }
        #expect(rowsSeen == summary.events)
        // The official avgc = Σ(L·n_valid)/Σ n_valid with n_valid never updated from
        // batch_size: the plain mean, not the mean weighted by the real rows.
        let mean = plain / Double(summary.batches)
        #expect(abs(summary.meanLoss - mean) <= 1e-9 * mean)
        #expect(shrunk)
        #expect(abs(weighted / Double(summary.events) - mean) > 1e-3)
    }
}
