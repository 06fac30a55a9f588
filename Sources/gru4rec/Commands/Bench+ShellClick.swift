import Foundation
import GRU4Rec
import GRU4RecShell

/// What a click costs the shell (`Bench.shellClickAndFrame`), in ms, p50 and p99.
struct ShellClickCost {
    /// `Shell.update` of the click on the UI thread: the GRU step and the
    /// top-k (screened when the full pass is deferred), and the bookkeeping.
    var update: (Double, Double)
    /// One 120x40 frame drawn after it.
    var render: (Double, Double)
    /// The update and its frame together, per click: what the click costs the UI thread.
    var frame: (Double, Double)
    /// The deferred full pass (`.score` effects, off the UI thread in the
    /// terminal loop); zeros where the catalog scores in place.
    var background: (Double, Double)
    /// `Shell.update` of its answer (`.scored`) on the UI thread: the
    /// probabilities, movement and tracked ranks; zeros in place.
    var apply: (Double, Double)
    /// Whether clicks deferred their full pass.
    var deferred: Bool

    var report: [String: Double] {
        ["click_update_p50": update.0, "click_update_p99": update.1, "render_120x40_p50": render.0, "render_120x40_p99": render.1,
         "update_and_frame_p50": frame.0, "update_and_frame_p99": frame.1,
         "background_p50": background.0, "background_p99": background.1, "apply_p50": apply.0, "apply_p99": apply.1]
    }

    func line(items: Int) -> String {
        var text = String(format: "shell click at %d items: update p50 %.2f ms p99 %.2f ms; render one 120x40 frame p50 %.2f ms p99 %.2f ms",
                          items, update.0, update.1, render.0, render.1)
        text += String(format: "; update and frame together p50 %.2f ms p99 %.2f ms", frame.0, frame.1)
        if deferred {
            text += String(format: "; full pass off the UI thread p50 %.2f ms p99 %.2f ms, its answer applied p50 %.2f ms p99 %.2f ms",
                           background.0, background.1, apply.0, apply.1)
        } else {
            text += " (full pass in place)"
        }
        return text
    }
}

extension Bench {
    /// Performs the background effects in `effects` in place (as scripted
    /// mode does) and applies their answers; returns the ms spent computing
    /// (what the terminal loop does off the UI thread) and applying them.
    static func performInPlace(_ effects: [ShellEffect], _ state: inout ShellState) -> (compute: Double, apply: Double) {
        var compute = 0.0, apply = 0.0
        for effect in effects {
            var answer: ShellMessage
            let t = nowNanoseconds()
            switch effect {
            case .explain(let request): answer = .explained(id: request.id, request.compute())
            case .score(let request): answer = .scored(request.compute())
            case .buildScreening(let request): answer = .screeningBuilt(request, request.compute())
            default: continue
            }
            let t1 = nowNanoseconds()
            compute += Double(t1 - t) / 1e6
            let more = Shell.update(&state, answer)
            apply += Double(nowNanoseconds() - t1) / 1e6
            let inner = performInPlace(more, &state)
            compute += inner.compute
            apply += inner.apply
        }
        return (compute, apply)
    }

    /// A click in the shell, off-screen, 300 seeded clicks (a reset every
    /// 15): the UI thread's update and frame, and where the catalog defers
    /// it, the full pass (timed apart, as the terminal loop runs it off the
    /// UI thread) and the update that applies its answer. Each click's pass
    /// is applied before the next click (a person's clicks are far apart
    /// next to it), so the rank before each click is counted from the
    /// scores already here, as in the shell. `inPlace` scores every click
    /// in place whatever the catalog's size (the shell before deferral: the
    /// baseline of the same run).
    func shellClickAndFrame(_ model: GRU4RecModel, inPlace: Bool = false, parallelism: Parallelism) -> ShellClickCost {
        var state = ShellState(model: LoadedModel(model: model, path: "bench"), width: 120, height: 40, parallelism: parallelism)
        if inPlace { state.deferredScoringItems = Int.max }
        // The screening copy of a large model is built once, first (the loop builds it off the UI thread).
        _ = Self.performInPlace(Shell.update(&state, .command("reset")), &state)
        var rng = SeededGenerator(seed: 11)
        var updates: [Double] = [], renders: [Double] = [], background: [Double] = [], applies: [Double] = []
        for k in 0..<300 {
            if k % 15 == 0 { _ = Self.performInPlace(Shell.update(&state, .command("reset")), &state) }
            let id = model.catalog.ids[rng.nextInt(below: model.itemCount)]
            var t = nowNanoseconds()
            let effects = Shell.update(&state, .command("click \(id)"))
            updates.append(Double(nowNanoseconds() - t) / 1e6)
            t = nowNanoseconds()
            _ = Shell.render(state, width: 120, height: 40)
            renders.append(Double(nowNanoseconds() - t) / 1e6)
            let deferred = Self.performInPlace(effects, &state)
            background.append(deferred.compute)
            applies.append(deferred.apply)
        }
        let p = Self.p50p99
        return ShellClickCost(update: p(updates), render: p(renders), frame: p(zip(updates, renders).map(+)),
                              background: p(background), apply: p(applies),
                              deferred: model.itemCount >= state.deferredScoringItems)
    }

