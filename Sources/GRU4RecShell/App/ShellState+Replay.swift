import Foundation
import GRU4Rec

/// Replaying real sessions. Called only from `Shell.update`.
extension ShellState {
    /// Stops auto-play; returns `.stopTimer` when it was on.
    mutating func stopPlaying() -> [ShellEffect] {
        guard replay.playing else { return [] }
        replay.playing = false
        replay.lastStepTime = nil
        return [.stopTimer]
    }

    /// A manual change to the session ends the replay's hold on it.
    mutating func detachReplay() -> [ShellEffect] {
        guard replay.attached else { return [] }
        replay.attached = false
        return stopPlaying()
    }

    /// The replayed session's id.
    var replaySessionID: String? {
        guard let data = sessions, let s = replay.sessionIndex, s < data.sessionIDs.count else { return nil }
        return data.sessionIDs[s]
    }

    /// `replay [id|next|random]`: loads a session and starts from an empty state.
    mutating func startReplay(_ target: ReplayTarget) -> [ShellEffect] {
        guard directory != nil else {
            fail(CommandTable.noModel)
            return []
        }
        guard let data = sessions, data.sessionCount > 0 else {
            fail("no sessions file loaded", hint: "start the shell with --sessions FILE, or load one with: sessions <file>")
            return []
        }
        let index: Int
        switch target {
        case .worst:
            return replayWorst()
        case .showcase:
            return replayShowcase()
        case .next:
            index = ((replay.sessionIndex ?? -1) + 1) % data.sessionCount
        case .random:
            index = random.nextInt(below: data.sessionCount)
        case .session(let id):
            guard let found = data.sessionIDs.firstIndex(of: id) else {
                let guess = id.count > 64 ? "" : closestMatch(id, in: data.sessionIDs).map { "; did you mean '\($0)'?" } ?? ""
                fail("unknown session '\(CommandTable.shortened(id))'\(guess)", hint: "replay next or replay random picks one")
                return []
            }
            index = found
        }
        let effects = openReplay(index)
        inform("replaying session \(data.sessionIDs[index]) (\(data.sessionLength(index)) events): → or step feeds the next, space plays")
        return effects
    }

    /// Loads session `index` of the sessions file for replay, from an empty
    /// state, and opens the Replay view.
    mutating func openReplay(_ index: Int) -> [ShellEffect] {
        let effects = stopPlaying()
        replay.sessionIndex = index
        replay.position = 0
        replay.attached = true
        refeed([])
        showView(.replay)
        focus = .replay
        replayList = ScrollList(count: sessions?.sessionLength(index) ?? 0, visibleRows: replayList.visibleRows)
        return effects
    }

    /// Fails unless a replay is loaded and still owns the session.
    private mutating func attachedReplay() -> [Int]? {
        guard let items = replayItems else {
            fail("no session is being replayed", hint: "replay [id|next|random] loads one")
            return nil
        }
        guard replay.attached else {
            fail("the replay was detached by a change to the session", hint: "replay \(replaySessionID ?? "<id>") starts it again")
            return nil
        }
        return items
    }

    /// Feeds the replayed session's next event, first recording the rank the
    /// model gave it (when the model had seen at least one event).
    mutating func step() -> [ShellEffect] {
        guard let items = attachedReplay(), let s = replay.sessionIndex else { return stopPlaying() }
        guard replay.position < items.count else {
            inform("end of session \(replaySessionID ?? "")")
            return stopPlaying()
        }
        let item = items[replay.position]
        recordComparedRank(of: item, at: ReplayKey(session: s, position: replay.position))
        click(item)
        let key = ReplayKey(session: s, position: replay.position)
        let rankPending = trace.isRankPending(step: trace.steps.count - 1)
        if let rank = trace.steps.last?.rankBefore {
            replay.ranks[key] = rank
        } else if rankPending {
            replay.pendingRanks.append(PendingRank(generation: trace.generation, step: trace.steps.count - 1, key: key))
        }
        replay.position += 1
        replayList.resize(count: items.count, visibleRows: replayList.visibleRows)
        replayList.select(replay.position)
        if replay.position == items.count {
            var text = "end of session \(replaySessionID ?? "")"
            if let r = replay.recall(at: topK), let m = replay.mrr(at: topK) {
                text += String(format: "; so far Recall@%d %.3f, MRR@%d %.3f over %d predictions", topK, r, topK, m, replay.ranks.count)
            }
            inform(text)
            return stopPlaying()
        }
        if let d = directory { informOfClick(.replayStep(position: replay.position, name: d.names[item])) }
        return []
    }

    /// Takes the last replayed event back (the session is recomputed).
    mutating func back() -> [ShellEffect] {
        guard let items = attachedReplay() else { return [] }
        guard replay.position > 0 else {
            fail("already at the start of the session")
            return []
        }
        let effects = stopPlaying()
        replay.position -= 1
        refeed(Array(items[0..<replay.position]))
        replayList.select(replay.position)
        inform("back to step \(replay.position)")
        return effects
    }

    mutating func play() -> [ShellEffect] {
        guard let items = attachedReplay() else { return [] }
        guard replay.position < items.count else {
            fail("the replay is at the end of its session", hint: "replay next loads the next one")
            return []
        }
        showView(.replay)
        replay.playing = true
        replay.lastStepTime = nil
        inform("playing: a step every \(replay.speedMilliseconds) ms (pause or space stops)")
        return [.startTimer(intervalMilliseconds: replay.speedMilliseconds)]
    }

    mutating func setSpeed(_ ms: Int) -> [ShellEffect] {
        guard ms >= 10, ms <= 60_000 else {
            fail(CommandTable.speedFailure)
            return []
        }
        replay.speedMilliseconds = ms
        inform("auto-play: a step every \(ms) ms")
        return replay.playing ? [.startTimer(intervalMilliseconds: ms)] : []
    }

    /// Auto-play: one step when at least the speed has passed since the last.
    mutating func tick(now: Double) -> [ShellEffect] {
        guard replay.playing else { return [] }
        if let last = replay.lastStepTime, (now - last) * 1000 < Double(replay.speedMilliseconds) - 0.5 { return [] }
        replay.lastStepTime = now
        return step()
    }
}
