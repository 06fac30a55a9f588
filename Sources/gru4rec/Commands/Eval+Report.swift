import ArgumentParser
import Foundation
import GRU4Rec

/// What `eval` prints: tables, JSON objects and the per-event TSV.
extension Eval {
    /// Facts about a comparison that the core value does not hold.
    struct ComparisonContext {
        var a: String, b: String
        var shared: SharedCatalog
        /// Test events dropped because A does not know their item.
        var droppedByA: Int
        /// Further events dropped because B does not know their item.
        var droppedByB: Int
        var bootstrapSeconds: Double
    }

    func jsonText(_ object: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self)
    }

    /// The overall figures as flat `name@k` keys (the format `eval --json` always had).
    func resultObject(_ result: EvaluationResult, name: String) -> [String: Any] {
        var o: [String: Any] = ["events": result.events, "dropped": result.dropped, "sessions": result.sessions,
                                "mode": result.mode.rawValue, "model": name, "seconds": result.seconds]
        for (k, v) in result.flatMetrics { o[k] = v }
        return o
    }

    /// `{dimension: {slice: {"events": n, "recall@K": x, "mrr@K": y, "ndcg@K": z}}}`.
    func breakdownsObject(_ breakdowns: [EvaluationBreakdown]) -> [String: Any] {
        var out: [String: Any] = [:]
        for b in breakdowns {
            var slices: [String: Any] = [:]
            for s in b.slices {
                var o: [String: Any] = ["events": s.events]
                for (c, k) in b.cutoffs.enumerated() {
                    o["recall@\(k)"] = s.recall[c]
                    o["mrr@\(k)"] = s.mrr[c]
                    o["ndcg@\(k)"] = s.ndcg[c]
                }
                slices[s.label] = o
            }
            out[b.dimension.rawValue] = slices
        }
        return out
    }

    func metricsTable(_ result: EvaluationResult) -> String {
        let rows = result.cutoffs.map { k in
            [String(k)] + [result.recall[k], result.mrr[k], result.ndcg[k], result.coverage[k], result.popularity[k]]
                .map { $0.map { String(format: "%.4f", $0) } ?? "-" }
        }
        return formatTable(header: ["K", "Recall@K", "MRR@K", "NDCG@K", "Coverage@K", "Popularity@K"], rows: rows, rightAlign: Set(0...5))
    }

    /// One row per slice: events, share of events, Recall@K and MRR@K at every cutoff.
    func breakdownTable(_ b: EvaluationBreakdown) -> String {
        let total = max(1, b.slices.reduce(0) { $0 + $1.events })
        let header = [b.dimension.rawValue, "events", "share"] + b.cutoffs.map { "Recall@\($0)" } + b.cutoffs.map { "MRR@\($0)" }
        let rows = b.slices.map { s in
            [s.label, String(s.events), String(format: "%.1f%%", 100 * Double(s.events) / Double(total))]
                + (s.recall + s.mrr).map { s.events == 0 ? "-" : String(format: "%.4f", $0) }
        }
        return "by \(b.dimension.rawValue)\n" + formatTable(header: header, rows: rows, rightAlign: Set(1..<header.count))
    }

    /// The per-event TSV: a header, then one row per record in test file order.
    func ranksTable(_ records: EvaluationRecords, data: SessionData, catalog: ItemCatalog) -> String {
        var header = ["SessionId", "Position", "InputItem", "TargetItem", "Rank", "Score"]
        header += (0..<records.topCount).map { "Top\($0 + 1)" }
        var text = header.joined(separator: "\t") + "\n"
        text.reserveCapacity(records.count * (48 + 8 * records.topCount))
        for e in records.fileOrder(in: data) {
            text += data.sessionIDs[Int(records.session[e])]
            text += "\t\(records.position[e])\t"
            text += catalog.ids[Int(records.input[e])]
            text += "\t"
            text += catalog.ids[Int(records.target[e])]
            text += "\t" + formatCompact(records.rank[e]) + "\t\(records.score[e])"
            for t in 0..<records.topCount {
                text += "\t"
                text += catalog.ids[Int(records.topItems[e * records.topCount + t])]
            }
            text += "\n"
        }
        return text
    }

    func comparisonObject(_ c: PairedComparison, _ context: ComparisonContext) -> [String: Any] {
        var metrics: [String: Any] = [:]
        for m in c.metrics {
            metrics[m.name] = ["a": m.a, "b": m.b, "difference": m.difference, "low": m.low, "high": m.high]
        }
        let events = Double(max(c.events, 1))
        return [
            "mode": mode.rawValue, "events": c.events, "sessions": c.sessions, "metrics": metrics,
            "better": Double(c.better) / events, "worse": Double(c.worse) / events, "equal": Double(c.equal) / events,
            "items": ["a": context.shared.countA, "b": context.shared.countB, "shared": context.shared.sharedCount],
            "dropped": ["unknownToA": context.droppedByA, "unknownToB": context.droppedByB],
            "bootstrap": ["resamples": c.resamples, "seed": c.seed, "confidence": c.confidence, "seconds": context.bootstrapSeconds],
        ]
    }

    func comparisonText(_ c: PairedComparison, _ context: ComparisonContext) -> String {
        let shared = context.shared
        var lines = [
            "A = \(context.a), B = \(context.b) on \(test): \(c.events) events in \(c.sessions) sessions, \(mode.rawValue) ties",
            "items: A \(shared.countA), B \(shared.countB), both \(shared.sharedCount); dropped events: \(context.droppedByA) (item unknown to A), \(context.droppedByB) (unknown to B)",
        ]
        let rows = c.metrics.map { m in
            [m.name, String(format: "%.4f", m.a), String(format: "%.4f", m.b), String(format: "%+.4f", m.difference),
             String(format: "[%+.4f, %+.4f]", m.low, m.high)]
        }
        lines.append(formatTable(header: ["metric", "A", "B", "B - A", "\(Int((c.confidence * 100).rounded()))% CI"], rows: rows, rightAlign: [1, 2, 3, 4]))
        let events = Double(max(c.events, 1))
        lines.append(String(format: "B ranks the target better for %.1f%% of events, worse for %.1f%%, the same for %.1f%%",
                            100 * Double(c.better) / events, 100 * Double(c.worse) / events, 100 * Double(c.equal) / events))
        lines.append(String(format: "paired bootstrap over sessions: %d resamples, seed %llu, %.2fs", c.resamples, c.seed, context.bootstrapSeconds))
        return lines.joined(separator: "\n")
    }
}
