/// The globals a pickle saved by the official PyTorch GRU4Rec may name, and what each
/// stands for when read as data. Anything else is refused when the pickle names it
/// (before anything could be called): `os.system`, `builtins.eval`,
/// `subprocess.Popen`, ... never get further than the `GLOBAL` opcode.
///
/// | global | read as |
/// |---|---|
/// | `torch._utils._rebuild_tensor_v2`, `_rebuild_parameter` | a tensor view of a storage |
/// | `torch.FloatStorage`, `LongStorage`, ... | the element type of a storage (persistent ids only) |
/// | `collections.OrderedDict` | a dict |
/// | `builtins.set` | a set |
/// | `_codecs.encode(text, 'latin1')` | the bytes (how protocol 2 writes `bytes`) |
/// | `builtins.getattr`, `builtins.slice`, `torch.device`, `torch.nn.modules.*` (Embedding, GRUCell, Dropout, ModuleList, Linear), `numpy` array and dtype reconstruction, the pandas `Series`/`Index`/block managers of the item map, the official `gru4rec_pytorch` classes | an inert object: the name, the arguments and the `BUILD` state, never called |
enum PickleAllowList {
    enum Role: Equatable {
        /// Kept as an inert ``PickleObject``.
        case object
        case orderedDict
        case set
        case rebuildTensor
        case rebuildParameter
        case storageType(TorchScalarType)
        case codecsEncode
    }

    /// The official GRU4Rec classes (module `gru4rec_pytorch`, or any package path ending in it).
    static let officialClasses: Set<String> = ["GRU4Rec", "GRU4RecModel", "GRUEmbedding", "SessionDataIterator", "SampleCache"]

    static let roles: [String: Role] = {
        var r: [String: Role] = [
            "torch._utils._rebuild_tensor_v2": .rebuildTensor,
            "torch._utils._rebuild_parameter": .rebuildParameter,
            "torch.device": .object,
            "torch.nn.modules.rnn.GRUCell": .object,
            "torch.nn.modules.sparse.Embedding": .object,
            "torch.nn.modules.dropout.Dropout": .object,
            "torch.nn.modules.container.ModuleList": .object,
            "torch.nn.modules.linear.Linear": .object,
            "collections.OrderedDict": .orderedDict,
            "_codecs.encode": .codecsEncode,
            "numpy.core.multiarray._reconstruct": .object,
            "numpy._core.multiarray._reconstruct": .object,
            "numpy.ndarray": .object,
            "numpy.dtype": .object,
            "pandas.core.series.Series": .object,
            "pandas.core.internals.managers.SingleBlockManager": .object,
            "pandas.core.internals.managers.BlockManager": .object,
            "pandas.core.indexes.base._new_Index": .object,
            "pandas.core.indexes.base.Index": .object,
            "pandas.core.indexes.range.RangeIndex": .object,
        ]
        for builtins in ["__builtin__", "builtins"] {
            r[builtins + ".set"] = .set
            r[builtins + ".slice"] = .object
            r[builtins + ".getattr"] = .object
        }
        for type in [TorchScalarType.float32, .float64, .float16, .bfloat16, .int64, .int32, .int16, .int8, .uint8, .bool] {
            r["torch." + type.rawValue] = .storageType(type)
        }
        return r
    }()

    /// The role of an allowed global, nil when it is not allowed.
    static func role(of global: PickleGlobal) -> Role? {
        if let role = roles[global.qualifiedName] { return role }
        let module = global.module
        if (module == "gru4rec_pytorch" || module.hasSuffix(".gru4rec_pytorch")) && officialClasses.contains(global.name) { return .object }
        return nil
    }
}
