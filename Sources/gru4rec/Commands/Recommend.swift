import ArgumentParser
import Foundation
import GRU4Rec

struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recommend the next items after a session, or after every session of a file.",
        discussion: """
        Feeds the session's items to the model one by one (hidden state starts at zero) and prints \
        the top-k items by score (ties: the lower item index first). Unknown items are reported and \
        skipped. Item names come from --items, or from items.tsv beside the model when it exists.

        Batch mode (--sessions FILE): the top-k after the last event of every session in the file, \
        written to --output (or standard output) as TSV with a header, one row per session and \
        rank: SessionId, Rank, ItemId, Score; with --json, JSON Lines, one object per session.

        Examples:
          gru4rec recommend model.safetensors --session 214536502,214536506 -k 5
          gru4rec recommend demo-data/model.safetensors --session 85123A,22423 \\
            --exclude-seen
          gru4rec recommend model.safetensors --sessions test.tsv --output recs.tsv \\
            -k 20
        """)

    @Argument(help: "The model (.safetensors).") var model: String
    @Option(help: "Item ids of the session so far, in order, comma-separated.") var session: String?
    @Option(help: "Batch mode: a sessions file (TSV like the training data); recommends after each session.") var sessions: String?
    @Option(name: .shortAndLong, help: "Batch mode: where to write the recommendations (default: standard output).") var output: String?
    @Option(name: .shortAndLong, help: "How many items to recommend.") var k = 10
    @Flag(name: .customLong("exclude-seen"), help: "Do not recommend items already in the session.") var excludeSeen = false
    @Option(help: "Item names: TSV with ItemId and Name columns (default: items.tsv beside the model, if any).") var items: String?
    @Flag(help: "Print JSON (batch mode: JSON Lines) instead of a table.") var json = false
    @OptionGroup var columns: ColumnOptions
    @OptionGroup var threading: ThreadOptions

    func validate() throws {
        if session == nil && sessions == nil { throw ValidationError("give --session ID,ID,... or --sessions FILE") }
        if session != nil && sessions != nil { throw ValidationError("use either --session or --sessions, not both") }
        if output != nil && sessions == nil { throw ValidationError("--output is for batch mode (--sessions FILE)") }
        if k < 1 { throw ValidationError("-k must be at least 1, got \(k)") }
    }

    func run() throws {
        try reportingErrors { try recommend() }
    }

    func recommend() throws {
        let m = try GRU4RecModel.load(from: model).model
        let parallelism = threading.parallelism()
        let names: [String: String]? = try (items ?? ItemNamesFile.besideModel(model)).map { try ItemNamesFile.load(path: $0) }
        if let sessions {
            try batch(m, sessionsFile: sessions, parallelism: parallelism)
            return
        }
        // The same code path as gru4rec-serve (LiveSession.recommend).
        let ids = (session ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let answer = LiveSession(model: m, parallelism: parallelism).recommend(session: ids, k: k, excludeSeen: excludeSeen)
        for id in answer.unknown {
            let hint = closestMatch(id, in: m.catalog.ids).map { " (did you mean \($0)?)" } ?? ""
            printError("warning: item '\(clippedForMessage(id))' is not in the model; skipped\(hint)")
        }
        if answer.session.isEmpty { printError("warning: no known item in the session; recommending from a zero hidden state") }
        try requireFiniteScores(answer.items.map(\.score), model: model)
        if json {
            let o: [String: Any] = [
                "session": answer.session.map { m.catalog.ids[$0] }, "unknown": answer.unknown,
                "recommendations": answer.items.map { entry -> [String: Any] in
                    var row: [String: Any] = ["rank": entry.rank, "item": entry.id, "score": Double(entry.score)]
                    if let name = names?[entry.id] { row["name"] = name }
                    return row
                },
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
        } else {
            let rows = answer.items.map { entry -> [String] in
                [String(entry.rank), entry.id, String(format: "%.4f", entry.score)] + (names.map { [$0[entry.id] ?? ""] } ?? [])
            }
            print(formatTable(header: ["rank", "item", "score"] + (names == nil ? [] : ["name"]), rows: rows, rightAlign: [0, 2]))
        }
    }

    /// Batch mode: the top-k after every session of `sessionsFile`, written atomically.
    private func batch(_ m: GRU4RecModel, sessionsFile: String, parallelism: Parallelism) throws {
        let data = try columns.load(sessionsFile, catalog: m.catalog).data
        if data.droppedUnknownItems > 0 {
            printError("warning: \(data.droppedUnknownItems) events of \(sessionsFile) have items the model does not know; skipped")
        }
        let live = LiveSession(model: m, parallelism: parallelism)
        var out = json ? "" : "SessionId\tRank\tItemId\tScore\n"
        out.reserveCapacity(data.sessionCount * k * 24)
        for s in 0..<data.sessionCount {
            live.reset()
            for item in data.sessionItems(s) { live.feed(Int(item)) }
            let top = live.recommendation(k: k, excludeSeen: excludeSeen)
            try requireFiniteScores(top.map(\.score), model: model)
            let sid = data.sessionIDs[s]
            if json {
                let entries = top.map { "{\"id\":\(jsonString($0.id)),\"rank\":\($0.rank),\"score\":\($0.score)}" }
                out += "{\"session\":\(jsonString(sid)),\"items\":[\(entries.joined(separator: ","))]}\n"
            } else {
                for e in top { out += "\(sid)\t\(e.rank)\t\(e.id)\t\(e.score)\n" }
            }
        }
        if let output {
            try writeFileAtomically(Array(out.utf8), to: output)
            printError("wrote the top \(k) of \(data.sessionCount) sessions to \(output)")
        } else {
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
