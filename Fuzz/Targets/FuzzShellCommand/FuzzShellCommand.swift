// libFuzzer target: the shell's command line. Each input line goes through
// `Shell.update(.command(line))` on a shell showing a small model, and the
// screen is rendered after the last command.
// Built only by `make fuzz` (GRU4REC_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import FuzzDriver  // links the entry point (Fuzz/Driver/driver.c)
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport

/// A small untrained model over synthetic sessions, with a short training log (built
/// once; no trainer, so no sampler store to fill under AddressSanitizer).
private let fixture: (loaded: LoadedModel, sessions: SessionData) = {
    let (data, catalog) = SyntheticSessions.make(sessions: 40, items: 12, seed: 3)
    var hp = Hyperparameters()
    hp.layers = [6]
    let model = GRU4RecModel(hyperparameters: hp, catalog: catalog, itemSupport: data.itemSupport(itemCount: catalog.count))
    try? model.initialize(.uniform(seed: 1))
    let log: [TrainingLogRecord] = [
        .start(time: "2026-01-01T00:00:00Z", trainFile: "train.tsv", events: 100, sessions: 40, items: 12, hyperparameters: [:]),
        .epoch(epoch: 1, loss: 2.5, events: 100, batches: 10, seconds: 0.1, eventsPerSecond: 1000, validation: ["mrr@20": 0.2]),
        .end(epochs: 1, keptEpoch: 1, time: "2026-01-01T00:00:01Z"),
    ]
    return (LoadedModel(model: model, path: "tiny.safetensors", trainingLog: log), data)
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var state = ShellState(model: fixture.loaded, sessions: fixture.sessions, sessionsPath: "tiny.tsv", width: 80, height: 24,
                           colorMode: .none, parallelism: .serial)
    for line in text.split(separator: "\n").prefix(16) {
        _ = Shell.update(&state, .command(String(line)))
    }
    _ = Shell.render(state, width: 80, height: 24)
    return 0
}
