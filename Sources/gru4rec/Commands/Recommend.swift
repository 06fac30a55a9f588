import ArgumentParser
import Foundation
import GRU4Rec

struct Recommend: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recommend the next items after a session.",
        discussion: """
        Feeds the session's items to the model one by one (hidden state starts at zero) and prints \
        the top-k items by score. Unknown items are reported and skipped.

        Example:
          gru4rec recommend model.safetensors --session 214536502,214536506 -k 5
        """)

    @Argument(help: "The model (.safetensors).") var model: String
    @Option(help: "Item ids of the session so far, in order, comma-separated.") var session: String
    @Option(name: .shortAndLong, help: "How many items to recommend.") var k = 10
    @Flag(name: .customLong("exclude-seen"), help: "Do not recommend items already in the session.") var excludeSeen = false
    @Flag(help: "Print JSON instead of a table.") var json = false

    func run() throws {
        try reportingErrors { try recommend() }
    }

    func recommend() throws {
        guard k > 0 else { throw CommandFailure(message: "-k must be at least 1", code: 2) }
        let m = try GRU4RecModel.load(from: model).model
        let ids = session.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let answer = LiveSession(model: m).recommend(session: ids, k: k, excludeSeen: excludeSeen)
        for id in answer.unknown {
            let hint = closestMatch(id, in: m.catalog.ids).map { " (did you mean \($0)?)" } ?? ""
            printError("warning: item '\(id)' is not in the model; skipped\(hint)")
        }
        if answer.session.isEmpty { printError("warning: no known item in the session; recommending from a zero hidden state") }
        if json {
            let o: [String: Any] = [
                "session": answer.session.map { m.catalog.ids[$0] }, "unknown": answer.unknown,
                "recommendations": answer.items.map { ["rank": $0.rank, "item": $0.id, "score": Double($0.score)] },
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .prettyPrinted]), as: UTF8.self))
        } else {
            let rows = answer.items.map { [String($0.rank), $0.id, String(format: "%.4f", $0.score)] }
            print(formatTable(header: ["rank", "item", "score"], rows: rows, rightAlign: [0, 2]))
        }
    }
}
