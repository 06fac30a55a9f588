import Foundation

/// Runs a program (usually the built `gru4rec`) with posix_spawn: empty signal
/// mask and default dispositions (test threads block signals, children would
/// inherit that), output captured through temporary files.
public final class RunningCommand {
    public let pid: pid_t
    /// Where the child's stdout and stderr go (readable while it runs).
    public let outPath: String, errPath: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        let tmp = NSTemporaryDirectory() + "gru4rec-run-\(getpid())-\(UUID().uuidString.prefix(8))"
        outPath = tmp + ".out"
        errPath = tmp + ".err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var env = ProcessInfo.processInfo.environment
        env["CI"] = env["CI"] ?? "true"
        for (k, v) in environment { env[k] = v }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var p: pid_t = 0
        let rc = posix_spawn(&p, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else { throw NSError(domain: "spawn", code: Int(rc), userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable)"]) }
        pid = p
    }

    public func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the exit; returns (exit status or 128+signal, stdout, stderr).
    public func wait() -> (code: Int32, out: String, err: String) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: outPath)
        try? FileManager.default.removeItem(atPath: errPath)
        return (code, out, err)
    }
}

/// Runs the built `gru4rec` to completion.
public func runGRU4Rec(_ arguments: [String], environment: [String: String] = [:]) throws -> (code: Int32, out: String, err: String) {
    guard let bin = builtProductPath("gru4rec") else { throw NSError(domain: "gru4rec", code: 1, userInfo: [NSLocalizedDescriptionKey: "gru4rec is not built"]) }
    return try RunningCommand(bin, arguments, environment: environment).wait()
}
