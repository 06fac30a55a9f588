import CKernels
import Foundation

/// The exact top-k of a live session over a large catalog, reading an eighth of the
/// output weights: a 4-bit copy of `Wy` is scanned first, and only the items its error
/// bound cannot rule out are scored exactly.
///
/// Exactness: the result is the same list, with the same scores (bit for bit), as
/// ``topK(_:count:k:excluded:)`` over the full f32 scores of ``ForwardPass/scoreAll(rows:into:)``
/// with one row (ties: the lower index first). That pass and the re-check here use the
/// one C function per row (`g4r_score_rows` / `g4r_score_items`, `CKernels/screen.c`).
///
/// The bound. Row i of `Wy` is stored as q_i (4 bits, |q_ij| ≤ 7) with scale_i =
/// max_j |w_ij| / 7, the hidden state h as hq (int8) with scale hs, so that the screening
/// value A_i = b_i + scale_i·hs·Σ_j q_ij hq_j is an exact integer sum scaled once. With
/// r_i = w_i − scale_i q_i and δ = h − hs·hq:
///
///     |Σ w_ij h_j − scale_i hs Σ q_ij hq_j| ≤ ‖r_i‖·‖h‖ + ‖scale_i q_i‖·‖δ‖ ≤ ‖r_i‖(‖h‖ + ‖δ‖) + ‖w_i‖·‖δ‖
///
/// (Cauchy–Schwarz); the f32 score itself is within γ_{H+1}(‖w_i‖‖h‖ + |b_i|) of the real
/// dot product (any summation order, γ_m = m·2⁻²⁴ / (1 − m·2⁻²⁴)), and computing A_i in
/// f32 adds at most 8·2⁻²⁴(|A_i| + |b_i|). ‖r_i‖ and ‖w_i‖ are stored per row (rounded up),
/// ‖h‖ and ‖δ‖ computed per click; every constant is inflated by 10⁻⁵ to cover the
/// rounding of the bound's own arithmetic. So each exact score lies in [A_i − e_i, A_i + e_i].
///
/// The pass keeps the K largest lower bounds (K = k plus the excluded items in the
/// catalog) and lists every item whose upper bound reaches the running K-th lower bound;
/// at the end, T = the K-th largest lower bound overall. The K items with the largest
/// lower bounds score at least T exactly, so every item of the exact top-K scores at
/// least T, and its upper bound reaches T: it is a candidate. The candidates are scored
/// exactly, sorted (score, then lower index), the excluded dropped, k kept.
///
/// Falls back (returns `nil`, the caller scores everything) when h is not finite, a
/// candidate's exact score is NaN, K exceeds 4,096 or the candidates overflow their buffer
/// (65,536 per half).
///
/// Memory: H/2 (H rounded up to 8) + 12 bytes per item: 64 MB at 1,000,000 items x 100
/// units (beside the 400 MB of `Wy`). Building it reads `Wy` once (both cores).
///
/// Immutable after initialisation, so one instance may serve many threads; it reads the
/// model's parameters, which must not change while it is in use (rebuild it after training).
public final class ScreenedScorer: @unchecked Sendable {
    /// The model whose weights are screened.
    public let model: GRU4RecModel
    /// Column-group pairs per block of 16 rows (64 bytes each: eight columns of 16 rows).
    let items: Int, hiddenSize: Int, pairs: Int, blocks: Int
    private let q: UnsafeMutablePointer<UInt8>
    private let scale: UnsafeMutablePointer<Float>, err: UnsafeMutablePointer<Float>, wnorm: UnsafeMutablePointer<Float>
    private let storage: UnsafeMutablePointer<Float>
    private let wy: UnsafePointer<Float>, by: UnsafePointer<Float>
    /// Bytes held by the screening copy.
    public let memoryBytes: Int
    /// The scan's variant (-1: the best this CPU has; 0: the portable loop; 1: AVX2;
    /// 2: AVX-512 VNNI). For tests: all give the same results.
    var level: Int32 = -1

    /// Largest K (k plus excluded items) screened; above it the caller scores everything.
    static let maximumK = 4096

    /// Builds the screening copy of `model`'s output weights, or `nil` when the model
    /// has no items or a last layer wider than 16,000 units (int32 sums could overflow),
    /// or the memory cannot be had, or (unless `anyCPU`) the CPU lacks AVX-512 VNNI: the
    /// portable scan reads an eighth of the bytes but is bound by arithmetic (46-60 ms
    /// against 8.5 ms at 1,000,000 x 100 on one core), slower than scoring every item, so
    /// callers score everything there. `anyCPU` is for tests. The copy is built in two
    /// parts over `parallelism`.
    public convenience init?(model: GRU4RecModel, parallelism: Parallelism) {
        self.init(model: model, parallelism: parallelism, anyCPU: false)
    }

    init?(model: GRU4RecModel, parallelism: Parallelism, anyCPU: Bool) {
        let n = model.itemCount, h = model.outputSize
        guard n > 0, h > 0, h <= 16_000, anyCPU || g4r_screen_level() == 2 else { return nil }
        self.model = model
        items = n
        hiddenSize = h
        pairs = ((h + 3) / 4 + 1) / 2
        blocks = (n + 15) / 16
        let rows = blocks * 16
        let qFloats = blocks * pairs * 16  // 64 bytes per pair per block
        guard let p = g4r_alloc_floats(qFloats + 3 * rows) else { return nil }
        storage = p
        q = UnsafeMutableRawPointer(p).bindMemory(to: UInt8.self, capacity: qFloats * 4)
        scale = p + qFloats
        err = p + qFloats + rows
        wnorm = p + qFloats + 2 * rows
        memoryBytes = (qFloats + 3 * rows) * 4
        let params = model.parameters
        wy = UnsafePointer(params["Wy.weight"])
        by = UnsafePointer(params["By.weight"])
        let (wy, by, q, scale, err, wnorm, blocks) = (wy, by, q, scale, err, wnorm, blocks)
        parallelism.run { part in
            let r = Parallelism.half(blocks, part: part)
            g4r_screen_build(wy, by, n, h, r.lowerBound * 16, r.upperBound * 16, q, scale, err, wnorm)
        }
    }

