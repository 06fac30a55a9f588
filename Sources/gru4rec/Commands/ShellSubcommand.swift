import ArgumentParser
import Foundation
import GRU4Rec
import GRU4RecShell

struct ShellSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Watch a model think: build a live session click by click, replay real sessions, see its training.",
        discussion: """
        With no options it opens the bundled demo model (demo-data/model.safetensors, in the current \
        directory or beside the executable's checkout) with its catalog \
        (demo-data/items.tsv) and test sessions (demo-data/test.tsv.gz).

        It opens on a real session chosen by a fixed rule (--start auto, the default; the command \
        'replay showcase' does the same at any time): of the first \(Self.rule.candidateLimit) sessions of \
        \(Self.rule.lengths.lowerBound)-\(Self.rule.lengths.upperBound) clicks in the sessions file (in replay order), \
        those where the true next item is in the model's top \(Self.rule.k) (the shell's K) after at least \
        \(Self.rule.minimumHits) clicks; the one with the most such hits wins, equal hits: the \
        earliest. It is replayed up to its last hit (so the suggestions hold the item clicked next), \
        and the Explain view opens on the top suggestion. When no session follows the rule, the first \
        session is shown up to its third click and the message line says so. --start first shows the \
        first session up to --preload N clicks (3 without it), --start none an empty session; \
        --preload N alone means --start first (--preload 0: none).

        Keys: Tab cycles focus, arrows/PgUp/PgDn/Home/End move, Enter or a mouse click adds the \
        item, / filters the catalog, : opens the command line (Tab completes), ? shows help, q quits. \
        Commands: \(Shell.commandNames.joined(separator: ", ")). Command history is kept in \
        ~/.gru4rec_history (GRU4REC_HISTORY=FILE puts it elsewhere; empty: none).

        Without a terminal (or with --script FILE) it runs the commands (one per line, from FILE \
        or standard input) and prints a transcript and the final screen as text; a failing command \
        makes the exit status non-zero.

        Examples:
          gru4rec shell
          gru4rec shell model.safetensors --items items.tsv --sessions test.tsv
          printf 'replay next\\nstep\\nstep\\n' | gru4rec shell --width 100 --height 30
        """)

    @Argument(help: ArgumentHelp("The model to open, as with --model (the other commands take their model this way).", valueName: "model"))
    var modelArgument: String?
    @Option(help: "The model to open (default: the demo model, demo-data/model.safetensors, looked for in the current directory and beside the gru4rec executable's checkout).") var model: String?
    @Option(help: "Item names: TSV with ItemId and Name columns (default: items.tsv beside the model).") var items: String?
    @Option(help: "Sessions to replay: a session TSV (default: test.tsv.gz or test.tsv beside the model, if present).") var sessions: String?
    @Option(help: "Run the commands in FILE without a terminal and print the final screen.") var script: String?
    @Option(help: "Screen width for --script / non-terminal output.") var width = 120
    @Option(help: "Screen height for --script / non-terminal output.") var height = 40
    @Option(help: "What to open on: auto (the session the showcase rule picks, Explain open), first (the first session, --preload clicks), none (empty).") var start: ShellStart?
    @Option(help: "Clicks of the first session to preload (implies --start first; 0: start empty; default 3).") var preload: Int?
    @Option(help: "A second model to compare with the first on the same clicks (both top-k lists side by side; replay measures both).") var compare: String?
    @Option(help: "Colours: auto, 256, 8 or none (NO_COLOR also turns them off).") var colors: ColorChoice = .auto
    @Option(help: "Seed for 'replay random'.") var seed: UInt64 = 1
    @Flag(help: "Show the update and draw times in the status line (the t key toggles them).") var debug = false
    @OptionGroup var threading: ThreadOptions

    /// The showcase rule's defaults, for the help text.
    static let rule = ShowcaseSession.Rule()

    /// The `--colors` values.
    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto
        case c256 = "256"
        case c8 = "8"
        case none

        var mode: ColorMode? {
            switch self {
            case .auto: return nil
            case .c256: return .twoFiftySix
            case .c8: return .eight
            case .none: return ColorMode.none
            }
        }
    }

    /// The command history file: `GRU4REC_HISTORY` if set (empty: keep no
    /// history), else `~/.gru4rec_history`.
    static func historyPath(environment: [String: String]) -> String? {
        if let path = environment["GRU4REC_HISTORY"] { return path.isEmpty ? nil : path }
        return environment["HOME"].flatMap { $0.isEmpty ? nil : ($0 as NSString).appendingPathComponent(".gru4rec_history") }
    }

    /// Screen sizes and preloaded steps are capped before anything is allocated from them.
    func validate() throws {
        if let modelArgument, let model, modelArgument != model {
            throw ValidationError("two models to open: \(modelArgument) and --model \(model); give one (a second model to compare goes to --compare)")
        }
        guard (20...1000).contains(width), (5...1000).contains(height) else {
            throw ValidationError("--width takes 20...1000 and --height 5...1000 (got \(width) x \(height))")
        }
        if let preload, !(0...10_000).contains(preload) {
            throw ValidationError("--preload takes 0...10000 steps (got \(preload))")
        }
    }

    func run() throws {
        try reportingErrors { try runShell() }
    }

    /// Where the demo model lives, relative to a checkout.
    static let demoModelPath = "demo-data/model.safetensors"

    /// The demo model in the nearest folder above `executable` that has one
    /// (a checkout's `.build/<config>/gru4rec`), or `nil`.
    static func demoModel(above executable: String) -> String? {
        var dir = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while dir.path != "/" && !dir.path.isEmpty {
            let candidate = dir.appendingPathComponent(demoModelPath).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    /// The path of the running executable.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    func runShell() throws {
        let demo = FileManager.default.fileExists(atPath: Self.demoModelPath)
            ? Self.demoModelPath : Self.demoModel(above: Self.executablePath)
        guard let modelPath = modelArgument ?? model ?? demo else {
            throw CommandFailure(message: """
                no model given, and the demo model (demo-data/model.safetensors) is neither in the current directory nor beside \
                the gru4rec executable's checkout
                  hint: pass it with one flag: gru4rec shell --model /path/to/gru4rec-shell/demo-data/model.safetensors \
                (items and test sessions beside it are found), or run `make demo-model` in the checkout
                """)
        }
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw CommandFailure(message: "cannot open \(modelPath): no such file\n  hint: check the path; train one with `gru4rec train`")
        }
        let environment = ShellEnvironment.live(itemsPath: items)
        let loaded: LoadedModel
        do { loaded = try environment.loadModel(modelPath) } catch { throw CommandFailure(message: "\(error)") }
        let sessionsPath = sessions ?? loaded.sessionsPath
        var sessionData: SessionData? = nil
        if let sessionsPath {
            do { sessionData = try environment.loadSessions(sessionsPath, loaded.model.catalog) } catch { throw CommandFailure(message: "\(error)") }
        }
        var startup = ShellStart.resolved(start: start, preload: preload).commands(preload: preload, hasSessions: sessionData != nil)
        if let compare {
            guard FileManager.default.fileExists(atPath: compare) else {
                throw CommandFailure(message: "cannot open \(compare) (--compare): no such file\n  hint: check the path of the second model")
            }
            // Checked here so that a model that cannot be compared is a command-line error.
            do {
                _ = try SharedCatalog(a: loaded.model.catalog, b: try environment.loadModel(compare).model.catalog)
            } catch {
                throw CommandFailure(message: "cannot compare with \(compare): \(error)")
            }
            startup.append("compare " + compare)
        }
        let interactive = script == nil && isTerminal(0) && isTerminal(1)
        // Clicks, explanations and evaluations split over two threads (--threads; default: on a machine with two cores or more).
        let parallelism = threading.parallelism()
        if interactive {
            let env = ProcessInfo.processInfo.environment
            let noColor = env["NO_COLOR"].map { !$0.isEmpty } ?? false
            let backend = NCursesBackend(colorMode: noColor ? ColorMode.none : colors.mode, historyPath: Self.historyPath(environment: env))
            var loop: ShellLoop?
            try backend.start(completion: { line in loop.map { Shell.completions(for: line, state: $0.state) } ?? [] })
            defer { backend.stop() }
            let state = ShellState(model: loaded, sessions: sessionData, sessionsPath: sessionsPath, colorMode: backend.colorMode,
                                   seed: seed, showTimings: debug, parallelism: parallelism)
            let shellLoop = ShellLoop(state: state, environment: environment, terminal: backend)
            loop = shellLoop
            shellLoop.run(startup: startup)
            return
        }
        // Scripted: commands from --script FILE or standard input.
        let text: String
        if let script {
            // FileHandle, not String(contentsOfFile:): /dev/null and pipes are scripts too.
            guard let handle = FileHandle(forReadingAtPath: script), let data = try? handle.readToEnd() ?? Data() else {
                throw InputError(path: script, message: "cannot read the script", hint: "one shell command per line")
            }
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let state = ShellState(model: loaded, sessions: sessionData, sessionsPath: sessionsPath, width: width, height: height,
                               colorMode: .none, seed: seed, showTimings: debug, parallelism: parallelism)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let result = Shell.runScript(lines: lines, preload: startup, state: state, environment: environment, width: width, height: height)
        print(result.output)
        if result.failed { throw ExitCode(1) }
    }
}

extension ShellStart: ExpressibleByArgument {}
