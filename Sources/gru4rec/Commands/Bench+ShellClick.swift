import GRU4Rec
import GRU4RecShell

extension Bench {
    /// What one more click costs the shell while an item is explained and
    /// another tracked, after 19 clicks (so the explanation covers 20): the
    /// update with the Explain view open (the explanation is recomputed:
    /// one leave-one-out pass, what every view paid before the explanation
    /// became lazy) and with the Session view open (the explanation waits
    /// for the Explain view; the tracked rank comes from the scores already
    /// computed). p50 and p99 in ms of each, over `runs` seeded sessions.
    func shellClickWhileExplaining(_ model: GRU4RecModel, runs: Int) -> (explainView: (Double, Double), sessionView: (Double, Double)) {
        var state = ShellState(model: LoadedModel(model: model, path: "bench"), width: 120, height: 40)
        var rng = SeededGenerator(seed: 19)
        var inExplain: [Double] = [], inSession: [Double] = []
        func timedClick(_ state: inout ShellState, _ item: Int) -> Double {
            let t = nowNanoseconds()
            _ = Shell.update(&state, .execute(.click(.index(item))))
            return Double(nowNanoseconds() - t) / 1e6
        }
        for _ in 0..<runs {
            _ = Shell.update(&state, .command("reset"))
            for _ in 0..<19 { _ = Shell.update(&state, .execute(.click(.index(rng.nextInt(below: model.itemCount))))) }
            _ = Shell.update(&state, .command("explain 1"))
            _ = Shell.update(&state, .execute(.track(.index(rng.nextInt(below: model.itemCount)))))
            let item = rng.nextInt(below: model.itemCount)
            _ = Shell.update(&state, .command("view main"))
            inSession.append(timedClick(&state, item))
            _ = Shell.update(&state, .command("undo"))
            _ = Shell.update(&state, .command("view explain"))
            inExplain.append(timedClick(&state, item))
            _ = Shell.update(&state, .command("track off"))
        }
        inExplain.sort()
        inSession.sort()
        let p = { (xs: [Double], q: Double) in xs[min(xs.count - 1, Int(Double(xs.count) * q))] }
        return ((p(inExplain, 0.5), p(inExplain, 0.99)), (p(inSession, 0.5), p(inSession, 0.99)))
    }

    /// The line `bench` prints for `shellClickWhileExplaining`.
    static func shellClickLine(items: Int, _ r: (explainView: (Double, Double), sessionView: (Double, Double))) -> String {
        String(format: "shell click at %d items with an item explained and one tracked, 20 clicks: Explain view open p50 %.3f ms p99 %.3f ms; "
               + "Session view open p50 %.3f ms p99 %.3f ms", items, r.explainView.0, r.explainView.1, r.sessionView.0, r.sessionView.1)
    }
}
