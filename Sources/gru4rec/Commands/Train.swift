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
            --learning-rate 0.2 --momentum 0.2 --n-sample 2048 --sample-alpha 0.5 \\
            --logq 1 --epochs 10
        """)

    @Argument(help: "Training sessions (TSV, optionally gzip-compressed).") var train: String
    @Option(name: .shortAndLong, help: "Where to write the model (.safetensors).") var output: String
    @Option(help: "Validation sessions: Recall@K and MRR@K after each epoch.") var valid: String?
    @Option(help: "Hyperparameters: a JSON file, the official code's Python parameter file (paramfiles/*.py, read as data), a file of key=value lines, or a 'k=v,k=v' string.") var params: String?
    @OptionGroup var hyper: HyperparameterOptions
    @Option(help: .hyperparameter("n_epochs")) var epochs: Int?
    @Option(help: .hyperparameter("seed")) var seed: UInt64?
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
        Interrupt.install()
        let paths = TrainingPaths(model: output)
        try checkOutputPaths(paths.all)
        let input = TrainingInput(train: train, valid: valid, columns: columns.columns, separator: try columns.separatorByte())
        var policy = TrainingPolicy()
        policy.cutoff = cutoff
        policy.stopEarly = stopEarly
        policy.patience = patience
        policy.minImprovement = minImprovement
        policy.keep = keep
        policy.logEvery = logEvery
        let start: TrainingRun.Start = resume ? .resume : from.map { .continuing(model: $0) } ?? .fresh
        let run = try TrainingRun(start, input: input, paths: paths, policy: policy, parallelism: threading.parallelism(),
                                  initialVectors: initEmbeddings,
                                  hyperparameters: hyperparameters(base:))
        let model = run.model, hp = model.hyperparameters
        switch run.origin {
        case .fresh: break
        case let .resumed(epochs, midEpoch):
            printError("resuming from \(paths.checkpoint): \(epochs) epoch(s) done\(midEpoch ? ", continuing epoch \(epochs + 1)" : "")")
        case let .continued(path, known, new):
            printError("continuing \(path): \(known) known items, \(new) new")
        }
        if let found = run.initialVectorsFound, let initEmbeddings {
            printError("initial embeddings: \(found) of \(model.itemCount) items found in \(initEmbeddings); the rest keep the default initialisation")
        }
        let data = run.data
        printError("training on \(train): \(data.eventCount) events, \(data.sessionCount) sessions, \(model.itemCount) items, \(data.transitionCount) predicted events per epoch")
        printError("hyperparameters: " + hp.asDictionary.map { "\($0)=\($1)" }.joined(separator: " "))

        let progress = ProgressReporter()
        let outcome = try run.run(shouldStop: { Interrupt.requested }) { event in
            switch event {
            case .progress(let p):
                progress.update(label: "epoch \(p.epoch)/\(hp.nEpochs)", done: p.events, total: p.totalEvents,
                                detail: String(format: "loss %.4f  %.0f ev/s", p.recentLoss, p.eventsPerSecond), elapsed: p.elapsed)
            case let .epochFinished(summary, metrics):
                var line = String(format: "epoch %d/%d  loss %.6f  %.1fs  %.0f events/s", summary.epoch, hp.nEpochs, summary.meanLoss,
                                  summary.seconds, summary.eventsPerSecond)
                if !metrics.isEmpty {
                    line += String(format: "  recall@%d %.4f  mrr@%d %.4f", cutoff, metrics["recall@\(cutoff)"] ?? 0, cutoff, metrics[policy.scoreKey] ?? 0)
                }
                progress.finish(line)
            case let .stoppingEarly(key, patience, bestScore, bestEpoch):
                printError("stopping early: no \(key) improvement for \(patience) epoch(s) (best \(String(format: "%.4f", bestScore)) at epoch \(bestEpoch))")
            }
        }
        switch outcome {
        case let .saved(kept, epochs):
            printError("saved \(output) (epoch \(kept) of \(epochs)); log \(paths.log)")
        case let .interrupted(epoch, midEpoch):
            if midEpoch {
                progress.finish("interrupted in epoch \(epoch): checkpoint written to \(paths.checkpoint)")
            } else {
                printError("interrupted after epoch \(epoch): checkpoint written to \(paths.checkpoint)")
            }
            printError("resume with: " + Self.resumeCommand(CommandLine.arguments))
            throw ExitCode(130)
        }
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
}
