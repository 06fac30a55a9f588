/// What a training run does to a model before it trains: a warm start's rows, pretrained vectors.
extension GRU4RecModel {
    /// Copies every dense tensor, and every known item's rows (Wy, By, E / GE.Wx0), from
    /// `old`, whose items this model's catalog extends (a warm start).
    func copyKnownRows(from old: GRU4RecModel) {
        for spec in old.parameters.specs {
            let src = old.parameters.pointer(spec), dst = parameters[spec.name]
            if spec.update == .dense { dst.update(from: src, count: spec.count); continue }
            let len = spec.rowLength
            for (i, id) in old.catalog.ids.enumerated() {
                guard let j = catalog.index(of: id) else { continue }
                (dst + j * len).update(from: src + i * len, count: len)
            }
        }
    }

    /// Overwrites the input embedding rows (shared: `Wy`; separate: `E`) of the items
    /// found in a word2vec/GloVe text file (``WordVectorsText``); other items keep their
    /// initialisation. The file must be a regular UTF-8 file of at most half the memory.
    /// - Returns: the number of the model's items found.
    public func loadInitialVectors(_ path: String) throws -> Int {
        let name: String, dim: Int
        switch inputMode {
        case .shared: (name, dim) = ("Wy.weight", outputSize)
        case .separate: (name, dim) = ("E.weight", hyperparameters.embedding)
        case .oneHot: throw TrainingError.vectorsNeedEmbedding
        }
        let memory = ResourceLimits.physicalMemory
        let text = try readRegularTextFile(path, option: "--init-embeddings", maximumBytes: memory > 0 ? memory / 2 : Int.max,
                                           hint: "give a word2vec/GloVe text file: one 'itemId v1 v2 ...' line per item")
        let mode = inputMode
        let reader = WordVectorsText(path: path, dimension: dim) { size in
            "train with \(mode == .shared ? "--layers \(size)" : "--embedding \(size)") or use vectors of size \(dim)"
        }
        let rows = parameters[name]
        return try reader.read(text) { id in catalog.index(of: String(id)).map { rows + $0 * dim } }
    }
}
