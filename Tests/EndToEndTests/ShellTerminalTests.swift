import Foundation
import GRU4Rec
import GRU4RecTestSupport
import Testing

/// `gru4rec shell` in a real terminal (tmux): the command line with Tab
/// completion, a mouse click in the catalog, a resize, and quitting.
@Suite(.enabled(if: Tmux.isInstalled, "tmux is not installed: end-to-end shell tests skipped (apt-get install tmux)"), .serialized)
struct ShellTerminalTests {
    /// A small trained model with item names and sessions to replay, in a temporary folder.
    static func fixture() throws -> (dir: String, model: String, items: String, sessions: String) {
        let dir = TestPaths.temporaryDirectory("gru4rec-shell-e2e")
        let (data, catalog) = SyntheticSessions.make(sessions: 300, items: 25, seed: 5)
        var text = "SessionId\tItemId\tTime\n"
        for s in 0..<data.sessionCount { for e in data.offsets[s]..<data.offsets[s + 1] { text += "\(data.sessionIDs[s])\t\(catalog.ids[Int(data.items[e])])\t\(Int(data.times[e]))\n" } }
        try text.write(toFile: dir + "/sessions.tsv", atomically: true, encoding: .utf8)
        let colours = ["Red", "Blue", "Green", "Amber", "Ivory"]
        var items = "ItemId\tName\tSupport\n"
        for k in 0..<25 { items += "item\(k)\t\(colours[k % 5]) Mug No \(k)\t1\n" }
        try items.write(toFile: dir + "/items.tsv", atomically: true, encoding: .utf8)
        let r = try runGRU4Rec(["train", dir + "/sessions.tsv", "--output", dir + "/m.safetensors", "--layers", "16",
                                "--batch-size", "8", "--n-sample", "16", "--sample-store", "2000", "--epochs", "3"])
        #expect(r.code == 0, "\(r.err)")
        return (dir, dir + "/m.safetensors", dir + "/items.tsv", dir + "/sessions.tsv")
    }

    func start(_ f: (dir: String, model: String, items: String, sessions: String), width: Int, height: Int,
               environment extra: [String: String] = [:]) throws -> Tmux {
        let binary = try #require(builtProductPath("gru4rec"), "the gru4rec executable was not built")
        return try Tmux(width: width, height: height,
                        command: "'\(binary)' shell --model '\(f.model)' --items '\(f.items)' --sessions '\(f.sessions)' --preload 0",
                        term: "tmux-256color",
                        environment: ["INPUTRC": "/dev/null", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "", "HOME": f.dir]
                            .merging(extra) { $1 })
    }

    /// The command line's row (the second from the bottom).
    static func commandRow(_ screen: String) -> String {
        var rows = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while rows.last == "" { rows.removeLast() }  // the capture ends in a newline
        return rows.count >= 2 ? rows[rows.count - 2] : ""
    }

