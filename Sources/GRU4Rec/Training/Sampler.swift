import Foundation

/// Draws the negative items shared by a mini-batch: item j with probability
/// proportional to support_j ^ sample_alpha (GRU4Rec.md, Sampling), by Walker's
/// alias method (O(1) per draw).
///
/// Like the reference, draws are precomputed into a store of `storeSize` ids
/// (whole vectors of `nSample`) and handed out one vector per step; the store is
/// refilled when used up. The sampler's state (generator state at the last
/// refill and the position in the store) is enough to rebuild it exactly.
public struct NegativeSampler {
    public let nSample: Int
    public let vectorsPerStore: Int
    private var probability: [Float]
    private var alias: [Int32]
    private var rng: SeededGenerator
    /// Generator state just before the current store was filled.
    public private(set) var refillState: SeededGenerator
    /// Vectors already handed out from the current store.
    public private(set) var position: Int
    private var store: [Int32]

    /// - Parameters:
    ///   - support: training event count per item.
    ///   - alpha: the exponent (`sample_alpha`).
    ///   - storeSize: ids to precompute (`sample_store`); 0 draws every step.
    public init(support: [Int], alpha: Float, nSample: Int, storeSize: Int, seed: UInt64) {
        self.nSample = nSample
        vectorsPerStore = nSample > 0 ? max(1, storeSize / nSample) : 0
        (probability, alias) = Self.aliasTable(support.map { powf(Float($0), alpha) })
        rng = SeededGenerator(seed: seed ^ 0x5A4D_504C_4552)
        refillState = rng
        position = 0
        store = []
        if nSample > 0 { refill() }
    }

    /// Restores a saved state: the store is regenerated from `refillState`.
    public mutating func restore(refillState: SeededGenerator, position: Int) {
        rng = refillState
        refill()
        self.position = position
    }

    /// The reference's sampling CDF (float64 cumulative sum of support^alpha,
    /// normalised, last entry 1, cast to float32): GRU4Rec.md, Sampling. Tests
    /// compare it with the recorded `data/sample_cdf`; the sampler itself draws
    /// from the same distribution by the alias method.
    package static func referenceCDF(support: [Int], alpha: Float) -> [Float] {
        let w = support.map { pow(Double($0), Double(alpha)) }
        let total = w.reduce(0, +)
        var acc = 0.0
        var out = w.map { v -> Float in acc += v; return Float(acc / total) }
        if !out.isEmpty { out[out.count - 1] = 1 }
        return out
    }

    /// Builds Walker's alias table (Vose's method) for weights w (not all zero).
    static func aliasTable(_ w: [Float]) -> ([Float], [Int32]) {
        let n = w.count
        var prob = [Float](repeating: 1, count: n)
        var alias = [Int32](repeating: 0, count: n)
        let total = w.reduce(0.0) { $0 + Double($1) }
        guard n > 0, total > 0 else { return (prob, alias) }
        var scaled = w.map { Double($0) * Double(n) / total }
        var small: [Int] = [], large: [Int] = []
        for (i, p) in scaled.enumerated() { if p < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.popLast() else { prob[s] = 1; continue }
            prob[s] = Float(scaled[s])
            alias[s] = Int32(l)
            scaled[l] = scaled[l] + scaled[s] - 1
            if scaled[l] < 1 { small.append(l) } else { large.append(l) }
        }
        for l in large { prob[l] = 1 }
        return (prob, alias)
    }

    @inline(__always)
    private mutating func drawOne() -> Int32 {
        let i = rng.nextInt(below: probability.count)
        return rng.nextUnitFloat() < probability[i] ? Int32(i) : alias[i]
    }

    private mutating func refill() {
        refillState = rng
        let total = vectorsPerStore * nSample
        if store.count != total { store = [Int32](repeating: 0, count: total) }
        for k in 0..<total { store[k] = drawOne() }
        position = 0
    }

    /// Writes the next `nSample` negatives into `out`.
    public mutating func next(into out: UnsafeMutablePointer<Int32>) {
        guard nSample > 0 else { return }
        if position >= vectorsPerStore { refill() }
        store.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            out.update(from: base + position * nSample, count: nSample)
        }
        position += 1
    }
}
