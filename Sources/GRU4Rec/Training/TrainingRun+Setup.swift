import Foundation

extension TrainingRun {
    /// How a run begins.
    public enum Start: Equatable, Sendable {
        /// A new model, initialised from the seed.
        case fresh
        /// Warm start: continue the model saved at this path on the training data. Known
        /// items keep their rows, new items get freshly initialised ones; the architecture
        /// (layers, input mode) must stay.
        case continuing(model: String)
        /// Resume the run whose checkpoint lies beside the output
        /// (``TrainingPaths/checkpoint``), on the same training data.
        case resume
    }

    /// How a run began, for the messages that say so.
    public enum Origin: Equatable, Sendable {
        case fresh
        case continued(from: String, knownItems: Int, newItems: Int)
        case resumed(completedEpochs: Int, midEpoch: Bool)
    }

    /// Prepares a run: builds or loads the model, loads the training and validation
    /// data against its items, restores a checkpoint (resume) and loads pretrained
    /// vectors (``loadInitialVectors(_:)``; not when resuming: the checkpoint holds them).
    ///
    /// - Parameter hyperparameters: applies the user's settings to the defaults (fresh)
    ///   or to the continued model's (warm start); not called when resuming, where the
    ///   checkpoint's settings hold.
    /// - Throws: ``TrainingError`` for a missing checkpoint or a warm start that changes
    ///   the architecture, `InputError` for data or vectors that do not fit,
    ///   ``HyperparameterError`` and `ResourceError` as the model's checks find them.
    public convenience init(_ start: Start, input: TrainingInput, paths: TrainingPaths, policy: TrainingPolicy,
                            parallelism: Parallelism, initialVectors: String? = nil,
                            hyperparameters: (Hyperparameters) throws -> Hyperparameters = { $0 }) throws {
        let model: GRU4RecModel, data: SessionData, origin: Origin
        var facts = TrainingFacts(), state = TrainingRunState(), best: ParameterStore? = nil
        let trainer: Trainer
        switch start {
        case .resume:
            guard FileManager.default.fileExists(atPath: paths.checkpoint) else { throw TrainingError.noCheckpoint(path: paths.checkpoint) }
            // Read, not mapped: training rewrites every parameter for hours, on the huge
            // pages of an allocated store rather than copied-on-write 4 KB file pages.
            let loaded = try GRU4RecModel.load(from: paths.checkpoint, mapping: false)
            model = loaded.model
            facts = loaded.facts
            try model.hyperparameters.checkMemory(itemCount: model.itemCount, training: true)
            let reloaded = try input.load(input.train, catalog: model.catalog).data
            if reloaded.droppedUnknownItems > 0 {
                throw InputError(path: input.train, message: "\(reloaded.droppedUnknownItems) events have items the checkpoint does not know",
                                 hint: "resume with the same training file the checkpoint was started on")
            }
            data = reloaded
            trainer = try Self.trainer(model: model, data: data, input: input, parallelism: parallelism)
            (best, state) = try trainer.restoreCheckpoint(from: loaded.file)
            origin = .resumed(completedEpochs: trainer.completedEpochs, midEpoch: trainer.epochInProgress)
        case .continuing(let path):
            let old = try GRU4RecModel.load(from: path)
            let hp = try hyperparameters(old.model.hyperparameters)
            guard hp.layers == old.model.layers, hp.inputMode == old.model.inputMode,
                  hp.embedding == old.model.hyperparameters.embedding || hp.inputMode != .separate else {
                throw TrainingError.architectureChanged(layers: old.model.layers, inputMode: old.model.inputMode)
            }
            var catalog = old.model.catalog
            for id in try input.load(input.train, catalog: nil).catalog.ids { catalog.insert(id) }
            data = try input.load(input.train, catalog: catalog).data
            try hp.checkMemory(itemCount: catalog.count, training: true)
            model = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
            try model.initialize(.uniform(seed: hp.seed))
            model.copyKnownRows(from: old.model)
            facts = old.facts
            origin = .continued(from: path, knownItems: old.model.itemCount, newItems: catalog.count - old.model.itemCount)
            trainer = try Self.trainer(model: model, data: data, input: input, parallelism: parallelism)
        case .fresh:
            let loaded = try input.load(input.train, catalog: nil)
            data = loaded.data
            let hp = try hyperparameters(Hyperparameters())
            try hp.checkMemory(itemCount: loaded.catalog.count, training: true)
            model = GRU4RecModel(hyperparameters: hp, catalog: loaded.catalog, itemSupport: data.itemSupport(itemCount: loaded.catalog.count))
            try model.initialize(.uniform(seed: hp.seed))
            origin = .fresh
            trainer = try Self.trainer(model: model, data: data, input: input, parallelism: parallelism)
        }
        var found: Int?
        if let initialVectors, start != .resume { found = try model.loadInitialVectors(initialVectors) }
        let validation = try input.valid.map { try input.load($0, catalog: model.catalog).data }
        self.init(trainer: trainer, validation: validation, input: input, paths: paths, policy: policy,
                  origin: origin, facts: facts, state: state, best: best)
        initialVectorsFound = found
    }

    /// A fresh run over a trainer already built on data in memory, without validation
    /// data or pretrained vectors (the benchmark times ``run(shouldStop:report:)`` so).
    package convenience init(trainer: Trainer, input: TrainingInput, paths: TrainingPaths, policy: TrainingPolicy) {
        self.init(trainer: trainer, validation: nil, input: input, paths: paths, policy: policy,
                  origin: .fresh, facts: TrainingFacts(), state: TrainingRunState(), best: nil)
    }

    /// A trainer for `data`; training data with no session of two events or more is an
    /// error naming the training file.
    static func trainer(model: GRU4RecModel, data: SessionData, input: TrainingInput, parallelism: Parallelism) throws -> Trainer {
        do {
            let trainer = try Trainer(model: model, data: data, parallelism: parallelism)
            trainer.trainingFile = input.train
            return trainer
        } catch TrainingError.noTransitions {
            throw InputError(path: input.train, message: "no session has two or more events (\(data.eventCount) events in "
                             + "\(data.sessionCount) sessions): there is nothing to learn from",
                             hint: "check --session-col and --item-col, and that sessions are not all of length 1")
        }
    }
}
