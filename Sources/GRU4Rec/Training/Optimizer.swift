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
/// Adagrad with momentum (the reference's `IndexedAdagradM`, FORMAT.md section 6),
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
    func step(parameters: ParameterStore, dense: ParameterStore, sparse: [(TensorSpec, SparseRowGradient)]) {
        stepCount += 1
        for gs in dense.specs {
            guard let ps = parameters.spec(gs.name) else { continue }
            update(theta: parameters.pointer(ps), grad: dense.pointer(gs), stateOffset: ps.offset, count: ps.count)
        }
        for (ps, g) in sparse {
            let len = ps.rowLength
            for k in 0..<g.count {
                let row = Int(g.rows[k])
                update(theta: parameters.pointer(ps) + row * len, grad: g.values + k * len, stateOffset: ps.offset + row * len, count: len)
            }
        }
    }

    @inline(__always)
    private func update(theta: UnsafeMutablePointer<Float>, grad: UnsafePointer<Float>, stateOffset: Int, count: Int) {
        let a = acc.base + stateOffset
        let lr = learningRate
        switch kind {
        case .adagrad:
            g4r_adagrad(theta, grad, a, mom.map { $0.base + stateOffset }, count, lr, momentum, epsilon)
        case .adam:
            guard let mom else { return }
            let m = mom.base + stateOffset
            let t = Float(stepCount)
            let c1 = 1 - powf(beta1, t), c2 = 1 - powf(beta2, t)
            for j in 0..<count {
                let g = grad[j]
                m[j] = beta1 * m[j] + (1 - beta1) * g
                a[j] = beta2 * a[j] + (1 - beta2) * g * g
                theta[j] -= lr * (m[j] / c1) / ((a[j] / c2).squareRoot() + adamEpsilon)
            }
        case .sgd:
            if let mom {
                let m = mom.base + stateOffset, mu = momentum
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
