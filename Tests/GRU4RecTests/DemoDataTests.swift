import Foundation
import Testing
import GRU4Rec
import GRU4RecTestSupport

/// The shipped demo model: it loads, matches its catalog, beats both baselines,
/// and reproduces the metrics written in demo-data/metrics.json and demo-data/README.md.
struct DemoDataTests {
    static let dir = TestPaths.packageRoot + "/demo-data"

    @Test("the demo model loads and matches its catalog")
    func catalog() throws {
        let (model, facts, _) = try GRU4RecModel.load(from: Self.dir + "/model.safetensors")
        let text = try String(contentsOfFile: Self.dir + "/items.tsv", encoding: .utf8)
        var names: [String: String] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            names[String(f[0])] = String(f[1])
        }
        #expect(Set(model.catalog.ids) == Set(names.keys))
        #expect(model.catalog.ids.allSatisfy { !(names[$0] ?? "").isEmpty })
        let size = try FileManager.default.attributesOfItem(atPath: Self.dir + "/model.safetensors")[.size] as? Int ?? 0
        #expect(size < 4_000_000, "the demo model stays small")
        #expect(facts.epochs ?? 0 > 0)
        #expect(FileManager.default.fileExists(atPath: Self.dir + "/model.log.jsonl"))
    }

    @Test("the demo model reproduces its published metrics and beats both baselines")
    func metrics() throws {
        let model = try GRU4RecModel.load(from: Self.dir + "/model.safetensors").model
        let test = try SessionData.load(path: Self.dir + "/test.tsv.gz", catalog: model.catalog).data
        var options = EvaluationOptions()
        options.cutoffs = [5, 10, 20]
        options.listMetrics = false
        let result = Evaluator(model: model, parallelism: .tests).evaluate(test, options: options)
        let published = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.dir + "/metrics.json"))) as! [String: [String: Double]]
        let ours = published["gru4rec"]!
        #expect(Double(result.events) == ours["events"])
        for k in [5, 10, 20] {
            #expect(abs(result.recall[k]! - ours["recall@\(k)"]!) < 1e-9, "recall@\(k)")
            #expect(abs(result.mrr[k]! - ours["mrr@\(k)"]!) < 1e-9, "mrr@\(k)")
        }
        for baseline in ["pop", "item-knn"] {
            #expect(ours["recall@20"]! > published[baseline]!["recall@20"]!, "beats \(baseline) on recall@20")
            #expect(ours["mrr@20"]! > published[baseline]!["mrr@20"]!, "beats \(baseline) on mrr@20")
        }
        let readme = try String(contentsOfFile: Self.dir + "/README.md", encoding: .utf8)
        for name in ["gru4rec", "pop", "item-knn"] {
            for key in ["recall@20", "mrr@20"] {
                let figure = String(format: "%.4f", published[name]![key]!)
                #expect(readme.contains(figure), "demo-data/README.md shows \(name) \(key) = \(figure)")
            }
        }
    }
}
