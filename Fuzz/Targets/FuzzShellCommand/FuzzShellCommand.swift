// libFuzzer target: the shell's command line. Each input line goes through
// `Shell.update(.command(line))` on a shell showing the tiny test model, and the
// screen is rendered after each command.
// Built only by `make fuzz` (GRU4REC_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import FuzzDriver  // links the entry point (Fuzz/Driver/driver.c)
import GRU4Rec
import GRU4RecShell
import GRU4RecTestSupport

private let tiny = TinyModel(epochs: 1)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let loaded = LoadedModel(model: tiny.model, facts: tiny.facts, path: "tiny.safetensors", itemNames: tiny.itemNames,
                             trainingLog: tiny.log)
    var state = ShellState(model: loaded, sessions: tiny.sessions, sessionsPath: "tiny.tsv", width: 80, height: 24, colorMode: .none)
    for line in text.split(separator: "\n").prefix(16) {
        _ = Shell.update(&state, .command(String(line)))
        _ = Shell.render(state, width: 80, height: 24)
    }
    return 0
}
