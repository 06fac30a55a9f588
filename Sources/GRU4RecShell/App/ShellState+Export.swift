import Foundation
import GRU4Rec

extension ShellState {
    /// The session as JSON for `save`: the model, the settings, and for every
    /// click its item, the rank it had before the click (standard ties; null
    /// for the first) and the top-k after it, each with score and softmax
    /// probability. The steps are re-fed on a separate live session so that
    /// every step's suggestions use the current top-k and exclude settings.
    func sessionReport() -> [String: Any] {
        guard let loaded, let directory else { return [:] }
        let live = LiveSession(model: loaded.model, parallelism: parallelism)
        var trace = SessionTrace()
        var steps: [[String: Any]] = []
        for item in self.trace.items {
            trace.record(live.feed(item), scoresAfter: live.scores())
            let excluded = excludeSessionItems ? Set(trace.items) : []
            let top = SessionTrace.top(topK, of: trace.scores, excluding: excluded)
            let suggestions: [[String: Any]] = top.enumerated().map { place, entry in
                [
                    "place": place + 1, "item": directory.ids[entry.item], "name": directory.names[entry.item],
                    "score": Self.rounded(Double(entry.score)),
                    "probability": Self.rounded(exp(Double(entry.score) - trace.logSumExp)),
                ]
            }
            let rank = trace.steps.last?.rankBefore
            steps.append([
                "step": steps.count + 1, "item": directory.ids[item], "name": directory.names[item],
                "rank_before": rank.map { $0 as Any } ?? NSNull(),
                "hit": rank.map { ($0 <= Double(topK)) as Any } ?? NSNull(),
                "suggestions": suggestions,
            ])
        }
        return [
            "model": loaded.path, "items": loaded.model.itemCount, "top_k": topK,
            "exclude_session_items": excludeSessionItems, "rank_ties": "standard", "steps": steps,
        ]
    }

    /// `sessionReport()` as pretty-printed JSON with sorted keys.
    func sessionReportJSON() -> [UInt8]? {
        guard let data = try? JSONSerialization.data(
            withJSONObject: sessionReport(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return nil }
        return Array(data) + [10]
    }

    /// Six significant digits, so the JSON does not carry float noise.
    static func rounded(_ x: Double) -> Double {
        guard x.isFinite else { return 0 }
        return Double(String(format: "%.6g", x)) ?? x
    }
}
