import Foundation
import GRU4Rec

/// How the model was trained: four line charts from the training log (loss
/// per epoch; the logged batches' loss, raw and smoothed; validation
/// Recall@K and MRR@K per epoch (other metrics only when the log has
/// neither); events/s per epoch) and a pane of facts, final metrics and
/// hyperparameters. Without a log the charts' place says why.
enum TrainingView {
    /// The series the charts show, pulled from the log's records in order
    /// (continued training appends epochs, so x is the epoch's position in
    /// the log).
    struct Curves: Equatable {
        var epochLoss: [Double] = []
        /// Loss per predicted event over the logged stretch of mini-batches.
        var batchLoss: [Double] = []
        /// The mini-batch each `batchLoss` value ends at, counted over the whole log.
        var batchNumbers: [Double] = []
        var validation: [(name: String, values: [Double])] = []
        var eventsPerSecond: [Double] = []

        static func == (a: Curves, b: Curves) -> Bool {
            a.epochLoss == b.epochLoss && a.batchLoss == b.batchLoss && a.batchNumbers == b.batchNumbers
                && a.eventsPerSecond == b.eventsPerSecond
                && a.validation.map(\.name) == b.validation.map(\.name) && a.validation.map(\.values) == b.validation.map(\.values)
        }

        init(_ records: [TrainingLogRecord]) {
            var epochs: [[String: Double]] = []
            var earlierBatches = 0  // mini-batches of the epochs before
            for record in records {
                switch record {
                case let .batch(_, batch, _, _, recent, _, _):
                    batchLoss.append(recent)
                    batchNumbers.append(Double(earlierBatches + batch))
                case let .epoch(_, loss, _, batches, _, eps, valid):
                    earlierBatches += batches
                    epochLoss.append(loss)
                    eventsPerSecond.append(eps)
                    epochs.append(valid)
                default:
                    break
                }
            }
            var keys = Set(epochs.flatMap(\.keys))
            let ranking = keys.filter { $0.hasPrefix("recall") || $0.hasPrefix("mrr") }
            if !ranking.isEmpty { keys = ranking }
            let names = keys.sorted { a, b in
                // recall before mrr before the rest, then by cutoff
                func order(_ n: String) -> Int { n.hasPrefix("recall") ? 0 : (n.hasPrefix("mrr") ? 1 : 2) }
                return order(a) != order(b) ? order(a) < order(b) : a < b
            }
            validation = names.map { name in (name, epochs.map { $0[name] ?? .nan }) }
        }
    }

    /// An exponential moving average (weight `alpha` on the newest value).
    static func smoothed(_ values: [Double], alpha: Double = 0.3) -> [Double] {
        var out: [Double] = []
        var average: Double?
        for v in values {
            guard v.isFinite else { out.append(.nan); continue }
            let next = average.map { $0 + alpha * (v - $0) } ?? v
            average = next
            out.append(next)
        }
        return out
    }

    static func drawCharts(_ state: ShellState, in rects: [Rect], into buffer: inout ScreenBuffer) {
        guard rects.count == 4 else { return }
        guard let log = state.loaded?.trainingLog else {
            let area = Rect(x: rects[0].x, y: rects[0].y, width: rects[1].maxX - rects[0].x, height: rects[2].maxY - rects[0].y)
            buffer.box(area, title: "Training curves", style: Theme.box)
            let note = state.loaded?.trainingLogNote ?? "no model loaded"
            let lines = [note, "gru4rec train writes it beside the model"]
            let inner = area.interior
            for (k, line) in lines.enumerated() {
                let text = ScreenBuffer.truncate(line, to: inner.width)
                buffer.put(text, x: inner.x + max(0, (inner.width - DisplayWidth.of(text)) / 2),
                           y: inner.y + inner.height / 2 - 1 + k, style: k == 0 ? Theme.plain : Theme.dim)
            }
            return
        }
        let curves = Curves(log)
        let colors = Theme.chartColors
        let epochs = Double(curves.epochLoss.count)
        let epochDomain: ClosedRange<Double>? = epochs >= 1 ? 1...max(1, epochs) : nil
        let charts: [(String, LineChart)] = [
            ("Loss per epoch", LineChart(series: [.init(name: "loss", values: curves.epochLoss, color: colors[0])],
                                         xDomain: epochDomain, xTitle: "epoch")),
            ("Batch loss", LineChart(series: [
                .init(name: "raw", values: curves.batchLoss, color: .grey(12)),
                .init(name: "smooth", values: smoothed(curves.batchLoss), color: colors[1]),
            ], xDomain: curves.batchNumbers.count > 1 ? curves.batchNumbers[0]...curves.batchNumbers[curves.batchNumbers.count - 1] : nil,
               xTitle: "batch")),
            ("Validation", LineChart(series: curves.validation.enumerated().map { k, s in
                .init(name: s.name, values: s.values, color: colors[(k + 2) % colors.count])
            }, xDomain: epochDomain, xTitle: "epoch")),
            ("Events/s per epoch", LineChart(series: [.init(name: "events/s", values: curves.eventsPerSecond, color: colors[4])],
                                             xDomain: epochDomain, xTitle: "epoch")),
        ]
        for (rect, (title, chart)) in zip(rects, charts) {
            buffer.box(rect, title: title, style: Theme.box)
            var styled = chart
            styled.axisStyle = Theme.dim
            styled.draw(into: &buffer, in: rect.interior)
        }
        if curves.validation.isEmpty, !curves.epochLoss.isEmpty { drawNoValidation(in: rects[2].interior, into: &buffer) }
    }

