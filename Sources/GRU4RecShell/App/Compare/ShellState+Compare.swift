import GRU4Rec

/// Comparing two models: `compare <file>` / `compare off`, B following A's
/// session, and B's rank of every replayed target. Called only from `Shell.update`.
extension ShellState {
    mutating func compareCommand(_ path: String?) -> [ShellEffect] {
        guard loaded != nil else {
            fail(CommandTable.noModel)
            return []
        }
        guard let path else {
            guard let c = compared else {
                fail("no model is being compared", hint: "compare <model.safetensors> loads one")
                return []
            }
            compared = nil
            replay.ranksB = [:]
            inform("stopped comparing with \(c.loaded.name)")
            return []
        }
        return [.loadComparison(path: path)]
    }

    mutating func comparisonLoaded(path: String, _ result: Result<LoadedModel, ShellFailure>) {
        guard let a = loaded else { return }
        switch result {
        case .failure(let failure):
            fail(failure)
        case .success(let b):
            do {
                var c = try ComparedModel(b, against: a.model.catalog, parallelism: parallelism)
                c.follow(trace.items, topK: topK, excludeSessionItems: excludeSessionItems)
                compared = c
                replay.ranksB = [:]
                let s = c.shared
                var text = "comparing \(a.name) (A) with \(b.name) (B): \(grouped(s.sharedCount)) items shared"
                if s.countA > s.sharedCount { text += ", \(grouped(s.countA - s.sharedCount)) only in A" }
                if s.countB > s.sharedCount { text += ", \(grouped(s.countB - s.sharedCount)) only in B" }
                inform(text)
            } catch {
                fail("cannot compare with \(path): \(error)", hint: "compare models trained on data with the same item ids")
            }
        }
    }

    /// Keeps B on A's session and K (after every message).
    mutating func syncComparison() {
        guard var c = compared else { return }
        compared = nil  // keep B's engine uniquely owned while it changes
        c.follow(trace.items, topK: topK, excludeSessionItems: excludeSessionItems)
        compared = c
    }

    /// Records B's rank of the replayed target `item` (A's index) before it is
    /// fed: an item B does not know counts as a miss for B.
    mutating func recordComparedRank(of item: Int, at key: ReplayKey) {
        guard let c = compared, !c.trace.scores.isEmpty else { return }
        replay.ranksB[key] = c.rank(ofA: item) ?? .infinity
    }
}
