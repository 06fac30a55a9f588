import ArgumentParser
import Foundation
import GRU4Rec

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a model (or a baseline) by next-item Recall@K and MRR@K over all items; break it down; compare two.",
        discussion: """
        Every event after the first of each test session is a target; the hidden state is zero at each \
        session start; test events with items the model does not know are dropped (and counted). \
        Also reports NDCG@K, item coverage@K and the mean popularity of recommended items.

        Tie modes: standard (rank = 1 + #higher), conservative (#higher or equal, target included; \
        used by published comparisons), median (ties split).

        --by length,position,popularity,repeat adds Recall@K and MRR@K per slice: session length \
        (2, 3, 4, 5-6, 7-10, 11-20, 21+), position in the session (1 = predicting the 2nd event; \
        1, 2, 3, 4, 5-9, 10+), the target's training popularity (head: the most popular items that \
        make up the first 20% of training events; torso: up to 80%; tail: the rest), and whether the \
        target already occurred in the session (repeat) or not (new).

        Two models (A then B), or a model with --baseline (the baseline is A), are compared on the \
        events whose items both know: each metric for both, B - A with a 95% interval from a paired \
        bootstrap over sessions, and the share of events where B ranks the target better/worse/equal.

        Examples:
          gru4rec eval model.safetensors --test test.tsv --cutoffs 1,5,10,20 \\
            --mode conservative
          gru4rec eval model.safetensors --test test.tsv --by length,popularity \\
            --ranks ranks.tsv --ranks-topk 5
          gru4rec eval --baseline item-knn --train train.tsv --test test.tsv --json
          gru4rec eval a.safetensors b.safetensors --test test.tsv \\
            --bootstrap 1000 --seed 1
          gru4rec eval model.safetensors --baseline pop --train train.tsv \\
            --test test.tsv
        """)

    @Argument(help: "The model (.safetensors); two models to compare (A then B); none with --baseline alone.") var models: [String] = []
    @Option(help: "Test sessions (TSV).") var test: String
    @Option(help: "Cutoffs K, comma-separated.") var cutoffs = "1,5,10,20"
    @Option(help: "Tie mode: standard, conservative or median.") var mode: TieMode = .standard
    @Option(help: "Evaluate a baseline: pop or item-knn (needs --train); with one MODEL, the baseline is A and the model B.") var baseline: Baseline?
    @Option(help: "Training sessions, for a baseline.") var train: String?
    @Flag(help: "Print one JSON object instead of tables.") var json = false
    @Option(help: "Metrics per slice: length, position, popularity, repeat (comma-separated).") var by: String?
    @Option(help: "Write every evaluated event as TSV (SessionId Position InputItem TargetItem Rank Score), in test file order.") var ranks: String?
    @Option(name: .customLong("ranks-topk"), help: "With --ranks, also the N best item ids of each event (columns Top1..TopN).") var ranksTopK = 0
    @Option(help: "Comparison: bootstrap resamples over sessions.") var bootstrap = 1000
    @Option(help: "Comparison: seed of the bootstrap.") var seed: UInt64 = 1
    @Option(name: .customLong("batch-size"), help: "Sessions scored in parallel (does not change results; default: up to 512, fewer for catalogs over 16,000 items).") var batchSize: Int?
    @OptionGroup var columns: ColumnOptions
    @OptionGroup var threading: ThreadOptions

    enum Baseline: String, ExpressibleByArgument { case pop, itemKNN = "item-knn" }

    /// What a run evaluates: one scorer, or A against B.
    var comparing: Bool { models.count + (baseline == nil ? 0 : 1) == 2 }

    func validate() throws {
        if baseline == nil && models.isEmpty { throw ValidationError("give a MODEL (two to compare them), or --baseline pop|item-knn with --train") }
        if baseline != nil && train == nil { throw ValidationError("--baseline needs --train FILE (the baseline learns from it)") }
        if models.count + (baseline == nil ? 0 : 1) > 2 {
            throw ValidationError("compare two at a time: two MODELs, or one MODEL with --baseline (got \(models.count) models\(baseline == nil ? "" : " and a baseline"))")
        }
        if comparing && ranks != nil { throw ValidationError("--ranks writes one scorer's events: evaluate the models one at a time to export their ranks") }
        if ranksTopK < 0 { throw ValidationError("--ranks-topk takes a count of items, 0 or more; got \(ranksTopK)") }
        if ranksTopK > 0 && ranks == nil { throw ValidationError("--ranks-topk adds columns to the --ranks file: give --ranks FILE too") }
        if bootstrap < 1 { throw ValidationError("--bootstrap takes a number of resamples, at least 1 (e.g. 1000); got \(bootstrap)") }
        _ = try parseCutoffs(cutoffs)
        _ = try dimensions()
    }

    /// The `--by` dimensions, in the order given.
    func dimensions() throws -> [SliceDimension] {
        guard let by else { return [] }
        var out: [SliceDimension] = []
        for part in by.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            guard let d = SliceDimension(rawValue: name) else {
                throw ValidationError("--by takes length, position, popularity or repeat (comma-separated); got '\(name)'")
            }
            if !out.contains(d) { out.append(d) }
        }
        return out
    }

    func run() throws {
        try reportingErrors { try comparing ? compare() : evaluate() }
    }

    /// A scorer, its catalog and its display name.
    struct Scorer {
        var scorer: SessionScorer
        var catalog: ItemCatalog
        var name: String
    }

    func loadModel(_ path: String, parallelism: Parallelism) throws -> Scorer {
        let m = try GRU4RecModel.load(from: path).model
        return Scorer(scorer: GRU4RecScorer(model: m, parallelism: parallelism), catalog: m.catalog, name: (path as NSString).lastPathComponent)
    }

    func loadBaseline(_ baseline: Baseline, train: String) throws -> Scorer {
        let t = try columns.load(train, catalog: nil)
        switch baseline {
        case .pop: return Scorer(scorer: PopularityScorer(itemSupport: t.data.itemSupport(itemCount: t.catalog.count)), catalog: t.catalog, name: "pop")
        case .itemKNN: return Scorer(scorer: ItemKNNScorer(training: t.data, itemCount: t.catalog.count), catalog: t.catalog, name: "item-knn")
        }
    }

    func options(items: Int, records: Bool) throws -> EvaluationOptions {
        var options = EvaluationOptions()
        options.cutoffs = try parseCutoffs(cutoffs).sorted()
        options.mode = mode
        options.batchSize = max(1, batchSize ?? EvaluationOptions.automaticBatchSize(items: items))
        try ResourceLimits.checkEvaluationBatch(options.batchSize, items: items)
        options.recordRanks = records
        options.recordTopItems = ranksTopK
        return options
    }

    /// Runs the evaluator with a progress display on stderr; metrics that only NaN or
    /// infinite scores can give are an error naming the model.
    func run(_ s: Scorer, _ data: SessionData, _ options: EvaluationOptions, parallelism: Parallelism,
             label: String = "evaluating") throws -> EvaluationResult {
        let progress = ProgressReporter()
        let start = nowNanoseconds()
        let result = Evaluator(scorer: s.scorer, parallelism: parallelism).evaluate(data, options: options) { done, total in
            progress.update(label: label, done: done, total: total, detail: "", elapsed: Double(nowNanoseconds() - start) / 1e9)
        }
        if progress.interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        try requireSaneMetrics(result.flatMetrics, model: s.name)
        return result
    }

    /// A test file that leaves nothing to evaluate is an error: a table of zeros would read
    /// as a model that never gets anything right.
    func requireEvents(_ data: SessionData, dropped: Int, model: String) throws {
        guard data.transitionCount == 0 else { return }
        let why = dropped > 0
            ? "\(dropped) events were dropped because \(model) does not know their items, and no session has two known clicks left"
            : "no session has two clicks (an event is a click with a next click in the same session)"
        throw CommandFailure(message: "\(test): no event to evaluate: \(why)\n  hint: is this the test set of the data \(model) was trained on?")
    }

    func evaluate() throws {
        let parallelism = threading.parallelism()
        let s: Scorer
        if let model = models.first { s = try loadModel(model, parallelism: parallelism) } else if let baseline, let train { s = try loadBaseline(baseline, train: train) } else { return }
        let data = try columns.load(test, catalog: s.catalog).data
        try requireEvents(data, dropped: data.droppedUnknownItems, model: s.name)
        if let ranks {
            // Fail before the evaluation, not after it.
            let folder = (ranks as NSString).deletingLastPathComponent
            guard FileManager.default.isWritableFile(atPath: folder.isEmpty ? "." : folder) else {
                throw CommandFailure(message: "cannot write --ranks \(ranks): the folder '\(folder)' does not exist or is not writable (create it first)")
            }
        }
        let dimensions = try dimensions()
        let options = try options(items: s.catalog.count, records: ranks != nil || !dimensions.isEmpty)
        let result = try run(s, data, options, parallelism: parallelism)
        let sliceStart = nowNanoseconds()
        var breakdowns: [EvaluationBreakdown] = []
        if let records = result.records {
            breakdowns = EvaluationBreakdown.all(dimensions, records: records, data: data, itemSupport: s.scorer.itemSupport, cutoffs: result.cutoffs)
        }
        let sliceSeconds = Double(nowNanoseconds() - sliceStart) / 1e9
        if let ranks, let records = result.records {
            try writeFileAtomically(Array(ranksTable(records, data: data, catalog: s.catalog).utf8), to: ranks)
        }
        if json {
            var o = resultObject(result, name: s.name)
            if !breakdowns.isEmpty {
                o["breakdowns"] = breakdownsObject(breakdowns)
                o["breakdownSeconds"] = sliceSeconds
            }
            print(try jsonText(o))
        } else {
            print("\(s.name) on \(test): \(result.events) events in \(result.sessions) sessions, \(result.dropped) dropped (unknown items), \(mode.rawValue) ties, \(String(format: "%.2f", result.seconds))s")
            print(metricsTable(result))
            for b in breakdowns { print("\n" + breakdownTable(b)) }
        }
    }

    func compare() throws {
        let parallelism = threading.parallelism()
        let a: Scorer, b: Scorer
        if let baseline, let train, let model = models.first {
            a = try loadBaseline(baseline, train: train)
            b = try loadModel(model, parallelism: parallelism)
        } else if models.count == 2 {
            a = try loadModel(models[0], parallelism: parallelism)
            b = try loadModel(models[1], parallelism: parallelism)
        } else { return }
        let shared: SharedCatalog
        do { shared = try SharedCatalog(a: a.catalog, b: b.catalog) } catch let e as SharedCatalog.NoSharedItems {
            throw CommandFailure(message: "cannot compare \(a.name) and \(b.name): \(e)")
        }
        let loaded = try columns.load(test, catalog: a.catalog).data
        let pair = shared.pair(loaded)
        try requireEvents(pair.a, dropped: loaded.droppedUnknownItems + pair.dropped, model: "\(a.name) or \(b.name)")
        let dimensions = try dimensions()
        // One batch size for both, so the two passes produce the same events in the same order.
        let options = try options(items: max(a.catalog.count, b.catalog.count), records: true)
        let resultA = try run(a, pair.a, options, parallelism: parallelism, label: "evaluating A")
        let resultB = try run(b, pair.b, options, parallelism: parallelism, label: "evaluating B")
        guard let recordsA = resultA.records, let recordsB = resultB.records else { return }
        let start = nowNanoseconds()
        let comparison = try PairedComparison(a: recordsA, b: recordsB, cutoffs: options.cutoffs, resamples: bootstrap, seed: seed)
        let bootstrapSeconds = Double(nowNanoseconds() - start) / 1e9
        let slicesA = EvaluationBreakdown.all(dimensions, records: recordsA, data: pair.a, itemSupport: a.scorer.itemSupport, cutoffs: options.cutoffs)
        let slicesB = EvaluationBreakdown.all(dimensions, records: recordsB, data: pair.b, itemSupport: b.scorer.itemSupport, cutoffs: options.cutoffs)
        let context = ComparisonContext(a: a.name, b: b.name, shared: shared, droppedByA: loaded.droppedUnknownItems,
                                        droppedByB: pair.dropped, bootstrapSeconds: bootstrapSeconds)
        if json {
            var o = comparisonObject(comparison, context)
            o["a"] = resultObject(resultA, name: a.name).merging(slicesA.isEmpty ? [:] : ["breakdowns": breakdownsObject(slicesA)]) { x, _ in x }
            o["b"] = resultObject(resultB, name: b.name).merging(slicesB.isEmpty ? [:] : ["breakdowns": breakdownsObject(slicesB)]) { x, _ in x }
            print(try jsonText(o))
        } else {
            print(comparisonText(comparison, context))
            for (sa, sb) in zip(slicesA, slicesB) {
                print("\nA = \(a.name)\n" + breakdownTable(sa))
                print("\nB = \(b.name)\n" + breakdownTable(sb))
            }
        }
    }
}
