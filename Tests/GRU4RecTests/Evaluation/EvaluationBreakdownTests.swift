import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// Per-event records, slices and their sums.
struct EvaluationBreakdownTests {
    /// Sessions in file order: S1 = a b a (3 events), S2 = a a b c d e (6), S3 = z (1, no event).
    func handMade() -> (data: SessionData, catalog: ItemCatalog) {
        var keys: [String] = [], items: [String] = [], times: [Double] = []
        var t = 0.0
        for (s, list) in [("S1", "a b a"), ("S2", "a a b c d e"), ("S3", "z")] {
            for i in list.split(separator: " ") { keys.append(s); items.append(String(i)); times.append(t); t += 1 }
        }
        let built = SessionData.build(sessionKeys: keys, itemKeys: items, times: times, catalog: nil)
        return (built.0, built.1)
    }

    func records(_ data: SessionData, support: [Int], batch: Int = 2, top: Int = 0) -> (EvaluationResult, EvaluationRecords) {
        var options = EvaluationOptions()
        options.batchSize = batch
        options.recordRanks = true
        options.recordTopItems = top
        let result = Evaluator(scorer: PopularityScorer(itemSupport: support), parallelism: .tests).evaluate(data, options: options)
        return (result, result.records ?? EvaluationRecords())
    }

    @Test("records: session, 1-based position, input and target of every event; slices of hand-made sessions")
    func handMadeSlices() throws {
        let (data, catalog) = handMade()
        let support = [Int](repeating: 1, count: catalog.count)
        let (result, records) = records(data, support: support)
        #expect(records.count == 7 && result.events == 7)
        let id = { (i: Int32) in catalog.ids[Int(i)] }
        // In file order: S1 1..2, then S2 1..5.
        let order = records.fileOrder(in: data)
        let rows = order.map { e in "\(data.sessionIDs[Int(records.session[e])]) \(records.position[e]) \(id(records.input[e]))>\(id(records.target[e]))" }
        #expect(rows == ["S1 1 a>b", "S1 2 b>a", "S2 1 a>a", "S2 2 a>b", "S2 3 b>c", "S2 4 c>d", "S2 5 d>e"])
        let tiers = PopularityTiers(itemSupport: support)
        func labels(_ d: SliceDimension) -> [String] {
            let slice = d.assign(records, data: data, tiers: tiers)
            return order.map { d.labels[slice[$0]] }
        }
        #expect(labels(.length) == ["3", "3", "5-6", "5-6", "5-6", "5-6", "5-6"])
        #expect(labels(.position) == ["1", "2", "1", "2", "3", "4", "5-9"])
        #expect(labels(.repeat) == ["new", "repeat", "repeat", "new", "new", "new", "new"])
        let breakdown = EvaluationBreakdown(dimension: .repeat, records: records, data: data, itemSupport: support, cutoffs: result.cutoffs)
        #expect(breakdown.slices.map(\.label) == ["repeat", "new"])
        #expect(breakdown.slices.map(\.events) == [2, 5])
    }

    @Test("length and position buckets at their bounds")
    func bucketBounds() {
        let lengths = [2, 3, 4, 5, 6, 7, 10, 11, 20, 21, 500].map { SliceDimension.length.labels[SliceDimension.lengthSlice($0)] }
        #expect(lengths == ["2", "3", "4", "5-6", "5-6", "7-10", "7-10", "11-20", "11-20", "21+", "21+"])
        let positions = [1, 2, 3, 4, 5, 9, 10, 300].map { SliceDimension.position.labels[SliceDimension.positionSlice($0)] }
        #expect(positions == ["1", "2", "3", "4", "5-9", "5-9", "10+", "10+"])
    }

