// The only file that imports a BLAS. Everything else calls these wrappers.
#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Row-major single-precision BLAS wrappers.
///
/// All matrices are row-major with an explicit leading dimension (the distance
/// in floats between the starts of two rows).
enum BLAS {
    /// C (m x n) = alpha * op(A) * op(B) + beta * C, where op(A) is m x k and op(B) is k x n.
    /// `A` is stored m x k (or k x m when `transA`), `B` is k x n (or n x k when `transB`).
    @inline(__always)
    static func gemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS leaves C scaled by beta; make that explicit for k == 0.
            for i in 0..<m {
                let row = c + i * ldc
                for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
            }
            return
        }
        cblas_sgemm(
            CblasRowMajor,
            transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// y = alpha * op(A) * x + beta * y, with A stored m x n row-major.
    /// op(A) is A (y has m entries, x has n) or A^T when `trans` (y has n, x has m).
    @inline(__always)
    static func gemv(
        trans: Bool = false, m: Int, n: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float = 0,
        y: UnsafeMutablePointer<Float>
    ) {
        if m == 0 || n == 0 { return }
        cblas_sgemv(
            CblasRowMajor, trans ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }

    /// Sets the number of BLAS threads (OpenBLAS only; a no-op elsewhere).
    static func setThreads(_ n: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(n))
        #endif
    }

    static var threads: Int {
        #if canImport(Accelerate)
        return 1
        #else
        return Int(openblas_get_num_threads())
        #endif
    }

    /// A short description of the BLAS library in use, for benchmark notes.
    static var libraryDescription: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        if let c = openblas_get_config() { return "OpenBLAS " + String(cString: c) }
        return "OpenBLAS"
        #endif
    }
}

/// Public access to BLAS settings for the command line and benchmarks.
public enum BLASSettings {
    public static func setThreads(_ n: Int) { BLAS.setThreads(n) }
    public static var threads: Int { BLAS.threads }
    public static var library: String { BLAS.libraryDescription }
}

/// Measures the machine's single-precision matrix-multiply rate on a given shape
/// (for benchmarks: the step's FLOP/s is reported against it).
public enum BLASBenchmark {
    /// GFLOP/s of C(m x n) = A(m x k) · B(n x k)ᵀ products, best of three timed blocks, with the
    /// columns split over the threads of `parallelism` as the training step splits its products.
    public static func sgemmGFLOPS(m: Int, n: Int, k: Int, parallelism: Parallelism, clock: () -> UInt64, minimumSeconds: Double = 0.2) -> Double {
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.25, count: n * k)
        var c = [Float](repeating: 0, count: m * n)
        var best = 0.0
        for _ in 0..<3 {
            var reps = 0
            let start = clock()
            var elapsed = 0.0
            repeat {
                a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in c.withUnsafeMutableBufferPointer { cp in
                    guard let aP = ap.baseAddress, let bP = bp.baseAddress, let cP = cp.baseAddress else { return }
                    parallelism.run { part in
                        let cols = Parallelism.half(n, part: part, align: 8)
                        BLAS.gemm(transB: true, m: m, n: cols.count, k: k, a: aP, lda: k, b: bP + cols.lowerBound * k, ldb: k,
                                  c: cP + cols.lowerBound, ldc: n)
                    }
                } } }
                reps += 1
                elapsed = Double(clock() - start) / 1e9
            } while elapsed < minimumSeconds / 3
            best = max(best, 2.0 * Double(m * n * k) * Double(reps) / elapsed / 1e9)
        }
        return best
    }
}
