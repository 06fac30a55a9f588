/// Where everything goes on a `width` x `height` screen: a pure function of
/// the size, the view and the suggestion count, used by `render` to draw and
/// by `update` to hit-test the mouse and size the lists.
///
/// Rows: 0 the tab bar; 1 ..< height-3 the view's panes; height-3 the message
/// line; height-2 the command line; height-1 the status line. Screens of at
/// least 120x40 get the full arrangement, down to 80x24 a compact one, and
/// below that only a "terminal too small" message. From 200x60 (`isWide`)
/// the side columns grow with the screen too, so that every pane shares
/// the extra room (wider names, a larger heat map), not the middle alone,
/// and the hidden-state column of the Session and Replay views holds the
/// trajectory below the heat maps.
struct ShellLayout {
    static let minimumWidth = 80, minimumHeight = 24
    static let fullWidth = 120, fullHeight = 40
    static let wideWidth = 200, wideHeight = 60

    let width: Int
    let height: Int
    let view: ShellView
    /// Smaller than 80x24: nothing but a message is drawn.
    let isTooSmall: Bool
    /// Between 80x24 and 120x40.
    let isCompact: Bool
    /// At least 200x60: side columns in proportion to the width.
    let isWide: Bool
    let tabBar: Rect
    let body: Rect
    let messageLine: Rect
    let commandLine: Rect
    let statusLine: Rect
    /// The view's panes, in focus order.
    let panes: [(pane: Pane, rect: Rect)]
    /// The training view's four charts (loss per epoch, batch loss, validation, events/s).
    let charts: [Rect]

    init(width: Int, height: Int, view: ShellView, topK: Int) {
        self.width = width
        self.height = height
        self.view = view
        isTooSmall = width < Self.minimumWidth || height < Self.minimumHeight
        isCompact = width < Self.fullWidth || height < Self.fullHeight
        isWide = width >= Self.wideWidth && height >= Self.wideHeight
        let screen = Rect(width: max(0, width), height: max(0, height))
        let rows = screen.split(.vertical, [.fixed(1), .fill, .fixed(1), .fixed(1), .fixed(1)])
        tabBar = rows[0]
        body = rows[1]
        messageLine = rows[2]
        commandLine = rows[3]
        statusLine = rows[4]
        guard !isTooSmall else {
            panes = []
            charts = []
            return
        }
        var panes: [(Pane, Rect)] = []
        var charts: [Rect] = []
        let compact = isCompact
        // Side columns: fixed in the full layout, a share of the width from 200x60.
        let wide = isWide
        let side = { (fixed: Int, share: Double) -> LayoutSize in wide ? .fraction(share) : .fixed(fixed) }
        switch view {
        case .main:
            let suggestionsHeight = min(max(6, topK + 3), max(6, body.height - 6))
            if compact {
                let cols = body.split(.horizontal, [.fraction(0.36), .fill, .fixed(20)])
                let left = cols[0].split(.vertical, [.fill, .fraction(0.45)])
                panes = [(.catalog, left[0]), (.session, left[1]), (.suggestions, cols[1]), (.hidden, cols[2])]
            } else {
                let cols = body.split(.horizontal, [side(32, 0.22), .fill, side(43, 0.33)])
                let middle = cols[1].split(.vertical, [.fill, .fixed(suggestionsHeight)])
                panes = [(.catalog, cols[0]), (.session, middle[0]), (.suggestions, middle[1])]
                if wide {
                    // The hidden-state column shares its height with the trajectory.
                    let right = cols[2].split(.vertical, [.fraction(0.5), .fill])
                    panes += [(.hidden, right[0]), (.trajectory, right[1])]
                } else {
                    panes.append((.hidden, cols[2]))
                }
            }
        case .replay:
            if compact {
                let cols = body.split(.horizontal, [.fraction(0.4), .fill])
                let left = cols[0].split(.vertical, [.fill, .fraction(0.45)])
                let right = cols[1].split(.vertical, [.fill, .fixed(7)])
                panes = [(.replay, left[0]), (.worst, left[1]), (.suggestions, right[0]), (.metrics, right[1])]
            } else {
                let cols = body.split(.horizontal, [side(36, 0.24), .fill, side(43, 0.33)])
                let left = cols[0].split(.vertical, [.fill, .fraction(0.45)])
                if wide {
                    // Beside the replayed clicks: the state and, below it, the trajectory over them.
                    let right = cols[2].split(.vertical, [.fixed(11), .fraction(0.5), .fill])
                    panes = [(.replay, left[0]), (.worst, left[1]), (.suggestions, cols[1]), (.hidden, right[1]),
                             (.trajectory, right[2]), (.metrics, right[0])]
                } else {
                    let right = cols[2].split(.vertical, [.fixed(11), .fill])
                    panes = [(.replay, left[0]), (.worst, left[1]), (.suggestions, cols[1]), (.hidden, right[1]), (.metrics, right[0])]
                }
            }
        case .training:
            let cols = body.split(.horizontal, [.fill, compact ? .fixed(30) : side(46, 0.3)])
            let chartRows = cols[0].split(.vertical, [.fill, .fill])
            for row in chartRows { charts += row.split(.horizontal, [.fill, .fill]) }
            panes = [(.training, cols[1])]
        case .help:
            panes = [(.help, body)]
        case .explain:
            if compact {
                let cols = body.split(.horizontal, [.fill, .fixed(30)])
                let right = cols[1].split(.vertical, [.fraction(0.45), .fill])
                panes = [(.explain, cols[0]), (.suggestions, right[0]), (.similar, right[1])]
            } else {
                let cols = body.split(.horizontal, [.fixed(36), .fill, .fixed(38)])
                let left = cols[0].split(.vertical, [.fill, .fixed(min(max(6, topK + 3), max(6, body.height / 2)))])
                panes = [(.session, left[0]), (.suggestions, left[1]), (.explain, cols[1]), (.similar, cols[2])]
            }
        case .analysis:
            panes = [(.analysis, body)]
        case .trajectory:
            let cols = body.split(.horizontal, [.fill, compact ? .fixed(24) : side(43, 0.3)])
            let right = cols[1].split(.vertical, [.fill, compact ? .fraction(0.4) : .fraction(0.35)])
            panes = [(.trajectory, cols[0]), (.hidden, right[0]), (.changes, right[1])]
        }
        self.panes = panes
        self.charts = charts
    }

