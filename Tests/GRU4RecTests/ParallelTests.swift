import Foundation
import Testing
import CKernels
@testable import GRU4Rec
import GRU4RecTestSupport

/// The two-way split (``Parallelism``): both parts run, part 1 on the pool's worker
/// thread, pools are independent, and every parallel path gives bit-identical results
/// with one thread or two. Each test makes its own values side by side (no global
/// switch), and reads the hand-off counts of its own two-thread pool.
@Suite
struct ParallelTests {
    /// Runs `body` with a serial value, then with a two-thread value of its own, and
    /// returns both results and that pool's hand-off counts during the two-thread run.
    /// The worker may be asleep or descheduled on a busy machine (the caller then takes
    /// part 1 back every time), so each two-thread run starts once the worker has been
    /// seen to run a part, and is repeated, at most `attempts` times, until the worker
    /// ran part 1 of one of its splits; the callers compare that run's result with the
    /// one-thread result.
    func withOneAndTwoThreads<T>(attempts: Int = 10, _ body: (Parallelism) throws -> T) rethrows
        -> (one: T, two: T, handOff: Parallelism.HandOff) {
        let one = try body(.serial)
        let two = Parallelism(threads: 2)
        #expect(two.threads == 2, "no worker thread could be started")
        var attempt = 0
        while true {
            attempt += 1
            _ = Self.partOneRanOnWorker(two, within: 1)
            let before = two.handOff
            let result = try body(two)
            let handOff = two.handOff - before
            if handOff.onWorker > 0 || attempt >= attempts { return (one, result, handOff) }
        }
    }

