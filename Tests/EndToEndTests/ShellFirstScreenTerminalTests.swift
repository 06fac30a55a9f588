import Foundation
import GRU4RecTestSupport
import Testing

/// What `make run` opens on, in a real terminal (tmux): the demo model's
/// showcase session with the Explain view open, the same screen that
/// scripted mode prints (and the README shows).
@Suite(.enabled(if: Tmux.isInstalled, "tmux is not installed: end-to-end shell tests skipped (apt-get install tmux)"), .serialized)
struct ShellFirstScreenTerminalTests {
    @Test func theDemoOpensOnTheShowcaseWithExplainOpenAsInScriptMode() async throws {
        let binary = try #require(builtProductPath("gru4rec"), "the gru4rec executable was not built")
        let model = TestPaths.packageRoot + "/demo-data/model.safetensors"
        let dir = TestPaths.temporaryDirectory("gru4rec-first-screen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = dir + "/empty.txt"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let scripted = try runGRU4Rec(["shell", "--model", model, "--width", "120", "--height", "40", "--script", empty])
        #expect(scripted.code == 0, "\(scripted.err)")

        let tmux = try Tmux(width: 120, height: 40, command: "'\(binary)' shell --model '\(model)'",
                            environment: ["INPUTRC": "/dev/null", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "1", "HOME": dir])
        defer { tmux.kill() }
        let screen = try await tmux.waitFor("the showcase with Explain open", timeout: .seconds(20)) {
            $0.contains("showcase: session") && $0.contains("Explain ·") && $0.contains("without")
        }
        // The panes and the message line (all but the command and status lines) are the scripted screen's.
        func rows(_ text: String) -> [String] {
            var lines = text.components(separatedBy: "\n").map { line in
                String(line.reversed().drop { $0 == " " }.reversed())
            }
            while lines.first == "" { lines.removeFirst() }
            return Array(lines.prefix(38))
        }
        #expect(rows(screen) == rows(scripted.out), "the terminal:\n\(screen)\nscripted:\n\(scripted.out)")
        try tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}
