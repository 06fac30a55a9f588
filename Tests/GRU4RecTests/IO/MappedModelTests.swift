import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// Models opened by mapping the file (`GRU4RecModel.load`, `SafeTensorsFile(mapping:)`):
/// the same values as reading, writes that never reach the file, older layouts copied,
/// and hostile headers refused with the reader's errors before a tensor is touched.
@Suite struct MappedModelTests {
    /// Every tensor of `store`, bit patterns, by name.
    static func bits(_ store: ParameterStore) -> [String: [UInt32]] {
        Dictionary(uniqueKeysWithValues: store.specs.map { ($0.name, store.values($0.name).map(\.bitPattern)) })
    }

    /// A trained tiny model in each input mode, saved by `save(to:)`.
    static func savedModels(in dir: TemporaryDirectory) throws -> [(path: String, model: GRU4RecModel)] {
        var out: [(String, GRU4RecModel)] = []
        let tiny = TinyModel(epochs: 2)
        out.append((dir.file("shared.safetensors"), tiny.model))
        for (name, parameters) in [("separate", "constrained_embedding=false,embedding=6,layers=8/5"),
                                   ("onehot", "constrained_embedding=false,embedding=0,layers=7")] {
            var hp = tiny.model.hyperparameters
            try hp.apply(parameterString: parameters)
            let model = GRU4RecModel(hyperparameters: hp, catalog: tiny.model.catalog, itemSupport: tiny.model.itemSupport)
            try model.initialize(.uniform(seed: 3))
            out.append((dir.file(name + ".safetensors"), model))
        }
        for (path, model) in out { try model.save(to: path) }
        return out
    }

