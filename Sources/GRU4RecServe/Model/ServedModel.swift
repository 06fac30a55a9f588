import Foundation
import GRU4Rec

/// One loaded model as the server uses it: the model, its training facts, the
/// neighbour searches (row norms computed once) and a pool of live sessions.
///
/// Immutable once built; a reload builds a new one and swaps it in
/// (``ModelSlot``), while requests that hold this one finish on it.
public final class ServedModel: @unchecked Sendable {
    public let model: GRU4RecModel
    public let facts: TrainingFacts
    /// The file it was read from.
    public let path: String
    /// 1 for the model loaded at start, +1 for each successful reload.
    public let generation: Int
    /// When it was loaded (ISO 8601, UTC).
    public let loadedAt: String
    /// Neighbour searches by the vectors the model has.
    let neighbours: [ItemVectors: ItemNeighbours]
    let sessions: LiveSessionPool

    public init(model: GRU4RecModel, facts: TrainingFacts, path: String, generation: Int, loadedAt: Date = Date()) throws {
        self.model = model
        self.facts = facts
        self.path = path
        self.generation = generation
        self.loadedAt = ISO8601DateFormatter().string(from: loadedAt)
        var neighbours: [ItemVectors: ItemNeighbours] = [:]
        for v in ItemNeighbours.available(for: model) { neighbours[v] = try ItemNeighbours(model: model, vectors: v) }
        self.neighbours = neighbours
        sessions = LiveSessionPool(model: model)
    }

    /// Reads a model file.
    public static func load(path: String, generation: Int) throws -> ServedModel {
        // Read, not mapped: the server outlives its file, and an operator may copy a new
        // model over it in place before a reload (a failed reload keeps this model).
        let loaded = try GRU4RecModel.load(from: path, mapping: false)
        return try ServedModel(model: loaded.model, facts: loaded.facts, path: path, generation: generation)
    }
}
