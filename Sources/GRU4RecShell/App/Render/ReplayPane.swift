import Foundation

/// The replay: the real session's events with a cursor at the next one,
/// each fed event with the rank the model gave it just before (a dot for a
/// hit within the top-k), the next event with the rank it has now, and the
/// events still to come dimmed. `drawMetrics` shows the running Recall@K and
/// MRR@K over everything replayed.
enum ReplayPane: PaneBehaviour {
    /// → or Enter steps, ← takes a step back; movement keys move the selection.
    static func key(_ key: Key, in state: inout ShellState) -> [ShellEffect] {
        switch key {
        case .right, .enter: return state.execute(.step)
        case .left: return state.execute(.back)
        default:
            state.replayList.move(key)
            return []
        }
    }

    static func wheel(_ delta: Int, in state: inout ShellState) { state.replayList.scroll(by: delta) }

    static func click(row: Int, in state: inout ShellState) -> [ShellEffect] {
        state.replayList.selectRow(row)
        return []
    }

    static func draw(_ state: ShellState, in rect: Rect, focused: Bool, into buffer: inout ScreenBuffer) {
        var titles = ["Replay"]
        if let id = state.replaySessionID, let s = state.replay.sessionIndex, let data = state.sessions {
            titles = [
                "Replay · session \(id) (\(grouped(s + 1)) of \(grouped(data.sessionCount)))",
                "Replay · \(id) (\(grouped(s + 1))/\(grouped(data.sessionCount)))", "Replay · \(id)",
            ]
        }
        buffer.box(rect, title: boxTitle(titles, width: rect.width), focused: focused, style: focused ? Theme.focusedBox : Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0, let d = state.directory else { return }
        guard let items = state.replayItems, let s = state.replay.sessionIndex else {
            let lines = state.sessions == nil
                ? ["no sessions file loaded:", "start with --sessions FILE", "or use: sessions <file>"]
                : ["\(plural(state.sessions?.sessionCount ?? 0, "session")) loaded:", "replay next, replay random", "or replay <id> starts one"]
            for (k, line) in lines.enumerated() where k < inner.height {
                buffer.put(fit(line, inner.width), x: inner.x, y: inner.y + k, style: Theme.dim)
            }
            return
        }

        let replay = state.replay
        var info = "\(plural(items.count, "event")) · at \(replay.position)/\(items.count)"
        if !replay.attached {
            info += " · detached"
        } else if replay.playing {
            info += " · ▶ playing, \(replay.speedMilliseconds) ms"
        } else {
            info += " · paused"
        }
        buffer.put(fit(info, inner.width), x: inner.x, y: inner.y, style: replay.attached ? Theme.dim : Theme.error)

        let numberWidth = max(2, String(items.count).count)
        let rankWidth = 7
        let nameWidth = max(0, inner.width - 1 - numberWidth - rankWidth - 2 - 4)
        buffer.putRow([
            Column(text: "", width: 1), Column(text: "#", width: numberWidth, align: .right, style: Theme.header),
            Column(text: "item", width: nameWidth, style: Theme.header),
            Column(text: "rank", width: rankWidth, align: .right, style: Theme.header),
        ], x: inner.x, y: inner.y + 1)

        let listRect = ShellLayout.listRect(of: .replay, in: rect)
        let list = state.replayList.fitted(count: items.count, visibleRows: listRect.height)
        for index in list.visibleRange {
            let y = listRect.y + index - list.offset
            let item = items[index]
            let isNext = index == replay.position && replay.attached
            let rank: Double?
            var pending = false
            if index < replay.position {
                let key = ReplayKey(session: s, position: index)
                rank = replay.ranks[key]
                pending = rank == nil && replay.pendingRanks.contains { $0.key == key }
            } else if isNext, index > 0 {
                rank = state.trace.currentScores.flatMap { SessionTrace.rank(of: item, in: $0) }
                pending = !state.trace.isComplete
            } else {
                rank = nil
            }
            let hit = rank.map { $0 <= Double(state.topK) } ?? false
            let style: Style = isNext ? Theme.target : (index < replay.position ? Theme.plain : Theme.dim)
            let rankString = index < replay.position || isNext ? rankText(rank, pending: pending) : ""
            buffer.putRow([
                Column(text: isNext ? "▸" : "", width: 1, style: style),
                Column(text: String(index + 1), width: numberWidth, align: .right, style: Theme.dim),
                Column(text: d.names[item], width: nameWidth, style: style),
                Column(text: rankString, width: rankWidth, align: .right, style: style),
                Column(text: hit ? "●" : "", width: 1, style: Theme.hit),
            ], x: listRect.x, y: y)
            if index == list.selected, focused {
                buffer.restyle(Rect(x: listRect.x, y: y, width: listRect.width, height: 1)) { $0.reversed }
            }
        }
    }

    static func drawMetrics(_ state: ShellState, in rect: Rect, into buffer: inout ScreenBuffer) {
        buffer.box(rect, title: "Replay metrics", style: Theme.box)
        let inner = rect.interior
        guard inner.width > 0, inner.height > 0 else { return }
        let k = state.topK
        let replay = state.replay
        let format = { (v: Double?) in v.map { String(format: "%.3f", $0) } ?? "—" }
        // With a compared model: "A-figure · B B-figure".
        let b = { (v: Double?) in state.compared == nil ? "" : " · B " + format(v) }
        var lines: [(String, String, Style)] = [
            ("Recall@\(k)", format(replay.recall(at: k)) + b(ReplayState.recall(replay.ranksB, at: k)), Theme.title),
            ("MRR@\(k)", format(replay.mrr(at: k)) + b(ReplayState.mrr(replay.ranksB, at: k)), Theme.title),
            ("predictions", grouped(replay.ranks.count), Theme.plain),
        ]
        let sessionsSeen = Set(replay.ranks.keys.map(\.session)).count
        lines.append(("sessions", grouped(sessionsSeen), Theme.plain))
        if let target = SuggestionsPane.upcomingItem(state), let d = state.directory {
            if replay.position > 0, !state.trace.isComplete {
                lines.append(("next item", rankText(nil, pending: true) + " " + d.names[target], Theme.dim))
            } else if replay.position > 0, let scores = state.trace.currentScores, let rank = SessionTrace.rank(of: target, in: scores) {
                let hit = rank <= Double(k)
                lines.append(("next item", rankText(rank) + (hit ? " ● " : " ✗ ") + d.names[target], hit ? Theme.hit : Theme.target))
            } else {
                lines.append(("next item", "— " + d.names[target] + " (first event)", Theme.dim))
            }
        } else if let items = state.replayItems, replay.position >= items.count {
            lines.append(("next item", "— end of session", Theme.dim))
        }
        let labelWidth = 12
        for (row, line) in lines.enumerated() where row < inner.height {
            buffer.put(fit(line.0, labelWidth), x: inner.x, y: inner.y + row, style: Theme.dim)
            buffer.put(fit(line.1, max(0, inner.width - labelWidth)), x: inner.x + labelWidth, y: inner.y + row, style: line.2)
        }
    }
}
