"""Writes the hand-made seed inputs of the import fuzz target (Tests/Fuzz/corpus/import/).

Uses only the standard library and NumPy: the torch, pandas and gru4rec_pytorch names
the official model files use are stand-in modules registered here, so the pickler
writes exactly the globals and structure of `GRU4Rec.savemodel` (protocol 2, storages
as persistent ids) without PyTorch or pandas. Deterministic; rerun after changes:
    python3 Tests/Fuzz/make_import_corpus.py
"""
import collections, io, os, pickle, sys, types, zipfile
import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "import")


def module(name, **members):
    parts = name.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        sys.modules.setdefault(parent, types.ModuleType(parent))
    m = sys.modules.get(name) or types.ModuleType(name)
    for k, v in members.items():
        v.__module__ = name
        v.__qualname__ = k
        setattr(m, k, v)
    sys.modules[name] = m
    return m


def plain_class(name):
    return type(name, (), {})


# Stand-ins: only their names matter (the pickler records module + name).
def _rebuild_tensor_v2(*a): pass
def _rebuild_parameter(*a): pass
def _new_Index(*a): pass
torch_utils = module("torch._utils", _rebuild_tensor_v2=_rebuild_tensor_v2, _rebuild_parameter=_rebuild_parameter)
torch = module("torch", FloatStorage=plain_class("FloatStorage"), LongStorage=plain_class("LongStorage"), device=plain_class("device"))
nn = {k: module("torch.nn.modules." + m, **{k: plain_class(k)}) for k, m in
      [("GRUCell", "rnn"), ("Embedding", "sparse"), ("ModuleList", "container"), ("Dropout", "dropout")]}
pandas_series = module("pandas.core.series", Series=plain_class("Series"))
pandas_managers = module("pandas.core.internals.managers", SingleBlockManager=plain_class("SingleBlockManager"))
pandas_index = module("pandas.core.indexes.base", Index=plain_class("Index"), _new_Index=_new_Index)
official = module("gru4rec_pytorch", **{k: plain_class(k) for k in ["GRU4Rec", "GRU4RecModel", "SessionDataIterator"]})


class Storage:
    def __init__(self, key, values):
        self.key, self.values = key, np.asarray(values, dtype=np.float32)


class Tensor:
    def __init__(self, storage, shape):
        self.storage, self.shape = storage, shape

    def __reduce_ex__(self, protocol):
        strides = tuple(int(np.prod(self.shape[i + 1:])) for i in range(len(self.shape)))
        tensor = (torch_utils._rebuild_tensor_v2, (self.storage, 0, self.shape, strides, False, collections.OrderedDict()))
        return (torch_utils._rebuild_parameter, (Reduced(tensor), True, collections.OrderedDict()))


class Reduced:
    def __init__(self, r): self.r = r
    def __reduce_ex__(self, protocol): return self.r


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", torch.FloatStorage, obj.key, "cpu", obj.values.size)
        return None


def new(cls, **state):
    o = cls.__new__(cls)
    o.__dict__.update(state)
    return o


def torch_module(cls, parameters=None, modules=None):
    return new(cls, training=False, _parameters=collections.OrderedDict(parameters or {}), _buffers=collections.OrderedDict(),
               _modules=collections.OrderedDict(modules or {}))


class Call:
    """An object pickled as `function(*args)`."""
    def __init__(self, function, *args): self.function, self.args = function, args
    def __reduce_ex__(self, protocol): return (self.function, self.args)


