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
        case .function(5):
            return execute(.view(.analysis))
        case .function(6):
            showView(.explain)
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

    /// Keys that act on the focused pane (movement, Enter, Delete): its `PaneBehaviour`.
    private mutating func paneKey(_ key: Key) -> [ShellEffect] {
        focus.behaviour.key(key, in: &self)
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
            catalogList.move(key)
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
            layout.pane(atX: mouse.x, y: mouse.y)?.behaviour.wheel(mouse.kind == .wheelUp ? -3 : 3, in: &self)
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
        return pane.behaviour.click(row: mouse.y - list.y, in: &self)
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