    /// A click made while the previous click's full pass still runs on
    /// another thread (clicks closer than a pass, or a fast replay): the
    /// UI thread's update p50 and p99 in ms over 150 seeded clicks (a reset
    /// every 15). The two share the cores: whichever claims the fork-join
    /// worker first, the other runs on its own thread alone (most often the
    /// click's screened top-k, the pass having started 0.5 ms before). Its
    /// rank before the click waits for that pass. Each pass is applied
    /// after the click, in order.
    func shellClickDuringPass(_ model: GRU4RecModel, parallelism: Parallelism) -> (Double, Double) {
        var state = ShellState(model: LoadedModel(model: model, path: "bench"), width: 120, height: 40, parallelism: parallelism)
        _ = Self.performInPlace(Shell.update(&state, .command("reset")), &state)
        var rng = SeededGenerator(seed: 13)
        var updates: [Double] = []
        var pending: [ScoringRequest] = []
        for k in 0..<150 {
            if k % 15 == 0 {
                for request in pending { _ = Shell.update(&state, .scored(request.compute())) }
                pending = []
                _ = Self.performInPlace(Shell.update(&state, .command("reset")), &state)
            }
            let item = rng.nextInt(below: model.itemCount)
            // The previous click's pass, started just before this click.
            let running = DispatchGroup()
            nonisolated(unsafe) var answer: ScoredClicks?
            if let request = pending.first {
                DispatchQueue.global(qos: .userInitiated).async(group: running) { answer = request.compute() }
                usleep(500)  // let it start
            }
            let t = nowNanoseconds()
            let effects = Shell.update(&state, .execute(.click(.index(item))))
            updates.append(Double(nowNanoseconds() - t) / 1e6)
            running.wait()
            if let answer {
                _ = Shell.update(&state, .scored(answer))
                pending.removeFirst()
            }
            pending += effects.compactMap { if case .score(let r) = $0 { r } else { nil } }
        }
        return Self.p50p99(updates)
    }

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
        /// Runs the background effects in place (as scripted mode does); returns the time they took.
        func perform(_ effects: [ShellEffect], _ state: inout ShellState) -> Double {
            Self.performInPlace(effects, &state).compute
        }
        func click(_ item: Int, _ state: inout ShellState) -> (Double, [ShellEffect]) {
            let t = nowNanoseconds()
            let effects = Shell.update(&state, .execute(.click(.index(item))))
            return (Double(nowNanoseconds() - t) / 1e6, effects)
        }
        for _ in 0..<runs {
            _ = perform(Shell.update(&state, .command("reset")), &state)
            for _ in 0..<19 { _ = perform(Shell.update(&state, .execute(.click(.index(rng.nextInt(below: model.itemCount))))), &state) }
            _ = perform(Shell.update(&state, .command("explain 1")), &state)
            _ = perform(Shell.update(&state, .execute(.track(.index(rng.nextInt(below: model.itemCount))))), &state)
            let item = rng.nextInt(below: model.itemCount)
            _ = Shell.update(&state, .command("view main"))
            let (sessionMs, sessionEffects) = click(item, &state)
            inSession.append(sessionMs)
            _ = perform(sessionEffects, &state)
            _ = perform(Shell.update(&state, .command("undo")), &state)
            _ = perform(Shell.update(&state, .command("view explain")), &state)
            let (explainMs, effects) = click(item, &state)
            inExplain.append(explainMs)
            background.append(perform(effects, &state))
            _ = Shell.update(&state, .command("track off"))
        }
        let p = Self.p50p99
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