    /// Why the validation chart is empty: epochs were logged, none with
    /// validation figures (`gru4rec train` without `--valid`).
    static func drawNoValidation(in inner: Rect, into buffer: inout ScreenBuffer) {
        guard inner.width > 0, inner.height > 0 else { return }
        buffer.fill(inner, style: Theme.plain)
        let lines = ["no validation data:", "the model was trained", "without --valid"]
        let top = inner.y + max(0, (inner.height - lines.count) / 2)
        for (k, line) in lines.enumerated() where top + k < inner.maxY {
            let text = ScreenBuffer.truncate(line, to: inner.width)
            buffer.put(text, x: inner.x + max(0, (inner.width - DisplayWidth.of(text)) / 2), y: top + k, style: Theme.dim)
        }
    }

    /// The facts pane's lines: (key, value); a nil key is a section heading.
    static func factLines(_ loaded: LoadedModel) -> [(key: String?, value: String)] {
        let facts = loaded.facts
        let model = loaded.model
        var lines: [(String?, String)] = [
            ("model", loaded.name),
            ("file", loaded.path),
            ("items", grouped(model.itemCount)),
            ("layers", model.layers.map(String.init).joined(separator: "/")),
        ]
        if let f = facts.trainFile { lines.append(("trained on", f)) }
        if let e = facts.trainEvents {
            lines.append(("predicted events", grouped(e) + (facts.trainSessions.map { " · \(grouped($0)) sessions" } ?? "")))
        }
        if let e = facts.epochs {
            lines.append(("epochs", "\(e)" + (facts.trainingSeconds.map { String(format: " · %.1f s", $0) } ?? "")))
        }
        if let loss = Shell.finalLoss(loaded) { lines.append(("final loss", String(format: "%.4f", loss))) }
        for (name, value) in (facts.metrics ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append((name, String(format: "%.4f", value)))
        }
        if let created = facts.created { lines.append(("created", created)) }
        lines.append((nil, ""))
        lines.append((nil, "Hyperparameters"))
        for (key, value) in model.hyperparameters.asDictionary { lines.append((key, value)) }
        return lines
    }

    static func drawFacts(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        buffer.box(rect, title: "Model", focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0 else { return }
        guard let loaded = state.loaded else {
            buffer.put(fit("no model loaded", inner.width), x: inner.x, y: inner.y, style: Theme.dim)
            return
        }
        let lines = factLines(loaded)
        let offset = min(state.trainingOffset, max(0, lines.count - inner.height))
        let longestKey = lines.compactMap { $0.key.map { DisplayWidth.of($0) } }.max() ?? 0
        let keyWidth = min(longestKey, max(10, inner.width - 22))
        for (row, line) in lines.dropFirst(offset).prefix(inner.height).enumerated() {
            let y = inner.y + row
            if let key = line.key {
                buffer.put(fit(key, keyWidth), x: inner.x, y: y, style: Theme.dim)
                buffer.put(fit(line.value, inner.width - keyWidth - 1), x: inner.x + keyWidth + 1, y: y)
            } else {
                buffer.put(fit(line.value, inner.width), x: inner.x, y: y, style: Theme.title)
            }
        }
        if lines.count > inner.height {
            let more = "\(offset + 1)-\(min(lines.count, offset + inner.height))/\(lines.count) ↑↓"
            buffer.put(" " + more + " ", x: rect.maxX - DisplayWidth.of(more) - 3, y: rect.maxY - 1, style: Theme.dim)
        }
    }
}
