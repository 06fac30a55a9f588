import CKernels
/// How the optimizer treats a parameter tensor.
public enum UpdateKind: String, Sendable {
    /// Every element is updated at every step.
    case dense
    /// An embedding-like table: only the rows looked up in a step are updated.
    case rowSparse = "sparse-rows"
}

/// The shape and place of one named tensor inside a ``ParameterStore``.
public struct TensorSpec: Equatable, Sendable {
    /// The reference implementation's parameter name, e.g. `G.0.weight_ih`.
    public let name: String
    /// Row-major shape; a vector has one dimension.
    public let shape: [Int]
    public let update: UpdateKind
    /// Offset in floats from the start of the store.
    public let offset: Int

    public var count: Int { shape.reduce(1, *) }
    /// Number of rows (first dimension).
    public var rows: Int { shape[0] }
    /// Floats per row (product of the remaining dimensions; 1 for a vector).
    public var rowLength: Int { shape.dropFirst().reduce(1, *) }
}

/// One contiguous block of floats holding every parameter tensor under its
/// name (llm.c style). Gradients and optimizer state use stores of the same
/// layout (``init(sameLayoutAs:)``), so element `k` of any tensor sits at the same
/// offset in each.
///
/// The block is either allocated (zeroed, ``init(layout:)``) or a private mapping of a
/// model file whose tensors lie in it back to back (``init(specs:mapping:)``, used by
/// `GRU4RecModel.load`): the tensors are then used in place, read from the page cache as
/// they are touched, and writes to them (training, `set`) are copy-on-write in this
/// process's memory, never reaching the file.
public final class ParameterStore {
    public let specs: [TensorSpec]
    public let count: Int
    /// The storage; valid for the lifetime of the store.
    public let base: UnsafeMutablePointer<Float>
    private let index: [String: Int]
    /// The file mapping that holds the storage; `nil` when it is allocated.
    private let mapping: FileMapping?

    /// Whether the storage is a private mapping of a model file (not an allocation).
    public var isMapped: Bool { mapping != nil }

    /// Allocates zeroed storage for the given (name, shape, update) list.
    /// Each tensor starts at a multiple of 16 floats (64 bytes).
    public convenience init(layout: [(String, [Int], UpdateKind)]) {
        var specs: [TensorSpec] = []
        var offset = 0
        for (name, shape, update) in layout {
            specs.append(TensorSpec(name: name, shape: shape, update: update, offset: offset))
            offset += (shape.reduce(1, *) + 15) / 16 * 16
        }
        self.init(specs: specs, count: offset)
    }

    /// Allocates zeroed storage of `count` floats for tensors at the given offsets.
    private init(specs: [TensorSpec], count: Int) {
        self.specs = specs
        self.count = count
        // Zeroed, on huge pages when large (scattered row updates, see g4r_alloc_floats).
        guard let storage = g4r_alloc_floats(max(count, 1)) else {
            fatalError("out of memory allocating \(count) floats of parameters")
        }
        self.base = storage
        self.index = Self.index(specs)
        self.mapping = nil
    }

    /// A store whose storage is `mapping` (a private mapping of a file), holding the
    /// tensors `specs` at their offsets (in floats from the mapping's start; any
    /// alignment of 4 bytes). Nil unless the specs lie within the mapping, and the
    /// mapping is 4-byte aligned.
    init?(specs: [TensorSpec], mapping: FileMapping) {
        let count = mapping.length / MemoryLayout<Float>.stride
        guard Int(bitPattern: mapping.address) % MemoryLayout<Float>.alignment == 0,
              specs.allSatisfy({ $0.offset >= 0 && $0.offset + $0.count <= count }) else { return nil }
        self.specs = specs
        self.count = count
        self.base = mapping.address.bindMemory(to: Float.self, capacity: count)
        self.index = Self.index(specs)
        self.mapping = mapping
    }

    private static func index(_ specs: [TensorSpec]) -> [String: Int] {
        var idx: [String: Int] = [:]
        for (i, s) in specs.enumerated() { idx[s.name] = i }
        return idx
    }

    /// A zeroed, allocated store with the same layout (the same specs at the same
    /// offsets), for gradients or optimizer state.
    public convenience init(sameLayoutAs other: ParameterStore) {
        self.init(specs: other.specs, count: other.count)
    }

    deinit {
        // A mapping is released with `mapping`.
        if mapping == nil { g4r_free_floats(base) }
    }

    public func spec(_ name: String) -> TensorSpec? { index[name].map { specs[$0] } }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    /// Pointer to the first element of a tensor. Traps on an unknown name (a programming error).
    public subscript(name: String) -> UnsafeMutablePointer<Float> {
        guard let i = index[name] else { preconditionFailure("no parameter named \(name)") }
        return base + specs[i].offset
    }

    public func pointer(_ spec: TensorSpec) -> UnsafeMutablePointer<Float> { base + spec.offset }

    /// A copy of one tensor's values.
    public func values(_ name: String) -> [Float] {
        guard let s = spec(name) else { return [] }
        return Array(UnsafeBufferPointer(start: base + s.offset, count: s.count))
    }

    /// Overwrites one tensor's values; the count must match.
    public func setValues(_ name: String, _ values: [Float]) {
        guard let s = spec(name) else { preconditionFailure("no parameter named \(name)") }
        precondition(values.count == s.count, "\(name): expected \(s.count) values, got \(values.count)")
        values.withUnsafeBufferPointer { if let v = $0.baseAddress { (base + s.offset).update(from: v, count: s.count) } }
    }

    public func zero() { base.update(repeating: 0, count: count) }

    public func copy(from other: ParameterStore) {
        precondition(other.count == count)
        base.update(from: other.base, count: count)
    }

    public func clone() -> ParameterStore {
        let c = ParameterStore(sameLayoutAs: self)
        c.copy(from: self)
        return c
    }
}