def tiny_model(layers=(2,), fanout=0, n_items=3):
    """3 items, one GRU layer of 2 units, shared embedding, cross-entropy. Values: 0.01 * k per tensor."""
    items = [f"i{10 * (k + 1)}" for k in range(n_items)]
    storages, params = [], {}
    for name, shape in [("weight_ih", (6, 2)), ("weight_hh", (6, 2)), ("bias_ih", (6,)), ("bias_hh", (6,)), ("Wy", (n_items, 2)), ("By", (n_items, 1))]:
        s = Storage(str(len(storages)), 0.01 * np.arange(int(np.prod(shape))))
        storages.append(s)
        params[name] = Tensor(s, shape)
    cell = torch_module(nn["GRUCell"].GRUCell, {k: params[k] for k in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]})
    cells = {"0": cell}
    dropout = torch_module(nn["Dropout"].Dropout)
    cells.update({f"d{i}": dropout for i in range(fanout)})   # one module named again and again
    network = torch_module(official.GRU4RecModel, modules={
        "G": torch_module(nn["ModuleList"].ModuleList, modules=cells),
        "Wy": torch_module(nn["Embedding"].Embedding, {"weight": params["Wy"]}),
        "By": torch_module(nn["Embedding"].Embedding, {"weight": params["By"]}),
    })
    index = Call(pandas_index._new_Index, pandas_index.Index, {"data": np.array(items, dtype=object), "name": None})
    values = np.arange(n_items, dtype=np.int32)
    manager_state = ([index], [values], [index], {"0.14.1": {"axes": [index], "blocks": [{"values": values, "mgr_locs": slice(0, n_items, 1)}]}})
    itemidmap = new(pandas_series.Series, _mgr=built(pandas_managers.SingleBlockManager, manager_state), _name="ItemIdx")
    data_items = np.array([0, 1, 2, 1, 1, 2] if n_items == 3 else np.arange(n_items) % n_items, dtype=np.int32)
    iterator = new(official.SessionDataIterator, n_items=n_items, itemidmap=itemidmap,
                   data_items=data_items, offset_sessions=np.array([0, len(data_items) // 2, len(data_items)], dtype=np.int32))
    gru4rec = new(official.GRU4Rec, layers=list(layers), loss="cross-entropy", elu_param=0.5, bpreg=1.0, logq=0.0, batch_size=2,
                  dropout_p_embed=0.0, dropout_p_hidden=0.0, learning_rate=0.1, momentum=0.0, sample_alpha=0.5, n_sample=0,
                  embedding=0, constrained_embedding=True, n_epochs=1, data_iterator=iterator, model=network)
    return gru4rec, storages


def built(cls, state):
    """An object of `cls` whose BUILD state is `state` (not a dict: pandas block managers)."""
    import copyreg
    cls.__reduce_ex__ = lambda self, protocol: (copyreg.__newobj__, (type(self),), self._state)
    o = cls.__new__(cls)
    o._state = state
    return o


def pickled(obj):
    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def write_zip(path, name, pickle_bytes, storages):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for entry, data in [("data.pkl", pickle_bytes), ("byteorder", b"little")] + [("data/" + s.key, s.values.tobytes()) for s in storages] + [("version", b"3\n")]:
            info = zipfile.ZipInfo(f"{name}/{entry}", date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data)


if __name__ == "__main__":
    if len(sys.argv) == 3:   # make_import_corpus.py N_ITEMS OUT.pt: a large model in the same layout, for timing
        model, storages = tiny_model(n_items=int(sys.argv[1]))
        write_zip(sys.argv[2], "large", pickled(model), storages)
        sys.exit(0)
    os.makedirs(OUT, exist_ok=True)
    model, storages = tiny_model()
    write_zip(os.path.join(OUT, "tiny-official-model.pt"), "tiny", pickled(model), storages)
    with open(os.path.join(OUT, "tiny-official-model.pkl"), "wb") as f:
        f.write(pickled(model))
    # Hostile: os.system / builtins.eval as pickle.dumps writes them (built by hand, never loaded).
    for name, module_name, function, argument in [("os-system.pkl", "os", "system", "touch /tmp/pwned"),
                                                  ("builtins-eval.pkl", "builtins", "eval", "__import__('os').system('id')")]:
        arg = argument.encode()
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(b"\x80\x02c" + f"{module_name}\n{function}\n".encode() + b"X" + len(arg).to_bytes(4, "little") + arg + b"\x85R.")
    # The tiny model with a truncated storage (size mismatch) and a truncated archive.
    short = [Storage(s.key, s.values[:-1]) if s.key == "0" else s for s in storages]
    write_zip(os.path.join(OUT, "short-storage.pt"), "tiny", pickled(model), short)
    # Hyperparameters asking for a billion units (nothing may be allocated for them),
    # and a module listed 1,500 times (the walk is bounded).
    huge, huge_storages = tiny_model(layers=(1_000_000_000,))
    write_zip(os.path.join(OUT, "huge-layers.pt"), "tiny", pickled(huge), huge_storages)
    fan, fan_storages = tiny_model(fanout=1500)
    write_zip(os.path.join(OUT, "module-fanout.pt"), "tiny", pickled(fan), fan_storages)
    with open(os.path.join(OUT, "tiny-official-model.pt"), "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])
    for f in sorted(os.listdir(OUT)):
        print(f, os.path.getsize(os.path.join(OUT, f)))
