import Foundation
import GRU4RecShell
import Testing

@testable import gru4rec

/// The pure parts of the ncurses backend, tested without a terminal.
/// `KEY_*` values are curses.h's octal codes.
@Suite struct KeyTranslationTests {
    @Test func keys() {
        #expect(NCursesTerminal.key(forCode: 13) == .enter)
        #expect(NCursesTerminal.key(forCode: 0o527) == .enter)  // KEY_ENTER
        #expect(NCursesTerminal.key(forCode: 9) == .tab)
        #expect(NCursesTerminal.key(forCode: 0o541) == .backTab)  // KEY_BTAB
        #expect(NCursesTerminal.key(forCode: 127) == .backspace)
        #expect(NCursesTerminal.key(forCode: 0o407) == .backspace)  // KEY_BACKSPACE
        #expect(NCursesTerminal.key(forCode: 0o512) == .delete)  // KEY_DC
        #expect(NCursesTerminal.key(forCode: 27) == .escape)
        #expect(NCursesTerminal.key(forCode: 0o403) == .up)
        #expect(NCursesTerminal.key(forCode: 0o402) == .down)
        #expect(NCursesTerminal.key(forCode: 0o404) == .left)
        #expect(NCursesTerminal.key(forCode: 0o405) == .right)
        #expect(NCursesTerminal.key(forCode: 0o523) == .pageUp)
        #expect(NCursesTerminal.key(forCode: 0o522) == .pageDown)
        #expect(NCursesTerminal.key(forCode: 0o406) == .home)
        #expect(NCursesTerminal.key(forCode: 0o550) == .end)
        #expect(NCursesTerminal.key(forCode: 0o410 + 5) == .function(5))  // KEY_F(5)
        #expect(NCursesTerminal.key(forCode: 1) == .ctrl("a"))
        #expect(NCursesTerminal.key(forCode: 21) == .ctrl("u"))
        #expect(NCursesTerminal.key(forCode: 0) == .ctrl(" "))
        #expect(NCursesTerminal.key(forCode: 65) == .character("A"))
        #expect(NCursesTerminal.key(forCode: 0o777) == nil)
    }

    @Test func colourModeDetection() {
        #expect(NCursesTerminal.detectColorMode(hasColors: true, colors: 256, environment: [:]) == .twoFiftySix)
        #expect(NCursesTerminal.detectColorMode(hasColors: true, colors: 8, environment: [:]) == .eight)
        #expect(NCursesTerminal.detectColorMode(hasColors: false, colors: 0, environment: [:]) == ColorMode.none)
        #expect(NCursesTerminal.detectColorMode(hasColors: true, colors: 256, environment: ["NO_COLOR": "1"]) == ColorMode.none)
        #expect(NCursesTerminal.detectColorMode(hasColors: true, colors: 256, environment: ["NO_COLOR": ""]) == .twoFiftySix)
    }

    @Test func readlineByteSequences() {
        #expect(ReadlineBridge.bytes(forKeyCode: 97) == [97])
        #expect(ReadlineBridge.bytes(forKeyCode: 0xC3) == [0xC3])  // a UTF-8 byte passes through
        #expect(ReadlineBridge.bytes(forKeyCode: 0o403) == [27, 91, 65])  // KEY_UP -> ESC [ A
        #expect(ReadlineBridge.bytes(forKeyCode: 0o404) == [27, 91, 68])  // KEY_LEFT -> ESC [ D
        #expect(ReadlineBridge.bytes(forKeyCode: 0o512) == [27, 91, 51, 126])  // KEY_DC -> ESC [ 3 ~
        #expect(ReadlineBridge.bytes(forKeyCode: 0o407) == [127])
        #expect(ReadlineBridge.bytes(forKeyCode: 0o522) == [])  // KEY_NPAGE: not for readline
    }
}

/// readline through the bridge, in process (no terminal needed: readline's
/// output goes to /dev/null). readline is global, so these run one at a time.
@Suite(.serialized) struct ReadlineBridgeTests {
    static func codes(_ text: String) -> [Int32] { text.utf8.map { Int32($0) } }

