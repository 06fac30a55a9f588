/// The size of one part when splitting a `Rect`.
public enum LayoutSize: Hashable, Sendable {
    /// Exactly this many cells (less if the rectangle runs out).
    case fixed(Int)
    /// This fraction (0...1) of the whole length, rounded down.
    case fraction(Double)
    /// An equal share of whatever the fixed and fractional parts leave;
    /// leftover cells go to the first fill parts.
    case fill
}

/// The direction in which a `Rect` is cut.
public enum Axis: Hashable, Sendable {
    /// Parts side by side, left to right: the width is divided.
    case horizontal
    /// Parts stacked, top to bottom: the height is divided.
    case vertical
}

extension Rect {
    /// Cuts the rectangle into parts along `axis`, one per entry of `sizes`,
    /// with `spacing` cells between neighbours. Parts are laid out in order
    /// and clamped so that none extends past the rectangle: when the sizes
    /// ask for more than there is, the last parts shrink (possibly to zero).
    public func split(_ axis: Axis, _ sizes: [LayoutSize], spacing: Int = 0) -> [Rect] {
        guard !sizes.isEmpty else { return [] }
        let total = max(0, axis == .horizontal ? width : height)
        let gaps = max(0, spacing) * (sizes.count - 1)
        let available = max(0, total - gaps)

        var lengths = sizes.map { size -> Int in
            switch size {
            case .fixed(let n): return max(0, n)
            case .fraction(let f): return Int((Double(available) * min(1, max(0, f))).rounded(.down))
            case .fill: return 0
            }
        }
        let fills = sizes.indices.filter { sizes[$0] == .fill }
        if !fills.isEmpty {
            let left = max(0, available - lengths.reduce(0, +))
            for (k, i) in fills.enumerated() {
                lengths[i] = left / fills.count + (k < left % fills.count ? 1 : 0)
            }
        }

        var parts: [Rect] = []
        var offset = 0
        for (i, wanted) in lengths.enumerated() {
            let start = min(offset, total)
            let length = max(0, min(wanted, total - start))
            switch axis {
            case .horizontal: parts.append(Rect(x: x + start, y: y, width: length, height: height))
            case .vertical: parts.append(Rect(x: x, y: y + start, width: width, height: length))
            }
            offset = start + length + (i < lengths.count - 1 ? max(0, spacing) : 0)
        }
        return parts
    }
}
