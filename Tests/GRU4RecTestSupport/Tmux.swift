import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong while driving tmux.
public enum TmuxError: Error, CustomStringConvertible {
    case notInstalled
    case spawnFailed(arguments: [String], errno: Int32)
    case commandFailed(arguments: [String], status: Int32, output: String)
    case timeout(waitingFor: String, lastScreen: String)

    public var description: String {
        switch self {
        case .notInstalled:
            return "tmux is not installed (apt-get install tmux)"
        case .spawnFailed(let arguments, let code):
            return "could not start tmux \(arguments.joined(separator: " ")): \(String(cString: strerror(code)))"
        case .commandFailed(let arguments, let status, let output):
            return "tmux \(arguments.joined(separator: " ")) exited with status \(status): \(output)"
        case .timeout(let what, let screen):
            return "timed out waiting for \(what); last screen:\n\(screen)"
        }
    }
}

/// Drives a terminal program inside a private tmux server (docs/TERMINAL.md):
/// its own socket (`-L`), no configuration file, one detached session "app"
/// of a fixed size running the command with a chosen `TERM`. Panes stay
/// after the program exits (`remain-on-exit`) so that its exit status can be
/// read. tmux is spawned with `posix_spawn` + `waitpid` (Foundation's
/// `Process` can hang on the first call), with an empty signal mask and
/// default signal dispositions (Swift Testing's threads block signals, and
/// children inherit that). Call `kill()` when done.
///
/// Screen positions are 0-based columns and rows.
public final class Tmux {
    /// Whether a `tmux` executable is on `PATH`.
    public static var isInstalled: Bool { executablePath(named: "tmux") != nil }

    public let socketName: String
    public let target = "app"
    private var socketPath: String?
    private var killed = false

    private nonisolated(unsafe) static var counter = 0
    private static let counterLock = NSLock()

