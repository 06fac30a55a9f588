import Foundation

/// The unit cursor, the layer, the colour scale and the trajectory: the
/// commands `unit`, `layer`, `scale`, `trajectory` and the keys of the
/// Hidden-state, Trajectory and Most-changed panes. Called only from `Shell.update`.
extension ShellState {
    /// Units of the layer shown (0 without a model).
    var layerUnits: Int {
        guard let layers = loaded?.model.layers, layer < layers.count else { return 0 }
        return layers[layer]
    }

    mutating func setUnit(_ n: Int?) {
        guard loaded != nil else {
            fail(CommandTable.noModel)
            return
        }
        guard let n else {
            inspection.unit = nil
            inform("unit cursor cleared")
            return
        }
        guard n >= 0, n < layerUnits else {
            fail(CommandTable.unitFailure(self))
            return
        }
        inspection.unit = n
        inform(unitSummary(n))
    }

    /// "unit 5 of layer 1: h +0.423 · Δh -0.101 · z 0.31 · r 0.88 after click 4".
    func unitSummary(_ unit: Int) -> String {
        let layers = loaded?.model.layers.count ?? 1
        let head = "unit \(unit) of layer \(layer + 1)/\(layers)"
        let s = trace.steps.count - 1
        guard s >= 0 else { return head + ": 0 until the first click" }
        let v = { (q: UnitInspection.Quantity) in trace.value(q, step: s, layer: layer, unit: unit) }
        return head + ": " + String(format: "h %+.3f · Δh %+.3f · z %.2f · r %.2f", v(.h), v(.dh), v(.z), v(.r))
            + " after click \(s + 1)"
    }

    mutating func setScale(_ scale: UnitInspection.Scale) {
        inspection.scale = scale
        inform(scaleSummary)
    }

    /// The scale in use, in words, with its bound.
    var scaleSummary: String {
        switch inspection.scale {
        case .fixed: return "h and Δh on the fixed scale -1 … +1"
        case .auto:
            let bound = trace.scaleBound(.auto, layer: layer)
            return trace.steps.isEmpty
                ? "h and Δh on the auto scale (± the 98th percentile of |h|) from the first click"
                : String(format: "h and Δh on the auto scale ±%.3g (the 98th percentile of |h|, layer %d)", bound, layer + 1)
        }
    }

    mutating func openTrajectory(_ quantity: UnitInspection.Quantity?) {
        guard loaded != nil else {
            fail(CommandTable.noModel)
            return
        }
        if let quantity { inspection.quantity = quantity }
        showView(.trajectory)
        focus = .trajectory
        let q = inspection.quantity
        inform("trajectory of \(q.label), layer \(layer + 1): one row per unit, one column per click"
               + (q.isGate ? " (0 blank … 1 full)" : ""))
    }

    /// Shows layer `l` (0-based, in range); the cursor stays on its unit
    /// when the layer has it, and is cleared otherwise.
    mutating func showLayer(_ l: Int) {
        let layers = loaded?.model.layers ?? []
        guard l >= 0, l < layers.count else { return }
        layer = l
        if let u = inspection.unit, u >= layers[l] { inspection.unit = nil }
        inform("showing layer \(l + 1) of \(layers.count) (\(plural(layers[l], "unit")))")
    }

    /// The next layer (after the last: the first), for the `l` key.
    mutating func cycleLayer() {
        let layers = loaded?.model.layers.count ?? 1
        showLayer((layer + 1) % max(1, layers))
    }

    /// Moves the unit cursor by `delta` units (clamped); from no cursor it starts on unit 0.
    mutating func moveUnit(by delta: Int) {
        let units = layerUnits
        guard units > 0 else { return }
        let from = inspection.unit ?? (delta > 0 ? -delta : 0)
        inspection.unit = min(units - 1, max(0, from + delta))
    }

    mutating func setUnitCursor(_ unit: Int) {
        guard unit >= 0, unit < layerUnits else { return }
        inspection.unit = unit
    }

    /// Keys the three unit panes share: `l` the next layer, `s` the other
    /// scale, Esc (handled by the shell) clears the cursor. `true` when handled.
    mutating func sharedUnitKey(_ key: Key) -> Bool {
        switch key {
        case .character("l"): cycleLayer()
        case .character("s"): setScale(inspection.scale == .fixed ? .auto : .fixed)
        default: return false
        }
        return true
    }

    /// Trajectory: `clicksBack` by `delta` (clamped to the session).
    mutating func scrollClicks(by delta: Int) {
        inspection.clicksBack = min(max(0, trace.steps.count - 1), max(0, inspection.clicksBack + delta))
    }

    mutating func setQuantity(_ quantity: UnitInspection.Quantity) {
        inspection.quantity = quantity
    }
}
