import GRU4Rec

/// `replay showcase`: what the shell opens on (`--start auto`). Called only
/// from `Shell.update`.
extension ShellState {
    /// The showcase rule at the shell's K: `ShowcaseSession.Rule` with its
    /// defaults (5-8 clicks, at least 2 hits, the first 300 such sessions).
    var showcaseRule: ShowcaseSession.Rule { ShowcaseSession.Rule(k: topK) }

    /// Replays the session chosen by `ShowcaseSession` up to its last hit
    /// (its `shownClicks`), explains the top suggestion and opens the Explain
    /// view. When no session follows the rule, the first session of the file
    /// is shown instead, up to `ShellStart.defaultPreload` clicks, and the
    /// message says so. The steps count in the running figures like any
    /// `step` (the startup's are taken out by `.preloaded`).
    mutating func replayShowcase() -> [ShellEffect] {
        guard let model = loaded?.model, let data = sessions, data.sessionCount > 0, let d = directory else { return [] }
        let rule = showcaseRule
        let outcome = ShowcaseSession.choose(model: model, sessions: data, rule: rule, parallelism: parallelism)
        let index = outcome.chosen?.session ?? 0
        let clicks = outcome.chosen?.shownClicks ?? min(ShellStart.defaultPreload, data.sessionLength(index))
        var effects = openReplay(index)
        for _ in 0..<clicks { effects += step() }
        if let top = suggestions.first {
            explain(top.item)
            showView(.explain)
            focus = .explain
        }
        let id = data.sessionIDs[index], length = data.sessionLength(index)
        guard let chosen = outcome.chosen else {
            inform("no session follows the showcase rule (\(rule.description); \(outcome.examined) examined): "
                   + "the first session, \(clicks) of \(length) clicks")
            return effects
        }
        let next = Int(data.items[data.offsets[index] + clicks])
        inform("showcase: session \(id), \(clicks) of \(length) clicks; next ◆ \(d.names[next]) (#\(chosen.ranks[clicks - 1]))"
               + "; \(chosen.hits) of \(length - 1) next items in the top \(rule.k)")
        return effects
    }
}
