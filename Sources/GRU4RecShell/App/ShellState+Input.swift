import Foundation

/// Keys and mouse. Called only from `Shell.update`.
extension ShellState {
    /// Applies one terminal event.
    mutating func handle(_ event: InputEvent) -> [ShellEffect] {
        switch event {
        case .resize(let w, let h):
            width = max(0, w)
            height = max(0, h)
            return []
        case .tick:
            return []  // auto-play needs the time: the runtime sends `.tick(now:)`
        case .mouse(let mouse):
            return handleMouse(mouse)
        case .key(let key):
            if commandLine.isActive { return editLine(key) }
            if isEditingFilter { return editFilter(key) }
            return handleKey(key)
        }
    }

    // MARK: Keys

    private mutating func handleKey(_ key: Key) -> [ShellEffect] {
        let layout = ShellLayout(width: width, height: height, view: view, topK: topK)
        switch key {
        case .character(":"):
            return openCommandLine()
        case .character("?"), .function(4):
            showView(view == .help ? viewBeforeHelp : .help)
            return []
        case .character("q"), .ctrl("c"):
            return execute(.quit)
        case .function(let n) where (1...3).contains(n):
            showView(ShellView.allCases[n - 1])
            return []
        case .character("/"):
            guard view == .main || view == .help else { return [] }
            showView(.main)
            focus = .catalog
            isEditingFilter = true
            return []
        case .escape:
            if view == .help { showView(viewBeforeHelp) } else if !catalogFilter.isEmpty, focus == .catalog {
                catalogFilter = ""
                refreshCatalog()
            } else {
                notice = nil
            }
            return []
        case .tab, .backTab:
            let panes = layout.focusable
            guard !panes.isEmpty else { return [] }
            let i = panes.firstIndex(of: focus) ?? 0
            let step = key == .tab ? 1 : panes.count - 1
            focus = panes[(i + step) % panes.count]
            return []
        case .character("t"):
            return execute(.timings)
        case .character("u"):
            return execute(.undo)
        case .character("+"), .character("="):
            return execute(.topK(topK + 1))
        case .character("-"):
            return topK > 1 ? execute(.topK(topK - 1)) : []
        case .character(" ") where view == .replay:
            return execute(replay.playing ? .pause : .play)
        case .character("n") where view == .replay:
            return execute(.replay(.next))
        default:
            return paneKey(key)
        }
    }

    /// Keys that act on the focused pane: movement, Enter, Delete.
    private mutating func paneKey(_ key: Key) -> [ShellEffect] {
        switch focus {
        case .catalog:
            if key == .enter, let item = selectedCatalogItem { return execute(.click(.index(item))) }
            move(&catalogList, key)
        case .session:
            if key == .delete || key == .backspace || key == .character("x"), let s = sessionList.selected {
                return execute(.remove(s + 1))
            }
            move(&sessionList, key)
        case .suggestions:
            if key == .enter, let s = suggestionList.selected, s < suggestions.count {
                return execute(.click(.index(suggestions[s].item)))
            }
            move(&suggestionList, key)
        case .hidden:
            let layers = loaded?.model.layers.count ?? 1
            switch key {
            case .left, .up, .pageUp: layer = max(0, layer - 1)
            case .right, .down, .pageDown: layer = min(layers - 1, layer + 1)
            case .home: layer = 0
            case .end: layer = layers - 1
            default: break
            }
        case .replay:
            switch key {
            case .right, .enter: return execute(.step)
            case .left: return execute(.back)
            default: move(&replayList, key)
            }
        case .training:
            trainingOffset = scrolled(trainingOffset, key)
        case .help:
            helpOffset = scrolled(helpOffset, key)
        case .metrics:
            break
        }
        return []
    }

    /// Arrow, page and Home/End movement in a list.
    private func move(_ list: inout ScrollList, _ key: Key) {
        switch key {
        case .up: list.move(by: -1)
        case .down: list.move(by: 1)
        case .pageUp: list.pageUp()
        case .pageDown: list.pageDown()
        case .home: list.home()
        case .end: list.end()
        default: break
        }
    }

    /// A text pane's first line after a movement key (clamped when drawn).
    private func scrolled(_ offset: Int, _ key: Key) -> Int {
        switch key {
        case .up: return max(0, offset - 1)
        case .down: return offset + 1
        case .pageUp: return max(0, offset - 10)
        case .pageDown: return offset + 10
        case .home: return 0
        default: return offset
        }
    }

    mutating func showView(_ newView: ShellView) {
        if newView == .help, view != .help { viewBeforeHelp = view }
        view = newView
        helpOffset = newView == .help ? 0 : helpOffset
        let layout = ShellLayout(width: width, height: height, view: view, topK: topK)
        if !layout.focusable.contains(focus), let first = layout.focusable.first { focus = first }
    }

    // MARK: Catalog filter

    private mutating func editFilter(_ key: Key) -> [ShellEffect] {
        switch key {
        case .character(let c):
            catalogFilter.append(c)
            refreshCatalog()
            catalogList.home()
        case .backspace:
            if catalogFilter.isEmpty { isEditingFilter = false } else {
                catalogFilter.removeLast()
                refreshCatalog()
            }
        case .ctrl("u"):
            catalogFilter = ""
            refreshCatalog()
        case .escape:
            isEditingFilter = false
            catalogFilter = ""
            refreshCatalog()
        case .enter:
            isEditingFilter = false
            if let item = selectedCatalogItem { return execute(.click(.index(item))) }
        case .tab, .backTab:
            isEditingFilter = false
            return handleKey(key)
        default:
            move(&catalogList, key)
        }
        return []
    }

