import Foundation
import GRU4RecTestSupport
import Testing

/// `gru4rec shell` without a terminal on the demo model: script files of any
/// kind, the script's own line numbers, item suggestions, option errors, and
/// starting from another directory.
@Suite(.serialized)
struct ShellScriptCLITests {
    let dir = TestPaths.temporaryDirectory("gru4rec-shell-cli")

    func script(_ text: String) throws -> String {
        let path = dir + "/script-\(UUID().uuidString.prefix(6)).txt"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs the built `gru4rec` from `directory` (through `sh -c 'cd DIR && exec ...'`).
    func run(_ arguments: [String], in directory: String) throws -> (code: Int32, out: String, err: String) {
        let bin = try #require(builtProductPath("gru4rec"), "the gru4rec executable was not built")
        let quoted = ([bin] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return try RunningCommand("/bin/sh", ["-c", "cd '\(directory)' && exec \(quoted)"]).wait()
    }

    @Test func errorsNameTheScriptsLinesAndThePreloadIsHidden() throws {
        let path = try script("click 85123A\nclik 22469\n")
        let r = try run(["shell", "--script", path, "--width", "100", "--height", "30"], in: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(r.code == 1)
        #expect(r.out.hasPrefix("> click 85123A\n"))
        #expect(r.out.contains("error (line 2): unknown command 'clik'; did you mean 'click'?"))
        #expect(!r.out.contains("> replay next") && !r.out.contains("> step"))
    }

    @Test func itemSuggestionsOnTheDemoCatalog() throws {
        let huge = "click " + String(repeating: "a", count: 2_000_000)
        let path = try script("click hart of wicker\nclick 99999\nclick heart\nfind heart\n\(huge)\n")
        let r = try run(["shell", "--script", path, "--width", "100", "--height", "30"], in: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(r.out.contains("error (line 1): unknown item 'hart of wicker'; did you mean 'HEART OF WICKER SMALL' (22469)?"))
        #expect(r.out.contains("error (line 2): unknown item '99999' (hint:"))
        #expect(r.out.contains("error (line 3): 'heart' matches 273 items: "))
        #expect(r.out.contains("  273 items match 'heart'"))
        #expect(r.out.contains("error (line 5): unknown item 'aaaaaaaaaa"))
        #expect(r.out.contains("… (2000006 characters)"))
    }

    @Test func emptyScriptsOfEveryKindAreFine() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = try script("")
        #expect(try run(["shell", "--script", empty], in: dir).code == 0)
        // A file that is no regular file (as /dev/null is): a FIFO whose writer closes at once.
        let fifo = dir + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            if fd >= 0 { close(fd) }
        }
        writer.start()
        let r = try run(["shell", "--script", fifo, "--width", "80", "--height", "24"], in: dir)
        #expect(r.code == 0, "\(r.err)")
        var info = stat()
        if stat("/dev/null", &info) == 0, (info.st_mode & S_IFMT) == S_IFCHR {
            #expect(try run(["shell", "--script", "/dev/null"], in: dir).code == 0)
        }
    }

    @Test func aBadColoursValueGetsTheOptionsOwnError() throws {
        let r = try run(["shell", "--colors", "bogus"], in: dir)
        #expect(r.code != 0)
        #expect(r.err.contains("The value 'bogus' is invalid for '--colors <colors>'"))
        #expect(r.err.contains("'auto', '256', '8' or 'none'"))
        #expect(!r.err.contains("SUBCOMMANDS"))
    }

    @Test func theModelCanBeGivenAsAnArgumentLikeEveryOtherCommand() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = try script("")
        let demo = try #require(Self.demoModel, "demo-data/model.safetensors is in the checkout")
        let r = try run(["shell", demo, "--script", empty, "--width", "80", "--height", "24", "--preload", "0"], in: dir)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("model · 3,454 items"))
        // The argument is the model opened: a missing one is named, not the demo opened instead.
        let missing = try run(["shell", dir + "/nosuch.safetensors", "--script", empty], in: dir)
        #expect(missing.code != 0)
        #expect(missing.err.contains("nosuch.safetensors"), "\(missing.err)")
        let both = try run(["shell", demo, "--model", dir + "/other.safetensors", "--script", empty], in: dir)
        #expect(both.code == 64)
        #expect(both.err.contains("two models to open"), "\(both.err)")
    }

    /// The checkout's demo model, by absolute path.
    static var demoModel: String? {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("demo-data/model.safetensors").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    @Test func theDemoIsFoundFromAnyDirectory() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = try script("")
        let r = try run(["shell", "--script", empty, "--width", "80", "--height", "24", "--preload", "0"], in: dir)
        #expect(r.code == 0, "\(r.err)")
        #expect(r.out.contains("model · 3,454 items"))
    }
}
