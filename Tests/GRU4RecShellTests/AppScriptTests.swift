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
