extension ParameterStore {
    /// The name of the first tensor holding NaN or an infinity, or nil when every value
    /// is finite. One pass over the store (cheap next to an epoch of training).
    public func firstNonFiniteTensor() -> String? {
        for spec in specs {
            let values = UnsafeBufferPointer(start: pointer(spec), count: spec.count)
            // Summing 0 * x is NaN exactly when some x is NaN or infinite.
            var probe: Float = 0
            for v in values { probe += v * 0 }
            if !probe.isFinite || probe != 0 { return spec.name }
        }
        return nil
    }
}