    /// The rectangle of `pane` in this view, if it has one.
    func rect(of pane: Pane) -> Rect? { panes.first { $0.pane == pane }?.rect }

    /// The pane under a screen cell.
    func pane(atX x: Int, y: Int) -> Pane? { panes.first { $0.rect.contains(x: x, y: y) }?.pane }

    /// Panes that take focus (Tab cycles through them), in order.
    var focusable: [Pane] { panes.map(\.pane).filter { $0 != .metrics } }

    /// Rows of a pane's interior above its list (info and column-header lines).
    static func headerRows(of pane: Pane) -> Int {
        switch pane {
        case .catalog, .replay: return 2
        case .session, .suggestions, .similar, .worst, .changes: return 1
        default: return 0
        }
    }

    /// The rectangle in which a list pane draws its rows.
    static func listRect(of pane: Pane, in rect: Rect) -> Rect {
        let inner = rect.interior
        let header = headerRows(of: pane)
        return Rect(x: inner.x, y: inner.y + header, width: inner.width, height: max(0, inner.height - header))
    }

    /// Visible list rows of `pane` (0 when the view has no such pane).
    func listRows(of pane: Pane) -> Int {
        guard let r = rect(of: pane) else { return 0 }
        return Self.listRect(of: pane, in: r).height
    }

    /// The tab bar's labels and their column ranges.
    /// Below this width the tabs drop their padding, so that all seven and the settings fit.
    static let roomyTabsWidth = 140

    /// Below this width the tab bar leaves out the " gru4rec" name, so that all seven tabs fit.
    static let namedTabBarWidth = 90

    func tabs() -> [(view: ShellView, label: String, x: Int)] {
        let roomy = tabBar.width >= Self.roomyTabsWidth
        var x = tabBar.width >= Self.namedTabBarWidth ? 10 : 1  // after " gru4rec "
        var out: [(ShellView, String, Int)] = []
        for (k, v) in ShellView.allCases.enumerated() {
            let label = roomy ? " F\(k + 1) \(v.title) " : "F\(k + 1) \(v.title)"
            out.append((v, label, x))
            x += label.count + 1
        }
        return out
    }

    /// The view whose tab is under column `x` of the tab bar.
    func tab(atX x: Int) -> ShellView? {
        tabs().first { x >= $0.x && x < $0.x + $0.label.count }?.view
    }
}
