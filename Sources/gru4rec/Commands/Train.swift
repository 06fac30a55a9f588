import ArgumentParser
import Foundation
import GRU4Rec

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a GRU4Rec model on a session file.",
        discussion: """
        The input is tab-separated with a header (SessionId, ItemId, Time by default). Hyperparameters \
        use the reference implementation's names: as options (--batch-size, --n-sample, ...), or in \
        --params as a JSON file, the official code's Python parameter file (paramfiles/*.py: read as \
        data, never run; hidden_act, final_act and adapt mapped), or a key=value,key=value string \
        (layers written 100/100 there). \
        Options override --params.

        Beside the model it writes MODEL.log.jsonl (the training log, appended on continued training) \
        and, while training, MODEL.checkpoint.safetensors. Ctrl-C finishes the current mini-batch, \
        writes the checkpoint and prints how to resume.

        Example (the reference's RSC15 cross-entropy settings):
          gru4rec train train.tsv --output model.safetensors --valid valid.tsv \\
            --loss cross-entropy --layers 100 --batch-size 32 --dropout-p-hidden 0.4 \\
            --learning-rate 0.2 --momentum 0.2 --n-sample 2048 --sample-alpha 0.5 --logq 1 --epochs 10
        """)

    @Argument(help: "Training sessions (TSV, optionally gzip-compressed).") var train: String
    @Option(name: .shortAndLong, help: "Where to write the model (.safetensors).") var output: String
    @Option(help: "Validation sessions: Recall@K and MRR@K after each epoch.") var valid: String?
    @Option(help: "Hyperparameters: a JSON file, the official code's Python parameter file (paramfiles/*.py, read as data), a file of key=value lines, or a 'k=v,k=v' string.") var params: String?
    @OptionGroup var hyper: HyperparameterOptions
    @Option(help: "Number of epochs (reference: n_epochs).") var epochs: Int?
    @Option(help: "Seed for initialisation, dropout and sampling (runs are bit-reproducible).") var seed: UInt64?
    @Flag(name: .customLong("stop-early"), help: "Stop when validation MRR@K stops improving (needs --valid).") var stopEarly = false
    @Option(help: "Epochs without improvement before stopping early.") var patience = 2
    @Option(name: .customLong("min-improvement"), help: "Smallest MRR@K gain that counts as improvement.") var minImprovement = 0.0
    @Option(help: "Keep the 'best' epoch (by validation MRR@K) or the 'last'.") var keep: KeepPolicy = .last
    @Option(help: "Cutoff K for validation metrics.") var cutoff = 20
    @Option(help: "Continue training this model on the new data (new items get fresh rows).") var from: String?
    @Flag(help: "Resume from OUTPUT's checkpoint (MODEL.checkpoint.safetensors).") var resume = false
    @Option(name: .customLong("init-embeddings"), help: "Initial item vectors, word2vec/GloVe text format: 'itemId v1 v2 ...'.") var initEmbeddings: String?
    @Option(name: .customLong("log-every"), help: "Write a log record every N mini-batches.") var logEvery = 100
    @OptionGroup var threading: ThreadOptions
    @OptionGroup var columns: ColumnOptions

    enum KeepPolicy: String, ExpressibleByArgument { case best, last }

    func validate() throws {
        if stopEarly && valid == nil { throw ValidationError("--stop-early needs --valid FILE") }
        if keep == .best && valid == nil { throw ValidationError("--keep best needs --valid FILE") }
        if resume && from != nil { throw ValidationError("use either --resume or --from, not both") }
        if !output.hasSuffix(".safetensors") { throw ValidationError("--output should end in .safetensors (got '\(output)')") }
    }

    func run() throws {
        try reportingErrors { try runTraining() }
    }

    func hyperparameters(base: Hyperparameters) throws -> Hyperparameters {
        var hp = base
        if let params { try ParameterFile.apply(params, to: &hp) }
        try hyper.apply(to: &hp)
        if let epochs { hp.nEpochs = epochs }
        if let seed { hp.seed = seed }
        try hp.validate()
        return hp
    }

    func runTraining() throws {
        threading.apply()
        Interrupt.install()
        let checkpointPath = String(output.dropLast(".safetensors".count)) + ".checkpoint.safetensors"
        let logPath = TrainingLog.path(forModel: output)
        // This run's records wait beside the checkpoint; they join the model's log only
        // when the model is saved (a failed run leaves the model's log as it was).
        let runLogPath = TrainingLog.path(forModel: checkpointPath)
        try checkOutputPaths([output, checkpointPath, logPath, runLogPath])

        // Model and data.
        var model: GRU4RecModel
        var trainer: Trainer
        var best: ParameterStore? = nil
        var extras: [String: Double] = [:]
        var facts = TrainingFacts()
        let data: SessionData
        if resume {
            guard FileManager.default.fileExists(atPath: checkpointPath) else {
                throw CommandFailure(message: "no checkpoint at \(checkpointPath) to resume from\n  hint: train without --resume, or check --output")
            }
            // Read, not mapped: training rewrites every parameter for hours, on the huge
            // pages of an allocated store rather than copied-on-write 4 KB file pages.
            let loaded = try GRU4RecModel.load(from: checkpointPath, mapping: false)
            model = loaded.model
            facts = loaded.facts
            try model.hyperparameters.checkMemory(itemCount: model.itemCount, training: true)
            data = try loadTraining(catalog: model.catalog)
            trainer = try makeTrainer(model: model, data: data)
            (best, extras) = try trainer.restoreCheckpoint(from: loaded.file)
            printError("resuming from \(checkpointPath): \(trainer.completedEpochs) epoch(s) done\(trainer.epochInProgress ? ", continuing epoch \(trainer.completedEpochs + 1)" : "")")
        } else if let from {
            let old = try GRU4RecModel.load(from: from)
            let hp = try hyperparameters(base: old.model.hyperparameters)
            guard hp.layers == old.model.layers, hp.inputMode == old.model.inputMode, hp.embedding == old.model.hyperparameters.embedding || hp.inputMode != .separate else {
                throw CommandFailure(message: "--from keeps the model's architecture (layers \(old.model.layers), \(old.model.inputMode.rawValue) input); do not change layers/embedding")
            }
            var catalog = old.model.catalog
            let loadedData = try columns.load(train, catalog: nil)
            for id in loadedData.catalog.ids { catalog.insert(id) }
            let rebuilt = try columns.load(train, catalog: catalog)
            data = rebuilt.data
            let support = data.itemSupport(itemCount: catalog.count)
            try hp.checkMemory(itemCount: catalog.count, training: true)
            model = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: support)
            try model.initialize(.uniform(seed: hp.seed))
            copyKnownRows(from: old.model, into: model)
            facts = old.facts
            printError("continuing \(from): \(old.model.itemCount) known items, \(catalog.count - old.model.itemCount) new")
            trainer = try makeTrainer(model: model, data: data)
        } else {
            let loaded = try columns.load(train, catalog: nil)
            data = loaded.data
            let hp = try hyperparameters(base: Hyperparameters())
            try hp.checkMemory(itemCount: loaded.catalog.count, training: true)
            model = GRU4RecModel(hyperparameters: hp, catalog: loaded.catalog, itemSupport: data.itemSupport(itemCount: loaded.catalog.count))
            try model.initialize(.uniform(seed: hp.seed))
            trainer = try makeTrainer(model: model, data: data)
        }
        if let initEmbeddings, !resume { try loadEmbeddings(initEmbeddings, into: model) }
        let hp = model.hyperparameters
        let validData = try valid.map { try columns.load($0, catalog: model.catalog).data }

        printError("training on \(train): \(data.eventCount) events, \(data.sessionCount) sessions, \(model.itemCount) items, \(data.transitionCount) predicted events per epoch")
        printError("hyperparameters: " + hp.asDictionary.map { "\($0)=\($1)" }.joined(separator: " "))
        if !resume || !FileManager.default.fileExists(atPath: runLogPath) {
            try? FileManager.default.removeItem(atPath: runLogPath)
            var hpDict: [String: String] = [:]
            for (k, v) in hp.asDictionary { hpDict[k] = v }
            try TrainingLog.append([.start(time: TrainingLog.timestamp(), trainFile: train, events: data.transitionCount,
                                           sessions: data.sessionCount, items: model.itemCount, hyperparameters: hpDict)], to: runLogPath)
        }

        let progress = ProgressReporter()
        var bestScore = extras["best_score"] ?? -1
        var bestEpoch = Int(extras["best_epoch"] ?? 0)
        var sinceBest = Int(extras["since_best"] ?? 0)
        let key = "mrr@\(cutoff)"
        while trainer.completedEpochs < hp.nEpochs {
            let epoch = trainer.completedEpochs + 1
            var pending: [TrainingLogRecord] = []
            let summary = try trainer.runEpoch(reportEvery: max(1, logEvery), shouldStop: { Interrupt.requested }) { p in
                progress.update(label: "epoch \(p.epoch)/\(hp.nEpochs)", done: p.events, total: p.totalEvents,
                                detail: String(format: "loss %.4f  %.0f ev/s", p.recentLoss, p.eventsPerSecond), elapsed: p.elapsed)
                pending.append(.batch(epoch: p.epoch, batch: p.batches, events: p.events, loss: p.meanLoss, recentLoss: p.recentLoss,
                                      eventsPerSecond: p.eventsPerSecond, elapsed: p.elapsed))
                if pending.count >= 20 { try? TrainingLog.append(pending, to: runLogPath); pending.removeAll() }
            }
            try TrainingLog.append(pending, to: runLogPath)
            guard let summary else {
                extras = ["best_score": bestScore, "best_epoch": Double(bestEpoch), "since_best": Double(sinceBest)]
                try trainer.saveCheckpoint(to: checkpointPath, facts: facts, best: best, extras: extras)
                progress.finish("interrupted in epoch \(epoch): checkpoint written to \(checkpointPath)")
                printError("resume with: " + Self.resumeCommand(CommandLine.arguments))
                throw ExitCode(130)
            }
            var metrics: [String: Double] = [:]
            if let validData {
                var options = EvaluationOptions()
                options.cutoffs = [cutoff]
                options.listMetrics = false
                let r = Evaluator(model: model).evaluate(validData, options: options)
                metrics = ["recall@\(cutoff)": r.recall[cutoff] ?? 0, "mrr@\(cutoff)": r.mrr[cutoff] ?? 0]
            }
            try TrainingLog.append([.epoch(epoch: summary.epoch, loss: summary.meanLoss, events: summary.events, batches: summary.batches,
                                           seconds: summary.seconds, eventsPerSecond: summary.eventsPerSecond, validation: metrics)], to: runLogPath)
            var line = String(format: "epoch %d/%d  loss %.6f  %.1fs  %.0f events/s", summary.epoch, hp.nEpochs, summary.meanLoss, summary.seconds, summary.eventsPerSecond)
            if !metrics.isEmpty { line += String(format: "  recall@%d %.4f  mrr@%d %.4f", cutoff, metrics["recall@\(cutoff)"] ?? 0, cutoff, metrics[key] ?? 0) }
            progress.finish(line)
            facts.finalLoss = summary.meanLoss
            // The sum of the epochs' times (as the log has them), kept in every
            // checkpoint so that an interrupted and resumed run loses none.
            facts.trainingSeconds = (facts.trainingSeconds ?? 0) + summary.seconds
            if let score = metrics[key] {
                if score > bestScore + minImprovement || bestEpoch == 0 {
                    bestScore = max(score, bestScore); bestEpoch = summary.epoch; sinceBest = 0
                    if keep == .best { best = model.parameters.clone() }
                    facts.metrics = metrics
                } else { sinceBest += 1 }
                if keep == .last { facts.metrics = metrics }
            }
            extras = ["best_score": bestScore, "best_epoch": Double(bestEpoch), "since_best": Double(sinceBest)]
            try trainer.saveCheckpoint(to: checkpointPath, facts: facts, best: best, extras: extras)
            if stopEarly && sinceBest >= patience {
                printError("stopping early: no \(key) improvement for \(patience) epoch(s) (best \(String(format: "%.4f", bestScore)) at epoch \(bestEpoch))")
                break
            }
            if Interrupt.requested {
                printError("interrupted after epoch \(summary.epoch): checkpoint written to \(checkpointPath)")
                printError("resume with: " + Self.resumeCommand(CommandLine.arguments))
                throw ExitCode(130)
            }
        }
        var kept = trainer.completedEpochs
        if keep == .best, let best { model.parameters.copy(from: best); kept = bestEpoch }
        facts.trainFile = (train as NSString).lastPathComponent
        facts.validFile = valid.map { ($0 as NSString).lastPathComponent }
        facts.trainEvents = data.transitionCount
        facts.trainSessions = data.sessionCount
        facts.epochs = trainer.completedEpochs
        facts.log = (logPath as NSString).lastPathComponent
        facts.created = TrainingLog.timestamp()
        try model.save(to: output, facts: facts)
        try TrainingLog.append([.end(epochs: trainer.completedEpochs, keptEpoch: kept, time: TrainingLog.timestamp())], to: runLogPath)
        try TrainingLog.commitRun(from: runLogPath, to: logPath)
        try? FileManager.default.removeItem(atPath: checkpointPath)
        printError("saved \(output) (epoch \(kept) of \(trainer.completedEpochs)); log \(logPath)")
    }

    /// The command that resumes this run, as typed (every option kept, so
    /// `--params`, `--valid`, the columns and the stopping rules carry over),
    /// with `--from` dropped (the checkpoint already holds that model) and
    /// `--resume` added; quoted for a POSIX shell.
    static func resumeCommand(_ arguments: [String]) -> String {
        var words: [String] = []
        var k = 0
        while k < arguments.count {
            let a = arguments[k]
            if a == "--from" { k += 2; continue }
            if a.hasPrefix("--from=") { k += 1; continue }
            words.append(a)
            k += 1
        }
        if !words.contains("--resume") { words.append("--resume") }
        return words.map(shellQuoted).joined(separator: " ")
    }

    private func loadTraining(catalog: ItemCatalog) throws -> SessionData {
        let loaded = try columns.load(train, catalog: catalog)
        if loaded.data.droppedUnknownItems > 0 {
            throw InputError(path: train, message: "\(loaded.data.droppedUnknownItems) events have items the checkpoint does not know",
                             hint: "resume with the same training file the checkpoint was started on")
        }
        return loaded.data
    }

    /// Copies every known item's rows (Wy, By, E / GE.Wx0) and all dense tensors from `old`.
    private func copyKnownRows(from old: GRU4RecModel, into model: GRU4RecModel) {
        for spec in old.parameters.specs {
            let src = old.parameters.pointer(spec), dst = model.parameters[spec.name]
            if spec.update == .dense { dst.update(from: src, count: spec.count); continue }
            let len = spec.rowLength
            for (i, id) in old.catalog.ids.enumerated() {
                guard let j = model.catalog.index(of: id) else { continue }
                (dst + j * len).update(from: src + i * len, count: len)
            }
        }
    }

    /// Reads word2vec/GloVe text vectors into the input embedding (shared: Wy; separate: E).
    private func loadEmbeddings(_ path: String, into model: GRU4RecModel) throws {
        let name: String, dim: Int
        switch model.inputMode {
        case .shared: (name, dim) = ("Wy.weight", model.outputSize)
        case .separate: (name, dim) = ("E.weight", model.hyperparameters.embedding)
        case .oneHot: throw CommandFailure(message: "--init-embeddings needs shared (constrained) or separate embeddings; this model uses one-hot input")
        }
        let text = try readEmbeddingsText(path)
        let p = model.parameters[name]
        var found = 0, lineNo = 0
        // "\r\n" is one Character in Swift: split on both, so CRLF files read as lines.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNo += 1
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if parts.isEmpty { continue }
            if lineNo == 1 && parts.count == 2 && Int(parts[0]) != nil && Int(parts[1]) != nil {
                guard Int(parts[1]) == dim else {
                    throw InputError(path: path, line: 1, message: "vectors have size \(parts[1]) but the model's embedding has size \(dim)",
                                     hint: "train with \(model.inputMode == .shared ? "--layers \(parts[1])" : "--embedding \(parts[1])") or use vectors of size \(dim)")
                }
                continue
            }
            guard parts.count - 1 == dim else {
                throw InputError(path: path, line: lineNo, message: "expected an item id and \(dim) numbers, found \(parts.count - 1) numbers",
                                 hint: "the model's embedding size is \(dim)")
            }
            guard let item = model.catalog.index(of: String(parts[0])) else { continue }
            for k in 0..<dim {
                guard let v = Float(parts[k + 1]), v.isFinite else {
                    throw InputError(path: path, line: lineNo, message: "'\(truncatedForMessage(String(parts[k + 1])))' is not a finite number",
                                     hint: "every vector component must be a finite number (no nan or inf)")
                }
                p[item * dim + k] = v
            }
            found += 1
        }
        printError("initial embeddings: \(found) of \(model.itemCount) items found in \(path); the rest keep the default initialisation")
    }
}
