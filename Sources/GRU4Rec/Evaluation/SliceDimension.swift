/// A way to cut the evaluated events into slices (`gru4rec eval --by ...`).
///
/// Every event falls in exactly one slice of each dimension:
/// - `length`: the length of its session in the evaluated data (events of items the
///   model does not know are dropped first): 2, 3, 4, 5-6, 7-10, 11-20, 21+;
/// - `position`: the record's position (1 = predicting the second event from the first):
///   1, 2, 3, 4, 5-9, 10+;
/// - `popularity`: the target's training popularity tier (``PopularityTiers``):
///   head, torso, tail;
/// - `repeat`: `repeat` when the target already occurred earlier in the session (the
///   current input included), else `new`.
public enum SliceDimension: String, CaseIterable, Sendable, Codable {
    case length, position, popularity
    case `repeat`

    /// The slice labels, in display order.
    public var labels: [String] {
        switch self {
        case .length: return ["2", "3", "4", "5-6", "7-10", "11-20", "21+"]
        case .position: return ["1", "2", "3", "4", "5-9", "10+"]
        case .popularity: return PopularityTiers.labels
        case .repeat: return ["repeat", "new"]
        }
    }

    /// Slice index (into `labels`) of a session length (at least 2 for a session with events).
    public static func lengthSlice(_ length: Int) -> Int {
        switch length {
        case ...2: return 0
        case 3: return 1
        case 4: return 2
        case 5...6: return 3
        case 7...10: return 4
        case 11...20: return 5
        default: return 6
        }
    }

    /// Slice index of a 1-based position.
    public static func positionSlice(_ position: Int) -> Int {
        switch position {
        case ...1: return 0
        case 2: return 1
        case 3: return 2
        case 4: return 3
        case 5...9: return 4
        default: return 5
        }
    }

    /// `true` when the record's target occurs among the session's events up to and including its input.
    public static func isRepeat(record e: Int, _ records: EvaluationRecords, in data: SessionData) -> Bool {
        let start = data.offsets[Int(records.session[e])]
        let target = records.target[e]
        for k in start..<(start + Int(records.position[e])) where data.items[k] == target { return true }
        return false
    }

    /// The slice index of every record.
    ///
    /// - Parameters:
    ///   - data: the sessions that were evaluated (the records' session ordinals and positions index it).
    ///   - tiers: the popularity tiers of the scorer's catalog (needed for `popularity` only).
    public func assign(_ records: EvaluationRecords, data: SessionData, tiers: PopularityTiers) -> [Int] {
        (0..<records.count).map { e in
            switch self {
            case .length: return Self.lengthSlice(data.sessionLength(Int(records.session[e])))
            case .position: return Self.positionSlice(Int(records.position[e]))
            case .popularity: return tiers.tier(of: Int(records.target[e]))
            case .repeat: return Self.isRepeat(record: e, records, in: data) ? 0 : 1
            }
        }
    }
}
