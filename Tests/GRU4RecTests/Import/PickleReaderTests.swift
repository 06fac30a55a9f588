import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// The pickle reader on hand-made bytes: what torch.save writes reads as data; code
/// the pickle names is refused without running; hostile sizes and structures fail
/// cleanly.
@Suite struct PickleReaderTests {
    /// `\x80\x02` + body + `.`
    static func pickle(_ body: [UInt8]) -> [UInt8] { [0x80, 2] + body + [0x2E] }
    static func global(_ module: String, _ name: String) -> [UInt8] { [0x63] + Array("\(module)\n\(name)\n".utf8) }
    static func unicode(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        return [0x58, UInt8(b.count & 0xFF), UInt8(b.count >> 8 & 0xFF), 0, 0] + b
    }

    /// `module.name(argument)` as `pickle.dumps` writes it (GLOBAL, arg, TUPLE1, REDUCE).
    static func call(_ module: String, _ name: String, _ argument: String) -> [UInt8] {
        pickle(global(module, name) + [0x71, 0] + unicode(argument) + [0x85, 0x52])
    }

    @Test("a pickle naming os.system, posix.system, builtins.eval or subprocess.Popen is refused, nothing runs",
          arguments: [("os", "system"), ("posix", "system"), ("builtins", "eval"), ("__builtin__", "eval"),
                      ("subprocess", "Popen"), ("builtins", "exec"), ("torch", "load")])
    func refusesGlobalsOutsideTheAllowList(module: String, name: String) throws {
        let marker = TestPaths.temporaryDirectory("gru4rec-pickle") + "/ran"
        defer { try? FileManager.default.removeItem(atPath: (marker as NSString).deletingLastPathComponent) }
        let payload = name == "eval" || name == "exec" ? "open('\(marker)', 'w')" : "touch \(marker)"
        let error = try #require(throws: InputError.self) { try PickleReader.parse(Self.call(module, name, payload), path: "evil.pkl") }
        #expect(error.message.contains("refused global '\(module).\(name)'"), "\(error)")
        #expect(error.message.contains("nothing was executed"))
        #expect(error.path == "evil.pkl")
        #expect(!FileManager.default.fileExists(atPath: marker))
        // The same through STACK_GLOBAL (protocol 4).
        let stacked = Self.pickle(Self.unicode(module) + Self.unicode(name) + [0x93] + Self.unicode(payload) + [0x85, 0x52])
        #expect(throws: InputError.self) { try PickleReader.parse(stacked) }
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test("a hostile global inside a .pt archive: import refused, nothing written")
    func refusesHostileArchive() throws {
        var zip = StoredZipWriter()
        try zip.add("archive/data.pkl", Self.call("os", "system", "echo owned"))
        try zip.add("archive/version", Array("3\n".utf8))
        let error = try #require(throws: InputError.self) { try OfficialModelImport.model(fromArchive: zip.finish(), path: "evil.pt") }
        #expect(error.path == "evil.pt:archive/data.pkl")
        #expect(error.message.contains("refused global 'os.system'"))
    }

    @Test("what torch.save writes reads as data: tensors, OrderedDict, bytes, objects")
    func readsTorchStructures() throws {
        // {'w': _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', 6), 0, (2, 3), (3, 1), False, OrderedDict()),
        //  'b': _codecs.encode('\x01\xff', 'latin1'), 'n': -2, 'x': 1.5, 'm': Dropout() with {'p': 0.25}}
        var body: [UInt8] = [0x7D, 0x28]
        body += Self.unicode("w") + Self.global("torch._utils", "_rebuild_tensor_v2") + [0x28, 0x28] + Self.unicode("storage")
        body += Self.global("torch", "FloatStorage") + Self.unicode("0") + Self.unicode("cpu") + [0x4B, 6, 0x74, 0x51]
        body += [0x4B, 0, 0x4B, 2, 0x4B, 3, 0x86, 0x4B, 3, 0x4B, 1, 0x86, 0x89]
        body += Self.global("collections", "OrderedDict") + [0x29, 0x52, 0x74, 0x52]
        body += Self.unicode("b") + Self.global("_codecs", "encode") + Self.unicode("\u{01}\u{FF}") + Self.unicode("latin1") + [0x86, 0x52]
        body += Self.unicode("n") + [0x4A, 0xFE, 0xFF, 0xFF, 0xFF]
        body += Self.unicode("x") + [0x47, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]
        body += Self.unicode("m") + Self.global("torch.nn.modules.dropout", "Dropout") + [0x29, 0x81, 0x7D] + Self.unicode("p") + [0x47, 0x3F, 0xD0, 0, 0, 0, 0, 0, 0, 0x73, 0x62]
        body += [0x75]
        let document = try PickleReader.parse(Self.pickle(body))
        let root = try #require(document.root.dict)
        #expect(root.stringKeys == ["w", "b", "n", "x", "m"])
        guard case .tensor(let t)? = root["w"] else { Issue.record("w is \(root["w"]?.summary ?? "nil")"); return }
        #expect(t == TorchTensorReference(storage: TorchStorageReference(scalarType: .float32, key: "0", elementCount: 6), offset: 0, shape: [2, 3], strides: [3, 1]))
        guard case .bytes(let b)? = root["b"] else { Issue.record("b is not bytes"); return }
        #expect(b == [1, 255])
        #expect(root["n"]?.intValue == -2)
        #expect(root["x"]?.doubleValue == 1.5)
        let module = try #require(root["m"]?.object)
        #expect(module.type.qualifiedName == "torch.nn.modules.dropout.Dropout")
        #expect(module["p"]?.doubleValue == 0.25)
    }

    @Test("LONG1 integers, memo and sets")
    func readsIntegersMemoAndSets() throws {
        let body: [UInt8] = [0x5D, 0x71, 7, 0x28, 0x8A, 2, 0x00, 0x80, 0x8A, 1, 0xFF, 0x8A, 0, 0x65, 0x68, 7, 0x86]
        let document = try PickleReader.parse(Self.pickle(body))   // values live as long as their document
        let root = document.root
        let pair = try #require(root.items)
        #expect(pair[0].items?.map(\.intValue) == [-32768, -1, 0])
        guard case .sequence(let a) = pair[0], case .sequence(let b) = pair[1] else { Issue.record("not lists"); return }
        #expect(a === b, "the memo returns the same list")
        // A far-off memo index (kept aside, nothing large allocated) and a near one.
        let far: [UInt8] = [0x4B, 5, 0x72, 0x70, 0x11, 0x01, 0x00, 0x30, 0x4B, 6, 0x71, 0, 0x30, 0x6A, 0x70, 0x11, 0x01, 0x00, 0x68, 0, 0x86]
        let farDocument = try PickleReader.parse(Self.pickle(far))
        #expect(farDocument.root.items?.map(\.intValue) == [5, 6])
        let set = try PickleReader.parse(Self.pickle(Self.global("builtins", "set") + [0x5D, 0x4B, 1, 0x61, 0x85, 0x52]))
        #expect(set.root.items?.map(\.intValue) == [1])
    }

    @Test("truncation, huge lengths, bad memo references, stack underflow, unknown opcodes: errors, not crashes",
          arguments: [
            ([0x80, 2] as [UInt8], "without STOP"),
            ([0x80, 2, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x41, 0x2E], "runs past the end"),
            ([0x80, 2, 0x8D, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x2E], "runs past the end"),
            ([0x80, 2, 0x6A, 0xFF, 0xFF, 0xFF, 0xFF, 0x2E], "memo entry 4294967295"),
            ([0x80, 2, 0x68, 3, 0x2E], "memo entry 3"),
            ([0x80, 2, 0x2E], "the stack is empty"),
            ([0x80, 2, 0x4E, 0x28, 0x61, 0x2E], "below the last MARK"),
            ([0x80, 2, 0x4E, 0x74, 0x2E], "no MARK"),
            ([0x80, 2, 0x4E, 0x4E, 0x2E], "STOP with 1 values left"),
            ([0x80, 2, 0x69, 0x2E], "opcode 0x69 ('i') is not supported"),
            ([0x80, 9, 0x4E, 0x2E], "protocol 9"),
            ([0x80, 2, 0x8A, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0x2E], "9 bytes"),
            ([0x80, 2, 0x4E, 0x4E, 0x52, 0x2E], "REDUCE/NEWOBJ calls None"),
            ([0x80, 2, 0x4E, 0x4E, 0x62, 0x2E], "BUILD applies state to None"),
            ([0x80, 2, 0x63, 0x6F, 0x73, 0x2E], "not terminated"),
            ([0x80, 2, 0x4E, 0x51, 0x2E], "persistent id"),
          ])
    func malformedInput(bytes: [UInt8], expected: String) throws {
        let error = try #require(throws: InputError.self) { try PickleReader.parse(bytes, path: "bad.pkl") }
        #expect(error.message.contains(expected), "\(error)")
    }

    @Test("very deep nesting and cycles are released without recursion")
    func deepAndCyclicStructures() throws {
        // 100,000 nested lists: [[[[...]]]]
        let depth = 100_000
        var body: [UInt8] = []
        body.reserveCapacity(depth * 2 + 4)
        for _ in 0..<depth { body += [0x5D] }
        for _ in 1..<depth { body += [0x61] }
        _ = try PickleReader.parse(Self.pickle(body))
        // The stack is bounded: 1,000,001 DUPs.
        let dups = Self.pickle([0x4E] + [UInt8](repeating: 0x32, count: 1_000_001))
        let error = try #require(throws: InputError.self) { try PickleReader.parse(dups) }
        #expect(error.message.contains("more than 1000000 values"))
        // A chain linked in reverse order (depths recorded at link time would be stale),
        // then a cycle: list 0 appended into itself.
        var chain: [UInt8] = []
        let n = 20_000
        for i in 0..<n { chain += [0x5D, 0x72] + withUnsafeBytes(of: UInt32(i).littleEndian, Array.init) + [0x30] }
        for i in stride(from: n - 1, to: 0, by: -1) {
            chain += [0x6A] + withUnsafeBytes(of: UInt32(i).littleEndian, Array.init)
            chain += [0x6A] + withUnsafeBytes(of: UInt32(i - 1).littleEndian, Array.init) + [0x61, 0x30]
        }
        chain += [0x68, 0, 0x68, 0, 0x61]
        let document = try PickleReader.parse(Self.pickle(chain))
        guard case .sequence(let first) = document.root, case .sequence(let inner)? = first.items.first else { Issue.record("not a list"); return }
        #expect(first.items.count == 1 && inner === first, "list 0 holds itself")
    }
}
