import Foundation
import GRU4RecTestSupport
import Testing

/// The snapshot assertion and the tmux helpers' pure parts.
@Suite struct SnapshotAssertionTests {
    static let recording = ["1", "true"].contains(ProcessInfo.processInfo.environment["SNAPSHOT_RECORD"]?.lowercased())
    static let inCI = ProcessInfo.processInfo.environment["CI"] != nil

    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gru4rec-snapshots-\(UUID().uuidString)").path
    }

    @Test(.disabled(if: recording || inCI, "behaviour differs while recording or in CI"))
    func missingIsRecordedAndFailsThenMatches() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        withKnownIssue {
            assertSnapshot("line 1\nline 2", named: "sample", directory: directory)
        } matching: { issue in
            String(describing: issue).contains("has been recorded")
        }
        let stored = try String(contentsOfFile: directory + "/sample.txt", encoding: .utf8)
        #expect(stored == "line 1\nline 2\n")
        assertSnapshot("line 1\nline 2", named: "sample", directory: directory)
    }

    @Test(.disabled(if: recording, "behaviour differs while recording"))
    func mismatchFailsWithALineDiff() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try "a\nb\nc\n".write(toFile: directory + "/sample.txt", atomically: true, encoding: .utf8)
        withKnownIssue {
            assertSnapshot("a\nB\nc", named: "sample", directory: directory)
        } matching: { issue in
            let text = String(describing: issue)
            return text.contains("does not match") && text.contains("   2 - |b|") && text.contains("   2 + |B|")
        }
    }

    @Test func diffFormat() {
        #expect(snapshotDiff(expected: "a\nb\n", actual: "a\nb\n") == "")
        #expect(snapshotDiff(expected: "a\nb\n", actual: "a\nx \n") == "   2 - |b|\n   2 + |x |")
        #expect(snapshotDiff(expected: "a\n", actual: "a\nmore\n")
            == "expected 1 lines, got 2\n   2 - (no line)\n   2 + |more|")
    }

    @Test func defaultDirectoryIsBesideTheShellTests() {
        #expect(defaultSnapshotDirectory().hasSuffix("/Tests/GRU4RecShellTests/Snapshots"))
    }
}

@Suite struct MouseReportTests {
    @Test func x10() {
        // ESC [ M, button 0 (press) + 32, 33 + column, 33 + row; then button 3 (release) + 32.
        #expect(Tmux.mouseClickX10(column: 10, row: 5)
            == [0x1B, 0x5B, 0x4D, 0x20, 0x2B, 0x26, 0x1B, 0x5B, 0x4D, 0x23, 0x2B, 0x26])
    }

    @Test func sgr() {
        #expect(String(decoding: Tmux.mouseClickSGR(column: 42, row: 7), as: UTF8.self) == "\u{1B}[<0;43;8M\u{1B}[<0;43;8m")
    }
}
