/// One value of a pickle read as data (see ``PickleReader``): nothing in it was ever
/// called. Containers are reference boxes because a pickle mutates them after they
/// are memoised (`EMPTY_LIST`, `BINPUT`, ..., `APPENDS`); every box belongs to the
/// ``PickleDocument`` that read it and is emptied when that document goes away.
public enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case bytes([UInt8])
    /// A tuple, a list or a set (see ``PickleSequence/kind``).
    case sequence(PickleSequence)
    case dict(PickleDict)
    /// A reference to an allowed global, e.g. `torch.nn.modules.rnn.GRUCell`, never resolved.
    case global(PickleGlobal)
    /// What an allowed class or function would have built: its name, arguments and
    /// the state given by `BUILD`.
    case object(PickleObject)
    /// A torch storage named by a persistent id (`BINPERSID`).
    case storage(TorchStorageReference)
    /// A torch tensor: `torch._utils._rebuild_tensor_v2` (or `_rebuild_parameter`) as data.
    case tensor(TorchTensorReference)

    /// A short description for error messages (type and, for scalars, the value).
    public var summary: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return "int \(i)"
        case .float(let d): return "float \(d)"
        case .string(let s): return "str '\(s.prefix(40))'"
        case .bytes(let b): return "bytes (\(b.count))"
        case .sequence(let s): return "\(s.kind.rawValue) of \(s.items.count)"
        case .dict(let d): return "dict of \(d.entries.count)"
        case .global(let g): return "global \(g.qualifiedName)"
        case .object(let o): return "\(o.type.qualifiedName) object"
        case .storage(let s): return "storage '\(s.key)'"
        case .tensor(let t): return "tensor \(t.shape)"
        }
    }

    public var intValue: Int? { if case .int(let i) = self { return i }; if case .bool(let b) = self { return b ? 1 : 0 }; return nil }
    public var doubleValue: Double? {
        switch self {
        case .float(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var items: [PickleValue]? { if case .sequence(let s) = self { return s.items }; return nil }
    public var dict: PickleDict? { if case .dict(let d) = self { return d }; return nil }
    public var object: PickleObject? { if case .object(let o) = self { return o }; return nil }
    public var isNone: Bool { if case .none = self { return true }; return false }
}

/// A global named by the pickle (`module` + `name`), checked against the allow-list.
public struct PickleGlobal: Hashable, Sendable {
    public var module: String
    public var name: String
    public var qualifiedName: String { module + "." + name }
}

/// Every box of a document, so that the document can empty them all when it goes
/// (no recursive release of deep or cyclic structures built by hostile input).
protocol PickleBox: AnyObject {
    func dismantle()
}

public final class PickleSequence: PickleBox {
    public enum Kind: String { case tuple, list, set }
    public let kind: Kind
    public internal(set) var items: [PickleValue]
    init(_ kind: Kind, _ items: [PickleValue]) { self.kind = kind; self.items = items }
    func dismantle() { items = [] }
}

public final class PickleDict: PickleBox {
    public internal(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    init() {}
    func dismantle() { entries = [] }

    /// The value under a string key (the last one written wins, as in Python).
    public subscript(key: String) -> PickleValue? {
        for entry in entries.reversed() { if case .string(let k) = entry.key, k == key { return entry.value } }
        return nil
    }

    /// The string keys, in the order they were written.
    public var stringKeys: [String] { entries.compactMap { $0.key.stringValue } }
}

public final class PickleObject: PickleBox {
    /// The class, or the function whose result this stands for.
    public let type: PickleGlobal
    public internal(set) var arguments: [PickleValue]
    /// The state set by `BUILD` (usually the object's `__dict__`), `.none` when never built.
    public internal(set) var state: PickleValue = .none
    init(_ type: PickleGlobal, _ arguments: [PickleValue]) { self.type = type; self.arguments = arguments }
    func dismantle() { arguments = []; state = .none }

    /// `state[key]` when the state is a dict (the common `__dict__` case).
    public subscript(key: String) -> PickleValue? { state.dict?[key] }
}

/// Element types of torch storages (the `torch.*Storage` globals).
public enum TorchScalarType: String, Sendable {
    case float32 = "FloatStorage", float64 = "DoubleStorage", float16 = "HalfStorage", bfloat16 = "BFloat16Storage"
    case int64 = "LongStorage", int32 = "IntStorage", int16 = "ShortStorage", int8 = "CharStorage"
    case uint8 = "ByteStorage", bool = "BoolStorage"

    public var byteWidth: Int {
        switch self {
        case .float64, .int64: return 8
        case .float32, .int32: return 4
        case .float16, .bfloat16, .int16: return 2
        case .int8, .uint8, .bool: return 1
        }
    }
}

/// A storage named by `('storage', torch.XStorage, key, location, numel)`; its bytes
/// are the archive entry `data/<key>`.
public struct TorchStorageReference: Sendable, Equatable {
    public var scalarType: TorchScalarType
    public var key: String
    public var elementCount: Int
}

/// A tensor view of a storage: `_rebuild_tensor_v2(storage, offset, size, stride, ...)`.
public struct TorchTensorReference: Sendable, Equatable {
    public var storage: TorchStorageReference
    public var offset: Int
    public var shape: [Int]
    public var strides: [Int]
}