    @Test func historyOfTheLastRunAndEscape() async throws {
        let f = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let history = f.dir + "/history"
        try "topk 7\nfind mug\nview training\n".write(toFile: history, atomically: true, encoding: .utf8)
        let tmux = try start(f, width: 120, height: 40, environment: ["GRU4REC_HISTORY": history])
        defer { tmux.kill() }
        try await tmux.waitFor("the first screen") { $0.contains("Catalog") && $0.contains("Suggestions") }

        // Up recalls the last command of the previous run.
        try tmux.sendKeys(":")
        try await tmux.waitFor("the command line") { Self.commandRow($0).hasPrefix(":") && !Self.commandRow($0).hasPrefix(": command") }
        try tmux.sendKeys("Up")
        try await tmux.waitFor("the last command of the previous run") { Self.commandRow($0).hasPrefix(":view training") }

        // Escape closes the line; the next ':' starts an empty one (no stray ':').
        try tmux.sendKeys("Escape")
        try await tmux.waitFor("the command line closed") { Self.commandRow($0).hasPrefix(": command") }
        try tmux.sendKeys(":")
        try tmux.sendLiteral("topk 5")
        try await tmux.waitFor("the typed command") { Self.commandRow($0).hasPrefix(":topk 5") }
        try tmux.sendKeys("Enter")
        try await tmux.waitFor("the command's answer") { $0.contains("showing the top 5") }

        // Tab completion still works after Escape.
        try tmux.sendKeys(":")
        try tmux.sendLiteral("exc")
        try tmux.sendKeys("Tab")
        try await tmux.waitFor("the completed command") { Self.commandRow($0).hasPrefix(":exclude") }
        try tmux.sendKeys("Escape")
        try await tmux.waitFor("the command line closed") { Self.commandRow($0).hasPrefix(": command") }

        try tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
        // The file grew by this run's command; nothing was blanked.
        #expect(try String(contentsOfFile: history, encoding: .utf8) == "topk 7\nfind mug\nview training\ntopk 5\n")

        // The next run recalls it.
        let next = try start(f, width: 120, height: 40, environment: ["GRU4REC_HISTORY": history])
        defer { next.kill() }
        try await next.waitFor("the first screen") { $0.contains("Catalog") }
        try next.sendKeys(":")
        try await next.waitFor("the command line") { Self.commandRow($0).hasPrefix(":") && !Self.commandRow($0).hasPrefix(": command") }
        try next.sendKeys("Up")
        try await next.waitFor("the last command of the previous run") { Self.commandRow($0).hasPrefix(":topk 5") }
        try next.sendKeys("Escape", "q")
        #expect(try await next.waitForExit() == 0)
    }

    @Test func clickCompleteMouseResizeQuit() async throws {
        let f = try Self.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let tmux = try start(f, width: 120, height: 40)
        defer { tmux.kill() }
        try await tmux.waitFor("the first screen") { $0.contains("Catalog") && $0.contains("Suggestions") && $0.contains("Hidden state") }
        let before = try tmux.capture(colors: true)

        // The command line, with Tab completion of an item id (unique prefix) and Enter.
        try tmux.sendKeys(":")
        try tmux.sendLiteral("click item9")
        try tmux.sendKeys("Tab")
        try await tmux.waitFor("the completed command") { $0.contains("click item9") }
        try tmux.sendKeys("Enter")
        try await tmux.waitFor("the click in the session") { screen in
            screen.contains("Ivory Mug No 9") && screen.contains("1 click")
        }
        let afterClick = try tmux.capture(colors: true)
        #expect(afterClick != before, "the screen (heat map, suggestions) changed after the click")

        // A mouse click (X10 reports, TERM=tmux-256color) on a catalog row adds that item.
        let screen = try tmux.capture()
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let row = try #require(lines.firstIndex { $0.contains("Green Mug No 2") && $0.hasPrefix("┃") || $0.contains("Green Mug No 2") && $0.hasPrefix("│") },
                               "a catalog row for 'Green Mug No 2' is on screen:\n\(screen)")
        let column = try #require(lines[row].range(of: "Green Mug No 2").map { lines[row].distance(from: lines[row].startIndex, to: $0.lowerBound) })
        try tmux.sendHex(Tmux.mouseClickX10(column: column + 2, row: row))
        try await tmux.waitFor("the mouse-clicked item in the session") { $0.contains("2 clicks") }

        // Resize to the compact arrangement.
        try tmux.resize(width: 80, height: 24)
        try await tmux.waitFor("the compact layout") { screen in
            let rows = screen.split(separator: "\n")
            return rows.count <= 24 && rows.allSatisfy { $0.count <= 80 } && screen.contains("2 clicks")
        }
        try tmux.resize(width: 60, height: 15)
        try await tmux.waitFor("the too-small message") { $0.lowercased().contains("too small") }
        try tmux.resize(width: 120, height: 40)
        try await tmux.waitFor("the full layout again") { $0.contains("Catalog") && $0.contains("2 clicks") }

        try tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}