    /// Runs splits on `parallelism` until part 1 of one ran on another thread than the
    /// caller's (part 0 takes a while, so the worker claims part 1 first), for at most
    /// `seconds`; returns whether it did.
    static func partOneRanOnWorker(_ parallelism: Parallelism, within seconds: Double = 10) -> Bool {
        let caller = pthread_self()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            var ranElsewhere = false
            withUnsafeMutablePointer(to: &ranElsewhere) { flag in
                parallelism.run { part in
                    if part == 1 { flag.pointee = pthread_equal(pthread_self(), caller) == 0; return }
                    let until = Date().addingTimeInterval(0.0002)
                    while Date() < until {}
                }
            }
            if ranElsewhere { return true }
        }
        return false
    }

    @Test("half: the two parts cover 0..<n exactly once; alignment moves the split point")
    func halves() {
        for n in [0, 1, 2, 7, 16, 17, 100, 2933] {
            for align in [1, 8, 16] {
                let a = Parallelism.half(n, part: 0, align: align), b = Parallelism.half(n, part: 1, align: align)
                #expect(a.lowerBound == 0 && a.upperBound == b.lowerBound && b.upperBound == n)
                if align > 1 && b.lowerBound < n { #expect(b.lowerBound % align == 0) }
            }
        }
        #expect(Parallelism.half(7, part: 0) == 0..<4)
    }

    @Test("run: both parts run; with two threads part 1 runs on the worker thread (when it claims it first)")
    func bothParts() {
        let two = Parallelism(threads: 2)
        #expect(two.threads == 2)
        var sums = [0, 0]
        sums.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress!
            for _ in 0..<200 { two.run { part in p[part] += part + 1 } }
        }
        #expect(sums == [200, 400])
        let before = two.handOff
        #expect(Self.partOneRanOnWorker(two), "part 1 never ran on the worker thread")
        let after = two.handOff - before
        #expect(after.onWorker > 0 && after.published >= after.onWorker + after.onCaller)

        let one = Parallelism(threads: 1)
        #expect(one.threads == 1 && one.pool == nil && Parallelism.serial.threads == 1)
        var order: [Int] = []
        one.run { order.append($0) }
        #expect(order == [0, 1])
        let caller = pthread_self()
        var onCaller = [false, false]
        onCaller.withUnsafeMutableBufferPointer { o in
            let p = o.baseAddress!
            Parallelism.serial.run { part in p[part] = pthread_equal(pthread_self(), caller) != 0 }
        }
        #expect(onCaller == [true, true])
        #expect(Parallelism.serial.handOff == Parallelism.HandOff(published: 0, onWorker: 0, onCaller: 0, wakeups: 0))
    }

    @Test("nested and concurrent calls fall back to running both parts on the caller")
    func nestedCalls() {
        let two = Parallelism(threads: 2)
        var seen = [Int](repeating: 0, count: 4)
        let before = two.handOff
        seen.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress!
            two.run { outer in two.run { inner in p[2 * outer + inner] += 1 } }
        }
        #expect(seen == [1, 1, 1, 1])
        // Only the outer split went to the pool; the inner ones ran inline.
        #expect((two.handOff - before).published == 1)
    }

    @Test("two pools in one process: each runs its own splits on its own worker, concurrently, and counts only its own")
    func twoPoolsIndependent() async {
        let a = Parallelism(threads: 2), b = Parallelism(threads: 2)
        let beforeA = a.handOff, beforeB = b.handOff
        // Both pools busy at the same time, from two threads: neither falls back for the other.
        async let runA: [Int] = Self.sums(a, splits: 3000)
        async let runB: [Int] = Self.sums(b, splits: 2000)
        let (sumsA, sumsB) = await (runA, runB)
        #expect(sumsA == [3000, 6000] && sumsB == [2000, 4000])
        let handA = a.handOff - beforeA, handB = b.handOff - beforeB
        // Every split of each went to its own pool (none found it busy: each has one caller).
        #expect(handA.published == 3000 && handB.published == 2000)
        #expect(handA.onWorker + handA.onCaller == 3000 && handB.onWorker + handB.onCaller == 2000)
        #expect(Self.partOneRanOnWorker(a) && Self.partOneRanOnWorker(b))
        // A pool that goes away stops its worker; the other keeps working.
        var c: Parallelism? = Parallelism(threads: 2)
        #expect(c.map { Self.partOneRanOnWorker($0) } == true)
        c = nil
        #expect(Self.sums(a, splits: 10) == [10, 20])
    }

    static func sums(_ parallelism: Parallelism, splits: Int) -> [Int] {
        var sums = [0, 0]
        sums.withUnsafeMutableBufferPointer { s in
            let p = s.baseAddress!
            for _ in 0..<splits { parallelism.run { part in p[part] += part + 1 } }
        }
        return sums
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
        let result = try withOneAndTwoThreads { parallelism -> TrainingResult in
            let m = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
            try m.initialize(.uniform(seed: hp.seed))
            let trainer = try Trainer(model: m, data: data, parallelism: parallelism)
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
        let r = withOneAndTwoThreads { Evaluator(model: model, parallelism: $0).evaluate(data, options: options) }
        #expect(r.handOff.onWorker > 0, "the worker thread never ran a part: \(r.handOff)")
        #expect(r.one.ranks == r.two.ranks)
        #expect(r.one.records == r.two.records && r.one.records?.count == r.one.events)
        #expect(r.one.recall == r.two.recall && r.one.mrr == r.two.mrr && r.one.ndcg == r.two.ndcg)
        #expect(r.one.coverage == r.two.coverage && r.one.popularity == r.two.popularity)
    }

    @Test("top-k over two halves equals one scan (ties, exclusions, small k), with one thread or two")
    func topKHalves() {
        var rng = SeededGenerator(seed: 21)
        let n = 20_000
        // Coarse scores: many ties, across both halves.
        let scores = (0..<n).map { _ in Float(rng.nextInt(below: 50)) / 7 }
        for (k, excluded) in [(1, Set<Int>()), (10, [3, 10_005, 19_999]), (25, Set((0..<40).map { $0 * 499 }))] {
            let one = scores.withUnsafeBufferPointer { topK($0.baseAddress!, count: n, k: k, excluded: excluded) }
            let r = withOneAndTwoThreads { parallelism in
                scores.withUnsafeBufferPointer { topKParallel($0.baseAddress!, count: n, k: k, excluded: excluded, parallelism: parallelism) }
            }
            #expect(r.handOff.published > 0)
            for two in [r.one, r.two] {
                #expect(one.map(\.item) == two.map(\.item))
                #expect(one.map(\.score) == two.map(\.score))
                #expect(Set(two.map(\.item)).isDisjoint(with: excluded))
            }
        }
    }

    @Test("live session: identical states, gates, scores and top-k with one thread or two")
    func liveIdentical() throws {
        // Enough items (and units) that part 0 of a split outlasts the hand-off, so the
        // worker gets part 1; two layers, and a catalog that top-k splits too.
        var hp = Hyperparameters()
        hp.layers = [48, 32]
        let items = 20_000
        let model = GRU4RecModel(hyperparameters: hp, catalog: ItemCatalog(ids: (0..<items).map { "i\($0)" }),
                                 itemSupport: [Int](repeating: 1, count: items))
        try model.initialize(.uniform(seed: 5))
        var rng = SeededGenerator(seed: 8)
        let sessions = (0..<24).map { _ in (0..<8).map { _ in rng.nextInt(below: items) } }
        let r = withOneAndTwoThreads { parallelism -> [LiveResult] in
            let live = LiveSession(model: model, parallelism: parallelism)
            return sessions.map { session in
                let steps = live.replay(session)
                return LiveResult(hidden: steps.map(\.hidden), gates: steps.map { $0.resetGate + $0.updateGate },
                                  scores: live.scores(), top: live.topK(10).map(\.item))
            }
        }
        #expect(r.handOff.onWorker > 0, "the worker thread never ran a part: \(r.handOff)")
        #expect(r.one == r.two)
    }

    struct LiveResult: Equatable {
        var hidden: [[[Float]]]
        var gates: [[[Float]]]
        var scores: [Float]
        var top: [Int]
    }

    struct TrainingResult {
        var parameters: [Float]
        var losses: [Double]
    }
}