    @Test("popularity tiers: head = items before 20% of training events, torso before 80%, tail the rest and unseen items")
    func popularityTiers() {
        // Ten equal items: shares before each are 0, 10%, ..., 90%.
        #expect(PopularityTiers(itemSupport: [Int](repeating: 10, count: 10)).tiers == [0, 0, 1, 1, 1, 1, 1, 1, 2, 2])
        // Skewed, in scrambled index order: 50 (head), 30 (torso, 50% before), 10 (80% before: tail), 5, 5, and 0.
        let tiers = PopularityTiers(itemSupport: [5, 30, 0, 50, 10, 5])
        #expect(tiers.tiers == [2, 1, 2, 0, 2, 2])
        #expect(tiers.itemCounts == [1, 1, 4])
        #expect(tiers.tier(of: 99) == 2)
    }

    @Test("the demo model's popularity tiers are the ones the README names")
    func demoTiers() throws {
        let model = try GRU4RecModel.load(from: TestPaths.packageRoot + "/demo-data/model.safetensors").model
        #expect(PopularityTiers(itemSupport: model.itemSupport).itemCounts == [108, 1166, 2180])
    }

    @Test("every dimension's slice counts add up to the events, and the slices' weighted metrics to the overall ones")
    func slicesAddUp() throws {
        let (model, data) = try SyntheticSessions.model(layers: [8], items: 40)
        var options = EvaluationOptions()
        options.batchSize = 7
        let plain = Evaluator(model: model, parallelism: .tests).evaluate(data, options: options)
        options.recordRanks = true
        options.recordTopItems = 5
        let result = Evaluator(model: model, parallelism: .tests).evaluate(data, options: options)
        // Recording changes nothing in the overall figures.
        #expect(plain.recall == result.recall && plain.mrr == result.mrr && plain.ndcg == result.ndcg)
        #expect(plain.coverage == result.coverage && plain.popularity == result.popularity)
        let records = try #require(result.records)
        #expect(records.count == result.events && records.topItems.count == 5 * records.count)
        for d in SliceDimension.allCases {
            let b = EvaluationBreakdown(dimension: d, records: records, data: data, itemSupport: model.itemSupport, cutoffs: result.cutoffs)
            #expect(b.slices.map(\.label) == d.labels)
            #expect(b.slices.reduce(0) { $0 + $1.events } == result.events, "\(d)")
            for (c, k) in result.cutoffs.enumerated() {
                let recall = b.slices.reduce(0.0) { $0 + $1.recall[c] * Double($1.events) } / Double(result.events)
                let mrr = b.slices.reduce(0.0) { $0 + $1.mrr[c] * Double($1.events) } / Double(result.events)
                #expect(abs(recall - (result.recall[k] ?? -1)) < 1e-12, "\(d) recall@\(k)")
                #expect(abs(mrr - (result.mrr[k] ?? -1)) < 1e-12, "\(d) mrr@\(k)")
            }
        }
        // Records agree with themselves: a target ranked within the top 5 (standard ties) is in the top-5 list.
        for e in 0..<records.count where records.rank[e] <= 5 {
            #expect(records.topItems[(e * 5)..<(e * 5 + 5)].contains(records.target[e]))
        }
        #expect(Set(records.position.indices.map { records.position[$0] }).min() == 1)
    }

    @Test("file order follows the file, not the evaluator's session order")
    func fileOrder() {
        // S2 comes first in the file but starts later: the evaluator orders S1 first.
        let keys = ["S2", "S2", "S1", "S1", "S1"], items = ["a", "b", "c", "a", "b"]
        let (data, catalog) = SessionData.build(sessionKeys: keys, itemKeys: items, times: [10, 11, 1, 2, 3], catalog: nil)
        #expect(data.sessionIDs == ["S1", "S2"])
        #expect(data.fileIndex == [2, 3, 4, 0, 1])
        let (_, records) = records(data, support: [1, 1, 1], batch: 1)
        let rows = records.fileOrder(in: data).map { e in "\(data.sessionIDs[Int(records.session[e])]):\(catalog.ids[Int(records.target[e])])" }
        #expect(rows == ["S2:b", "S1:a", "S1:b"])
    }
}
