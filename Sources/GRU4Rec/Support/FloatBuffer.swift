/// Floats allocated once, zeroed, at their final size (at least 16): hidden state and the
/// forward pass's caches. Nothing grows inside a step.
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let capacity: Int
    init(_ capacity: Int) {
        self.capacity = max(capacity, 16)
        pointer = .allocate(capacity: self.capacity)
        pointer.initialize(repeating: 0, count: self.capacity)
    }
    deinit { pointer.deallocate() }
}
