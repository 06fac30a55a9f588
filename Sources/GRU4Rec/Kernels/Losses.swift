import Foundation
import CKernels

/// Loss kernels over the training score matrix R (B x N, row-major, row stride
/// `ld`), whose target for row i is column i (the diagonal). Each computes the
/// loss SUM over rows divided by `normalizer` (the configured batch size, even
/// for a shrunken last batch: GRU4Rec.md, Loss normalisation) and writes dLoss/dR into `dR`.
///
/// Conventions (GRU4Rec.md, "The math" and Loss normalisation; the older losses as the reference's Theano version):
/// - cross-entropy: Z = R - logq·ln q (per column, `shift`), p = softmax(Z),
///   loss_i = -ln(p_ii + 1e-24).
/// - bpr-max: O = act(R); s = softmax over the negatives j != i; t = O_ii;
///   loss_i = -ln(Σ_j s_j σ(t - O_j) + 1e-24) + bpreg Σ_j s_j O_j².
/// - top1-max: loss_i = Σ_{j != i} s_j (σ(O_j - t) + σ(O_j²)).
/// - bpr: loss_i = mean over all N columns of -ln σ(t - O_j) (the diagonal adds ln 2).
/// - top1: loss_i = mean over all N columns of σ(O_j - t) + σ(O_j²).
/// Accidental hits (a negative equal to the target) are not masked.
struct LossSettings {
    var kind: LossFunction
    var activation: FinalActivation
    var bpreg: Float
    /// Normaliser D: the configured batch size.
    var normalizer: Float
}

extension LossFunction {
    /// THE LOSS TABLE: every loss this build trains, in the order help texts list them.
    /// To add a loss, add a row here (a `LossFunction(name:summary:usesBpreg:row:)`
    /// literal; a static name like the ones below only if other code must name it),
    /// write its row kernel in this file (and its C kernel, if any, in CKernels), document
    /// its formula in the list above, and give it a value test in `LossValueTests`.
    /// The gradient checks run over every row of this table. GRU4Rec.docc, "Adding a loss".
    public static let allCases: [LossFunction] = [.crossEntropy, .bprMax, .top1Max, .bpr, .top1]

    /// Softmax cross-entropy over the score row, optionally with logQ correction.
    public static let crossEntropy = LossFunction(
        name: "cross-entropy", summary: "softmax cross-entropy, logq applies",
        row: .raw { row, shift, n, i, grad, invD in Double(g4r_xe_row(row, shift, n, i, grad, invD)) })
    /// BPR-max with score regularisation `bpreg` (CIKM 2018).
    public static let bprMax = LossFunction(
        name: "bpr-max", summary: "BPR-max over softmax-weighted negatives, bpreg applies", usesBpreg: true,
        row: .activated(
            reference: { o, n, i, bpreg, grad in bprMaxRowReference(o, n: n, target: i, bpreg: bpreg, grad: grad) },
            fused: { row, n, i, alpha, bpreg, grad, scratch, invD in
                Double(g4r_bprmax_row(row, n, i, alpha, bpreg, grad, scratch, invD))
            }))
    /// TOP1-max (CIKM 2018).
    public static let top1Max = LossFunction(
        name: "top1-max", summary: "TOP1-max over softmax-weighted negatives",
        row: .activated(reference: { o, n, i, _, grad in top1MaxRow(o, n: n, target: i, grad: grad) }, fused: nil))
    /// Pairwise BPR averaged over all columns (ICLR 2016).
    public static let bpr = LossFunction(
        name: "bpr", summary: "pairwise BPR averaged over all columns",
        row: .activated(reference: { o, n, i, _, grad in bprRow(o, n: n, target: i, grad: grad) }, fused: nil))
    /// TOP1 averaged over all columns (ICLR 2016).
    public static let top1 = LossFunction(
        name: "top1", summary: "TOP1 averaged over all columns",
        row: .activated(reference: { o, n, i, _, grad in top1Row(o, n: n, target: i, grad: grad) }, fused: nil))
}

