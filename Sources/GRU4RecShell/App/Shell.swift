/// The shell's application core: `update` changes the state, `render` draws
/// it, `perform` carries out file effects, `runScript` drives it from a
/// script, `completions` serves the command line's Tab.
///
/// A runtime loop (the ncurses backend) does, for every input:
///
///     let effects = Shell.update(&state, message)
///     for effect in effects { ... perform or act on it, feed answers back ... }
///     let screen = Shell.render(state, width: cols, height: rows)
///
/// No function here reads the clock, the terminal or the global random generator.
public enum Shell {
    /// Applies one message to the state and returns the side effects to
    /// perform. The only place the state changes.
    public static func update(_ state: inout ShellState, _ message: ShellMessage) -> [ShellEffect] {
        var effects: [ShellEffect] = []
        switch message {
        case .input(let event):
            effects = state.handle(event)
        case .lineEdited(let text, let cursor):
            if text != state.commandLine.text { state.commandLine.candidates = [] }
            state.commandLine.isActive = true
            state.commandLine.text = text
            state.commandLine.cursor = min(max(0, cursor), text.count)
        case .lineSubmitted(let line):
            effects = state.submitLine(line)
        case .lineCancelled:
            state.closeCommandLine()
            effects = [.stopLineEditing]
        case .completionsShown(let candidates):
            state.commandLine.candidates = candidates
        case .command(let line):
            effects = state.run(line)
        case .execute(let command):
            effects = state.execute(command)
        case .tick(let now):
            effects = state.tick(now: now)
        case .measured(let update, let render):
            state.lastUpdateSeconds = update
            state.lastRenderSeconds = render
        case .modelLoaded(let path, let result):
            effects = state.modelLoaded(path: path, result)
        case .sessionsLoaded(let path, let result):
            state.sessionsLoaded(path: path, result)
        case .evaluationProgress(let id, let done, let total):
            state.evaluationProgress(id: id, done: done, total: total)
        case .evaluated(let id, let result):
            state.evaluated(id: id, result)
        case .explained(let id, let explanation):
            state.explained(id: id, explanation)
        case .scored(let result):
            state.scored(result)
        case .screeningBuilt(let request, let scorer):
            state.screeningBuilt(request, scorer)
        case .preloaded:
            state.replay.ranks = [:]
            state.replay.pendingRanks = []
            state.replay.ranksB = [:]
        case .comparisonLoaded(let path, let result):
            state.comparisonLoaded(path: path, result)
        case .fileWritten(let path, let what, let error):
            if let error {
                state.fail(error)
            } else {
                state.inform("saved \(what) to \(path)")
            }
        }
        state.syncLists()
        state.syncComparison()
        return effects + state.analysisIfShown() + state.explanationIfShown() + state.takeScoringEffects()
    }

    /// Performs a file effect with `environment` and returns the message
    /// that reports its result; `nil` for effects the runtime handles itself
    /// (quit, timers, line editing).
    public static func perform(_ effect: ShellEffect, environment: ShellEnvironment) -> ShellMessage? {
        switch effect {
        case .loadModel(let path):
            do {
                return .modelLoaded(path: path, .success(try environment.loadModel(path)))
            } catch {
                return .modelLoaded(path: path, .failure(ShellFailure(error)))
            }
        case .loadSessions(let path, let catalog):
            do {
                return .sessionsLoaded(path: path, .success(try environment.loadSessions(path, catalog)))
            } catch {
                return .sessionsLoaded(path: path, .failure(ShellFailure(error)))
            }
        case .writeFile(let path, let contents, let what):
            do {
                try environment.writeFile(path, contents)
                return .fileWritten(path: path, what: what, error: nil)
            } catch {
                return .fileWritten(path: path, what: what, error: ShellFailure(error))
            }
        case .loadComparison(let path):
            do {
                return .comparisonLoaded(path: path, .success(try environment.loadModel(path)))
            } catch {
                return .comparisonLoaded(path: path, .failure(ShellFailure(error)))
            }
        case .evaluate(let request):
            return .evaluated(id: request.id, BatchEvaluation.compute(request))
        case .explain(let request):
            return .explained(id: request.id, request.compute())
        case .score(let request):
            return .scored(request.compute())
        case .buildScreening(let request):
            return .screeningBuilt(request, request.compute())
        case .quit, .startTimer, .stopTimer, .startLineEditing, .stopLineEditing:
            return nil
        }
    }
}
