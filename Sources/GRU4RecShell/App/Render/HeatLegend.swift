import Foundation

/// The legend of a heat map's colour scale, drawn with the map's own cells
/// (so that it reads the same in 256, 8 or no colours): "h Δh -0.83 ▓-▒- ▒+▓+ +0.83 auto"
/// for the diverging scale, "z r 0 ░▒▓█ 1" for gates.
enum HeatLegend {
    /// The values whose cells make up the legend's ramp.
    static func samples(_ scale: HeatMap.Scale) -> [Double] {
        scale == .diverging ? [-1, -0.5, 0, 0.5, 1] : [0, 0.25, 0.5, 0.75, 1]
    }

    /// A bound as the legend prints it: "1", "0.83", "0.0042".
    static func boundText(_ bound: Double) -> String {
        if bound == 1 { return "1" }
        return bound >= 0.01 ? String(format: "%.2f", bound) : String(format: "%.2g", bound)
    }

    /// The legend's pieces, richest first down to the bare ramp.
    static func variants(
        label: String, scale: HeatMap.Scale, bound: Double, scaleName: String?, mode: ColorMode, cellWidth: Int
    ) -> [[(String, Style)]] {
        func ramp(_ width: Int) -> [(String, Style)] {
            samples(scale).map { HeatMap.cell(for: $0, width: width, mode: mode, scale: scale) }
        }
        let low = scale == .diverging ? "-" + boundText(bound) : "0"
        let high = scale == .diverging ? "+" + boundText(bound) : "1"
        let name = scaleName.map { [(" " + $0, Theme.dim)] } ?? []
        var out: [[(String, Style)]] = []
        for width in Set([cellWidth, 1]).sorted(by: >) {
            let core = [(low + " ", Theme.dim)] + ramp(width) + [(" " + high, Theme.dim)]
            out.append([(label + " ", Theme.dim)] + core + name)
            out.append([(label + " ", Theme.dim)] + core)
            out.append(core)
        }
        return out
    }

    /// Width in columns of a legend's pieces.
    static func width(_ pieces: [(String, Style)]) -> Int { pieces.reduce(0) { $0 + DisplayWidth.of($1.0) } }

    /// Draws the first variant that fits `width` at (x, y); returns the columns used (0 when none fits).
    @discardableResult
    static func draw(_ variants: [[(String, Style)]], x: Int, y: Int, width: Int, into buffer: inout ScreenBuffer) -> Int {
        guard let pieces = variants.first(where: { Self.width($0) <= width }) else { return 0 }
        var column = x
        for (text, style) in pieces {
            buffer.put(text, x: column, y: y, style: style)
            column += DisplayWidth.of(text)
        }
        return column - x
    }
}
