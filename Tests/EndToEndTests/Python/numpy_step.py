"""Reads a gru4rec-shell model with safetensors + NumPy (or a `gru4rec export
--format numpy-npz` archive with NumPy alone, no pickle) and replays a session:
the GRUCell step (PyTorch convention, GRU4Rec.md "The math") and the scores over all items.
Usage: numpy_step.py MODEL(.safetensors|.npz) ITEM,ITEM,... EXPECTED_SCORES_FILE"""
import json, sys
import numpy as np

path, session, expected_path = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
if path.endswith(".npz"):
    t = np.load(path)  # allow_pickle=False: plain arrays only
    items = list(t["items"])
    hp = json.loads(str(t["hyperparameters"]))
    assert int(t["item_support"].sum()) > 0
else:
    from safetensors.numpy import load_file
    from safetensors import safe_open
    t = load_file(path)
    with safe_open(path, framework="np") as f:
        meta = f.metadata()
    items = json.loads(meta["items"])
    hp = json.loads(meta["hyperparameters"])
# Typed JSON: booleans and numbers as such (files before them stored strings).
assert hp["constrained_embedding"] is True, "this check covers shared embeddings"
layers = [int(x) for x in hp["layers"]]
index = {k: i for i, k in enumerate(items)}
sig = lambda x: 1 / (1 + np.exp(-x))
H = [np.zeros(h, dtype=np.float32) for h in layers]
for item in session:
    u = t["Wy.weight"][index[item]]
    for k, h in enumerate(layers):
        a = t[f"G.{k}.weight_ih"] @ u + t[f"G.{k}.bias_ih"]
        c = t[f"G.{k}.weight_hh"] @ H[k] + t[f"G.{k}.bias_hh"]
        r = sig(a[:h] + c[:h]); z = sig(a[h:2*h] + c[h:2*h])
        n = np.tanh(a[2*h:] + r * c[2*h:])
        H[k] = ((1 - z) * n + z * H[k]).astype(np.float32)
        u = H[k]
scores = t["Wy.weight"] @ H[-1] + t["By.weight"][:, 0]
expected = np.loadtxt(expected_path, dtype=np.float32)
diff = float(np.max(np.abs(scores - expected)))
print(f"max abs diff {diff:.3g} over {len(items)} items")
assert diff < 1e-4, diff
assert np.argmax(scores) == np.argmax(expected)
