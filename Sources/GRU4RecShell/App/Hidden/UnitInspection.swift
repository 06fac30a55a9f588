/// What the Hidden-state and Trajectory panes inspect: the unit under the
/// cursor, the colour scale of h and Δh, the quantity the trajectory shows,
/// and how far back in the session it is scrolled. Changed only by `update`
/// (`unit`, `scale`, `trajectory`, the panes' keys); the layer is
/// `ShellState.layer`.
///
/// Units are numbered from 0, as the rows of the model's weight matrices.
public struct UnitInspection: Equatable, Sendable {
    /// How h and Δh map onto the diverging scale.
    public enum Scale: String, Equatable, Sendable, CaseIterable {
        /// -1...1: the range of tanh, the same picture for every model.
        case fixed
        /// ±(98th percentile of |h| over the session's clicks and units, this
        /// layer): robust to a few outliers, for models whose state is small.
        case auto
    }

    /// What the trajectory draws for each unit and click.
    public enum Quantity: String, Equatable, Sendable, CaseIterable {
        /// The hidden state after the click.
        case h
        /// The click's update gate.
        case z
        /// The click's reset gate.
        case r
        /// What the click changed: h after - h before.
        case dh

        /// The label in titles and legends.
        var label: String { self == .dh ? "Δh" : rawValue }
        /// Gates are 0...1 (sequential scale); h and Δh are signed (diverging).
        var isGate: Bool { self == .z || self == .r }
    }

    /// The unit under the cursor (of `ShellState.layer`), if any.
    public internal(set) var unit: Int?
    public internal(set) var scale: Scale = .fixed
    public internal(set) var quantity: Quantity = .h
    /// Clicks hidden at the trajectory's right end (0: the last click shows).
    public internal(set) var clicksBack = 0

    public init() {}
}

extension SessionTrace {
    /// `quantity` of `unit` in `layer` after click `step` (0-based); NaN where there is none.
    func value(_ quantity: UnitInspection.Quantity, step: Int, layer: Int, unit: Int) -> Double {
        guard step >= 0, step < steps.count, layer >= 0, layer < steps[step].hidden.count,
              unit >= 0, unit < steps[step].hidden[layer].count else { return .nan }
        let s = steps[step]
        switch quantity {
        case .h: return Double(s.hidden[layer][unit])
        case .z: return Double(s.updateGate[layer][unit])
        case .r: return Double(s.resetGate[layer][unit])
        case .dh: return Double(s.change[layer][unit])
        }
    }

    /// The bound B of the diverging scale for h and Δh in `layer`: values
    /// are drawn as v / B (clamped to -1...1). 1 for `.fixed`; for `.auto`
    /// the robust bound (at least 1e-6, so that an all-zero state divides safely).
    func scaleBound(_ scale: UnitInspection.Scale, layer: Int) -> Double {
        switch scale {
        case .fixed: return 1
        case .auto: return max(1e-6, layer < robustBound.count ? robustBound[layer] : 1)
        }
    }

    /// `quantity` of every unit of `layer` after click `step`, scaled for the
    /// heat map: gates as they are (0...1), h and Δh divided by the bound.
    func scaledValues(_ quantity: UnitInspection.Quantity, step: Int, layer: Int, scale: UnitInspection.Scale) -> [Double] {
        guard step >= 0, step < steps.count, layer >= 0, layer < steps[step].hidden.count else { return [] }
        let bound = quantity.isGate ? 1 : scaleBound(scale, layer: layer)
        return steps[step].hidden[layer].indices.map { value(quantity, step: step, layer: layer, unit: $0) / bound }
    }

    /// The units of `layer` ordered by how much the last click changed them
    /// (|Δh|, largest first; ties: lower index first), with their Δh.
    func mostChanged(layer: Int) -> [(unit: Int, change: Double)] {
        guard let last = steps.last, layer >= 0, layer < last.change.count, layer < changeRanking.count else { return [] }
        return changeRanking[layer].map { (unit: $0, change: Double(last.change[layer][$0])) }
    }
}