    // MARK: Mouse

    private mutating func handleMouse(_ mouse: MouseEvent) -> [ShellEffect] {
        let layout = ShellLayout(width: width, height: height, view: view, topK: topK)
        guard !layout.isTooSmall else { return [] }
        switch mouse.kind {
        case .release:
            return []
        case .wheelUp, .wheelDown:
            let delta = mouse.kind == .wheelUp ? -3 : 3
            switch layout.pane(atX: mouse.x, y: mouse.y) {
            case .catalog: catalogList.scroll(by: delta)
            case .session: sessionList.scroll(by: delta)
            case .suggestions: suggestionList.scroll(by: delta)
            case .replay: replayList.scroll(by: delta)
            case .help: helpOffset = max(0, helpOffset + delta)
            case .training: trainingOffset = max(0, trainingOffset + delta)
            default: break
            }
            return []
        case .press, .click:
            break
        }
        if layout.tabBar.contains(x: mouse.x, y: mouse.y) {
            if let tab = layout.tab(atX: mouse.x) { showView(tab) }
            return []
        }
        if layout.commandLine.contains(x: mouse.x, y: mouse.y) { return openCommandLine() }
        guard let pane = layout.pane(atX: mouse.x, y: mouse.y), let rect = layout.rect(of: pane) else { return [] }
        if pane != .metrics { focus = pane }
        isEditingFilter = false
        let list = ShellLayout.listRect(of: pane, in: rect)
        guard list.contains(x: mouse.x, y: mouse.y) else { return [] }
        let row = mouse.y - list.y
        switch pane {
        case .catalog:
            guard let index = catalogList.index(atRow: row) else { return [] }
            catalogList.select(index)
            return execute(.click(.index(catalogRows[index])))
        case .suggestions:
            guard let index = suggestionList.index(atRow: row), index < suggestions.count else { return [] }
            suggestionList.select(index)
            return execute(.click(.index(suggestions[index].item)))
        case .session:
            if let index = sessionList.index(atRow: row) { sessionList.select(index) }
        case .replay:
            if let index = replayList.index(atRow: row) { replayList.select(index) }
        default:
            break
        }
        return []
    }

    // MARK: Command line (the built-in editor; readline replaces it in the terminal)

    mutating func openCommandLine() -> [ShellEffect] {
        isEditingFilter = false
        commandLine.isActive = true
        commandLine.text = ""
        commandLine.cursor = 0
        commandLine.historyIndex = nil
        commandLine.candidates = []
        return [.startLineEditing(text: "")]
    }

    mutating func closeCommandLine() {
        commandLine.isActive = false
        commandLine.text = ""
        commandLine.cursor = 0
        commandLine.historyIndex = nil
        commandLine.candidates = []
    }

    /// Runs a line submitted from the command line and closes it.
    mutating func submitLine(_ line: String) -> [ShellEffect] {
        closeCommandLine()
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if !trimmed.isEmpty, commandLine.history.last != trimmed { commandLine.history.append(trimmed) }
        return [.stopLineEditing] + (trimmed.isEmpty ? [] : run(trimmed))
    }

    private mutating func editLine(_ key: Key) -> [ShellEffect] {
        var chars = Array(commandLine.text)
        var cursor = min(commandLine.cursor, chars.count)
        if key != .tab { commandLine.candidates = [] }
        switch key {
        case .enter:
            return submitLine(commandLine.text)
        case .escape, .ctrl("c"), .ctrl("g"):
            closeCommandLine()
            return [.stopLineEditing]
        case .character(let c):
            chars.insert(c, at: cursor)
            cursor += 1
        case .backspace:
            if cursor > 0 {
                chars.remove(at: cursor - 1)
                cursor -= 1
            } else if chars.isEmpty {
                closeCommandLine()
                return [.stopLineEditing]
            }
        case .delete, .ctrl("d"):
            if cursor < chars.count { chars.remove(at: cursor) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(chars.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = chars.count
        case .ctrl("u"):
            chars.removeSubrange(0..<cursor)
            cursor = 0
        case .ctrl("k"):
            chars.removeSubrange(cursor..<chars.count)
        case .up, .down:
            let history = commandLine.history
            guard !history.isEmpty else { return [] }
            var index = commandLine.historyIndex ?? history.count
            index = key == .up ? max(0, index - 1) : index + 1
            if index >= history.count {
                commandLine.historyIndex = nil
                chars = []
            } else {
                commandLine.historyIndex = index
                chars = Array(history[index])
            }
            cursor = chars.count
        case .tab:
            let line = String(chars)
            let options = Shell.completions(for: line, state: self)
            commandLine.candidates = options.count > 1 ? options : []
            if let completed = Shell.commonPrefix(options), completed.count > line.count {
                chars = Array(completed)
                if options.count == 1, !completed.hasSuffix(" "), Shell.takesArgument(completed) { chars.append(" ") }
            }
            cursor = chars.count
        default:
            return []
        }
        commandLine.text = String(chars)
        commandLine.cursor = cursor
        return []
    }
}
