import Foundation
import GRU4Rec
import GRU4RecTestSupport
import Testing

/// A model file truncated while `gru4rec` has it mapped: the bus error becomes a message
/// and exit status 74, not a crash.
@Suite(.serialized)
struct MappedModelFaultTests {
    @Test func aModelTruncatedWhileTheShellHasItOpenEndsWithAMessage() throws {
        let dir = TestPaths.temporaryDirectory("gru4rec-mapped-fault")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (data, catalog) = SyntheticSessions.make(sessions: 40, items: 600, seed: 5)
        var hp = Hyperparameters()
        hp.layers = [16]
        let model = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
        try model.initialize(.uniform(seed: 1))
        let path = dir + "/m.safetensors"
        try model.save(to: path)
        // The premise: a freshly written model is mapped, not copied.
        #expect(try GRU4RecModel.load(from: path).model.parameters.isMapped)

        // The shell opens the model, then the script: a FIFO whose writer waits for the
        // shell to open it, so the model is mapped before the file is cut short.
        let fifo = dir + "/script"
        #expect(mkfifo(fifo, 0o600) == 0)
        let clicked = catalog.ids[0]
        let writer = Thread {
            let fd = open(fifo, O_WRONLY)
            guard fd >= 0 else { return }
            _ = truncate(path, 0)
            let line = Array("click \(clicked)\n".utf8)
            _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        writer.start()
        let r = try runGRU4Rec(["shell", "--model", path, "--start", "none", "--script", fifo, "--width", "80", "--height", "24"])
        #expect(r.code == 74, "exit \(r.code); stderr: \(r.err)")
        #expect(r.err.contains("was truncated or rewritten in place (bus error)"))
        #expect(r.err.contains("hint: replace a model file by moving a new file over it"))
    }
}
