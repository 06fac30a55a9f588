import Foundation

/// One record of a training log (JSON Lines, one object per line, key `type`):
///
///     {"type":"start","time":"2026-11-23T10:00:00Z","train_file":"train.tsv","events":52484,"sessions":17794,"items":2933,"hyperparameters":{...}}
///     {"type":"batch","epoch":1,"batch":100,"events":3200,"loss":7.1,"recent_loss":6.9,"events_per_s":41000,"elapsed":0.08}
///     {"type":"epoch","epoch":1,"loss":6.2,"events":52484,"batches":1700,"seconds":1.3,"events_per_s":40000,"valid":{"recall@20":0.55,"mrr@20":0.21}}
///     {"type":"end","epochs":3,"kept_epoch":3,"time":"..."}
///
/// The log sits beside the model (`MODEL.safetensors` -> `MODEL.log.jsonl`).
/// Continued training appends to it, so it is the model's whole history. While a run
/// trains, its records go to the checkpoint's log (`MODEL.checkpoint.log.jsonl`) and
/// join the model's log only when the model is saved (``TrainingLog/commitRun(from:to:)``),
/// so a run that fails or is interrupted adds nothing to the history of the saved model.
public enum TrainingLogRecord: Equatable, Sendable {
    case start(time: String, trainFile: String, events: Int, sessions: Int, items: Int, hyperparameters: [String: String])
    case batch(epoch: Int, batch: Int, events: Int, loss: Double, recentLoss: Double, eventsPerSecond: Double, elapsed: Double)
    case epoch(epoch: Int, loss: Double, events: Int, batches: Int, seconds: Double, eventsPerSecond: Double, validation: [String: Double])
    case end(epochs: Int, keptEpoch: Int, time: String)

    /// The JSON object of this record.
    public var jsonObject: [String: Any] {
        switch self {
        case let .start(time, file, events, sessions, items, hp):
            return ["type": "start", "time": time, "train_file": file, "events": events, "sessions": sessions, "items": items, "hyperparameters": hp]
        case let .batch(e, b, ev, loss, recent, eps, elapsed):
            return ["type": "batch", "epoch": e, "batch": b, "events": ev, "loss": loss, "recent_loss": recent, "events_per_s": eps, "elapsed": elapsed]
        case let .epoch(e, loss, ev, b, s, eps, valid):
            var o: [String: Any] = ["type": "epoch", "epoch": e, "loss": loss, "events": ev, "batches": b, "seconds": s, "events_per_s": eps]
            if !valid.isEmpty { o["valid"] = valid }
            return o
        case let .end(epochs, kept, time):
            return ["type": "end", "epochs": epochs, "kept_epoch": kept, "time": time]
        }
    }

    /// One line of JSON (no newline).
    public var jsonLine: String { jsonString(jsonObject) }

    /// Parses one line; nil for unknown record types (newer writers may add some).
    public init?(jsonLine line: String) throws {
        guard let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let type = o["type"] as? String else {
            throw TrainingLogError.malformed
        }
        func int(_ k: String) -> Int { (o[k] as? NSNumber)?.intValue ?? 0 }
        func dbl(_ k: String) -> Double { (o[k] as? NSNumber)?.doubleValue ?? .nan }
        func str(_ k: String) -> String { o[k] as? String ?? "" }
        switch type {
        case "start":
            self = .start(time: str("time"), trainFile: str("train_file"), events: int("events"), sessions: int("sessions"),
                          items: int("items"), hyperparameters: o["hyperparameters"] as? [String: String] ?? [:])
        case "batch":
            self = .batch(epoch: int("epoch"), batch: int("batch"), events: int("events"), loss: dbl("loss"),
                          recentLoss: dbl("recent_loss"), eventsPerSecond: dbl("events_per_s"), elapsed: dbl("elapsed"))
        case "epoch":
            var valid: [String: Double] = [:]
            for (k, v) in o["valid"] as? [String: Any] ?? [:] { if let n = v as? NSNumber { valid[k] = n.doubleValue } }
            self = .epoch(epoch: int("epoch"), loss: dbl("loss"), events: int("events"), batches: int("batches"),
                          seconds: dbl("seconds"), eventsPerSecond: dbl("events_per_s"), validation: valid)
        case "end":
            self = .end(epochs: int("epochs"), keptEpoch: int("kept_epoch"), time: str("time"))
        default:
            return nil
        }
    }
}

enum TrainingLogError: Error { case malformed }

public enum TrainingLog {
    /// The log path for a model path: `x.safetensors` -> `x.log.jsonl`.
    public static func path(forModel model: String) -> String {
        let base = model.hasSuffix(".safetensors") ? String(model.dropLast(".safetensors".count)) : model
        return base + ".log.jsonl"
    }

    /// Reads every record; a malformed line is an ``InputError`` with its line number.
    public static func read(path: String) throws -> [TrainingLogRecord] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: "cannot read the training log", hint: "logs are written beside the model by `gru4rec train`")
        }
        var out: [TrainingLogRecord] = []
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for (k, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            do {
                if let r = try TrainingLogRecord(jsonLine: text) { out.append(r) }
            } catch {
                // A last line without its newline was cut by a crash or a full disk
                // while it was written: the records before it are the history.
                if k == lines.count - 1 { break }
                throw InputError(path: path, line: k + 1, message: "not a JSON object with a 'type' key", hint: "the log is JSON Lines written by `gru4rec train`")
            }
        }
        return out
    }

    /// Appends records as lines (creating the file). Each call writes whole lines with one write.
    public static func append(_ records: [TrainingLogRecord], to path: String) throws {
        try appendBytes(Array(records.map { $0.jsonLine + "\n" }.joined().utf8), to: path)
    }

    /// Appends `bytes` to the file at `path` (created if missing) with one write.
    private static func appendBytes(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw InputError(path: path, message: "cannot open the training log for writing: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else {
            throw InputError(path: path, message: "could not write the training log: \(String(cString: strerror(errno)))")
        }
    }

    /// Appends the records of a finished run (the file at `runPath`, written beside the
    /// checkpoint while training) to the model's log at `path`, in one write, and removes
    /// the run's file. Records of a run whose model was never saved stay out of the
    /// model's log. A cut last line of the run's file is left out.
    public static func commitRun(from runPath: String, to path: String) throws {
        guard var bytes = FileManager.default.contents(atPath: runPath).map(Array.init) else { return }
        // Whole lines only, copied as they are (records of types this version does not know included).
        while let last = bytes.last, last != UInt8(ascii: "\n") { bytes.removeLast() }
        if !bytes.isEmpty { try appendBytes(bytes, to: path) }
        try? FileManager.default.removeItem(atPath: runPath)
    }

    /// The current time as ISO 8601 (UTC).
    public static func timestamp() -> String { ISO8601DateFormatter().string(from: Date()) }
}