    deinit { g4r_free_floats(storage) }

    /// What one screened top-k found: the list, and how many items were scored exactly.
    struct Screened {
        var top: [(item: Int, score: Float)]
        var rescored: Int
    }

    /// The top `k` items for the last layer's hidden state `h` (``outputSize`` floats),
    /// best first, skipping `excluded`; `nil` when it must be computed from all scores.
    /// The two halves of the catalog are scanned over the caller's `parallelism` (one
    /// scorer may serve many sessions, each with its own).
    public func topK(hidden h: UnsafePointer<Float>, k: Int, excluding excluded: Set<Int> = [],
                     parallelism: Parallelism) -> [(item: Int, score: Float)]? {
        screen(hidden: h, k: k, excluding: excluded, parallelism: parallelism)?.top
    }

    func screen(hidden h: UnsafePointer<Float>, k: Int, excluding excluded: Set<Int>, parallelism: Parallelism) -> Screened? {
        let n = items, H = hiddenSize
        let kept = min(k, n - excluded.count)
        guard kept > 0 else { return Screened(top: [], rescored: 0) }
        let bigK = kept + excluded.lazy.filter { $0 >= 0 && $0 < n }.count
        guard bigK <= Self.maximumK else { return nil }

        // h quantised to int8, and the norms of the bound.
        var top: Float = 0, hh = 0.0
        for j in 0..<H {
            let v = h[j]
            guard v.isFinite else { return nil }
            top = max(top, abs(v))
            hh += Double(v) * Double(v)
        }
        var hq = [Int8](repeating: 0, count: pairs * 8)
        var hs = top / 127, dd = 0.0, hsum = 0
        if hs < Float.leastNormalMagnitude { hs = 0 }
        for j in 0..<H {
            var v: Float = 0
            if hs > 0 { v = min(127, max(-127, (h[j] / hs).rounded())) }
            hq[j] = Int8(v)
            hsum += Int(v)
            let d = Double(h[j]) - Double(hs) * Double(v)
            dd += d * d
        }
        let unit = 0x1p-24, margin = 1 + 1e-5
        let gamma = Double(H + 1) * unit / (1 - Double(H + 1) * unit)
        let hNorm = hh.squareRoot() * (1 + 1e-6), dNorm = dd.squareRoot() * (1 + 1e-6)
        let c1 = Float((hNorm + dNorm) * margin), c2 = Float((dNorm + gamma * hNorm) * margin)
        let c3 = Float((gamma + 16 * unit) * margin)

        // Both halves of the catalog (by blocks of 16 rows), then the K-th lower bound overall.
        let cap = max(65_536, 32 * bigK)
        let heaps = UnsafeMutablePointer<Float>.allocate(capacity: 2 * bigK)
        let cands = UnsafeMutablePointer<Int32>.allocate(capacity: 2 * cap)
        let uppers = UnsafeMutablePointer<Float>.allocate(capacity: 2 * cap)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: 4)  // heap sizes, candidate counts
        defer { heaps.deallocate(); cands.deallocate(); uppers.deallocate(); counts.deallocate() }
        let (q, scale, err, wnorm, by, pairs, blocks, level) = (q, scale, err, wnorm, by, pairs, blocks, level)
        let hsum8 = Int32(8 * hsum)
        hq.withUnsafeBufferPointer { hqP in
            parallelism.run { part in
                let r = Parallelism.half(blocks, part: part)
                counts[part] = g4r_screen_topk(
                    q, pairs, scale, err, wnorm, by, n, r.lowerBound, r.upperBound, hqP.baseAddress, hsum8, hs, c1, c2, c3,
                    level, bigK, heaps + part * bigK, cands + part * cap, uppers + part * cap, cap, counts + 2 + part)
            }
        }
        guard counts[2] <= cap, counts[3] <= cap else { return nil }
        let lowers = (Array(UnsafeBufferPointer(start: heaps, count: counts[0]))
                      + UnsafeBufferPointer(start: heaps + bigK, count: counts[1])).sorted(by: >)
        let threshold = lowers.count >= bigK ? lowers[bigK - 1] : -Float.infinity
        var candidates: [Int32] = []
        for part in 0..<2 {
            for c in part * cap..<part * cap + counts[2 + part] where !(uppers[c] < threshold) { candidates.append(cands[c]) }
        }
        var exact = [Float](repeating: 0, count: candidates.count)
        candidates.withUnsafeBufferPointer { c in
            exact.withUnsafeMutableBufferPointer { out in
                g4r_score_items(wy, by, H, h, c.baseAddress, c.count, out.baseAddress)
            }
        }
        guard !exact.contains(where: \.isNaN) else { return nil }
        var ranked: [(item: Int, score: Float)] = []
        ranked.reserveCapacity(candidates.count)
        for (c, item) in candidates.enumerated() where !excluded.contains(Int(item)) {
            ranked.append((item: Int(item), score: exact[c]))
        }
        ranked.sort { (a: (item: Int, score: Float), b: (item: Int, score: Float)) -> Bool in
            a.score > b.score || (a.score == b.score && a.item < b.item)
        }
        return Screened(top: Array(ranked.prefix(kept)), rescored: candidates.count)
    }
}
