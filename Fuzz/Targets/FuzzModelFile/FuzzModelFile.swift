// libFuzzer target: safetensors parsing, model loading and checkpoint restoring (then a
// few training steps on the restored state) on hostile bytes.
// Built only by `make fuzz` (GRU4REC_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import FuzzDriver  // links the entry point (Fuzz/Driver/driver.c)
import GRU4Rec

private let path = NSTemporaryDirectory() + "gru4rec-fuzz-model-\(getpid()).safetensors"
/// Run from the repository root (as `make fuzz` does), or set GRU4REC_FUZZ_SESSIONS.
private let sessionsPath = ProcessInfo.processInfo.environment["GRU4REC_FUZZ_SESSIONS"] ?? "Fuzz/Data/sessions.tsv"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let file = try? SafeTensorsFile(bytes: bytes, path: "fuzz") {
        for name in file.names { _ = try? file.floats(name); _ = try? file.int64s(name) }
    }
    guard (try? Data(bytes).write(to: URL(fileURLWithPath: path))) != nil,
          let loaded = try? GRU4RecModel.load(from: path) else { return 0 }
    let model = loaded.model
    let hp = model.hyperparameters
    // Train only on small configurations (the fuzzer's memory limit is 2 GB).
    guard loaded.file.metadata["checkpoint"] != nil, model.itemCount >= 2, hp.batchSize <= 64, hp.nSample <= 256,
          hp.sampleStore <= 100_000, hp.layers.allSatisfy({ $0 <= 64 }), hp.embedding <= 64,
          (try? hp.checkMemory(itemCount: model.itemCount, training: true)) != nil else { return 0 }
    // The sessions the seed checkpoint was trained on (so its fingerprint matches and
    // the batcher, sampler and hidden-state checks are reached), read with the model's catalog.
    guard let sessions = try? SessionData.load(path: sessionsPath, catalog: model.catalog).data,
          let trainer = try? Trainer(model: model, data: sessions, parallelism: .serial) else { return 0 }
    guard (try? trainer.restoreCheckpoint(from: loaded.file)) != nil else { return 0 }
    var batches = 0
    _ = try? trainer.runEpoch(shouldStop: { batches += 1; return batches > 4 })
    return 0
}
