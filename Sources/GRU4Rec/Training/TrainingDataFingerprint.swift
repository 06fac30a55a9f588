import Foundation

/// What a training run was trained on, stored in its checkpoints so that `--resume`
/// with another file is refused instead of reading past the end of the data.
///
/// `events`, `sessions` and `hash` (FNV-1a style, one 64-bit word at a time, over the item index of every
/// event and the session boundaries, in training order) identify the data; `file` and
/// `bytes` (the file's name and size when the run started) are there to tell the user
/// which file the checkpoint belongs to.
public struct TrainingDataFingerprint: Codable, Equatable, Sendable {
    public var file: String?
    public var bytes: Int?
    public var events: Int
    public var sessions: Int
    public var hash: String

    public init(_ data: SessionData, file: String?) {
        self.file = file
        var info = stat()
        bytes = file.flatMap { stat($0, &info) == 0 ? Int(info.st_size) : nil }
        events = data.eventCount
        sessions = data.sessionCount
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) {
            h = (h ^ value) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
        }
        for item in data.items { mix(UInt64(UInt32(bitPattern: item))) }
        for offset in data.offsets { mix(UInt64(bitPattern: Int64(offset))) }
        hash = String(h, radix: 16)
    }

    /// Whether `other` describes the same data (the file's name and size may differ:
    /// a copy, or the same sessions compressed).
    public func matches(_ other: TrainingDataFingerprint) -> Bool {
        events == other.events && sessions == other.sessions && hash == other.hash
    }
}