/// The loss of score row `i` (whose target is column i) before normalisation;
/// writes the row's dLoss/dR (already divided by D) into `grad`. `scratch` holds 3N floats.
/// Rows are independent: ``outputLoss`` computes them in parallel and sums the returned
/// values in row order.
@inline(__always)
func lossRow(
    _ settings: LossSettings, row i: Int, columns n: Int,
    scores row: UnsafePointer<Float>, shift: UnsafePointer<Float>?,
    grad: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
) -> Double {
    let invD = 1 / settings.normalizer
    switch settings.kind.row {
    case .raw(let kernel):
        return kernel(row, shift, n, i, grad, invD)
    case .activated(_, let fused?) where settings.activation != .tanh:
        var alpha: Float = 0
        if case .elu(let a) = settings.activation { alpha = a }
        return fused(row, n, i, alpha, settings.bpreg, grad, scratch, invD)
    case .activated(let reference, _):
        let o = scratch, act = scratch + n  // O and act'(R)
        applyActivation(settings.activation, row, n: n, out: o, derivative: act)
        let rowLoss = reference(o, n, i, settings.bpreg, grad)
        for j in 0..<n { grad[j] *= act[j] * invD }
        return rowLoss
    }
}

/// O = act(R) and act'(R), elementwise.
@inline(__always)
func applyActivation(_ a: FinalActivation, _ x: UnsafePointer<Float>, n: Int, out: UnsafeMutablePointer<Float>, derivative: UnsafeMutablePointer<Float>) {
    switch a {
    case .linear:
        for j in 0..<n { out[j] = x[j]; derivative[j] = 1 }
    case .elu(let alpha):
        for j in 0..<n {
            if x[j] > 0 { out[j] = x[j]; derivative[j] = 1 } else {
                let e = expf(x[j])
                out[j] = alpha * (e - 1)
                derivative[j] = alpha * e
            }
        }
    case .tanh:
        for j in 0..<n { let t = tanhf(x[j]); out[j] = t; derivative[j] = 1 - t * t }
    }
}

/// The plain Swift cross-entropy row: the test oracle for the vectorised `g4r_xe_row`.
func crossEntropyRowReference(_ row: UnsafePointer<Float>, n: Int, target i: Int, shift: UnsafePointer<Float>?, grad: UnsafeMutablePointer<Float>, invD: Float) -> Double {
    var m = -Float.infinity
    if let shift {
        for j in 0..<n { let z = row[j] - shift[j]; grad[j] = z; m = max(m, z) }
    } else {
        for j in 0..<n { grad[j] = row[j]; m = max(m, row[j]) }
    }
    var sum: Float = 0
    for j in 0..<n { let e = expf(grad[j] - m); grad[j] = e; sum += e }
    let inv = 1 / sum
    for j in 0..<n { grad[j] *= inv }
    let pii = grad[i]
    let scale = pii / (pii + 1e-24) * invD
    for j in 0..<n { grad[j] *= scale }
    grad[i] -= scale
    return -Double(logf(pii + 1e-24))
}

/// Softmax over the negatives (j != i) as the reference computes it: the diagonal
/// is zeroed, the row maximum (which includes that 0) subtracted, the diagonal
/// masked out. Writes s into `s`; s[i] = 0.
@inline(__always)
private func softmaxNegatives(_ o: UnsafePointer<Float>, n: Int, target i: Int, s: UnsafeMutablePointer<Float>) {
    var m: Float = 0
    for j in 0..<n where j != i { m = max(m, o[j]) }
    var sum: Float = 0
    for j in 0..<n {
        let e = j == i ? 0 : expf(o[j] - m)
        s[j] = e
        sum += e
    }
    let inv = 1 / sum
    for j in 0..<n { s[j] *= inv }
}

