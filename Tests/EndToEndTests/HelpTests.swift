import ArgumentParser
import Testing

@testable import gru4rec

/// What `--help` prints, as a terminal of 80 columns (and a pipe) shows it.
@Suite struct HelpTests {
    /// The lines of every command's help with examples, as a terminal of `columns` shows them.
    static func helps(columns: Int) -> [(String, [Substring])] {
        GRU4RecCommand.configuration.subcommands.map { command in
            (command._commandName, GRU4RecCommand.helpMessage(for: command, columns: columns).split(separator: "\n", omittingEmptySubsequences: false))
        }
    }

    @Test func everyExampleCommandFitsEightyColumns() {
        // The example lines as written (no wrapping at 1,000 columns) must come out whole
        // at 80: a wrapped one breaks the command at the margin and can no longer be copied.
        var examples = 0
        for ((name, wide), (_, narrow)) in zip(Self.helps(columns: 1_000), Self.helps(columns: 80)) {
            let shown = Set(narrow)
            for (i, line) in wide.enumerated() where line.hasPrefix("  gru4rec ") || (i > 0 && wide[i - 1].hasSuffix("\\")) {
                examples += 1
                let whole = shown.contains(line)
                #expect(whole, "gru4rec \(name) --help wraps this example at 80 columns: \(line)")
            }
        }
        #expect(examples >= 15)
    }

    @Test func benchRefusesCountsThatWouldPrintZeros() {
        for (arguments, message) in [(["--repeats", "0"], "--repeats takes 1 or more"), (["--steps=-5"], "--steps takes a number of mini-batches"),
                                     (["--near-wait=-1"], "--near-wait takes seconds"), (["--near-wait", "nan"], "--near-wait takes seconds")] {
            do {
                _ = try Bench.parse(arguments)
                Issue.record("bench \(arguments) was accepted")
            } catch {
                #expect(Bench.message(for: error).contains(message), "\(Bench.message(for: error))")
            }
        }
        #expect((try? Bench.parse(["--repeats", "1", "--steps", "0", "--near-wait", "0"])) != nil)
    }
}
