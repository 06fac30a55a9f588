import Foundation
import GRU4Rec

/// Small synthetic session data with learnable structure: items mostly follow
/// chains (k -> k+1), with some noise, so a model can beat popularity.
public enum SyntheticSessions {
    /// Sessions over item ids "item0" ... ; the catalog is built in order of first appearance.
    public static func make(sessions: Int, items: Int = 30, seed: UInt64 = 3) -> (data: SessionData, catalog: ItemCatalog) {
        var rng = SeededGenerator(seed: seed)
        var s: [String] = [], i: [String] = [], t: [Double] = []
        var time = 0.0
        for k in 0..<sessions {
            let length = 2 + rng.nextInt(below: 6)
            var item = rng.nextInt(below: items)
            for _ in 0..<length {
                s.append("s\(k)"); i.append("item\(item)"); t.append(time)
                time += 1
                item = rng.nextInt(below: 10) < 8 ? (item + 1) % items : rng.nextInt(below: items)
            }
        }
        let built = SessionData.build(sessionKeys: s, itemKeys: i, times: t, catalog: nil)
        return (built.0, built.1)
    }

    /// Writes sessions `range` of `data` as a session file (TSV: SessionId, ItemId, Time);
    /// `prefix` goes before every item id (to make a catalog that shares no id).
    public static func writeTSV(_ data: SessionData, _ catalog: ItemCatalog, to path: String, range: Range<Int>, prefix: String = "") throws {
        var text = "SessionId\tItemId\tTime\n"
        for s in range {
            for e in data.offsets[s]..<data.offsets[s + 1] {
                text += "\(data.sessionIDs[s])\t\(prefix)\(catalog.ids[Int(data.items[e])])\t\(Int(data.times[e]))\n"
            }
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The command-line tests' files in `dir`: 300 sessions over 25 items (seed 5), the
    /// first 250 as `train.tsv`, the last 50 as `test.tsv`.
    public static func writeTrainTest(in dir: String) throws -> (train: String, test: String) {
        let (data, catalog) = make(sessions: 300, items: 25, seed: 5)
        let train = dir + "/train.tsv", test = dir + "/test.tsv"
        try writeTSV(data, catalog, to: train, range: 0..<250)
        try writeTSV(data, catalog, to: test, range: 250..<300)
        return (train, test)
    }

    /// Hyperparameters for tiny test models.
    public static func hyperparameters(layers: [Int] = [8], seed: UInt64 = 1) -> Hyperparameters {
        var hp = Hyperparameters()
        hp.layers = layers
        hp.batchSize = 8
        hp.nSample = 8
        hp.sampleStore = 1000
        hp.learningRate = 0.1
        hp.seed = seed
        return hp
    }

    /// A model trained for a few epochs on synthetic data (for UI and CLI tests).
    public static func model(layers: [Int] = [8], items: Int = 30, epochs: Int = 3, seed: UInt64 = 1) throws -> (model: GRU4RecModel, data: SessionData) {
        let (data, catalog) = make(sessions: 200, items: items, seed: seed)
        let m = GRU4RecModel(hyperparameters: hyperparameters(layers: layers, seed: seed), catalog: catalog,
                             itemSupport: data.itemSupport(itemCount: catalog.count))
        try m.initialize(.uniform(seed: seed))
        let trainer = try Trainer(model: m, data: data, parallelism: .tests)
        for _ in 0..<epochs { _ = try trainer.runEpoch() }
        return (m, data)
    }
}
