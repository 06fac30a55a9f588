import GRU4RecShell
import GRU4RecTestSupport
import Testing

/// Scripted mode: commands in, transcript and final screen out.
@Suite struct AppScriptTests {
    @Test func aScriptRunsCommandsAndEndsWithTheScreen() {
        let files = AppFixture.Files()
        let script = """
            # build a session
            click Red mug
            click Blue mug

            click Green mug
            topk 5
            save session.json
            """
        let result = Shell.runScript(
            lines: script.components(separatedBy: "\n"), state: AppFixture.state(), environment: AppFixture.environment(files: files))
        #expect(!result.failed)
        #expect(result.state.sessionItems.count == 3)
        #expect(files.written["session.json"] != nil)
        assertSnapshot(result.output, named: "App.script.120x40")
    }

    @Test func aFailingCommandMarksTheRunFailedAndTheRestStillRuns() {
        let lines = ["click Red mug", "click Red mgu", "bogus", "click Blue mug"]
        let result = Shell.runScript(
            lines: lines, state: AppFixture.state(), environment: AppFixture.environment(), width: 80, height: 24)
        #expect(result.failed)
        #expect(result.output.contains("error (line 2): unknown item 'Red mgu'; did you mean 'Red mug' (A1)?"))
        #expect(result.output.contains("error (line 3): unknown command 'bogus'"))
        #expect(result.state.sessionItems.count == 2)
        #expect(result.output.hasSuffix(Shell.render(result.state, width: 80, height: 24).text))
    }

    @Test func playRunsTheReplayToItsEndAndQuitStops() {
        let lines = ["replay S3", "play", "quit", "click Teapot"]
        let result = Shell.runScript(lines: lines, state: AppFixture.state(), environment: AppFixture.environment())
        #expect(!result.failed)
        #expect(result.state.replay.position == 6)
        #expect(!result.state.replay.playing)
        #expect(result.state.quitRequested)
        #expect(!result.output.contains("> click Teapot"))
    }
}

/// Preloaded commands (the shell's demo steps) are neither in the transcript nor counted.
@Suite struct AppScriptPreloadTests {
    @Test func errorsNameTheScriptsOwnLines() {
        let result = Shell.runScript(
            lines: ["click Red mug", "clik Blue mug"], preload: ["replay next", "step", "step", "step"],
            state: AppFixture.state(), environment: AppFixture.environment(), width: 80, height: 24)
        #expect(result.failed)
        #expect(result.output.hasPrefix("> click Red mug\n"))
        #expect(result.output.contains("error (line 2): unknown command 'clik'"))
        #expect(!result.output.contains("> replay next"))
        #expect(!result.output.contains("> step"))
        // The preload ran: the replay was there before the script's click detached it.
        #expect(result.state.replay.sessionIndex == 0)
    }

    @Test func anEmptyScriptIsFine() {
        let result = Shell.runScript(lines: [""], state: AppFixture.state(), environment: AppFixture.environment(), width: 80, height: 24)
        #expect(!result.failed)
        #expect(result.output.hasPrefix("\n\n"))
    }
}
