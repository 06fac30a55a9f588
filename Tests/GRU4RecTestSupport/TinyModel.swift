import GRU4Rec

/// A tiny, seeded, trained GRU4Rec model with readable item names, for shell
/// tests: 24 items in four themes, one GRU layer of 8 units (by default), trained for a
/// few epochs on 60 synthetic sessions so that rankings are not trivial.
///
/// Everything is deterministic: the sessions come from a seeded generator,
/// the model is initialised with `.uniform(seed: 1)` and trained with the
/// trainer's own seeded sampler. The training log is built from the real
/// epoch and batch losses and a real evaluation, but its timings (seconds,
/// events/s, elapsed) are made-up constants, because measured times would
/// change every run and break snapshots.
public struct TinyModel {
    /// The trained model.
    public let model: GRU4RecModel
    /// Training facts as a model file would carry them.
    public let facts: TrainingFacts
    /// The sessions it was trained on, indexed by the model's catalog.
    public let sessions: SessionData
    /// A display name per catalog index (same order as `model.catalog.ids`).
    public let itemNames: [String]
    /// A training log as `gru4rec train` would write it.
    public let log: [TrainingLogRecord]

    /// Item ids and display names. The catalog's index order is the order in
    /// which the synthetic sessions first use each id, not this order.
    public static let items: [(id: String, name: String)] = [
        ("A1", "Red mug"), ("A2", "Blue mug"), ("A3", "Green mug"),
        ("A4", "Mug rack"), ("A5", "Coaster set"), ("A6", "Tea towel"),
        ("B1", "Oolong tea"), ("B2", "抹茶 matcha"), ("B3", "Earl Grey"),
        ("B4", "Tea strainer"), ("B5", "Teapot"), ("B6", "Honey jar"),
        ("C1", "Notebook A5"), ("C2", "Fountain pen"), ("C3", "Ink bottle"),
        ("C4", "Pencil case"), ("C5", "Desk lamp"), ("C6", "Extra large hand-painted ceramic serving bowl"),
        ("D1", "Yoga mat"), ("D2", "Water bottle"), ("D3", "Gym bag"),
        ("D4", "Towel"), ("D5", "Skipping rope"), ("D6", "Foam roller"),
    ]

    /// The theme size: items `6t ..< 6t+6` of `items` form theme `t`.
    static let themeSize = 6

    /// Builds and trains the model (a few milliseconds).
    ///
    /// - Parameters:
    ///   - epochs: training epochs (0 leaves the seeded initial weights).
    ///   - layers: GRU layer sizes.
    public init(epochs: Int = 6, layers: [Int] = [8]) {
        let (keys, itemKeys, times) = Self.syntheticEvents()
        let (data, catalog) = SessionData.build(sessionKeys: keys, itemKeys: itemKeys, times: times, catalog: nil)
        var hp = Hyperparameters()
        hp.layers = layers
        hp.batchSize = 4
        hp.nSample = 8
        hp.learningRate = 0.1
        hp.nEpochs = epochs
        hp.seed = 7
        let model = GRU4RecModel(
            hyperparameters: hp, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
        do {
            try model.initialize(.uniform(seed: 1))
        } catch {
            preconditionFailure("uniform initialisation cannot fail: \(error)")
        }

        let byID = Dictionary(uniqueKeysWithValues: Self.items.map { ($0.id, $0.name) })
        itemNames = catalog.ids.map { byID[$0] ?? $0 }

        var log: [TrainingLogRecord] = [
            .start(
                time: "2026-01-01T00:00:00Z", trainFile: "tiny.tsv", events: data.eventCount,
                sessions: data.sessionCount, items: catalog.count,
                hyperparameters: Dictionary(hp.asDictionary, uniquingKeysWith: { a, _ in a })),
        ]
        var lastLoss = 0.0
        var metrics: [String: Double] = [:]
        if epochs > 0 {
            let trainer: Trainer
            do {
                trainer = try Trainer(model: model, data: data, parallelism: .tests)
            } catch {
                preconditionFailure("the tiny data has transitions: \(error)")
            }
            var options = EvaluationOptions()
            options.cutoffs = [5]
            options.listMetrics = false
            for epoch in 1...epochs {
                var batches: [TrainingProgress] = []
                let summary: EpochSummary?
                do {
                    summary = try trainer.runEpoch(reportEvery: 5, onProgress: { batches.append($0) })
                } catch {
                    preconditionFailure("tiny training failed: \(error)")
                }
                for b in batches {
                    // Timings are fixed so that the log (and every snapshot of it) is repeatable.
                    log.append(.batch(
                        epoch: epoch, batch: b.batches, events: b.events, loss: b.meanLoss, recentLoss: b.recentLoss,
                        eventsPerSecond: 9000 + Double(100 * b.batches), elapsed: 0.001 * Double(b.batches)))
                }
                let result = Evaluator(model: model, parallelism: .tests).evaluate(data, options: options)
                metrics = Dictionary(uniqueKeysWithValues: result.flatMetrics)
                lastLoss = summary?.meanLoss ?? .nan
                log.append(.epoch(
                    epoch: epoch, loss: lastLoss, events: summary?.events ?? 0, batches: summary?.batches ?? 0,
                    seconds: 0.02 + 0.001 * Double(epoch), eventsPerSecond: 10_000 + 400 * Double(epoch),
                    validation: metrics))
            }
            log.append(.end(epochs: epochs, keptEpoch: epochs, time: "2026-01-01T00:00:01Z"))
        }

        var facts = TrainingFacts()
        facts.trainFile = "tiny.tsv"
        facts.trainEvents = data.transitionCount
        facts.trainSessions = data.sessionCount
        facts.epochs = epochs
        facts.finalLoss = epochs > 0 ? lastLoss : nil
        facts.metrics = epochs > 0 ? metrics : nil
        facts.trainingSeconds = epochs > 0 ? 0.12 : nil
        facts.log = "tiny.log.jsonl"
        facts.created = "2026-01-01T00:00:01Z"

        self.model = model
        self.facts = facts
        self.sessions = data
        self.log = log
    }

    /// 60 sessions of 3 to 7 events. Each stays in one theme and mostly moves
    /// to the next item of the theme (wrapping), sometimes skips one, and now
    /// and then jumps to a random item of another theme. Session `s` is named
    /// `S<s+1>` and starts at time `100 * s`.
    static func syntheticEvents() -> (sessions: [String], items: [String], times: [Double]) {
        var rng = SeededGenerator(seed: 2024)
        var sessions: [String] = [], items: [String] = [], times: [Double] = []
        let themes = Self.items.count / themeSize
        for s in 0..<60 {
            let theme = rng.nextInt(below: themes)
            var position = rng.nextInt(below: themeSize)
            let length = 3 + rng.nextInt(below: 5)
            for e in 0..<length {
                let roll = rng.nextInt(below: 10)
                let item: Int
                if roll == 0 {
                    item = rng.nextInt(below: Self.items.count)
                } else {
                    item = theme * themeSize + position
                    position = (position + (roll < 8 ? 1 : 2)) % themeSize
                }
                sessions.append("S\(s + 1)")
                items.append(Self.items[item].id)
                times.append(Double(100 * s + e))
            }
        }
        return (sessions, items, times)
    }
}
