import Foundation

extension Shell {
    /// What a script run produced.
    public struct ScriptResult {
        /// The state after the last command.
        public var state: ShellState
        /// A transcript (each command after "> ", then its messages, errors
        /// marked "error:"), a blank line, and the final screen as text.
        public var output: String
        /// Whether any command failed (the CLI exits non-zero).
        public var failed: Bool
    }

    /// Runs command lines in order, as `gru4rec shell --script FILE` does.
    ///
    /// Blank lines and lines starting with `#` are skipped. Effects are
    /// performed at once with `environment` and their results fed back; a
    /// timer started by `play` is simulated by ticks `interval` apart until
    /// the replay stops, so `play` runs the session to its end. A failing
    /// command marks the run failed, its error goes into the transcript, and
    /// the remaining commands still run; `quit` ends the script. The screen
    /// is rendered at `width` x `height` (the state is resized to it first).
    public static func runScript(
        lines: [String], state initial: ShellState, environment: ShellEnvironment,
        width: Int = 120, height: Int = 40
    ) -> ScriptResult {
        var state = initial
        _ = update(&state, .input(.resize(width: width, height: height)))
        var transcript: [String] = []
        var failed = false
        var clock = 0.0

        /// Applies a message, performs its effects and records new notices.
        func apply(_ message: ShellMessage, line number: Int) {
            let before = state.notice?.serial
            var pending = update(&state, message)
            if let notice = state.notice, notice.serial != before {
                switch notice.kind {
                case .error:
                    failed = true
                    transcript.append("error (line \(number)): " + notice.text + (notice.hint.map { " (hint: \($0))" } ?? ""))
                case .info:
                    transcript.append("  " + notice.text)
                }
            }
            while !pending.isEmpty {
                let effect = pending.removeFirst()
                if let answer = perform(effect, environment: environment) {
                    apply(answer, line: number)
                } else if case .startTimer(let interval) = effect {
                    var ticks = 0
                    while state.replay.playing, ticks < 100_000 {
                        clock += Double(interval) / 1000
                        ticks += 1
                        apply(.tick(now: clock), line: number)
                    }
                }
            }
        }

        for (k, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            transcript.append("> " + line)
            apply(.command(line), line: k + 1)
            if state.quitRequested { break }
        }
        let screen = render(state, width: width, height: height).text
        return ScriptResult(state: state, output: transcript.joined(separator: "\n") + "\n\n" + screen, failed: failed)
    }
}
