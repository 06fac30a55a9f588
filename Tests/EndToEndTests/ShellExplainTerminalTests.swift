import Foundation
import GRU4Rec
import GRU4RecTestSupport
import Testing

/// The Explain view in a real terminal (tmux): `e` on a suggestion explains
/// it, `track` pins an item's rank in the Session pane.
@Suite(.enabled(if: Tmux.isInstalled, "tmux is not installed: end-to-end shell tests skipped (apt-get install tmux)"), .serialized)
struct ShellExplainTerminalTests {
    @Test func explainASuggestionAndTrackAnItem() async throws {
        let f = try ShellTerminalTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let tmux = try ShellTerminalTests().start(f, width: 120, height: 40)
        defer { tmux.kill() }
        try await tmux.waitFor("the first screen") { $0.contains("Catalog") && $0.contains("Suggestions") }
        for item in ["item3", "item5", "item8"] {
            try tmux.sendKeys(":")
            try tmux.sendLiteral("click " + item)
            try tmux.sendKeys("Enter")
        }
        try await tmux.waitFor("three clicks") { $0.contains("3 clicks") }

        // Focus the suggestions (catalog → session → suggestions), select one, explain it with e.
        try tmux.sendKeys("Tab", "Tab", "Down", "e")
        try await tmux.waitFor("the Explain view") { screen in
            screen.contains("Explain ·") && screen.contains("without") && screen.contains("moves it most")
        }
        let explained = try tmux.capture()
        #expect(explained.contains("= bias"), "the score split is shown")
        #expect(explained.contains("Similar"), "the neighbours are shown")

        // Track an item: a rank column and a sparkline row in the Session pane, the top-k crossings in the message.
        try tmux.sendKeys(":")
        try tmux.sendLiteral("track item7")
        try tmux.sendKeys("Enter")
        try await tmux.waitFor("the tracked item") { $0.contains("tracking") && $0.contains("T1") }
        // One more click adds a rank to the tracked column.
        try tmux.sendKeys(":")
        try tmux.sendLiteral("click item9")
        try tmux.sendKeys("Enter")
        try await tmux.waitFor("the fourth click") { $0.contains("4 clicks") }

        try tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}
