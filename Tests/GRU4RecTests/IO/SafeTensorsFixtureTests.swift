import Foundation
import Testing
import GRU4Rec

/// Reads the parity fixtures in `../shared/fixtures` (recorded by the official PyTorch
/// GRU4Rec with the Python safetensors library) and cross-checks written files with
/// NumPy when it is installed.
@Suite struct IOSafeTensorsFixtureTests {
    static let fixtureNames = [
        "a_xe_constrained_logq", "b_bprmax_constrained_elu", "c_xe_embedding8",
        "d_bprmax_onehot_gruembedding", "e_xe_constrained_2layers", "f_xe_constrained_logq_fullepoch",
    ]
    static let fixturesPresent = IOTestSupport.sharedFile("fixtures/a_xe_constrained_logq.safetensors") != nil
    static let skipMessage: Comment = "../shared/fixtures is absent: fixture tests skipped"

    @Test(.enabled(if: fixturesPresent, skipMessage))
    func readsKnownTensorsOfFixtureA() throws {
        let path = try #require(IOTestSupport.sharedFile("fixtures/a_xe_constrained_logq.safetensors"))
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.info("init/Wy.weight")?.shape == [60, 16])
        #expect(file.info("init/Wy.weight")?.dtype == .f32)
        let wy = try file.floats("init/Wy.weight", shape: [60, 16])
        #expect(wy.allSatisfy { $0.isFinite } && wy.contains { $0 != 0 })
        #expect(file.info("data/item_support")?.dtype == .i64)
        let support = try file.int64s("data/item_support", shape: [60])
        #expect(support.reduce(0, +) == 238)
        #expect(support.allSatisfy { $0 >= 1 })
        #expect(file.metadata["format"]?.hasPrefix("gru4rec-parity-v1") == true)
    }

    /// Every tensor described in the fixture's JSON is in the file with that dtype and
    /// shape, reads without error, and the recorded losses match the loss tensors.
    @Test(.enabled(if: fixturesPresent, skipMessage), arguments: fixtureNames)
    func fixtureMatchesItsJSONDescription(name: String) throws {
        let path = try #require(IOTestSupport.sharedFile("fixtures/\(name).safetensors"))
        let jsonPath = try #require(IOTestSupport.sharedFile("fixtures/\(name).json"))
        let description = try #require(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: jsonPath))) as? [String: Any])
        let tensors = try #require(description["tensors"] as? [String: [String: Any]])
        let file = try SafeTensorsFile(contentsOf: path)
        #expect(Set(file.names) == Set(tensors.keys))
        for (tensorName, entry) in tensors {
            let shape = try #require(entry["shape"] as? [Int])
            let info = try #require(file.info(tensorName))
            #expect(info.shape == shape, "\(tensorName)")
            switch entry["dtype"] as? String {
            case "float32":
                #expect(info.dtype == .f32, "\(tensorName)")
                #expect(try file.floats(tensorName, shape: shape).count == info.elementCount)
            case "int64":
                #expect(info.dtype == .i64, "\(tensorName)")
                #expect(try file.int64s(tensorName, shape: shape).count == info.elementCount)
            default:
                Issue.record("\(tensorName): unexpected dtype \(entry["dtype"] ?? "nil")")
            }
        }
        let losses = try #require(description["losses"] as? [Double])
        for (step, loss) in losses.enumerated() {
            let stepName = "step" + String(repeating: "0", count: 3 - String(step).count) + String(step) + "/loss"
            #expect(try file.floats(stepName, shape: [1]) == [Float(loss)], "\(stepName)")
        }
    }

    /// Rewriting a fixture with our writer keeps every tensor and the metadata.
    @Test(.enabled(if: fixturesPresent, skipMessage))
    func fixtureRoundTripsThroughTheWriter() throws {
        let path = try #require(IOTestSupport.sharedFile("fixtures/f_xe_constrained_logq_fullepoch.safetensors"))
        let original = try SafeTensorsFile(contentsOf: path)
        var writer = SafeTensorsWriter()
        writer.metadata = original.metadata
        for name in original.names {
            let info = try #require(original.info(name))
            if info.dtype == .f32 {
                writer.add(name, floats: try original.floats(name), shape: info.shape)
            } else {
                writer.add(name, int64s: try original.int64s(name), shape: info.shape)
            }
        }
        let copy = try SafeTensorsFile(bytes: writer.encoded(), path: "copy")
        #expect(copy.metadata == original.metadata)
        #expect(Set(copy.names) == Set(original.names))
        for name in original.names {
            #expect(copy.info(name)?.shape == original.info(name)?.shape)
            if original.info(name)?.dtype == .f32 {
                #expect(try copy.floats(name).map(\.bitPattern) == original.floats(name).map(\.bitPattern))
            } else {
                #expect(try copy.int64s(name) == original.int64s(name))
            }
        }
    }

    static let pythonHasNumPy: Bool = {
        (try? runProcess("/usr/bin/env", ["python3", "-c", "import numpy"]).status) == 0
    }()

    /// An independent reader (Python's json + NumPy, following the format description)
    /// agrees with what our writer meant to write.
    @Test(.enabled(if: pythonHasNumPy, "python3 with numpy is not available"))
    func numpyReadsWhatWeWrite() throws {
        var writer = SafeTensorsWriter()
        writer.add("w", floats: [1.5, -2, 0.25, 1e-8, 3e38, -0.0], shape: [2, 3])
        writer.add("n", int64s: [.min, -1, 0, .max], shape: [4])
        writer.add("e", floats: [], shape: [0, 2])
        writer.metadata = ["format": "gru4rec-1", "note": "é \"quoted\""]
        let dir = try TemporaryDirectory()
        let path = dir.file("x.safetensors")
        try writer.write(to: path)
        let script = """
            import json, struct, sys
            import numpy as np
            raw = open(sys.argv[1], 'rb').read()
            (n,) = struct.unpack('<Q', raw[:8])
            assert n % 8 == 0, n
            header = json.loads(raw[8:8 + n].decode('utf-8'))
            data = raw[8 + n:]
            meta = header.pop('__metadata__', {})
            spans = sorted(tuple(v['data_offsets']) for v in header.values())
            pos = 0
            for b, e in spans:
                assert b == pos, (b, pos)
                pos = e
            assert pos == len(data), (pos, len(data))
            out = {'meta': meta}
            for name, v in sorted(header.items()):
                dt = {'F32': '<f4', 'I64': '<i8'}[v['dtype']]
                b, e = v['data_offsets']
                a = np.frombuffer(data[b:e], dtype=dt).reshape(v['shape'])
                out[name] = {'shape': list(a.shape), 'values': [repr(x) for x in a.ravel().tolist()]}
            print(json.dumps(out, sort_keys=True))
            """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", script, path])
        #expect(result.status == 0, "\(result.output)")
        let parsed = try #require(
            JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any], "\(result.output)")
        #expect(parsed["meta"] as? [String: String] == writer.metadata)
        let w = try #require(parsed["w"] as? [String: Any])
        #expect(w["shape"] as? [Int] == [2, 3])
        #expect((w["values"] as? [String])?.compactMap { Double($0) }.map { Float($0) } == [1.5, -2, 0.25, 1e-8, 3e38, -0.0])
        #expect((w["values"] as? [String])?.last == "-0.0")
        let n = try #require(parsed["n"] as? [String: Any])
        #expect((n["values"] as? [String]) == ["\(Int64.min)", "-1", "0", "\(Int64.max)"])
        let e = try #require(parsed["e"] as? [String: Any])
        #expect(e["shape"] as? [Int] == [0, 2])
    }
}
