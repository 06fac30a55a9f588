import ArgumentParser
import CKernels
import Foundation
import GRU4Rec
import GRU4RecShell

/// Monotonic nanoseconds.
func nowNanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training, evaluation, live-step and loading speed (build with -c release).",
        discussion: """
        Prints a table (or --json) of: training events/s for the reference's XE and BPR settings and \
        a large setting, each as the median and range over repeated runs; the step's FLOP/s against \
        the machine's measured sgemm rate; a breakdown of the step; evaluation events/s; the latency \
        of one live click (p50/p99) and of explaining a suggestion after 20 clicks at the data's size and \
        for 100,000 items; parsing and model-load \
        speed; peak memory; and a scaling table. An event is one predicted next item.

        A click at 100,000 items reads 40 MB of output weights, and its time follows the memory \
        traffic of the host's other tenants: each such click is followed by a plain read of the same \
        weights, and the click's time over the read's is the figure to compare between runs.

        With two threads the host's placement of the two CPUs is read throughout (see --near-wait): \
        what ran with them far apart is set aside, and a closing host: line says whether the run was \
        quiet (no far reading). Busy runs read lower even between near readings: compare quiet runs.

        Example:
          gru4rec bench \\
            --data ../shared/datasets/rsc15-100k/yoochoose-clicks-100k_train_full.txt \\
            --test ../shared/datasets/rsc15-100k/yoochoose-clicks-100k_test.txt
        """)

    @Option(help: "Training sessions (default: demo-data/train.tsv.gz, else rsc15-100k from ../shared).") var data: String?
    @Option(help: "Test sessions for the evaluation figure (default: beside --data).") var test: String?
    @Option(help: "Repeats of each throughput measurement.") var repeats = 3
    @Option(help: "Mini-batches per throughput measurement (after 20 warm-up steps); 0 = one whole epoch.") var steps = 400
    @Flag(help: "Skip the scaling table.") var noScaling = false
    @Option(name: .customLong("synthetic-items"), help: ArgumentHelp(
        "Instead of the above: the catalog-size figures for one synthetic catalog of n items (bench/scaling.sh runs 10,000 / 100,000 / 1,000,000, each in its own process).",
        valueName: "n")) var syntheticItems: Int?
    @Flag(help: "With --synthetic-items: only the interactive figures (model load, shell start, click, filter keystroke, explain), without training and evaluation.")
    var interactiveOnly = false
    @Flag(help: "With --synthetic-items: only the model's load and the shell's start (no training, evaluation or latencies), the median of --repeats runs.")
    var loadOnly = false
    @Option(help: ArgumentHelp("With --synthetic-items: keep the synthetic model at this path (to time `gru4rec info` or `gru4rec shell` on it).",
                               valueName: "path")) var saveModel: String?
    @Option(help: ArgumentHelp("With two threads: seconds each figure may wait, in all, for the host to place the two CPUs near each other before a repeat (0: do not wait).",
                               discussion: "The placement (a cache line's round trip between the two threads) is read before and after each repeat and every 20 mini-batches inside it; the windows read far are set aside, a repeat mostly far is run again, and both are printed under the row.")) var nearWait = 30.0
    @OptionGroup var threading: ThreadOptions
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeats takes 1 or more runs of each figure, got \(repeats)") }
        if steps < 0 { throw ValidationError("--steps takes a number of mini-batches, or 0 for one whole epoch, got \(steps)") }
        if !(nearWait >= 0 && nearWait.isFinite) { throw ValidationError("--near-wait takes seconds, 0 (do not wait) or more, got \(nearWait)") }
    }

    func run() throws {
        try reportingErrors { try bench() }
    }

    /// A line of the table (nothing with --json, which prints the report at the end).
    func say(_ s: String) { if !json { print(s) } }

    struct Stat: Codable { var median: Double; var min: Double; var max: Double }
    static func stat(_ xs: [Double]) -> Stat {
        let s = xs.sorted()
        return Stat(median: s.isEmpty ? 0 : (s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2), min: s.first ?? 0, max: s.last ?? 0)
    }

    /// The median (upper of the two middle values) and 99th percentile (nearest rank below)
    /// of latencies `xs`, in their unit; (0, 0) for none.
    static func p50p99(_ xs: [Double]) -> (Double, Double) {
        let s = xs.sorted()
        guard !s.isEmpty else { return (0, 0) }
        return (s[s.count / 2], s[min(s.count - 1, Int(Double(s.count) * 0.99))])
    }

    func defaultData() -> (String, String?)? {
        let fm = FileManager.default
        if fm.fileExists(atPath: "demo-data/train.tsv.gz") { return ("demo-data/train.tsv.gz", fm.fileExists(atPath: "demo-data/test.tsv.gz") ? "demo-data/test.tsv.gz" : nil) }
        let r = "../shared/datasets/rsc15-100k/yoochoose-clicks-100k_"
        if fm.fileExists(atPath: r + "train_full.txt") { return (r + "train_full.txt", r + "test.txt") }
        return nil
    }

    /// The splits the placement probe itself handed to the pool, so that a row's hand-off
    /// line counts the training's splits only.
    final class ProbeSplits { var handOff = Parallelism.HandOff.zero }

    /// The placement probe read around and inside every repeat with two threads (nil
    /// with one thread); its own splits are added to `splits`.
    func placementProbe(_ parallelism: Parallelism, splits: ProbeSplits? = nil) -> PlacementProbe? {
        guard parallelism.threads == 2 else { return nil }
        return PlacementProbe(measure: {
            let before = parallelism.handOff
            let distance = CPUDistance.measure(on: parallelism)
            if let splits { splits.handOff = splits.handOff + (parallelism.handOff - before) }
            return distance
        }, patience: max(0, nearWait))
    }

    /// One repeat of a training-throughput measurement: `steps` mini-batches (or an epoch)
    /// of a fresh model (seed `attempt + 1`), trained by the loop `gru4rec train` runs: a
    /// ``TrainingRun`` of one epoch without validation data, its files (run log; the
    /// checkpoint written when it is stopped mid-epoch) in `folder`, removed afterwards,
    /// reporting every 20 mini-batches (`train` reports every 100; a report is a struct
    /// and, every 20 reports, one short log append). Timed from the report after 20
    /// warm-up mini-batches to the end of mini-batch 20 + `steps`, where the run is
    /// stopped (its checkpoint is written after the window); with `steps` 0, the whole
    /// epoch from the run's start. Each report after the warm-up is a mark of `windows`
    /// (the placement probe is read there, outside the timed windows). Returns the step
    /// profile (when `profile`).
    func trainRepeat(_ hp: Hyperparameters, _ data: SessionData, _ catalog: ItemCatalog, steps: Int, attempt: Int, windows: RepeatWindows,
                     folder: String, profile: Bool, parallelism: Parallelism) throws -> StepProfile {
        var h = hp
        h.seed = UInt64(attempt + 1)
        h.nEpochs = 1
        let model = GRU4RecModel(hyperparameters: h, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
        try model.initialize(.uniform(seed: h.seed))
        var policy = TrainingPolicy()
        policy.logEvery = 20
        let paths = TrainingPaths(model: folder + "/run-\(attempt).safetensors")
        defer { for path in paths.all { try? FileManager.default.removeItem(atPath: path) } }
        let run = TrainingRun(trainer: try Trainer(model: model, data: data, parallelism: parallelism), input: TrainingInput(train: "(bench)"),
                              paths: paths, policy: policy)
        let trainer = run.trainer
        let warmup = steps > 0 ? 20 : 0
        var stopped = false
        if warmup == 0 { windows.start(events: 0) }
        _ = try run.run(shouldStop: {
            guard steps > 0, !stopped, trainer.epochBatches >= warmup + steps else { return stopped }
            windows.stop(events: trainer.epochEvents)
            stopped = true
            return true
        }, report: { event in
            switch event {
            case .progress(let p) where p.batches == warmup && warmup > 0:
                if profile { trainer.step.clock = nowNanoseconds; trainer.step.profile = StepProfile() }
                windows.start(events: p.events)
            case .progress(let p) where p.batches > warmup && !stopped:
                windows.mark(events: p.events)
            case .epochFinished(let summary, _) where !stopped:
                windows.stop(events: summary.events)
                stopped = true
            default: break
            }
        })
        return trainer.step.profile
    }

    /// A temporary folder for the training runs' files, removed by `body`'s end.
    func withRunFolder<T>(_ body: (String) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gru4rec-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }

    /// Events/s of `repeats` repeats of ``trainRepeat(_:_:_:steps:attempt:windows:folder:profile:parallelism:)``.
    /// When `probed` (and two threads), the CPUs' placement is read at every report, and
    /// the windows during which the host had placed the two CPUs far apart are set aside
    /// (``PlacedRepeats``).
    func throughput(_ hp: Hyperparameters, _ data: SessionData, _ catalog: ItemCatalog, repeats: Int, steps: Int,
                    probed: Bool = true, parallelism: Parallelism) throws -> Stat {
        try withRunFolder { folder in
            try PlacedRepeats.run(repeats: repeats, probe: probed ? placementProbe(parallelism) : nil) { attempt, windows in
                _ = try trainRepeat(hp, data, catalog, steps: steps, attempt: attempt, windows: windows, folder: folder, profile: false,
                                    parallelism: parallelism)
            }.figure
        }
    }

    /// Floating-point operations of one step's products with `columns` score columns
    /// (the reference computes all N = B + S; this implementation the distinct items only).
    static func stepFLOPs(_ hp: Hyperparameters, inputSize: Int, columns: Double? = nil) -> Double {
        let b = Double(hp.batchSize), n = columns ?? Double(hp.batchSize + hp.nSample), l = Double(hp.layers.last ?? 100)
        var f = 3 * 2 * b * n * l  // scores, dH, dWy
        var input = Double(inputSize)
        for h in hp.layers.map(Double.init) {
            f += 2 * b * 3 * h * (input + h)       // forward products
            f += 2 * b * 3 * h * (2 * input + h)   // dW_ih, dU, dW_hh
            input = h
        }
        return f
    }

    func bench() throws {
        let parallelism = threading.parallelism()
        if let syntheticItems { return try scale(items: syntheticItems, parallelism: parallelism) }
        guard let (trainPath, defaultTest) = data.map({ ($0, test) }) ?? defaultData() else {
            throw CommandFailure(message: "no data: give --data FILE (the demo data or ../shared/datasets are not here)")
        }
        var report: [String: Any] = [:]
        let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(parallelism.threads) thread(s), \(BLASSettings.library) with \(BLASSettings.threads) thread(s)"
        report["machine"] = machine
        say("machine: \(machine)")

        // Loading.
        let t0 = nowNanoseconds()
        let loaded = try SessionData.load(path: trainPath, catalog: nil)
        let parseSeconds = Double(nowNanoseconds() - t0) / 1e9
        let (train, catalog) = loaded
        report["load"] = ["file": trainPath, "events": train.eventCount, "seconds": parseSeconds, "events_per_s": Double(train.eventCount) / parseSeconds]
        say(String(format: "data: %@ — %d events, %d sessions, %d items, %d predicted events/epoch; parsed at %.0f events/s",
                   trainPath, train.eventCount, train.sessionCount, catalog.count, train.transitionCount, Double(train.eventCount) / parseSeconds))

        // Training throughput.
        var xe = Hyperparameters()
        try xe.apply(parameterString: "loss=cross-entropy,constrained_embedding=true,layers=100,batch_size=32,dropout_p_embed=0,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1")
        var bpr = Hyperparameters()
        try bpr.apply(parameterString: "loss=bpr-max,constrained_embedding=true,elu_param=0.5,layers=224,batch_size=80,dropout_p_embed=0.5,dropout_p_hidden=0.05,learning_rate=0.05,momentum=0.4,n_sample=2048,sample_alpha=0.4,bpreg=1.95")
        var big = xe
        big.batchSize = 256
        big.layers = [480]
        let gemmRate = BLASBenchmark.sgemmGFLOPS(m: 32, n: 2080, k: 100, parallelism: parallelism, clock: nowNanoseconds)
        report["sgemm_gflops_32x2080x100"] = gemmRate
        say(String(format: "sgemm on the XE step's shape (32 x 2080 x 100), columns split over %d thread(s): %.1f GFLOP/s", parallelism.threads, gemmRate))
        if let distance = CPUDistance.measure(on: parallelism) {
            report["cpu_round_trip_ns"] = distance.roundTripNanoseconds
            say(String(format: "the two CPUs: a cache line's round trip between them takes %.0f ns (%@; above %.0f ns the host has placed them far apart, and two-thread training slows down)",
                       distance.roundTripNanoseconds, distance.isFar ? "far apart" : "near", CPUDistance.farThresholdNanoseconds))
        }
        say("")
        say("training (events/s: median [min, max] over \(repeats) runs of \(steps > 0 ? "\(steps) mini-batches" : "one epoch"), a run's rate the median over its windows of 20 mini-batches, the runs of the three rows taking turns; GFLOP/s of the products as the reference computes them (all B + n_sample score columns), then as executed here (the distinct items of each step) and that against the sgemm rate above)")
        // The rows' repeats take turns (XE, BPR, large, XE, ...), so that a slower spell of
        // the machine (the host's other tenants) falls on all rows rather than on one.
        struct Row {
            var name: String, hp: Hyperparameters
            var placed = PlacedRepeats(), profile = StepProfile()
            var handOff = Parallelism.HandOff.zero
        }
        var rows = [("XE  layers 100, batch 32, n_sample 2048", xe), ("BPR layers 224, batch 80, n_sample 2048", bpr),
                    ("XE  layers 480, batch 256, n_sample 2048", big)].map { Row(name: $0.0, hp: $0.1) }
        let probeSplits = ProbeSplits()
        let probe = placementProbe(parallelism, splits: probeSplits)
        // Evaluation and live clicks on an untrained XE model of the data's catalog, and live
        // clicks on a synthetic one of 100,000 items; they take turns with the training rows
        // too: an evaluation pass and a burst of live clicks of each size per round.
        let model = GRU4RecModel(hyperparameters: xe, catalog: catalog, itemSupport: train.itemSupport(itemCount: catalog.count))
        try model.initialize(.uniform(seed: 1))
        let synthetic = try syntheticModel(items: 100_000, hidden: 100)
        var options = EvaluationOptions()
        options.cutoffs = [20]
        options.listMetrics = false
        options.batchSize = EvaluationOptions.automaticBatchSize(items: catalog.count)
        let testData = try defaultTest.map { try SessionData.load(path: $0, catalog: catalog).data }
        var evaluation = PlacedRepeats()
        let liveBursts = 5, clicksPerBurst = 400
        var liveDemo = LiveClickBursts(), live100k = LiveClickBursts()
        try withRunFolder { folder in
            var ran = true
            while ran {
                ran = false
                for i in rows.indices where rows[i].placed.due(repeats: repeats, probed: probe != nil) {
                    let before = parallelism.handOff, probesBefore = probeSplits.handOff
                    var profile = StepProfile()
                    let hp = rows[i].hp
                    try rows[i].placed.runOne(probe: probe) { attempt, windows in
                        profile = try trainRepeat(hp, train, catalog, steps: steps, attempt: attempt, windows: windows, folder: folder,
                                                  profile: true, parallelism: parallelism)
                    }
                    rows[i].profile = profile
                    rows[i].handOff = rows[i].handOff + ((parallelism.handOff - before) - (probeSplits.handOff - probesBefore))
                    ran = true
                }
                if let testData, evaluation.due(repeats: repeats, probed: probe != nil) {
                    evaluation.runOne(probe: probe) { _, windows in
                        let r = Evaluator(model: model, parallelism: parallelism).evaluate(testData, options: options)
                        windows.record(events: r.events, seconds: r.seconds)
                    }
                    ran = true
                }
                if liveDemo.near.count + liveDemo.far.count < liveBursts {
                    liveDemo.add(liveClicks(model, clicks: clicksPerBurst, parallelism: parallelism))
                    live100k.add(liveClicks(synthetic, clicks: clicksPerBurst, pairedReads: true, parallelism: parallelism))
                    ran = true
                }
            }
        }
        var training: [[String: Any]] = []
        let xeProfile = rows[0].profile
        for row in rows {
            let (name, hp, profile, handOff, placed) = (row.name, row.hp, row.profile, row.handOff, row.placed)
            let s = placed.figure
            let flops = Self.stepFLOPs(hp, inputSize: hp.layers.last ?? 100) * s.median / Double(hp.batchSize) / 1e9
            let columns = Double(profile.distinctColumns) / Double(max(profile.steps, 1))
            let executed = Self.stepFLOPs(hp, inputSize: hp.layers.last ?? 100, columns: columns) * s.median / Double(hp.batchSize) / 1e9
            training.append(["setting": name, "events_per_s": ["median": s.median, "min": s.min, "max": s.max], "gflops": flops,
                             "gflops_executed": executed, "distinct_columns": columns,
                             "hand_off": ["splits": handOff.published, "part1_on_worker": handOff.onWorker,
                                          "part1_on_caller": handOff.onCaller, "worker_woken": handOff.wakeups],
                             "placement": placed.report, "repeats_events_per_s": placed.reported])
            say(String(format: "  %@ %9.0f  [%.0f, %.0f]   %.1f GFLOP/s; executed %.1f (%.0f distinct columns, %.0f%% of sgemm)",
                       name.padding(toLength: 42, withPad: " ", startingAt: 0) as NSString, s.median, s.min, s.max, flops, executed, columns,
                       100 * executed / gemmRate))
            // Whether the second thread did its share (a run whose worker sat on a busy
            // core shows here as part 1 taken back by the caller).
            if parallelism.threads == 2 {
                say(String(format: "      hand-off: part 1 on the worker in %.1f%% of %llu splits (taken back by the caller %llu times; worker woken from sleep %llu times)",
                           100 * handOff.workerShare, handOff.published, handOff.onCaller, handOff.wakeups))
            }
            if let line = placed.summary { say("      " + line) }
        }
        report["training"] = training

        // Breakdown.
        let total = Double(xeProfile.phases.reduce(0) { $0 + $1.1 })
        say("")
        say("XE step breakdown (share of the step; sampling is a copy from the precomputed store):")
        var breakdown: [String: Double] = [:]
        for (phase, ns) in xeProfile.phases {
            breakdown[phase] = Double(ns) / max(total, 1)
            say(String(format: "  %@ %5.1f%%  %6.1f µs/step", phase.padding(toLength: 28, withPad: " ", startingAt: 0) as NSString, 100 * Double(ns) / max(total, 1), Double(ns) / 1e3 / Double(max(xeProfile.steps, 1))))
        }
        report["breakdown_xe"] = breakdown

        say("")
        if let testPath = defaultTest, let testData {
            let s = evaluation.figure
            report["evaluation"] = ["file": testPath, "events": testData.transitionCount, "events_per_s": ["median": s.median, "min": s.min, "max": s.max],
                                    "placement": evaluation.report]
            say(String(format: "evaluation (all %d items ranked): %.0f events/s [%.0f, %.0f] on %d events (%.3f s)", catalog.count, s.median, s.min, s.max,
                       testData.transitionCount, Double(testData.transitionCount) / s.median))
            if let line = evaluation.summary { say("      " + line) }
        }
        let (liveDemoFigures, live100kFigures) = (liveDemo.figures, live100k.figures)
        func liveReport(_ f: LiveClickBursts.Figures) -> [String: Any] {
            var r: [String: Any] = ["p50": f.p50, "p99": f.p99, "far_clicks_set_aside": f.setAside]
            if let read = f.readP50, let perRead = f.perRead { r["read_wy_p50"] = read; r["click_per_read"] = perRead }
            return r
        }
        report["live_step_ms"] = ["items_\(catalog.count)": liveReport(liveDemoFigures), "items_100000": liveReport(live100kFigures),
                                  "bursts": liveBursts, "clicks_per_burst": clicksPerBurst]
        say(String(format: "live click (GRU step + all scores + top-10; p50 the median of %d bursts of %d clicks taking turns with the training rows): %d items p50 %.3f ms p99 %.3f ms; 100,000 items p50 %.3f ms p99 %.3f ms",
                   liveBursts, clicksPerBurst, catalog.count, liveDemoFigures.p50, liveDemoFigures.p99, live100kFigures.p50, live100kFigures.p99))
        // At 100,000 items the click against a read of the same Wy after each click: the
        // times follow the host's memory traffic, their ratio the code. (At the data's size
        // Wy stays in the cache and the click is the GRU step's arithmetic.)
        if let read = live100kFigures.readP50, let perRead = live100kFigures.perRead {
            say(String(format: "      100,000 items against a read of their Wy after each click (%.0f MB, the same two threads): read p50 %.3f ms, the click %.3fx the read (the median of the bursts' ratios; compare this between runs: the times follow the host's memory traffic)",
                       WyRead(synthetic, parallelism: parallelism).megabytes, read, perRead))
        }
        if liveDemoFigures.setAside + live100kFigures.setAside > 0 {
            say("      placement: \(liveDemoFigures.setAside) and \(live100kFigures.setAside) of \(liveBursts * clicksPerBurst) clicks set aside with the CPUs far apart (read every 100 clicks)")
        }
        var host = HostActivity()
        for roundTrips in rows.map(\.placed.roundTrips) + [evaluation.roundTrips, liveDemo.roundTrips, live100k.roundTrips] { host.add(roundTrips) }
        report["host"] = host.report
        if let line = host.line { say(line) }

        try interactiveFigures(model, synthetic: synthetic, parallelism: parallelism, into: &report)

        if !noScaling { report["scaling"] = try scalingTable(xe, train, catalog, parallelism: parallelism) }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        report["peak_rss_mb"] = Double(usage.ru_maxrss) / 1024
        say(String(format: "\npeak resident memory of this benchmark: %.0f MB", Double(usage.ru_maxrss) / 1024))
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
        }
    }

    /// The interactive figures after the live clicks, on the data's model and the synthetic one
    /// of 100,000 items: explaining a suggestion (the core's, and the shell's command), a shell
    /// click with its frame, a click while an item is explained, and the model's load.
    func interactiveFigures(_ model: GRU4RecModel, synthetic: GRU4RecModel, parallelism: Parallelism, into report: inout [String: Any]) throws {
        // Explaining a suggestion after a 20-click session: score split, leave-one-click-out.
        let explainDemo = explainLatency(model, runs: 200, parallelism: parallelism),
            explain100k = explainLatency(synthetic, runs: 30, parallelism: parallelism)
        report["explain_ms"] = ["items_\(model.itemCount)": ["p50": explainDemo.0, "p99": explainDemo.1],
                                "items_100000": ["p50": explain100k.0, "p99": explain100k.1]]
        say(String(format: "explain a suggestion after 20 clicks (score split + leave-one-click-out): %d items p50 %.3f ms p99 %.3f ms; 100,000 items p50 %.3f ms p99 %.3f ms",
                   model.itemCount, explainDemo.0, explainDemo.1, explain100k.0, explain100k.1))
        // The shell's `explain` end to end (explanation, neighbours by Wy and E, message) after 20 clicks.
        let shellDemo = shellExplainLatency(model, runs: 100, parallelism: parallelism),
            shell100k = shellExplainLatency(synthetic, runs: 10, parallelism: parallelism)
        report["shell_explain_ms"] = ["items_\(model.itemCount)": ["first": shellDemo.0, "p50": shellDemo.1, "p99": shellDemo.2],
                                      "items_100000": ["first": shell100k.0, "p50": shell100k.1, "p99": shell100k.2]]
        say(String(format: "shell explain command after 20 clicks (+ neighbours): %d items first %.3f ms p50 %.3f ms p99 %.3f ms; 100,000 items first %.3f ms p50 %.3f ms p99 %.3f ms",
                   model.itemCount, shellDemo.0, shellDemo.1, shellDemo.2, shell100k.0, shell100k.1, shell100k.2))

        // A click in the shell (update: GRU step, scores, top-k, bookkeeping) and one frame, off-screen.
        let frame = shellClickAndFrame(model, parallelism: parallelism)
        report["shell_ms"] = frame.report
        say(frame.line(items: model.itemCount))
        // A click while an item is explained and one tracked: the Explain view open, and the Session view open.
        let clickDemo = shellClickWhileExplaining(model, runs: 60, parallelism: parallelism),
            click100k = shellClickWhileExplaining(synthetic, runs: 10, parallelism: parallelism)
        report["shell_click_explained_ms"] = ["items_\(model.itemCount)": Self.shellClickReport(clickDemo), "items_100000": Self.shellClickReport(click100k)]
        say(Self.shellClickLine(items: model.itemCount, clickDemo))
        say(Self.shellClickLine(items: 100_000, click100k))

        // Model load time.
        let tmp = NSTemporaryDirectory() + "gru4rec-bench-\(getpid()).safetensors"
        try synthetic.save(to: tmp)
        let t0 = nowNanoseconds()
        _ = try GRU4RecModel.load(from: tmp)
        let loadMs = Double(nowNanoseconds() - t0) / 1e6
        try? FileManager.default.removeItem(atPath: tmp)
        report["model_load_ms_100k_items"] = loadMs
        say(String(format: "model load (100,000 items x 100 units, %.0f MB): %.1f ms", Double(synthetic.parameters.count * 4) / 1e6, loadMs))
    }

    /// The scaling table: XE training events/s (one run each) against batch size, layer size,
    /// n_sample and synthetic catalog size.
    func scalingTable(_ xe: Hyperparameters, _ train: SessionData, _ catalog: ItemCatalog, parallelism: Parallelism) throws -> [[String: Any]] {
        say("")
        say("scaling (XE, events/s, \(max(steps / 2, 100)) mini-batches, 1 run each):")
        var scaling: [[String: Any]] = []
        func row(_ label: String, _ hp: Hyperparameters, _ d: SessionData, _ c: ItemCatalog) throws {
            let s = try throughput(hp, d, c, repeats: 1, steps: max(steps / 2, 100), probed: false, parallelism: parallelism)
            scaling.append(["setting": label, "events_per_s": s.median])
            say(String(format: "  %@ %9.0f", label.padding(toLength: 34, withPad: " ", startingAt: 0) as NSString, s.median))
        }
        for b in [32, 64, 128, 256] { var h = xe; h.batchSize = b; try row("batch \(b)", h, train, catalog) }
        for l in [50, 100, 200, 480] { var h = xe; h.layers = [l]; try row("layers [\(l)]", h, train, catalog) }
        for s in [512, 1024, 2048, 4096] { var h = xe; h.nSample = s; try row("n_sample \(s)", h, train, catalog) }
        for items in [1_000, 10_000, 100_000] {
            let (d, c) = syntheticData(items: items, events: 60_000)
            try row("catalog \(items) items (synthetic)", xe, d, c)
        }
        return scaling
    }

    /// The figures of one catalog size on seeded synthetic sessions (``SyntheticCatalog``),
    /// XE settings: training events/s and peak memory against the model's parameters and
    /// optimizer state, evaluation events/s, model load, shell start, a click, a catalog
    /// filter keystroke and explaining a suggestion.
    func scale(items: Int, parallelism: Parallelism) throws {
        guard (100...50_000_000).contains(items) else { throw ValidationError("--synthetic-items takes 100 to 50,000,000, got \(items)") }
        if loadOnly { return try scaleLoad(items: items, parallelism: parallelism) }
        var report: [String: Any] = ["items": items]
        // The machine is shared: its load average beside the figures.
        let load = { ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ") }
        report["load_average_start"] = load()
        say("load average (1, 5, 15 min): \(load())")
        let machine = "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(parallelism.threads) thread(s), \(BLASSettings.library) with \(BLASSettings.threads) thread(s)"
        report["machine"] = machine
        say("machine: \(machine)")
        var xe = Hyperparameters()
        try xe.apply(parameterString: "loss=cross-entropy,constrained_embedding=true,layers=100,batch_size=32,dropout_p_hidden=0.4,learning_rate=0.2,momentum=0.2,n_sample=2048,sample_alpha=0.5,logq=1")
        var t0 = nowNanoseconds()
        let synthetic = SyntheticCatalog(items: items, seed: 1)
        let train = synthetic.sessions(events: 200_000, seed: 2)
        // Exact evaluation costs 2·items·100 FLOP per event: fewer test events for larger catalogs.
        let test = synthetic.sessions(events: max(1_000, min(20_000, 2_000_000_000 / items)), seed: 3)
        say(String(format: "synthetic catalog of %d items: %d training events, %d test events (generated in %.1f s)", items, train.eventCount, test.eventCount,
                   Double(nowNanoseconds() - t0) / 1e9))

        let rate = interactiveOnly ? Stat(median: 0, min: 0, max: 0)
            : try throughput(xe, train, synthetic.catalog, repeats: repeats, steps: steps, parallelism: parallelism)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        let model = GRU4RecModel(hyperparameters: xe, catalog: synthetic.catalog, itemSupport: train.itemSupport(itemCount: items))
        try model.initialize(.uniform(seed: 1))
        // Parameters, Adagrad accumulators and momentum: three tables of the parameters' size.
        let parameterMB = Double(model.parameters.count * 4) / 1e6
        let dataMB = Double(train.eventCount * (4 + 8) + test.eventCount * (4 + 8)) / 1e6
        report["parameters_mb"] = parameterMB
        if !interactiveOnly {
            report["training_events_per_s"] = ["median": rate.median, "min": rate.min, "max": rate.max]
            report["training_peak_rss_mb"] = peakMB
            say(String(format: "training (XE, %d mini-batches x %d runs): %.0f events/s [%.0f, %.0f]", steps, repeats, rate.median, rate.min, rate.max))
            say(String(format: "peak memory after training: %.0f MB (parameters %.0f MB; with Adagrad and momentum state %.0f MB; data %.0f MB)",
                       peakMB, parameterMB, 3 * parameterMB, dataMB))
        }

        var options = EvaluationOptions()
        options.cutoffs = [20]
        options.listMetrics = false
        options.batchSize = EvaluationOptions.automaticBatchSize(items: items)
        if !interactiveOnly {
            let evaluation = Evaluator(model: model, parallelism: parallelism).evaluate(test, options: options)
            report["evaluation_events_per_s"] = Double(evaluation.events) / evaluation.seconds
            say(String(format: "evaluation (all %d items ranked): %.0f events/s over %d events", items, Double(evaluation.events) / evaluation.seconds, evaluation.events))
        }

        let path = saveModel ?? NSTemporaryDirectory() + "gru4rec-scale-\(getpid()).safetensors"
        defer { if saveModel == nil { try? FileManager.default.removeItem(atPath: path) } }
        try model.save(to: path)
        let (reloaded, opening) = try Self.timeOpening(path, parallelism: parallelism)
        report["model_load_ms"] = opening.loadMs
        report["model_mapped"] = reloaded.parameters.isMapped
        report["shell_start_ms"] = opening.startMs
        say(String(format: "model load (%.0f MB file, %@): %.1f ms; shell state and first 120x40 frame: %.1f ms", Double(reloaded.parameters.count * 4) / 1e6,
                   (reloaded.parameters.isMapped ? "mapped" : "copied") as NSString, opening.loadMs, opening.startMs))
        var state = opening.state

        // The floor of a click: reading the output weights (both cores, a streaming read).
        var wyRead = WyRead(reloaded, parallelism: parallelism)
        let readMs = wyRead.median(of: 9), wyBytes = Double(wyRead.bytes)
        report["stream_read_wy_ms"] = readMs
        report["memory_bandwidth_gb_per_s"] = wyBytes / readMs / 1e6
        say(String(format: "memory bandwidth: a streaming read of Wy (%.0f MB, 2 threads) takes %.2f ms (median of 9): %.1f GB/s; the 4-bit copy is an eighth of it",
                   wyBytes / 1e6, readMs, wyBytes / readMs / 1e6))
        let clicks = items >= 1_000_000 ? 300 : 2000
        let liveAll = liveLatency(reloaded, clicks: clicks, parallelism: parallelism)
        t0 = nowNanoseconds()
        let scorer = ScreenedScorer(model: reloaded, parallelism: parallelism)
        let screenBuildMs = Double(nowNanoseconds() - t0) / 1e6
        let live = liveLatency(reloaded, clicks: clicks, scorer: scorer, parallelism: parallelism)
        let click = shellClickAndFrame(reloaded, parallelism: parallelism)
        let clickInPlace = items >= ShellState.defaultDeferredScoringItems ? shellClickAndFrame(reloaded, inPlace: true, parallelism: parallelism) : nil
        report["live_click_ms"] = ["p50": live.0, "p99": live.1]
        report["live_click_all_scores_ms"] = ["p50": liveAll.0, "p99": liveAll.1]
        report["screening_build_ms"] = screenBuildMs
        report["screening_mb"] = Double(scorer?.memoryBytes ?? 0) / 1e6
        report["shell_click_ms"] = click.report
        if let clickInPlace { report["shell_click_in_place_ms"] = clickInPlace.report }
        say(String(format: "live click (GRU step + top-10 screened by the 4-bit copy, exact): p50 %.2f ms p99 %.2f ms; 4-bit copy built in %.0f ms, %.0f MB",
                   live.0, live.1, screenBuildMs, Double(scorer?.memoryBytes ?? 0) / 1e6))
        say(String(format: "live click (GRU step + all scores + top-10): p50 %.2f ms p99 %.2f ms", liveAll.0, liveAll.1))
        say(click.line(items: items))
        if items >= ShellState.defaultDeferredScoringItems {
            let during = shellClickDuringPass(reloaded, parallelism: parallelism)
            report["shell_click_during_pass_ms"] = ["p50": during.0, "p99": during.1]
            say(String(format: "  a click while the previous click's full pass still runs (sharing the cores with it): update p50 %.2f ms p99 %.2f ms", during.0, during.1))
        }
        if let clickInPlace {
            say("  the same clicks scored in place (the shell before deferring the full pass), baseline: " + clickInPlace.line(items: items))
            say(String(format: "  deferred / in place: update p50 %.2fx p99 %.2fx", click.update.0 / clickInPlace.update.0, click.update.1 / clickInPlace.update.1))
        }

        // Catalog filter: "/" then type three characters and erase them, twenty times.
        var keys: [Double] = []
        _ = Shell.update(&state, .input(.key(.character("/"))))
        for round in 0..<20 {
            for key in [Key.character(Character(String(1 + round % 9))), .character("2"), .character("3"), .backspace, .backspace, .backspace] {
                let t = nowNanoseconds()
                _ = Shell.update(&state, .input(.key(key)))
                keys.append(Double(nowNanoseconds() - t) / 1e6)
            }
        }
        let (keyP50, keyP99) = Self.p50p99(keys)
        report["filter_keystroke_ms"] = ["p50": keyP50, "p99": keyP99]
        say(String(format: "catalog filter keystroke: p50 %.2f ms p99 %.2f ms", keyP50, keyP99))

        let explain = explainLatency(reloaded, runs: items >= 1_000_000 ? 10 : 30, parallelism: parallelism)
        report["explain_ms"] = ["p50": explain.0, "p99": explain.1]
        say(String(format: "explain a suggestion after 20 clicks: p50 %.2f ms p99 %.2f ms", explain.0, explain.1))
        let clickExplained = shellClickWhileExplaining(reloaded, runs: items >= 1_000_000 ? 5 : 10, parallelism: parallelism)
        report["shell_click_explained_ms"] = Self.shellClickReport(clickExplained)
        say(Self.shellClickLine(items: items, clickExplained))
        report["load_average_end"] = load()
        say("load average (1, 5, 15 min): \(load())")
        if json {
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
        }
    }

    /// Loads the model at `path` and opens the shell's state on it with its first 120x40
    /// frame, timed (ms).
    static func timeOpening(_ path: String, parallelism: Parallelism) throws -> (GRU4RecModel, (loadMs: Double, startMs: Double, state: ShellState)) {
        var t0 = nowNanoseconds()
        let model = try GRU4RecModel.load(from: path).model
        let loadMs = Double(nowNanoseconds() - t0) / 1e6
        t0 = nowNanoseconds()
        let state = ShellState(model: LoadedModel(model: model, path: path), width: 120, height: 40, parallelism: parallelism)
        _ = Shell.render(state, width: 120, height: 40)
        return (model, (loadMs, Double(nowNanoseconds() - t0) / 1e6, state))
    }

    /// `--load-only`: a synthetic model of `items` items (XE settings, support from seeded
    /// synthetic sessions, uniform initialisation), saved, then loaded and opened in the
    /// shell's state `repeats` times (median, min, max).
    func scaleLoad(items: Int, parallelism: Parallelism) throws {
        var xe = Hyperparameters()
        try xe.apply(parameterString: "loss=cross-entropy,constrained_embedding=true,layers=100")
        let synthetic = SyntheticCatalog(items: items, seed: 1)
        let train = synthetic.sessions(events: 200_000, seed: 2)
        let model = GRU4RecModel(hyperparameters: xe, catalog: synthetic.catalog, itemSupport: train.itemSupport(itemCount: items))
        try model.initialize(.uniform(seed: 1))
        let path = saveModel ?? NSTemporaryDirectory() + "gru4rec-scale-\(getpid()).safetensors"
        defer { if saveModel == nil { try? FileManager.default.removeItem(atPath: path) } }
        try model.save(to: path)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        var loads: [Double] = [], starts: [Double] = [], mapped = false
        for _ in 0..<max(1, repeats) {
            let (reloaded, opening) = try Self.timeOpening(path, parallelism: parallelism)
            loads.append(opening.loadMs)
            starts.append(opening.startMs)
            mapped = reloaded.parameters.isMapped
        }
        let load = Self.stat(loads), start = Self.stat(starts)
        if json {
            let report: [String: Any] = ["items": items, "file_bytes": bytes, "model_mapped": mapped,
                                         "model_load_ms": ["median": load.median, "min": load.min, "max": load.max],
                                         "shell_start_ms": ["median": start.median, "min": start.min, "max": start.max]]
            print(String(decoding: try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
            return
        }
        print(String(format: "%d items, %.0f MB file (%@): model load %.1f ms [%.1f, %.1f]; shell state and first 120x40 frame %.1f ms [%.1f, %.1f] (%d runs)",
                     items, Double(bytes) / 1e6, (mapped ? "mapped" : "copied") as NSString, load.median, load.min, load.max,
                     start.median, start.min, start.max, loads.count))
    }

    /// Latency of explaining the top suggestion after a random 20-click session (p50, p99 in ms).
    func explainLatency(_ model: GRU4RecModel, runs: Int, parallelism: Parallelism) -> (Double, Double) {
        var rng = SeededGenerator(seed: 13)
        let live = LiveSession(model: model, parallelism: parallelism)
        var times: [Double] = []
        for _ in 0..<runs {
            let session = (0..<20).map { _ in rng.nextInt(below: model.itemCount) }
            _ = live.replay(session)
            let top = live.topK(1)[0].item
            let t = nowNanoseconds()
            _ = SuggestionExplanation(model: model, session: session, item: top, parallelism: parallelism)
            times.append(Double(nowNanoseconds() - t) / 1e6)
        }
        return Self.p50p99(times)
    }

    /// Latency of the shell's `explain 1` after a random 20-click session: the first (which
    /// computes the item-vector norms once per model), then p50 and p99 over the rest (ms).
    func shellExplainLatency(_ model: GRU4RecModel, runs: Int, parallelism: Parallelism) -> (Double, Double, Double) {
        var state = ShellState(model: LoadedModel(model: model, path: "bench"), width: 120, height: 40, parallelism: parallelism)
        var rng = SeededGenerator(seed: 17)
        var times: [Double] = []
        for _ in 0..<runs {
            _ = Shell.update(&state, .command("reset"))
            for _ in 0..<20 { _ = Shell.update(&state, .execute(.click(.index(rng.nextInt(below: model.itemCount))))) }
            let t = nowNanoseconds()
            _ = Shell.update(&state, .command("explain 1"))
            times.append(Double(nowNanoseconds() - t) / 1e6)
        }
        let first = times.removeFirst()
        guard !times.isEmpty else { return (first, first, first) }
        let (p50, p99) = Self.p50p99(times)
        return (first, p50, p99)
    }

    func syntheticData(items: Int, events: Int) -> (SessionData, ItemCatalog) {
        var rng = SeededGenerator(seed: 5)
        var s: [String] = [], i: [String] = [], t: [Double] = []
        var session = 0
        while s.count < events {
            let len = 2 + rng.nextInt(below: 6)
            for _ in 0..<len {
                // Zipf-like popularity.
                let u = Double(rng.nextUnitFloat())
                let item = min(items - 1, Int(pow(Double(items), u)) - 1)
                s.append("\(session)"); i.append("\(item)"); t.append(Double(s.count))
            }
            session += 1
        }
        let b = SessionData.build(sessionKeys: s, itemKeys: i, times: t, catalog: ItemCatalog(ids: (0..<items).map(String.init)))
        return (b.0, b.1)
    }

    func syntheticModel(items: Int, hidden: Int) throws -> GRU4RecModel {
        var hp = Hyperparameters()
        hp.layers = [hidden]
        let m = GRU4RecModel(hyperparameters: hp, catalog: ItemCatalog(ids: (0..<items).map(String.init)), itemSupport: [Int](repeating: 1, count: items))
        try m.initialize(.uniform(seed: 3))
        return m
    }
}