    @Test func aSavedModelIsMappedAndEqualsTheCopiedStore() throws {
        let dir = try TemporaryDirectory()
        for (path, original) in try Self.savedModels(in: dir) {
            let (model, _, file) = try GRU4RecModel.load(from: path)
            #expect(file.isMapped)
            #expect(model.parameters.isMapped, "\(path)")
            // The copy of the same file (the reader, no mapping).
            let read = try SafeTensorsFile(contentsOf: path)
            let copied = try GRU4RecModel.copiedParameters(of: read, layout: GRU4RecModel.layout(model.hyperparameters, itemCount: model.itemCount))
            #expect(!copied.isMapped)
            #expect(Self.bits(model.parameters) == Self.bits(copied))
            #expect(Self.bits(model.parameters) == Self.bits(original.parameters))
            #expect(model.parameters.specs.map(\.name) == copied.specs.map(\.name))
            #expect(model.parameters.specs.map(\.shape) == copied.specs.map(\.shape))
            #expect(model.catalog.ids == original.catalog.ids)
            #expect(model.itemSupport == original.itemSupport)
            for id in original.catalog.ids { #expect(model.catalog.index(of: id) == original.catalog.index(of: id)) }
            // Scores agree with the original model's.
            let live = LiveSession(model: model, parallelism: .tests), reference = LiveSession(model: original, parallelism: .tests)
            _ = live.replay([0, 3, 5]); _ = reference.replay([0, 3, 5])
            #expect(live.topK(5).map(\.item) == reference.topK(5).map(\.item))
        }
    }

    @Test func trainingAMappedModelNeverWritesTheFile() throws {
        let dir = try TemporaryDirectory()
        let tiny = TinyModel(epochs: 1)
        let path = dir.file("m.safetensors")
        try tiny.model.save(to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let (model, _, _) = try GRU4RecModel.load(from: path)
        #expect(model.parameters.isMapped)
        let loadedBits = Self.bits(model.parameters)
        let trainer = try Trainer(model: model, data: tiny.sessions, parallelism: .tests)
        _ = try trainer.runEpoch()
        model.parameters.setValues("By.weight", [Float](repeating: 7, count: model.itemCount))
        #expect(Self.bits(model.parameters) != loadedBits)
        // The file's bytes are unchanged, and a second load sees the saved values.
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        let again = try GRU4RecModel.load(from: path).model
        #expect(Self.bits(again.parameters) == loadedBits)
        // Optimizer state has the mapped store's layout (the same offsets).
        let state = ParameterStore(sameLayoutAs: model.parameters)
        #expect(state.specs == model.parameters.specs && state.count == model.parameters.count && !state.isMapped)
    }

    @Test func aModelReadWithoutMappingSurvivesItsFileRewrittenInPlace() throws {
        let dir = try TemporaryDirectory()
        let tiny = TinyModel(epochs: 1)
        let path = dir.file("m.safetensors")
        try tiny.model.save(to: path)
        let (model, _, file) = try GRU4RecModel.load(from: path, mapping: false)
        #expect(!model.parameters.isMapped && !file.isMapped)
        // Rewritten in place (not renamed over): truncated, then other bytes.
        try Data("not a model any more".utf8).write(to: URL(fileURLWithPath: path))
        #expect(Self.bits(model.parameters) == Self.bits(tiny.model.parameters))
        let live = LiveSession(model: model, parallelism: .tests), reference = LiveSession(model: tiny.model, parallelism: .tests)
        _ = live.replay([1, 2]); _ = reference.replay([1, 2])
        #expect(live.topK(3).map(\.item) == reference.topK(3).map(\.item))
    }

    /// Rewrites the model at `path` with its tensors in `order` (plus `extra` F32 tensors
    /// first): an older or foreign layout.
    static func rewrite(_ path: String, to output: String, extraFirst extra: [String: [Float]] = [:],
                        order: (inout [String]) -> Void = { _ in }) throws {
        let file = try SafeTensorsFile(contentsOf: path)
        var writer = SafeTensorsWriter()
        writer.metadata = file.metadata
        for (name, values) in extra.sorted(by: { $0.key < $1.key }) { writer.add(name, floats: values, shape: [values.count]) }
        var names = file.names.filter { file.info($0)?.dtype == .f32 }
        order(&names)
        for name in names { writer.add(name, floats: try file.floats(name), shape: file.info(name)?.shape ?? []) }
        writer.add("item_support", int64s: try file.int64s("item_support"), shape: [try file.int64s("item_support").count])
        try writer.write(to: output)
    }

    @Test func otherLayoutsOpenByCopying() throws {
        let dir = try TemporaryDirectory()
        let tiny = TinyModel(epochs: 1, layers: [8, 6])
        let path = dir.file("m.safetensors")
        try tiny.model.save(to: path)
        let reference = Self.bits(try GRU4RecModel.load(from: path).model.parameters)
        let variants: [(String, () throws -> Void)] = [
            // Another order: Wy.weight before the GRU layers.
            ("reordered", { try Self.rewrite(path, to: dir.file("reordered"), order: { names in
                names.removeAll { $0 == "Wy.weight" }
                names.insert("Wy.weight", at: 0)
            }) }),
            // Three floats first: every parameter tensor starts 12 bytes past a 64-byte boundary.
            ("misaligned", { try Self.rewrite(path, to: dir.file("misaligned"), extraFirst: ["a.extra": [1, 2, 3]]) }),
        ]
        for (name, make) in variants {
            try make()
            let (model, _, file) = try GRU4RecModel.load(from: dir.file(name))
            #expect(file.isMapped)
            #expect(!model.parameters.isMapped, "\(name)")
            #expect(Self.bits(model.parameters) == reference, "\(name)")
        }
        // The model in demo-data (written before files were aligned) opens either way, with
        // the reader's values.
        let demo = IOTestSupport.packageRoot + "/demo-data/model.safetensors"
        if FileManager.default.fileExists(atPath: demo) {
            let model = try GRU4RecModel.load(from: demo).model
            let read = try SafeTensorsFile(contentsOf: demo)
            for spec in model.parameters.specs {
                #expect(model.parameters.values(spec.name).map(\.bitPattern) == (try read.floats(spec.name)).map(\.bitPattern))
            }
        }
    }

    @Test func aNonFiniteWeightIsStillFound() throws {
        let dir = try TemporaryDirectory()
        let tiny = TinyModel(epochs: 1)
        let path = dir.file("m.safetensors")
        tiny.model.parameters["G.0.bias_hh"][5] = .nan
        try tiny.model.save(to: path)
        let error = expectInputError { _ = try GRU4RecModel.load(from: path) }
        #expect(error?.message == "tensor 'G.0.bias_hh' holds a non-finite value (nan at element 5): the model is broken")
    }

    /// The mapping reader gives exactly the reader's error for every hostile header of
    /// the reader's tests, a truncated file and a file shorter than a header, before any
    /// tensor is read; and a device (not mappable) is read.
    @Test func hostileFilesGetTheReadersErrorsWhenMapped() throws {
        let dir = try TemporaryDirectory()
        var cases: [[UInt8]] = IOSafeTensorsFileTests.headerErrors.map {
            rawSafeTensors(header: $0.header, data: [UInt8](repeating: 0, count: $0.dataCount))
        }
        cases.append(rawSafeTensors(header: "{}", headerLength: 3))
        cases.append(rawSafeTensors(header: "{}", headerLength: 1 << 40))
        cases.append([1, 2, 3])
        // A valid model cut short: the header describes more data than the file holds.
        let model = dir.file("model.safetensors")
        try TinyModel(epochs: 0).model.save(to: model)
        let whole = Array(try Data(contentsOf: URL(fileURLWithPath: model)))
        cases.append(Array(whole.prefix(whole.count - 100)))
        for (k, bytes) in cases.enumerated() {
            let path = try dir.write("case\(k).safetensors", bytes)
            let read = expectInputError { _ = try SafeTensorsFile(contentsOf: path) }
            let mapped = expectInputError { _ = try SafeTensorsFile(mapping: path) }
            #expect(read != nil && mapped?.message == read?.message, "case \(k): \(read?.message ?? "-")")
            #expect(mapped?.hint == read?.hint)
        }
        // Not a regular file: read, not mapped, with the reader's error.
        let device = "/dev/zero"
        let readDevice = expectInputError { _ = try SafeTensorsFile(contentsOf: device) }
        #expect(expectInputError { _ = try SafeTensorsFile(mapping: device) }?.message == readDevice?.message)
        let truncated = expectInputError { _ = try GRU4RecModel.load(from: dir.file("case\(cases.count - 1).safetensors")) }
        #expect(truncated?.message.contains("but the file has only") == true)
        #expect(truncated?.hint == "the file is truncated; write it again")
    }
}
