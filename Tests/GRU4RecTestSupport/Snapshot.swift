import Foundation
import Testing

/// The folder where `assertSnapshot` keeps snapshot files by default:
/// `Tests/GRU4RecShellTests/Snapshots`, found from this file's path.
public func defaultSnapshotDirectory(filePath: String = #filePath) -> String {
    URL(fileURLWithPath: filePath)
        .deletingLastPathComponent()  // GRU4RecTestSupport
        .deletingLastPathComponent()  // Tests
        .appendingPathComponent("GRU4RecShellTests")
        .appendingPathComponent("Snapshots")
        .path
}

/// Compares `text` with the snapshot file `<directory>/<named>.txt`.
///
/// - Missing file: records it; the test fails with "recorded" so that the new
///   snapshot is looked at before it is trusted. When `CI` is set in the
///   environment a missing snapshot is just a failure and nothing is written.
/// - `SNAPSHOT_RECORD=1` in the environment: (re)records and passes.
/// - Mismatch: fails with a line diff (line numbers, expected `-`, actual `+`).
///
/// The file holds `text` plus one final newline.
public func assertSnapshot(
    _ text: String,
    named name: String,
    directory: String = defaultSnapshotDirectory(),
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let environment = ProcessInfo.processInfo.environment
    let path = (directory as NSString).appendingPathComponent(name + ".txt")
    let fileContents = text + "\n"
    let recording = environment["SNAPSHOT_RECORD"].map { $0 == "1" || $0.lowercased() == "true" } ?? false
    let exists = FileManager.default.fileExists(atPath: path)

    if recording || !exists {
        if !exists, environment["CI"] != nil {
            Issue.record(
                "Snapshot '\(name)' is missing at \(path). Record it locally (SNAPSHOT_RECORD=1 swift test), check it by eye and commit it.",
                sourceLocation: sourceLocation)
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try fileContents.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            Issue.record("Could not write snapshot '\(name)' to \(path): \(error)", sourceLocation: sourceLocation)
            return
        }
        if !recording {
            Issue.record(
                "Snapshot '\(name)' was missing and has been recorded at \(path). Check it by eye; the next run compares against it.",
                sourceLocation: sourceLocation)
        }
        return
    }

    let expected: String
    do {
        expected = try String(contentsOfFile: path, encoding: .utf8)
    } catch {
        Issue.record("Could not read snapshot '\(name)' at \(path): \(error)", sourceLocation: sourceLocation)
        return
    }
    guard expected != fileContents else { return }
    let diff = snapshotDiff(expected: expected, actual: fileContents)
    Issue.record(
        """
        Snapshot '\(name)' does not match \(path) (re-record with SNAPSHOT_RECORD=1 if the change is intended):
        \(diff)
        """,
        sourceLocation: sourceLocation)
}

/// A readable line diff: for each differing line number, the expected line
/// (`-`) and the actual line (`+`), each between `|` marks so that trailing
/// spaces show.
public func snapshotDiff(expected: String, actual: String) -> String {
    func split(_ s: String) -> [Substring] {
        var lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        return lines
    }
    let e = split(expected), a = split(actual)
    var out: [String] = []
    if e.count != a.count { out.append("expected \(e.count) lines, got \(a.count)") }
    for i in 0..<max(e.count, a.count) {
        let el = i < e.count ? e[i] : nil
        let al = i < a.count ? a[i] : nil
        guard el != al else { continue }
        let number = String(i + 1).leftPadded(to: 4)
        out.append("\(number) - " + (el.map { "|\($0)|" } ?? "(no line)"))
        out.append("\(number) + " + (al.map { "|\($0)|" } ?? "(no line)"))
    }
    return out.joined(separator: "\n")
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
