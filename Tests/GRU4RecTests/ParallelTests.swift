import Foundation
import Testing
import CKernels
@testable import GRU4Rec
import GRU4RecTestSupport

/// The two-way split (``Parallel``): both parts run, part 1 on the worker thread,
/// and every parallel path gives bit-identical results with one thread or two.
@Suite(.serialized)
struct ParallelTests {
    /// Runs `body` with one thread, then with two, and returns both results and the
    /// pool's hand-off counts during the two-thread run. Other suites running at the
    /// same time may hold the pool (every split then runs on the caller, and "two
    /// threads" would be one), so the two-thread run is repeated, at most `attempts`
    /// times, until the worker thread ran part 1 of some split; the callers compare
    /// that run's result with the one-thread result.
    func withOneAndTwoThreads<T>(attempts: Int = 5, _ body: () throws -> T) rethrows -> (one: T, two: T, handOff: Parallel.HandOff) {
        defer { Parallel.setThreads(2) }
        Parallel.setThreads(1)
        let one = try body()
        Parallel.setThreads(2)
        var attempt = 0
        while true {
            attempt += 1
            let before = Parallel.handOff
            let two = try body()
            let handOff = Parallel.handOff - before
            if handOff.onWorker > 0 || attempt >= attempts { return (one, two, handOff) }
        }
    }

    @Test("half: the two parts cover 0..<n exactly once; alignment moves the split point")
    func halves() {
        for n in [0, 1, 2, 7, 16, 17, 100, 2933] {
            for align in [1, 8, 16] {
                let a = Parallel.half(n, part: 0, align: align), b = Parallel.half(n, part: 1, align: align)
                #expect(a.lowerBound == 0 && a.upperBound == b.lowerBound && b.upperBound == n)
                if align > 1 && b.lowerBound < n { #expect(b.lowerBound % align == 0) }
            }
        }
        #expect(Parallel.half(7, part: 0) == 0..<4)
    }

    @Test("run: both parts run; with two threads part 1 runs on the worker thread (when it claims it first)")
    func bothParts() {
        Parallel.setThreads(2)
        #expect(Parallel.threads == 2)
        var sums = [0, 0]
        sums.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress!
            for _ in 0..<200 { Parallel.run { part in p[part] += part + 1 } }
        }
        #expect(sums == [200, 400])
        // Other tests running at the same time may hold the pool (their calls then
        // run both parts on the caller), so try for a while.
        let caller = pthread_self()
        var onWorker = false
        let deadline = Date().addingTimeInterval(10)
        while !onWorker && Date() < deadline {
            var ranElsewhere = false
            withUnsafeMutablePointer(to: &ranElsewhere) { flag in
                Parallel.run { part in
                    if part == 1 { flag.pointee = pthread_equal(pthread_self(), caller) == 0; return }
                    // Part 0 takes a while, so the worker claims part 1 before the caller could.
                    let until = Date().addingTimeInterval(0.0002)
                    while Date() < until {}
                }
            }
            onWorker = ranElsewhere
        }
        #expect(onWorker, "part 1 never ran on the worker thread")
        Parallel.setThreads(1)
        #expect(Parallel.threads == 1)
        var order: [Int] = []
        Parallel.run { order.append($0) }
        #expect(order == [0, 1])
        Parallel.setThreads(2)
    }

    @Test("nested and concurrent calls fall back to running both parts on the caller")
    func nestedCalls() {
        Parallel.setThreads(2)
        var seen = [Int](repeating: 0, count: 4)
        seen.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress!
            Parallel.run { outer in Parallel.run { inner in p[2 * outer + inner] += 1 } }
        }
        #expect(seen == [1, 1, 1, 1])
    }

    @Test("training: bit-identical parameters and losses with one thread or two", arguments: [
        "loss=cross-entropy,logq=1,dropout_p_hidden=0.3",
        "loss=bpr-max,elu_param=0.5,bpreg=1,dropout_p_embed=0.2,layers=8/6",
        "loss=top1-max,embedding=5,constrained_embedding=false,optimizer=adam",
    ])
    func trainingIdentical(_ params: String) throws {
        let (data, catalog) = SyntheticSessions.make(sessions: 150, items: 40)
        var hp = SyntheticSessions.hyperparameters()
        try hp.apply(parameterString: params)
        let result = try withOneAndTwoThreads { () -> TrainingResult in
            let m = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
            try m.initialize(.uniform(seed: hp.seed))
            let trainer = try Trainer(model: m, data: data)
            var losses: [Double] = []
            for _ in 0..<2 { losses.append(try trainer.runEpoch()?.meanLoss ?? -1) }
            return TrainingResult(parameters: Array(UnsafeBufferPointer(start: m.parameters.base, count: m.parameters.count)), losses: losses)
        }
        #expect(result.handOff.onWorker > 0, "the worker thread never ran a part: \(result.handOff)")
        #expect(result.one.parameters == result.two.parameters)
        #expect(result.one.losses == result.two.losses)
    }

    @Test("evaluation: identical metrics and ranks with one thread or two")
    func evaluationIdentical() throws {
        let (model, data) = try SyntheticSessions.model(layers: [8], items: 40)
        var options = EvaluationOptions()
        options.cutoffs = [1, 5, 10]
        options.recordRanks = true
        options.recordTopItems = 3
        options.batchSize = 7
        let r = withOneAndTwoThreads { Evaluator(model: model).evaluate(data, options: options) }
        #expect(r.handOff.onWorker > 0, "the worker thread never ran a part: \(r.handOff)")
        #expect(r.one.ranks == r.two.ranks)
        #expect(r.one.records == r.two.records && r.one.records?.count == r.one.events)
        #expect(r.one.recall == r.two.recall && r.one.mrr == r.two.mrr && r.one.ndcg == r.two.ndcg)
        #expect(r.one.coverage == r.two.coverage && r.one.popularity == r.two.popularity)
    }

    @Test("top-k over two halves equals one scan (ties, exclusions, small k)")
    func topKHalves() {
        var rng = SeededGenerator(seed: 21)
        let n = 20_000
        // Coarse scores: many ties, across both halves.
        let scores = (0..<n).map { _ in Float(rng.nextInt(below: 50)) / 7 }
        for (k, excluded) in [(1, Set<Int>()), (10, [3, 10_005, 19_999]), (25, Set((0..<40).map { $0 * 499 }))] {
            let one = scores.withUnsafeBufferPointer { topK($0.baseAddress!, count: n, k: k, excluded: excluded) }
            let two = scores.withUnsafeBufferPointer { topKParallel($0.baseAddress!, count: n, k: k, excluded: excluded) }
            #expect(one.map(\.item) == two.map(\.item))
            #expect(one.map(\.score) == two.map(\.score))
            #expect(Set(two.map(\.item)).isDisjoint(with: excluded))
        }
    }

    struct TrainingResult {
        var parameters: [Float]
        var losses: [Double]
    }
}
