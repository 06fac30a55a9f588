import Foundation
import GRU4Rec
import GRU4RecTestSupport
import Testing

/// Reading the hidden state in a real terminal (tmux): the arrows and
/// `unit 5` move the heat map's cursor and print the unit's values, F7
/// opens the Trajectory view, z switches it to the update gate, Esc clears
/// the cursor.
@Suite(.enabled(if: Tmux.isInstalled, "tmux is not installed: end-to-end shell tests skipped (apt-get install tmux)"), .serialized)
struct ShellHiddenTerminalTests {
    @Test func unitCursorAndTrajectory() async throws {
        let f = try ShellTerminalTests.fixture()
        defer { try? FileManager.default.removeItem(atPath: f.dir) }
        let tmux = try ShellTerminalTests().start(f, width: 120, height: 40)
        defer { tmux.kill() }
        try await tmux.waitFor("the first screen") { $0.contains("Catalog") && $0.contains("Hidden state") }
        for item in ["item3", "item5", "item8"] {
            try tmux.sendKeys(":")
            try tmux.sendLiteral("click " + item)
            try tmux.sendKeys("Enter")
        }
        try await tmux.waitFor("three clicks") { $0.contains("3 clicks") }

        // Focus the Hidden-state pane (catalog → session → suggestions → hidden); → twice: unit 1.
        try tmux.sendKeys("Tab", "Tab", "Tab", "Right", "Right")
        try await tmux.waitFor("the cursor on unit 1") { $0.contains("unit 1 · h ") && $0.contains("update · r ") }
        #expect(try tmux.capture().contains("[]"), "the cursor's cell is marked on the heat map")

        // unit 5 at the command line: the values in the message line and in the pane.
        try tmux.sendKeys(":")
        try tmux.sendLiteral("unit 5")
        try tmux.sendKeys("Enter")
        try await tmux.waitFor("unit 5") { $0.contains("unit 5 of layer 1/1: h ") && $0.contains("unit 5 · h ") }
        let pane = try tmux.capture()
        #expect(pane.contains("h Δh -1"), "the legend of the diverging scale")
        #expect(pane.contains("u5 "), "the unit's sparkline")

        // F7: the Trajectory view, units x clicks, with the cursor's row marked and the most changed units.
        try tmux.sendKeys("F7")
        try await tmux.waitFor("the Trajectory view") { screen in
            screen.contains("Trajectory · h") && screen.contains("clicks 1-3 of 3") && screen.contains("Most changed · click 3")
        }
        #expect(try tmux.capture().contains(">  5 "), "the cursor's unit row")
        try tmux.sendKeys("z")
        try await tmux.waitFor("the update gate") { $0.contains("Trajectory · z") && $0.contains("z 0 ") }
        try tmux.sendKeys("Escape")
        try await tmux.waitFor("the cursor cleared") { $0.contains("unit cursor cleared") }

        try tmux.sendKeys("q")
        #expect(try await tmux.waitForExit() == 0)
    }
}
