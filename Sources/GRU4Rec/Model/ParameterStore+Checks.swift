import CKernels

extension ParameterStore {
    /// The name of the first tensor holding NaN or an infinity, or nil when every value
    /// is finite. One vectorised pass over the store (`g4r_first_nonfinite`).
    public func firstNonFiniteTensor() -> String? {
        specs.first { g4r_first_nonfinite(pointer($0), $0.count) >= 0 }?.name
    }
}
