import Foundation
import CKernels

/// The gradient of a row-sparse parameter for one step: `rows` distinct row
/// indices and, for each, the SUM of its gradient contributions (`rowLength` floats).
struct SparseRowGradient {
    var rows: UnsafePointer<Int32>
    var count: Int
    var values: UnsafeMutablePointer<Float>  // (count, rowLength)
}

/// Optimizers over a ``ParameterStore``.
///
/// Adagrad with momentum (the reference's `IndexedAdagradM`, GRU4Rec.md, Optimizer),
/// ε = 1e-6 INSIDE the square root:
///
///     acc += g²;  Δ = -η g / sqrt(acc + ε);  mom = μ mom + Δ;  θ += mom   (θ += Δ when μ = 0)
///
/// Row-sparse tensors update only the rows used in the step, with the square of
/// the per-row gradient SUM, and lazy momentum: other rows' momentum neither
/// decays nor applies. Adam and SGD follow the same row-sparse rule.
public final class Optimizer {
    public let kind: OptimizerKind
    public let learningRate: Float
    public let momentum: Float
    let epsilon: Float = 1e-6
    let beta1: Float, beta2: Float, adamEpsilon: Float
    /// Adagrad accumulator (Adam: second moment).
    public let acc: ParameterStore
    /// Momentum buffer (Adam: first moment); nil when unused.
    public let mom: ParameterStore?
    /// Row-sparse updates deal rows to the two parts in blocks of 2^4 rows.
    static let rowBlockShift: Int32 = 4

    /// The part (0 or 1) that updates row `row` of a row-sparse tensor.
    @inline(__always)
    static func part(ofRow row: Int32) -> Int { Int((row >> rowBlockShift) & 1) }
    /// Adam step counter.
    public internal(set) var stepCount: Int = 0

    public init(hyperparameters hp: Hyperparameters, parameters: ParameterStore) {
        kind = hp.optimizer
        learningRate = hp.learningRate
        momentum = hp.momentum
        beta1 = hp.adamBeta1
        beta2 = hp.adamBeta2
        adamEpsilon = hp.adamEpsilon
        acc = ParameterStore(sameLayoutAs: parameters)
        let needsMom = (kind == .adam) || hp.momentum > 0
        mom = needsMom ? ParameterStore(sameLayoutAs: parameters) : nil
    }

    /// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before.
    @discardableResult
    func clip(maxNorm: Float, dense: ParameterStore, sparse: [(TensorSpec, SparseRowGradient)]) -> Float {
        var sq: Double = 0
        for i in 0..<dense.count { sq += Double(dense.base[i] * dense.base[i]) }
        for (spec, g) in sparse { for k in 0..<(g.count * spec.rowLength) { sq += Double(g.values[k] * g.values[k]) } }
        let norm = Float(sq.squareRoot())
        if maxNorm > 0 && norm > maxNorm {
            let s = maxNorm / norm
            for i in 0..<dense.count { dense.base[i] *= s }
            for (spec, g) in sparse { for k in 0..<(g.count * spec.rowLength) { g.values[k] *= s } }
        }
        return norm
    }

    /// One update. `dense` holds the dense gradients under the parameters' names
    /// (tensors absent from it are skipped); `sparse` the row gradients.
    /// Two parts run in parallel: dense tensors are split into element halves,
    /// row-sparse ones by rows (``part(ofRow:)``); each element's update is independent
    /// of the others, so the result does not depend on the split.
    /// `beforeEachPart(part)` runs first in each part: the last writes to that part's rows
    /// of the row gradients (see ``part(ofRow:)``) can join the update's parallel pass.
    func step(parameters: ParameterStore, dense: ParameterStore, sparse: [(TensorSpec, SparseRowGradient)],
              parallelism: Parallelism, beforeEachPart: ((Int) -> Void)? = nil) {
        stepCount += 1
        let accBase = acc.base, momBase = mom?.base
        parallelism.run { part in
            beforeEachPart?(part)
            for gs in dense.specs {
                guard let ps = parameters.spec(gs.name) else { continue }
                let r = Parallelism.half(ps.count, part: part, align: 16)
                update(theta: parameters.pointer(ps) + r.lowerBound, grad: dense.pointer(gs) + r.lowerBound,
                       acc: accBase + ps.offset + r.lowerBound, mom: momBase.map { $0 + ps.offset + r.lowerBound }, count: r.count)
            }
            for (ps, g) in sparse {
                // Rows dealt to the parts in blocks of 16 by index (not by position in
                // the list): a block covers whole cache lines, so the two cores never
                // write the same line, and the popular rows are shared evenly.
                let len = ps.rowLength
                let theta = parameters.pointer(ps)
                if kind == .adagrad {
                    g4r_adagrad_rows(theta, accBase + ps.offset, momBase.map { $0 + ps.offset }, len, g.rows, g.count,
                                     g.values, Int32(part), Self.rowBlockShift, learningRate, momentum, epsilon)
                    continue
                }
                for k in 0..<g.count where Self.part(ofRow: g.rows[k]) == part {
                    let row = Int(g.rows[k])
                    let at = ps.offset + row * len
                    update(theta: theta + row * len, grad: g.values + k * len, acc: accBase + at, mom: momBase.map { $0 + at }, count: len)
                }
            }
        }
    }

    @inline(__always)
    private func update(theta: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, acc a: UnsafeMutablePointer<Float>,
                mom m: UnsafeMutablePointer<Float>?, count: Int) {
        let lr = learningRate
        switch kind {
        case .adagrad:
            g4r_adagrad(theta, grad, a, m, count, lr, momentum, epsilon)
        case .adam:
            guard let m else { return }
            let t = Float(stepCount)
            let c1 = 1 - powf(beta1, t), c2 = 1 - powf(beta2, t)
            for j in 0..<count {
                let g = grad[j]
                m[j] = beta1 * m[j] + (1 - beta1) * g
                a[j] = beta2 * a[j] + (1 - beta2) * g * g
                theta[j] -= lr * (m[j] / c1) / ((a[j] / c2).squareRoot() + adamEpsilon)
            }
        case .sgd:
            if let m {
                let mu = momentum
                for j in 0..<count {
                    let v = mu * m[j] - lr * grad[j]
                    m[j] = v
                    theta[j] += v
                }
            } else {
                for j in 0..<count { theta[j] -= lr * grad[j] }
            }
        }
    }
}
