import Foundation
import GRU4RecTestSupport
import Testing

/// The shell's `replay all` prints the figures `gru4rec eval` prints for the
/// same K and `--mode standard` on the same file (the demo model and its test file).
struct ShellReplayAllCLITests {
    @Test func replayAllEqualsEvalOnTheDemoTestFile() throws {
        let dir = TestPaths.packageRoot + "/demo-data"
        let eval = try runGRU4Rec(["eval", dir + "/model.safetensors", "--test", dir + "/test.tsv.gz", "--cutoffs", "5",
                                   "--mode", "standard", "--json"])
        #expect(eval.code == 0, "\(eval.err)")
        let metrics = try #require(try JSONSerialization.jsonObject(with: Data(eval.out.utf8)) as? [String: Any])
        let recall = try #require(metrics["recall@5"] as? Double), mrr = try #require(metrics["mrr@5"] as? Double)
        let scriptPath = TestPaths.temporaryDirectory("gru4rec-replay-all") + "/script.txt"
        defer { try? FileManager.default.removeItem(atPath: (scriptPath as NSString).deletingLastPathComponent) }
        try "topk 5\nreplay all\n".write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let shell = try runGRU4Rec(["shell", "--model", dir + "/model.safetensors", "--script", scriptPath])
        #expect(shell.code == 0, "\(shell.err)")
        let expected = String(format: "  replay all: Recall@5 %.4f MRR@5 %.4f over ", recall, mrr)
        #expect(shell.out.contains(expected), "expected '\(expected)' in:\n\(shell.out.prefix(600))")
    }
}
