import Foundation
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// The interactive loop (`ShellLoop`) driven through the in-memory terminal:
/// painting, the line editor's routing, Escape, the auto-play timer, quitting.
@Suite struct AppLoopTests {
    func loop(_ terminal: MemoryTerminal, files: AppFixture.Files = AppFixture.Files()) -> ShellLoop {
        ShellLoop(state: AppFixture.state(width: terminal.width, height: terminal.height),
                  environment: AppFixture.environment(files: files), terminal: terminal)
    }

    @Test func aCommandTypedIntoTheBackendsLineEditorRuns() {
        let terminal = MemoryTerminal()
        terminal.type(.character(":"))
        terminal.type("topk 4")
        terminal.type(.enter, .character("q"))
        let shell = loop(terminal)
        shell.run()
        #expect(shell.state.topK == 4)
        #expect(shell.state.quitRequested)
        #expect(!shell.lineEditing && !terminal.isEditingLine)
        // A frame per input at least, the last one before q showing the result.
        #expect(terminal.frames.count >= 9)
        #expect(terminal.screen.contains("showing the top 4"))
    }

    @Test func escapeEndsLineEditingSoTheNextColonStartsAnEmptyLine() {
        let terminal = MemoryTerminal()
        terminal.type(.character(":"), .escape, .character(":"))
        terminal.type("topk 5")
        terminal.type(.enter)
        let shell = loop(terminal)
        shell.run()
        #expect(shell.state.notice?.text == "showing the top 5")
        #expect(shell.state.topK == 5)
        #expect(!terminal.frames.contains { $0.contains("::") })
    }

    @Test func withoutABackendEditorTheShellsOwnEditorTakesTheKeys() {
        let terminal = MemoryTerminal(lineEditor: false)
        terminal.type(.character(":"))
        terminal.type("click Red")
        terminal.type(.tab, .enter)
        let shell = loop(terminal)
        shell.run()
        #expect(shell.state.sessionItems == [shell.state.item(named: "Red mug")])
    }

    @Test func playStepsOnTheBackendsClockUntilTheSessionEnds() {
        let terminal = MemoryTerminal(idleReadsBeforeClose: 40)
        let shell = loop(terminal)
        terminal.type(.character(":"))
        terminal.type("speed 100")
        terminal.type(.enter, .character(":"))
        terminal.type("replay S3")
        terminal.type(.enter, .character(" "))
        shell.run()
        #expect(shell.state.replay.position == 6)
        #expect(!shell.state.replay.playing)
        #expect(shell.timerInterval == nil)
        // Six steps a tenth of a second apart, read from the backend's clock.
        #expect(terminal.clock >= 0.6)
    }

    @Test func startupCommandsAndFileEffectsGoThroughTheDriver() {
        let files = AppFixture.Files()
        let terminal = MemoryTerminal(width: 80, height: 24)
        terminal.type(.character(":"))
        terminal.type("save out.json")
        terminal.type(.enter)
        let shell = loop(terminal, files: files)
        shell.run(startup: ["click Red mug", "click Blue mug"])
        #expect(files.written["out.json"] != nil)
        #expect(shell.state.notice?.text == "saved the session (2 clicks) to out.json")
        #expect(terminal.screen.split(separator: "\n").count <= 24)
    }

    @Test func aResizeReachesTheLayout() {
        let terminal = MemoryTerminal()
        terminal.send(.resize(width: 70, height: 20))
        let shell = loop(terminal)
        shell.run()
        #expect(shell.state.width == 70)
        #expect(terminal.screen.contains("terminal too small"))
    }

    @Test func theDriverCollectsNoticesOfAnswersToo() {
        var driver = ShellDriver(state: AppFixture.state(), environment: AppFixture.environment())
        let runtime = driver.send(.command("load other/m.safetensors"))
        #expect(runtime.isEmpty)
        let notices = driver.takeNotices().map(\.text)
        #expect(notices == ["loaded m: 24 items, layers 8; 60 sessions from other/test.tsv"])
        #expect(driver.takeNotices().isEmpty)
        #expect(driver.send(.command("replay S3")) == [])
        #expect(driver.send(.command("play")) == [.startTimer(intervalMilliseconds: driver.state.replay.speedMilliseconds)])
        #expect(driver.send(.lineCancelled) == [.stopLineEditing])
    }
}
