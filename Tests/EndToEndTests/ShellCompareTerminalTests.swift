import Foundation
import GRU4Rec
import GRU4RecTestSupport
import Testing

/// `gru4rec shell --compare` in a real terminal (tmux): two models trained
/// here side by side, `replay all` with its figures, the Analysis view, and
/// `compare off`.
@Suite(.enabled(if: Tmux.isInstalled, "tmux is not installed: end-to-end shell tests skipped (apt-get install tmux)"), .serialized)
struct ShellCompareTerminalTests {
    /// Types a command line and Enter.
    func command(_ tmux: Tmux, _ line: String) throws {
        try tmux.sendKeys(":")
        try tmux.sendLiteral(line)
        try tmux.sendKeys("Enter")
    }

    @Test func compareTwoModelsReplayAllAndAnalysis() async throws {
        let f = try ShellTerminalTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let other = f.dir + "/other.safetensors"
        let trained = try runGRU4Rec(["train", f.sessions, "--output", other, "--layers", "8",
                                      "--batch-size", "8", "--n-sample", "16", "--sample-store", "2000", "--epochs", "1"])
        #expect(trained.code == 0, "\(trained.err)")
        let binary = try #require(builtProductPath("gru4rec"), "the gru4rec executable was not built")
        let tmux = try Tmux(
            width: 200, height: 60,
            command: "'\(binary)' shell --model '\(f.model)' --compare '\(other)' --items '\(f.items)' --sessions '\(f.sessions)' --preload 0",
            term: "tmux-256color",
            environment: ["INPUTRC": "/dev/null", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "NO_COLOR": "", "HOME": f.dir])
        defer { tmux.kill() }
        try await tmux.waitFor("the comparison") { $0.contains("comparing m (A) with other (B):") && $0.contains("items shared") }

        try command(tmux, "click item9")
        try await tmux.waitFor("both top-k lists with the overlap") { screen in
            screen.contains("overlap") && screen.contains("# A · m") && screen.contains("# B · other") && screen.contains("1 click")
        }

        try command(tmux, "replay all")
        try await tmux.waitFor("the figures of replay all") { $0.contains("replay all: Recall@10 0.") && $0.contains("Sessions, worst first") }
        try command(tmux, "replay worst")
        try await tmux.waitFor("the worst session opened") { $0.contains("#1 worst") }
        try tmux.sendKeys("Right", "Right")
        try await tmux.waitFor("running figures for both models") { $0.contains(" · B ") && $0.contains("predictions 1") }

        try tmux.sendKeys("F5")
        try await tmux.waitFor("the Analysis view") { $0.contains("By length") && $0.contains("By repeat") }

        try await tmux.waitFor("both models' slices") { $0.contains("A m vs B other on the") && $0.contains("  B ") }

        try tmux.sendKeys("F1")
        try await tmux.waitFor("the main view") { $0.contains("Catalog") }
        try command(tmux, "compare off")
        try await tmux.waitFor("the comparison stopped") { $0.contains("stopped comparing with other") && !$0.contains("overlap") }
        try tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}
