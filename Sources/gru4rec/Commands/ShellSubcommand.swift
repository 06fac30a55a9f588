import ArgumentParser
import Foundation
import GRU4Rec
import GRU4RecShell

struct ShellSubcommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shell",
        abstract: "Watch a model think: build a live session click by click, replay real sessions, see its training.",
        discussion: """
        With no options it opens the bundled demo model (demo-data/model.safetensors) with its catalog \
        (demo-data/items.tsv) and test sessions (demo-data/test.tsv.gz) and preloads the first steps \
        of a real session.

        Keys: Tab cycles focus, arrows/PgUp/PgDn/Home/End move, Enter or a mouse click adds the \
        item, / filters the catalog, : opens the command line (Tab completes), ? shows help, q quits. \
        Commands: click, undo, remove, reset, topk, find, replay, step, back, play, pause, speed, \
        layer, exclude, view, load, save, help, quit.

        Without a terminal (or with --script FILE) it runs the commands (one per line, from FILE \
        or standard input) and prints a transcript and the final screen as text; a failing command \
        makes the exit status non-zero.

        Examples:
          gru4rec shell
          gru4rec shell --model model.safetensors --items items.tsv --sessions test.tsv
          printf 'replay next\\nstep\\nstep\\n' | gru4rec shell --width 100 --height 30
        """)

    @Option(help: "The model to open (default: demo-data/model.safetensors).") var model: String?
    @Option(help: "Item names: TSV with ItemId and Name columns (default: items.tsv beside the model).") var items: String?
    @Option(help: "Sessions to replay: a session TSV (default: test.tsv.gz beside the model, if present).") var sessions: String?
    @Option(help: "Run the commands in FILE without a terminal and print the final screen.") var script: String?
    @Option(help: "Screen width for --script / non-terminal output.") var width = 120
    @Option(help: "Screen height for --script / non-terminal output.") var height = 40
    @Option(help: "Steps of a real session to preload at start (0: start empty).") var preload = 3
    @Option(help: "Colours: auto, 256, 8 or none (NO_COLOR also turns them off).") var colors = "auto"
    @Option(help: "Seed for 'replay random'.") var seed: UInt64 = 1

    /// Screen sizes and preloaded steps are capped before anything is allocated from them.
    func validate() throws {
        guard (20...1000).contains(width), (5...1000).contains(height) else {
            throw ValidationError("--width takes 20...1000 and --height 5...1000 (got \(width) x \(height))")
        }
        guard (0...10_000).contains(preload) else {
            throw ValidationError("--preload takes 0...10000 steps (got \(preload))")
        }
    }

    func run() throws {
        try reportingErrors { try runShell() }
    }

    /// A default file beside the model, if it exists.
    func locate(_ name: String, besideModel modelPath: String) -> String? {
        let dir = (modelPath as NSString).deletingLastPathComponent
        let candidate = (dir.isEmpty ? "." : dir) + "/" + name
        return FileManager.default.fileExists(atPath: candidate) ? candidate : nil
    }

    func runShell() throws {
        let modelPath = model ?? "demo-data/model.safetensors"
        guard FileManager.default.fileExists(atPath: modelPath) else {
            throw CommandFailure(message: model == nil
                ? "no model given and the demo model demo-data/model.safetensors is not here\n  hint: run from the repository root, run `make demo-model`, or pass --model FILE"
                : "cannot open \(modelPath): no such file\n  hint: check the path; train one with `gru4rec train`")
        }
        let itemsPath = items ?? locate("items.tsv", besideModel: modelPath)
        let sessionsPath = sessions ?? locate("test.tsv.gz", besideModel: modelPath) ?? locate("test.tsv", besideModel: modelPath)
        let environment = ShellEnvironment.live(itemsPath: itemsPath)
        let loaded: LoadedModel
        do { loaded = try environment.loadModel(modelPath) } catch { throw CommandFailure(message: "\(error)") }
        var sessionData: SessionData? = nil
        if let sessionsPath {
            do { sessionData = try environment.loadSessions(sessionsPath, loaded.model.catalog) } catch { throw CommandFailure(message: "\(error)") }
        }
        let startup = sessionData != nil && preload > 0 ? ["replay next"] + Array(repeating: "step", count: preload) : []
        let mode: ColorMode?
        switch colors {
        case "auto": mode = nil
        case "256": mode = .twoFiftySix
        case "8": mode = .eight
        case "none": mode = ColorMode.none
        default: throw ValidationError("--colors takes auto, 256, 8 or none")
        }
        let interactive = script == nil && isTerminal(0) && isTerminal(1)
        if interactive {
            let history = ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.gru4rec_history" }
            let runtime = ShellRuntime(makeState: { mode in
                ShellState(model: loaded, sessions: sessionData, sessionsPath: sessionsPath, colorMode: mode, seed: seed)
            }, environment: environment, historyPath: history,
                                       colorMode: (ProcessInfo.processInfo.environment["NO_COLOR"].map { !$0.isEmpty } ?? false) ? ColorMode.none : mode)
            try runtime.run(startup: startup)
            return
        }
        // Scripted: commands from --script FILE or standard input.
        let text: String
        if let script {
            guard let t = try? String(contentsOfFile: script, encoding: .utf8) else {
                throw InputError(path: script, message: "cannot read the script", hint: "one shell command per line")
            }
            text = t
        } else {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let state = ShellState(model: loaded, sessions: sessionData, sessionsPath: sessionsPath, width: width, height: height,
                               colorMode: .none, seed: seed)
        let lines = startup + text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let result = Shell.runScript(lines: lines, state: state, environment: environment, width: width, height: height)
        print(result.output)
        if result.failed { throw ExitCode(1) }
    }
}