    /// Starts `command` (a shell command line) in a new `width` x `height`
    /// session with `TERM=term` and the extra `environment` variables.
    public init(
        width: Int, height: Int, command: String, term: String = "tmux-256color",
        environment: [String: String] = [:]
    ) throws {
        guard Self.isInstalled else { throw TmuxError.notInstalled }
        Self.counterLock.lock()
        Self.counter += 1
        let n = Self.counter
        Self.counterLock.unlock()
        socketName = "gru4rec-test-\(getpid())-\(n)-\(UInt32.random(in: 0...UInt32.max))"

        var assignments = ["TERM=\(Self.shellQuote(term))"]
        for (key, value) in environment.sorted(by: { $0.key < $1.key }) {
            assignments.append("\(key)=\(Self.shellQuote(value))")
        }
        let shellCommand = assignments.joined(separator: " ") + " exec " + command
        let setup = [
            "set-option", "-g", "remain-on-exit", "on", ";",
            "set-option", "-g", "exit-empty", "off", ";",
            "new-session", "-d", "-s", target, "-x", String(width), "-y", String(height), shellCommand,
        ]
        do {
            try run(["start-server", ";"] + setup)
        } catch TmuxError.commandFailed(_, _, let output) where output.contains("server exited unexpectedly") {
            // The server could not daemonize (daemon(3) fails where /dev/null is no device, as in
            // some sandboxes): run it in the foreground (-D) as our child instead.
            try startForegroundServer()
            try run(setup)
        }
        socketPath = try? run(["display-message", "-p", "-t", target, "#{socket_path}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit { kill() }

    /// The server process when it runs in the foreground (`startForegroundServer`).
    private var serverPID: pid_t?

    /// Starts `tmux -D` (no daemon) as a child and waits until it answers.
    private func startForegroundServer() throws {
        let pid = try Self.spawn(["tmux", "-D", "-L", socketName, "-f", "/dev/null"], wait: false).pid
        serverPID = pid
        for _ in 0..<100 {
            if (try? run(["show-options", "-g", "exit-empty"])) != nil { return }
            usleep(20_000)
        }
        throw TmuxError.commandFailed(arguments: ["-D", "-L", socketName], status: -1, output: "the foreground server did not answer")
    }

    // MARK: Commands

    /// Runs one tmux command line against this server and returns its output.
    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        let full = ["-L", socketName, "-f", "/dev/null"] + arguments
        let (status, output) = try Self.spawn(["tmux"] + full)
        guard status == 0 else { throw TmuxError.commandFailed(arguments: full, status: status, output: output) }
        return output
    }

    /// Sends key names (`Tab`, `Enter`, `Up`, `C-u`, `Escape`, ...).
    public func sendKeys(_ keys: String...) throws {
        try run(["send-keys", "-t", target] + keys)
    }

    /// Types `text` literally.
    public func sendLiteral(_ text: String) throws {
        try run(["send-keys", "-t", target, "-l", text])
    }

    /// Writes raw bytes into the pane, as a terminal would (mouse reports).
    public func sendHex(_ bytes: [UInt8]) throws {
        try run(["send-keys", "-t", target, "-H"] + bytes.map { String(format: "%02x", $0) })
    }

    /// The visible screen as text (`withScrollback`: from the start of the
    /// history; `colors`: with escape sequences for attributes).
    public func capture(withScrollback: Bool = false, colors: Bool = false) throws -> String {
        var arguments = ["capture-pane", "-p", "-t", target]
        if withScrollback { arguments += ["-S", "-"] }
        if colors { arguments.append("-e") }
        return try run(arguments)
    }

    /// Captures the screen every 50 ms until `predicate` holds for one
    /// capture (check every expected fact in one predicate: a capture can
    /// land mid-redraw) and returns that capture; throws `.timeout` with the
    /// last screen when the deadline passes.
    @discardableResult
    public func waitFor(
        _ what: String = "the expected screen", timeout: Duration = .seconds(10), withScrollback: Bool = false,
        _ predicate: (String) -> Bool
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var screen = ""
        while true {
            screen = try capture(withScrollback: withScrollback)
            if predicate(screen) { return screen }
            if ContinuousClock.now >= deadline { throw TmuxError.timeout(waitingFor: what, lastScreen: screen) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Resizes the window (the program gets SIGWINCH).
    public func resize(width: Int, height: Int) throws {
        try run(["resize-window", "-t", target, "-x", String(width), "-y", String(height)])
    }

    /// The pane's state.
    public struct PaneStatus: Equatable, Sendable {
        public var dead: Bool
        /// The program's exit status once it is dead and tmux has seen it exit.
        public var exitStatus: Int32?
        public var cursorX: Int
        public var cursorY: Int
        public var width: Int
        public var height: Int
    }

    public func paneStatus() throws -> PaneStatus {
        let line = try run([
            "display-message", "-p", "-t", target,
            "#{pane_dead} #{cursor_x} #{cursor_y} #{pane_width} #{pane_height} #{pane_dead_status}",
        ]).trimmingCharacters(in: .whitespacesAndNewlines)
        let f = line.split(separator: " ").map(String.init)
        func int(_ i: Int) -> Int { i < f.count ? Int(f[i]) ?? 0 : 0 }
        return PaneStatus(
            dead: f.first == "1", exitStatus: f.count > 5 ? Int32(f[5]) : nil,
            cursorX: int(1), cursorY: int(2), width: int(3), height: int(4))
    }

    /// Waits until the program has exited and returns its exit status.
    /// Debian's tmux sometimes misses a child's exit (dead pane, empty
    /// status): the server is nudged with SIGCHLD while waiting.
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status = try paneStatus()
            if status.dead, let code = status.exitStatus { return code }
            if status.dead, let pid = Int32(try run(["display-message", "-p", "#{pid}"])
                .trimmingCharacters(in: .whitespacesAndNewlines)) {
                signalProcess(pid, SIGCHLD)
            }
            if ContinuousClock.now >= deadline {
                throw TmuxError.timeout(
                    waitingFor: "the program to exit (dead: \(status.dead))",
                    lastScreen: (try? capture(withScrollback: true)) ?? "")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Kills the server and removes its socket. Safe to call twice.
    public func kill() {
        guard !killed else { return }
        killed = true
        _ = try? run(["kill-server"])
        if let serverPID {
            signalProcess(serverPID, SIGTERM)  // in case kill-server did not reach it
            var status: Int32 = 0
            _ = waitpid(serverPID, &status, 0)
        }
        if let socketPath, !socketPath.isEmpty { unlink(socketPath) }
    }

    // MARK: Mouse reports

    /// A left click at (column, row) in the X10 protocol (mode 1000, what
    /// ncurses uses under `TERM=tmux-256color`): press and release,
    /// `ESC [ M` + button + (33 + column) + (33 + row). Columns and rows up
    /// to 222 only.
    public static func mouseClickX10(column: Int, row: Int) -> [UInt8] {
        let cx = UInt8(clamping: 33 + column), cy = UInt8(clamping: 33 + row)
        return [0x1B, 0x5B, 0x4D, 0x20, cx, cy, 0x1B, 0x5B, 0x4D, 0x23, cx, cy]
    }

    /// A left click at (column, row) in the SGR 1006 protocol (what ncurses
    /// uses under `TERM=xterm-256color`): `ESC [ < 0 ; col ; row M` then the
    /// same ending in `m`, with 1-based column and row.
    public static func mouseClickSGR(column: Int, row: Int) -> [UInt8] {
        let report = "\u{1B}[<0;\(column + 1);\(row + 1)"
        return Array((report + "M" + report + "m").utf8)
    }

    // MARK: Spawning

    /// Runs `arguments[0]` (looked up on PATH) and returns its exit status and
    /// combined stdout/stderr.
    static func spawn(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let result = try spawn(arguments, wait: true)
        return (result.status, result.output)
    }

    /// Runs `arguments[0]`; with `wait`, until it exits (status and output),
    /// else returns at once with its pid (status 0, no output).
    static func spawn(_ arguments: [String], wait: Bool) throws -> (pid: pid_t, status: Int32, output: String) {
        let outputPath = FileManager.default.temporaryDirectory
            .appendingPathComponent("gru4rec-tmux-\(getpid())-\(UUID().uuidString).out").path
        defer { unlink(outputPath) }

        #if os(Linux)
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #else
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        sigdelset(&allSignals, SIGKILL)
        sigdelset(&allSignals, SIGSTOP)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var environment = ProcessInfo.processInfo.environment
        environment["TMUX"] = nil
        environment["TMUX_PANE"] = nil
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var pid = pid_t()
        let spawnStatus = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard spawnStatus == 0 else { throw TmuxError.spawnFailed(arguments: arguments, errno: spawnStatus) }
        guard wait else { return (pid, 0, "") }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1 {
            guard errno == EINTR else { break }
        }
        let exited = (waitStatus & 0x7F) == 0
        let status = exited ? (waitStatus >> 8) & 0xFF : 128 + (waitStatus & 0x7F)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        return (pid, status, output)
    }

    /// `'text'` with single quotes escaped, for a POSIX shell.
    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The full path of an executable on PATH.
    static func executablePath(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// `kill(2)`, out of reach of `Tmux.kill()`'s name.
private func signalProcess(_ pid: pid_t, _ signal: Int32) {
    _ = kill(pid, signal)
}

/// Where SwiftPM put a product built for the tests, e.g. the `gru4rec`
/// executable: beside the test bundle (found from the running test binary),
/// or `.build/debug` under the package root. `GRU4REC_BIN` overrides.
public func builtProductPath(_ name: String, filePath: String = #filePath) -> String? {
    if let override = ProcessInfo.processInfo.environment["GRU4REC_BIN"], !override.isEmpty { return override }
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL {
        var url = executable.resolvingSymlinksInPath().deletingLastPathComponent()
        candidates.append(url.appendingPathComponent(name))
        // Inside an .xctest bundle (macOS): climb out of it.
        while url.pathComponents.count > 1 {
            if url.pathExtension == "xctest" {
                candidates.append(url.deletingLastPathComponent().appendingPathComponent(name))
                break
            }
            url = url.deletingLastPathComponent()
        }
    }
    let root = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    candidates.append(root.appendingPathComponent(".build/debug/\(name)"))
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }?.path
}
