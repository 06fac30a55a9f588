import Foundation
import GRU4RecTestSupport
import Testing

/// The README's screen shot is the real first screen: the block between its
/// `first-screen` markers equals what the built `gru4rec shell` prints at
/// 120x40 with an empty script (scripts/readme-screen.sh writes it).
@Suite struct ReadmeScreenTests {
    static let regenerate = "make readme-screen (or: GRU4REC=.build/debug/gru4rec scripts/readme-screen.sh)"

    /// The lines between the fences inside the README's markers.
    static func readmeBlock() throws -> [String] {
        let readme = try String(contentsOfFile: TestPaths.packageRoot + "/README.md", encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let begin = try #require(lines.firstIndex { $0.hasPrefix("<!-- first-screen:begin") }, "README.md has no first-screen:begin marker")
        let end = try #require(lines[begin...].firstIndex { $0.hasPrefix("<!-- first-screen:end") }, "README.md has no first-screen:end marker")
        let block = Array(lines[(begin + 1)..<end])
        try #require(block.count >= 2 && block.first == "```" && block.last == "```", "the block between the markers is one fenced block")
        return Array(block.dropFirst().dropLast())
    }

    @Test func theReadmesFirstScreenIsWhatTheShellPrints() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-readme-screen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = dir + "/empty.txt"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        let r = try runGRU4Rec(["shell", "--width", "120", "--height", "40", "--script", empty,
                                "--model", TestPaths.packageRoot + "/demo-data/model.safetensors"])
        #expect(r.code == 0, "\(r.err)")
        var printed = r.out.components(separatedBy: "\n")
        while printed.first == "" { printed.removeFirst() }
        while printed.last == "" { printed.removeLast() }
        #expect(printed.count == 40, "a 120x40 screen")
        let readme = try Self.readmeBlock()
        let firstDifference = zip(readme, printed).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(readme == printed, """
            README.md's first screen is not what the shell prints now \
            (\(firstDifference.map { "line \($0.offset + 1): README '\($0.element.0)' vs shell '\($0.element.1)'" } ?? "\(readme.count) vs \(printed.count) lines")); \
            regenerate it with \(Self.regenerate)
            """)
    }
}
