import GRU4Rec
import GRU4RecShell
import Testing

/// A click on a demo-sized model (3,000 items, 100 units) must stay far
/// under a 16 ms frame: one GRU step, one scoring pass and a top-k in
/// `update`, then a full `render`.
@Suite struct AppPerformanceTests {
    static func demoState() throws -> ShellState {
        var hp = Hyperparameters()
        hp.layers = [100]
        let ids = (0..<3000).map { "P\(100_000 + $0 * 7)" }
        let names = ids.enumerated().map { "Product \($0.offset) \($0.element.suffix(3))" }
        let model = GRU4RecModel(hyperparameters: hp, catalog: ItemCatalog(ids: ids),
                                 itemSupport: (0..<3000).map { ($0 * 7919) % 500 })
        try model.initialize(.uniform(seed: 3))
        return ShellState(model: LoadedModel(model: model, path: "demo.safetensors", itemNames: names), width: 120, height: 40)
    }

    /// Median seconds of `body` over `runs` runs.
    static func median(runs: Int, _ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<runs {
            let d = clock.measure(body)
            times.append(Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18)
        }
        return times.sorted()[runs / 2]
    }

    @Test func clickUpdateAndRenderFitInAFrame() throws {
        var state = try Self.demoState()
        var n = 0
        let click = Self.median(runs: 15) {
            n += 1
            _ = Shell.update(&state, .command("click P\(100_000 + n * 7 * 13)"))
            _ = Shell.render(state, width: 120, height: 40)
        }
        let key = Self.median(runs: 15) {
            _ = Shell.update(&state, .input(.key(.down)))
            _ = Shell.render(state, width: 120, height: 40)
        }
        print("demo model: click update+render \(String(format: "%.2f", click * 1000)) ms, key \(String(format: "%.2f", key * 1000)) ms")
        // Generous for debug builds on a shared 2-core machine; release is several times faster.
        #expect(click < 0.016)
        #expect(key < 0.016)
    }
}
