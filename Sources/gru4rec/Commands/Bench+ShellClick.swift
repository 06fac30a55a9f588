import GRU4Rec
import GRU4RecShell

extension Bench {
    /// What one more click costs the shell while an item is explained and
    /// another tracked, after 19 clicks (so the explanation covers 20), p50
    /// and p99 in ms over `runs` seeded sessions:
    /// - `sessionView`: the update with the Session view open (the
    ///   explanation waits for the Explain view; the tracked rank comes
    ///   from the scores already computed);
    /// - `explainView`: the update with the Explain view open, on the UI
    ///   thread (it asks for the explanation with an `.explain` effect);
    /// - `background`: that effect, the leave-one-out pass the terminal loop
    ///   runs off the UI thread (and scripted mode in place). Before the
    ///   explanation became lazy and a background effect, every click in
    ///   every view paid `explainView + background` on the UI thread.
    func shellClickWhileExplaining(_ model: GRU4RecModel, runs: Int, parallelism: Parallelism)
        -> (sessionView: (Double, Double), explainView: (Double, Double), background: (Double, Double)) {
        var state = ShellState(model: LoadedModel(model: model, path: "bench"), width: 120, height: 40, parallelism: parallelism)
        var rng = SeededGenerator(seed: 19)
        var inSession: [Double] = [], inExplain: [Double] = [], background: [Double] = []
        /// Runs the `.explain` effects in place (as scripted mode does); returns the time they took.
        func perform(_ effects: [ShellEffect], _ state: inout ShellState) -> Double {
            var ms = 0.0
            for case .explain(let request) in effects {
                let t = nowNanoseconds()
                let answer = ShellMessage.explained(id: request.id, request.compute())
                ms += Double(nowNanoseconds() - t) / 1e6
                _ = Shell.update(&state, answer)
            }
            return ms
        }
        func click(_ item: Int, _ state: inout ShellState) -> (Double, [ShellEffect]) {
            let t = nowNanoseconds()
            let effects = Shell.update(&state, .execute(.click(.index(item))))
            return (Double(nowNanoseconds() - t) / 1e6, effects)
        }
        for _ in 0..<runs {
            _ = Shell.update(&state, .command("reset"))
            for _ in 0..<19 { _ = Shell.update(&state, .execute(.click(.index(rng.nextInt(below: model.itemCount))))) }
            _ = perform(Shell.update(&state, .command("explain 1")), &state)
            _ = Shell.update(&state, .execute(.track(.index(rng.nextInt(below: model.itemCount)))))
            let item = rng.nextInt(below: model.itemCount)
            _ = Shell.update(&state, .command("view main"))
            let (sessionMs, _) = click(item, &state)
            inSession.append(sessionMs)
            _ = Shell.update(&state, .command("undo"))
            _ = perform(Shell.update(&state, .command("view explain")), &state)
            let (explainMs, effects) = click(item, &state)
            inExplain.append(explainMs)
            background.append(perform(effects, &state))
            _ = Shell.update(&state, .command("track off"))
        }
        let p = { (xs: [Double]) -> (Double, Double) in
            let s = xs.sorted()
            return (s[s.count / 2], s[min(s.count - 1, Int(Double(s.count) * 0.99))])
        }
        return (p(inSession), p(inExplain), p(background))
    }

    /// The line `bench` prints for `shellClickWhileExplaining`.
    static func shellClickLine(items: Int, _ r: (sessionView: (Double, Double), explainView: (Double, Double), background: (Double, Double))) -> String {
        String(format: "shell click at %d items, 20 clicks, an item explained and one tracked: Session view update p50 %.3f ms p99 %.3f ms; "
               + "Explain view update p50 %.3f ms p99 %.3f ms + explanation off the UI thread p50 %.3f ms p99 %.3f ms",
               items, r.sessionView.0, r.sessionView.1, r.explainView.0, r.explainView.1, r.background.0, r.background.1)
    }

    /// `shellClickWhileExplaining` as JSON.
    static func shellClickReport(_ r: (sessionView: (Double, Double), explainView: (Double, Double), background: (Double, Double))) -> [String: Double] {
        ["session_view_p50": r.sessionView.0, "session_view_p99": r.sessionView.1,
         "explain_view_p50": r.explainView.0, "explain_view_p99": r.explainView.1,
         "background_p50": r.background.0, "background_p99": r.background.1]
    }
}
