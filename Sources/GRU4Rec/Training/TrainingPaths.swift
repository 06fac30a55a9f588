/// The files a training run writes, all named after the model:
/// `MODEL.safetensors`, its log `MODEL.log.jsonl`, and while training the checkpoint
/// `MODEL.checkpoint.safetensors` with this run's log `MODEL.checkpoint.log.jsonl`.
public struct TrainingPaths: Equatable, Sendable {
    /// The model (ends in `.safetensors`).
    public var model: String
    public var checkpoint: String
    /// The model's log: its whole training history.
    public var log: String
    /// This run's records, which join ``log`` only when the model is saved (a failed
    /// or interrupted run leaves the model's log as it was).
    public var runLog: String

    public init(model: String) {
        self.model = model
        let base = model.hasSuffix(".safetensors") ? String(model.dropLast(".safetensors".count)) : model
        checkpoint = base + ".checkpoint.safetensors"
        log = TrainingLog.path(forModel: model)
        runLog = TrainingLog.path(forModel: checkpoint)
    }

    /// Every path the run may write.
    public var all: [String] { [model, checkpoint, log, runLog] }
}