/// BPR-max for one row; on return `grad` holds dLoss_i/dO (before act' and 1/D).
/// The plain Swift version: the oracle of `g4r_bprmax_row` (and the tanh path).
func bprMaxRowReference(_ o: UnsafeMutablePointer<Float>, n: Int, target i: Int, bpreg: Float, grad: UnsafeMutablePointer<Float>) -> Double {
    guard n > 1 else { for j in 0..<n { grad[j] = 0 }; return 0 }
    softmaxNegatives(o, n: n, target: i, s: grad)
    let t = o[i]
    // P = Σ s g + eps ; reg = Σ s O²
    var p: Float = 0, reg: Float = 0
    for j in 0..<n where j != i {
        let g = sigmoid(t - o[j])
        p += grad[j] * g
        reg += grad[j] * o[j] * o[j]
    }
    p += 1e-24
    let loss = -Double(logf(p)) + Double(bpreg * reg)
    // G_s = -g/P + λ O² ; dO_j = s_j (G_s_j - Σ s G_s) + g(1-g) s/P + 2λ O s ; dO_i = -Σ g(1-g) s / P.
    var sGs: Float = 0
    for j in 0..<n where j != i {
        let g = sigmoid(t - o[j])
        sGs += grad[j] * (-g / p + bpreg * o[j] * o[j])
    }
    var dt: Float = 0
    for j in 0..<n {
        if j == i { continue }
        let s = grad[j], g = sigmoid(t - o[j])
        let gs = -g / p + bpreg * o[j] * o[j]
        let direct = g * (1 - g) * s / p
        grad[j] = s * (gs - sGs) + direct + 2 * bpreg * o[j] * s
        dt -= direct
    }
    grad[i] = dt
    return loss
}

/// TOP1-max for one row (dLoss_i/dO into `grad`).
@inline(__always)
private func top1MaxRow(_ o: UnsafeMutablePointer<Float>, n: Int, target i: Int, grad: UnsafeMutablePointer<Float>) -> Double {
    guard n > 1 else { for j in 0..<n { grad[j] = 0 }; return 0 }
    softmaxNegatives(o, n: n, target: i, s: grad)
    let t = o[i]
    var loss: Float = 0
    for j in 0..<n where j != i {
        loss += grad[j] * (sigmoid(o[j] - t) + sigmoid(o[j] * o[j]))
    }
    var dt: Float = 0
    for j in 0..<n {
        if j == i { continue }
        let s = grad[j], a = sigmoid(o[j] - t), q = sigmoid(o[j] * o[j])
        let gs = a + q
        grad[j] = s * (gs - loss) + s * a * (1 - a) + s * q * (1 - q) * 2 * o[j]
        dt -= s * a * (1 - a)
    }
    grad[i] = dt
    return Double(loss)
}

/// BPR (mean over all N columns) for one row.
@inline(__always)
private func bprRow(_ o: UnsafeMutablePointer<Float>, n: Int, target i: Int, grad: UnsafeMutablePointer<Float>) -> Double {
    let t = o[i], invN = 1 / Float(n)
    var loss: Double = 0
    var dt: Float = 0
    for j in 0..<n {
        let g = sigmoid(t - o[j])
        loss -= Double(logf(g))
        if j == i { continue }
        grad[j] = (1 - g) * invN
        dt -= (1 - g) * invN
    }
    grad[i] = dt
    return loss / Double(n)
}

/// TOP1 (mean over all N columns) for one row.
@inline(__always)
private func top1Row(_ o: UnsafeMutablePointer<Float>, n: Int, target i: Int, grad: UnsafeMutablePointer<Float>) -> Double {
    let t = o[i], invN = 1 / Float(n)
    var loss: Double = 0
    var dt: Float = 0
    for j in 0..<n {
        let a = sigmoid(o[j] - t), q = sigmoid(o[j] * o[j])
        loss += Double(a + q)
        let dq = q * (1 - q) * 2 * o[j] * invN
        if j == i { grad[j] = dq; continue }
        grad[j] = a * (1 - a) * invN + dq
        dt -= a * (1 - a) * invN
    }
    grad[i] += dt
    return loss / Double(n)
}
