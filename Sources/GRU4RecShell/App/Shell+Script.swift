import Foundation

extension Shell {
    /// What a script run produced.
    public struct ScriptResult {
        /// The state after the last command.
        public var state: ShellState
        /// A transcript (each command after "> ", then its messages, errors
        /// marked "error (line N):" with the script's own line number), a
        /// blank line, and the final screen as text.
        public var output: String
        /// Whether any command of the script failed (the CLI exits non-zero).
        public var failed: Bool
    }

    /// Runs command lines in order, as `gru4rec shell --script FILE` does.
    ///
    /// `preload` runs first, out of the transcript and the line count (the
    /// shell's preloaded demo steps). Blank lines and lines starting with `#`
    /// are skipped. Effects are interpreted by `ShellDriver`; a timer started
    /// by `play` is simulated by ticks `interval` apart until the replay
    /// stops, so `play` runs the session to its end. A failing command marks
    /// the run failed, its error goes into the transcript, and the remaining
    /// commands still run; `quit` ends the script. The screen is rendered at
    /// `width` x `height` (the state is resized to it first).
    public static func runScript(
        lines: [String], preload: [String] = [], state initial: ShellState, environment: ShellEnvironment,
        width: Int = 120, height: Int = 40
    ) -> ScriptResult {
        var driver = ShellDriver(state: initial, environment: environment)
        var transcript: [String] = []
        var failed = false
        var clock = 0.0

        /// Sends a message, runs a started timer to its end, and returns the notices raised.
        func send(_ message: ShellMessage) -> [Notice] {
            var notices: [Notice] = []
            for effect in driver.send(message) {
                notices += driver.takeNotices()
                guard case .startTimer(let interval) = effect else { continue }
                var ticks = 0
                while driver.state.replay.playing, ticks < 100_000 {
                    clock += Double(interval) / 1000
                    ticks += 1
                    notices += send(.tick(now: clock))
                }
            }
            return notices + driver.takeNotices()
        }

        _ = send(.input(.resize(width: width, height: height)))
        for line in preload { _ = send(.command(line)) }
        if !preload.isEmpty { _ = send(.preloaded) }
        for (k, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            // A pasted megabyte is echoed by its start and length.
            transcript.append("> " + (line.count <= 500 ? line : String(line.prefix(200)) + "… (\(line.count) characters)"))
            for notice in send(.command(line)) {
                switch notice.kind {
                case .error:
                    failed = true
                    transcript.append("error (line \(k + 1)): " + notice.text + (notice.hint.map { " (hint: \($0))" } ?? ""))
                case .info:
                    transcript.append("  " + notice.text)
                }
            }
            if driver.state.quitRequested { break }
        }
        let screen = render(driver.state, width: width, height: height).text
        return ScriptResult(state: driver.state, output: transcript.joined(separator: "\n") + "\n\n" + screen, failed: failed)
    }
}