    @Test func editingCompletionAndHistory() throws {
        let bridge = ReadlineBridge()
        var asked: [(String, String)] = []
        try bridge.configure { prefix, line in
            asked.append((prefix, line))
            return ["quit", "query", "help", "hello world"]
        }
        defer { bridge.shutdown() }

        var s = bridge.feed(Self.codes("he"))
        #expect(s.text == "he" && s.cursorColumn == 2 && s.completedLines.isEmpty)

        s = bridge.feed(9)  // Tab: "he" is ambiguous (help, hello world)
        #expect(s.text == "hel" && s.candidates == ["hello world", "help"])
        #expect(asked.last?.0 == "he" && asked.last?.1 == "he")

        s = bridge.feed(Self.codes("p\t"))
        #expect(s.text == "help " && s.candidates.isEmpty)

        s = bridge.feed([0o404, 0o404])  // KEY_LEFT twice
        #expect(s.cursorColumn == 3)
        s = bridge.feed(0o512)  // KEY_DC deletes "p"
        #expect(s.text == "hel ")
        s = bridge.feed([0o406])  // KEY_HOME
        #expect(s.cursorColumn == 0)
        s = bridge.feed(Self.codes("日本"))  // UTF-8 bytes, wide characters
        #expect(s.text == "日本hel " && s.cursorColumn == 4)

        s = bridge.feed(13)
        #expect(s.completedLines == ["日本hel "] && s.text == "" && s.cursorColumn == 0)
        s = bridge.feed(Self.codes("first\rsecond\r"))
        #expect(s.completedLines == ["first", "second"])
        #expect(Array(bridge.history.suffix(3)) == ["日本hel ", "first", "second"])

        s = bridge.feed([0o403, 0o403])  // KEY_UP twice: back through history
        #expect(s.text == "first")
        s = bridge.feed(21)  // Ctrl-U
        #expect(s.text == "")

        s = bridge.feed(Self.codes("zz\t"))  // no candidate: nothing happens, no filename completion
        #expect(s.text == "zz" && s.candidates.isEmpty)
        bridge.setLine("replaced")
        #expect(bridge.state.text == "replaced" && bridge.state.cursorColumn == 8)
        bridge.setLine("")
        s = bridge.feed(4)  // Ctrl-D on an empty line
        #expect(s.endOfInput)
    }

    @Test func historyFileRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gru4rec-rl-\(UUID().uuidString)").path
        defer { unlink(path) }
        let bridge = ReadlineBridge()
        try bridge.configure { _, _ in [] }
        try bridge.loadHistory(from: path)  // missing: fine
        _ = bridge.feed(Self.codes("one\rtwo\rtwo\r   \r"))
        #expect(Array(bridge.history.suffix(2)) == ["one", "two"])  // repeats and blanks skipped
        try bridge.saveHistory(to: path)
        bridge.shutdown()
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasSuffix("one\ntwo\n"))
        #expect(throws: (any Error).self) { try bridge.saveHistory(to: "/nonexistent-dir/x") }
    }

    @Test func historyOfEarlierRunsIsRecalledAndTheFileOnlyGrows() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gru4rec-rl-\(UUID().uuidString)").path
        defer { unlink(path) }
        try "topk 5\nfind mug\nview training\n".write(toFile: path, atomically: true, encoding: .utf8)
        let bridge = ReadlineBridge()
        try bridge.configure { _, _ in [] }
        try bridge.loadHistory(from: path)
        var s = bridge.feed([0o403])  // KEY_UP: the last command of the previous run
        #expect(s.text == "view training")
        s = bridge.feed([0o403])
        #expect(s.text == "find mug")
        bridge.setLine("")  // Escape: a fresh line, browsing starts again at the newest
        s = bridge.feed(Self.codes("reset\r"))
        #expect(s.completedLines == ["reset"])
        s = bridge.feed([0o403])
        #expect(s.text == "reset")
        bridge.setLine("")
        try bridge.saveHistory(to: path)
        bridge.shutdown()
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "topk 5\nfind mug\nview training\nreset\n")

        // Capped at the limit: the oldest lines go, the new ones stay.
        let many = (1...1000).map { "topk \($0 % 200 + 1)" }.joined(separator: "\n") + "\n"
        try many.write(toFile: path, atomically: true, encoding: .utf8)
        let again = ReadlineBridge()
        try again.configure { _, _ in [] }
        try again.loadHistory(from: path)
        #expect(again.feed([0o403]).text == "topk 1")
        again.setLine("")
        _ = again.feed(Self.codes("undo\r"))
        try again.saveHistory(to: path)
        again.shutdown()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1000)
        #expect(lines.last == "undo")
        #expect(lines.first == "topk 3")
        #expect(!lines.contains(""))
    }
}

/// `gru4rec shell`'s defaults that do not need a terminal.
@Suite struct ShellDefaultsTests {
    @Test func historyPathComesFromTheEnvironment() {
        #expect(ShellSubcommand.historyPath(environment: ["HOME": "/home/a"]) == "/home/a/.gru4rec_history")
        #expect(ShellSubcommand.historyPath(environment: ["HOME": "/home/a", "GRU4REC_HISTORY": "/tmp/h"]) == "/tmp/h")
        #expect(ShellSubcommand.historyPath(environment: ["HOME": "/home/a", "GRU4REC_HISTORY": ""]) == nil)
        #expect(ShellSubcommand.historyPath(environment: [:]) == nil)
    }

    @Test func theDemoModelIsFoundAboveTheExecutable() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gru4rec-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/checkout/demo-data", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/checkout/.build/release", withIntermediateDirectories: true)
        #expect(ShellSubcommand.demoModel(above: root + "/checkout/.build/release/gru4rec") == nil)
        FileManager.default.createFile(atPath: root + "/checkout/demo-data/model.safetensors", contents: Data())
        #expect(ShellSubcommand.demoModel(above: root + "/checkout/.build/release/gru4rec") == root + "/checkout/demo-data/model.safetensors")
        #expect(ShellSubcommand.demoModel(above: root + "/elsewhere/gru4rec") == nil)
    }
}
