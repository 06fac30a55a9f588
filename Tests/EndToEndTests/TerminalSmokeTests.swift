import Foundation
import GRU4RecTestSupport
import Testing

/// The ncurses backend and the readline bridge, end to end: the hidden
/// `gru4rec __terminal-demo` mode runs in tmux and is driven like a user
/// would drive it.
@Suite(.enabled(if: Tmux.isInstalled, "tmux is not installed: end-to-end terminal tests skipped (apt-get install tmux)"))
struct TerminalSmokeTests {
    func startDemo(width: Int, height: Int, term: String = "tmux-256color", extra: [String: String] = [:]) throws -> Tmux {
        let binary = try #require(builtProductPath("gru4rec"), "the gru4rec executable was not built")
        // swift test runs with NO_COLOR=1; an empty value means colours on.
        var environment = ["INPUTRC": "/dev/null", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": ""]
        environment.merge(extra) { $1 }
        return try Tmux(
            width: width, height: height, command: "'\(binary)' __terminal-demo", term: term,
            environment: environment)
    }

    @Test func commandLineMouseResizeAndQuit() async throws {
        let history = FileManager.default.temporaryDirectory
            .appendingPathComponent("gru4rec-history-\(UUID().uuidString)").path
        defer { unlink(history) }
        let tmux = try startDemo(width: 100, height: 30, extra: ["GRU4REC_DEMO_HISTORY": history])
        defer { tmux.kill() }

        try await tmux.waitFor("the demo's first frame") { screen in
            screen.contains("terminal demo 100x30") && screen.contains("press : for the command line")
                && screen.contains("colours: twoFiftySix")
        }

        // Tab completion: "he" has one candidate.
        try tmux.sendLiteral(":he")
        try tmux.sendKeys("Tab")
        try await tmux.waitFor("\"help \" completed") { $0.split(separator: "\n").last == ": help" }
        #expect(try tmux.paneStatus().cursorX == 7)  // after ": help "
        try tmux.sendKeys("Enter")
        try await tmux.waitFor("the entered line") { screen in
            let lines = screen.split(separator: "\n")
            return screen.contains("entered:") && lines.contains { $0.hasSuffix(" help" + String(repeating: " ", count: 57) + "│") }
                && lines.last == ":"
        }

        // History: Up recalls the line; Ctrl-U clears it.
        try tmux.sendKeys("Up")
        try await tmux.waitFor("the recalled line") { $0.split(separator: "\n").last == ": help" }
        try tmux.sendKeys("C-u")
        try await tmux.waitFor("the cleared line") { $0.split(separator: "\n").last == ":" }

        // An ambiguous prefix lists the candidates.
        try tmux.sendLiteral("qu")
        try tmux.sendKeys("Tab")
        try await tmux.waitFor("the candidates") { screen in
            screen.contains("completions: query  quit") && screen.split(separator: "\n").last == ": qu"
        }

        // A mouse click in the X10 protocol (TERM=tmux-256color).
        try tmux.sendHex(Tmux.mouseClickX10(column: 10, row: 5))
        try await tmux.waitFor("the echoed click") { $0.contains("last event: mouse click x=10 y=5") }

        // Resize: the box follows the new size.
        try tmux.resize(width: 80, height: 24)
        let resized = try await tmux.waitFor("the reflowed box") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 24 && lines[0].hasPrefix("┌─ terminal demo 80x24 ")
                && lines[0].hasSuffix("┐") && lines[0].count == 80
                && lines[22].hasPrefix("└") && lines[22].hasSuffix("┘") && lines[22].count == 80
                && screen.contains("last event: resize 80x24")
        }
        #expect(resized.contains("completions: query  quit"))

        // Finish "quit" and run it.
        try tmux.sendLiteral("i")
        try tmux.sendKeys("Tab")
        try await tmux.waitFor("\"quit \" completed") { $0.split(separator: "\n").last == ": quit" }
        try tmux.sendKeys("Enter")
        #expect(try await tmux.waitForExit() == 0)

        let saved = try String(contentsOfFile: history, encoding: .utf8)
        #expect(saved.split(separator: "\n") == ["help ", "quit "])  // as accepted, completion space included
    }

    @Test func sgrMouseNoColorAndQuitKey() async throws {
        let tmux = try startDemo(width: 60, height: 20, term: "xterm-256color", extra: ["NO_COLOR": "1"])
        defer { tmux.kill() }
        try await tmux.waitFor("the demo's first frame without colours") { screen in
            // Without colours the heat map shows shade glyphs and sign markers.
            screen.contains("terminal demo 60x20") && screen.contains("colours: none") && screen.contains("█+")
                && screen.contains("█-")
        }
        try tmux.sendHex(Tmux.mouseClickSGR(column: 42, row: 7))
        try await tmux.waitFor("the echoed click") { $0.contains("last event: mouse click x=42 y=7") }
        try tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}
