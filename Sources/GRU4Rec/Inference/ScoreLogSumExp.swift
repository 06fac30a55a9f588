import CKernels

/// log(Σ_j exp(scores_j)) in double, the max subtracted first (softmax probabilities
/// are exp(score − this)): one vectorised pass for the max and one for the sum
/// (`g4r_logsumexp`, CKernels/kernels.c; each term to about 2·10⁻¹⁶ relative, so the
/// result agrees with a plain loop over `Foundation.exp` to about 10⁻¹³; a million
/// scores in about a millisecond instead of tens). NaN when a score is NaN; 0 for none.
public func scoreLogSumExp(_ scores: [Float]) -> Double {
    scores.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress, !p.isEmpty else { return 0 }
        return g4r_logsumexp(base, p.count)
    }
}
