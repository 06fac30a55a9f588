import ArgumentParser
import Foundation
import GRU4Rec

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model (or a baseline) by next-item Recall@K and MRR@K over all items.",
        discussion: """
        Every event after the first of each test session is a target; the hidden state is zero at each \
        session start; test events with items the model does not know are dropped (and counted). \
        Also reports NDCG@K, item coverage@K and the mean popularity of recommended items.

        Tie modes: standard (rank = 1 + #higher), conservative (#higher or equal, target included; \
        used by published comparisons), median (ties split).

        Examples:
          gru4rec eval model.safetensors --test test.tsv --cutoffs 1,5,10,20 --mode conservative
          gru4rec eval --baseline item-knn --train train.tsv --test test.tsv --json
        """)

    @Argument(help: "The model (.safetensors); omit with --baseline.") var model: String?
    @Option(help: "Test sessions (TSV).") var test: String
    @Option(help: "Cutoffs K, comma-separated.") var cutoffs = "1,5,10,20"
    @Option(help: "Tie mode: standard, conservative or median.") var mode: TieMode = .standard
    @Option(help: "Evaluate a baseline instead of a model: pop or item-knn (needs --train).") var baseline: Baseline?
    @Option(help: "Training sessions, for a baseline.") var train: String?
    @Flag(help: "Print one JSON object instead of a table.") var json = false
    @Option(help: "Write the rank of every target to this file (one per line).") var ranks: String?
    @Option(name: .customLong("batch-size"), help: "Sessions scored in parallel (does not change results; default: up to 512, fewer for catalogs over 16,000 items).") var batchSize: Int?
    @OptionGroup var columns: ColumnOptions
    @OptionGroup var threading: ThreadOptions

    enum Baseline: String, ExpressibleByArgument { case pop, itemKNN = "item-knn" }

    func validate() throws {
        if baseline == nil && model == nil { throw ValidationError("give a MODEL, or --baseline pop|item-knn with --train") }
        if baseline != nil && train == nil { throw ValidationError("--baseline needs --train FILE (the baseline learns from it)") }
        if baseline != nil && model != nil { throw ValidationError("give either a MODEL or --baseline, not both") }
        _ = try parseCutoffs(cutoffs)
    }

    func run() throws {
        try reportingErrors { try evaluate() }
    }

    func evaluate() throws {
        threading.apply()
        let scorer: SessionScorer, catalog: ItemCatalog, name: String
        if let baseline, let train {
            let t = try columns.load(train, catalog: nil)
            catalog = t.catalog
            switch baseline {
            case .pop: scorer = PopularityScorer(itemSupport: t.data.itemSupport(itemCount: catalog.count)); name = "pop"
            case .itemKNN: scorer = ItemKNNScorer(training: t.data, itemCount: catalog.count); name = "item-knn"
            }
        } else if let model {
            let m = try GRU4RecModel.load(from: model).model
            scorer = GRU4RecScorer(model: m)
            catalog = m.catalog
            name = (model as NSString).lastPathComponent
        } else { return }
        let data = try columns.load(test, catalog: catalog).data
        var options = EvaluationOptions()
        options.cutoffs = try parseCutoffs(cutoffs)
        options.mode = mode
        options.batchSize = max(1, batchSize ?? EvaluationOptions.automaticBatchSize(items: catalog.count))
        try ResourceLimits.checkEvaluationBatch(options.batchSize, items: catalog.count)
        options.recordRanks = ranks != nil
        let progress = ProgressReporter()
        let start = nowNanoseconds()
        let result = Evaluator(scorer: scorer).evaluate(data, options: options) { done, total in
            progress.update(label: "evaluating", done: done, total: total, detail: "",
                            elapsed: Double(nowNanoseconds() - start) / 1e9)
        }
        if progress.interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        try requireSaneMetrics(result.flatMetrics, model: model ?? name)
        if let ranks, let r = result.ranks {
            try writeFileAtomically(Array(r.map { formatCompact($0) }.joined(separator: "\n").utf8) + [10], to: ranks)
        }
        if json {
            var o: [String: Any] = ["events": result.events, "dropped": result.dropped, "sessions": result.sessions,
                                    "mode": mode.rawValue, "model": name, "seconds": result.seconds]
            for (k, v) in result.flatMetrics { o[k] = v }
            let data = try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("\(name) on \(test): \(result.events) events in \(result.sessions) sessions, \(result.dropped) dropped (unknown items), \(mode.rawValue) ties, \(String(format: "%.2f", result.seconds))s")
            let rows = result.cutoffs.map { k in
                [String(k)] + [result.recall[k], result.mrr[k], result.ndcg[k], result.coverage[k], result.popularity[k]]
                    .map { $0.map { String(format: "%.4f", $0) } ?? "-" }
            }
            print(formatTable(header: ["K", "Recall@K", "MRR@K", "NDCG@K", "Coverage@K", "Popularity@K"], rows: rows, rightAlign: Set(0...5)))
        }
    }
}
