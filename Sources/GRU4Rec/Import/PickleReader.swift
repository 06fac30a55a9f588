/// A pickle read as data, and the owner of every container in it.
///
/// When the document goes, it empties all its containers first, so releasing a
/// deep or cyclic structure built by hostile input never recurses. Values taken out
/// of ``root`` are valid while the document lives.
public final class PickleDocument {
    public let root: PickleValue
    private let arena: PickleArena
    init(root: PickleValue, arena: PickleArena) { self.root = root; self.arena = arena }
}

final class PickleArena {
    private(set) var boxes: [PickleBox] = []
    func adopt<T: PickleBox>(_ box: T) -> T { boxes.append(box); return box }
    deinit { for box in boxes { box.dismantle() } }
}

/// Reads a pickle (protocols 2-5, the opcodes `torch.save` writes and their common
/// relatives) as a tree of ``PickleValue``s without running anything: a small stack
/// machine whose `REDUCE`, `NEWOBJ` and `BUILD` record what would have been called
/// instead of calling it, and whose globals must be on ``PickleAllowList``.
///
/// Every length, count and memo reference is checked against the input before use;
/// malformed, truncated or hostile bytes give an ``InputError`` naming the byte
/// offset, never a crash. Text-protocol opcodes (protocol 0/1 `INST`, `OBJ`, `GET`,
/// ...) and extension registries are refused.
public enum PickleReader {
    /// Parses `bytes`; `path` names the input in errors (e.g. `model.pt:archive/data.pkl`).
    public static func parse(_ bytes: [UInt8], path: String = "<pickle>") throws -> PickleDocument {
        var machine = Machine(bytes: bytes, path: path)
        let root = try machine.run()
        return PickleDocument(root: root, arena: machine.arena)
    }
}

private struct Machine {
    let bytes: [UInt8]
    let path: String
    var position = 0
    var opcodeStart = 0
    var stack: [PickleValue] = []
    var marks: [Int] = []
    /// The memo: dense indices (what picklers write: 0, 1, 2, ...) in an array, any
    /// far-off index in a dictionary, so a hostile index allocates nothing large.
    var memoArray: [PickleValue?] = []
    var memoFar: [Int: PickleValue] = [:]
    let arena = PickleArena()

    init(bytes: [UInt8], path: String) { self.bytes = bytes; self.path = path }

    func fail(_ message: String, hint: String? = nil) -> InputError {
        InputError(path: path, message: "pickle byte \(opcodeStart): \(message)", hint: hint)
    }

    // MARK: Reading operands

    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - position else {
            throw fail("needs \(count) more bytes but only \(bytes.count - position) remain (truncated pickle?)")
        }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func uint(_ width: Int) throws -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(width).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    /// A length operand, checked against what is left of the input.
    mutating func length(_ width: Int) throws -> Int {
        let n = try uint(width)
        guard n <= UInt64(bytes.count - position) else {
            throw fail("a length of \(n) bytes runs past the end of the pickle (\(bytes.count - position) bytes remain)")
        }
        return Int(n)
    }

    mutating func line() throws -> String {
        var end = position
        while end < bytes.count && bytes[end] != 10 {
            guard end - position < 256 else { throw fail("a GLOBAL name is longer than 256 bytes") }
            end += 1
        }
        guard end < bytes.count else { throw fail("a GLOBAL name is not terminated (truncated pickle?)") }
        let text = bytes[position..<end]
        position = end + 1
        guard text.allSatisfy({ $0 == 0x2E || $0 == 0x5F || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) }) else {
            throw fail("a GLOBAL name holds characters other than letters, digits, '_' and '.'")
        }
        return String(decoding: text, as: UTF8.self)
    }

    // MARK: Stack

    mutating func pop() throws -> PickleValue {
        guard stack.count > (marks.last ?? 0) else { throw fail(stack.isEmpty ? "the stack is empty" : "an opcode reached below the last MARK") }
        return stack.removeLast()
    }

    mutating func popMark() throws -> [PickleValue] {
        guard let m = marks.popLast() else { throw fail("no MARK to pop to") }
        guard m <= stack.count else { throw fail("a MARK lies above the stack top") }
        let items = Array(stack[m...])
        stack.removeSubrange(m...)
        return items
    }

    func top() throws -> PickleValue {
        guard let v = stack.last, stack.count > (marks.last ?? 0) else { throw fail(stack.isEmpty ? "the stack is empty" : "an opcode reached below the last MARK") }
        return v
    }

    mutating func tuple(_ items: [PickleValue]) -> PickleValue { .sequence(arena.adopt(PickleSequence(.tuple, items))) }

    mutating func global(_ module: String, _ name: String) throws -> PickleValue {
        let g = PickleGlobal(module: module, name: name)
        guard PickleAllowList.role(of: g) != nil else {
            throw fail("refused global '\(g.qualifiedName)': it is not on the allow-list of what an official GRU4Rec model file may name; nothing was executed",
                       hint: "only models saved by the official PyTorch GRU4Rec (GRU4Rec.savemodel) are imported; a file naming other code may be malicious")
        }
        return .global(g)
    }

    // MARK: The machine

    /// The most values (and marks) the stack may hold: real files stay in the
    /// thousands (pickle appends in batches of 1,000).
    static let maxStack = 1_000_000

    mutating func run() throws -> PickleValue {
        while true {
            guard stack.count <= Self.maxStack, marks.count <= Self.maxStack else {
                throw fail("the stack holds more than \(Self.maxStack) values", hint: "not a pickle torch.save writes")
            }
            opcodeStart = position
            guard position < bytes.count else { throw fail("the pickle ends without STOP (truncated?)") }
            let op = bytes[position]
            position += 1
            switch op {
            case 0x80: // PROTO
                let v = try uint(1)
                guard v >= 2 && v <= 5 else { throw fail("pickle protocol \(v) is not supported (2-5 are)") }
            case 0x95: _ = try uint(8) // FRAME
            case 0x2E: // STOP
                let v = try pop()
                guard stack.isEmpty, marks.isEmpty else { throw fail("STOP with \(stack.count) values left on the stack") }
                return v
            case 0x28: marks.append(stack.count) // MARK
            case 0x30: _ = try pop() // POP
            case 0x31: _ = try popMark() // POP_MARK
            case 0x32: stack.append(try top()) // DUP
            case 0x4E: stack.append(.none)
            case 0x88: stack.append(.bool(true))
            case 0x89: stack.append(.bool(false))
            case 0x4A: stack.append(.int(Int(Int32(truncatingIfNeeded: try uint(4))))) // BININT
            case 0x4B: stack.append(.int(Int(try uint(1)))) // BININT1
            case 0x4D: stack.append(.int(Int(try uint(2)))) // BININT2
            case 0x8A, 0x8B: // LONG1, LONG4
                let n = try length(op == 0x8A ? 1 : 4)
                guard n <= 8 else { throw fail("an integer of \(n) bytes is out of range (at most 8 bytes)") }
                var v: UInt64 = 0
                for (i, b) in try take(n).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
                if n > 0 && n < 8 && (v >> (8 * UInt64(n) - 1)) & 1 == 1 { v |= ~UInt64(0) << (8 * UInt64(n)) }
                stack.append(.int(Int(Int64(bitPattern: v))))
            case 0x47: // BINFLOAT, big-endian
                var v: UInt64 = 0
                for b in try take(8) { v = v << 8 | UInt64(b) }
                stack.append(.float(Double(bitPattern: v)))
            case 0x58, 0x8C, 0x8D: // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
                let n = try length(op == 0x58 ? 4 : op == 0x8C ? 1 : 8)
                stack.append(.string(String(decoding: try take(n), as: UTF8.self)))
            case 0x55, 0x54: // SHORT_BINSTRING, BINSTRING (Python 2 str, read as Latin-1)
                let n = try length(op == 0x55 ? 1 : 4)
                stack.append(.string(String(String.UnicodeScalarView(try take(n).map { Unicode.Scalar($0) }))))
            case 0x43, 0x42, 0x8E, 0x96: // SHORT_BINBYTES, BINBYTES, BINBYTES8, BYTEARRAY8
                let n = try length(op == 0x43 ? 1 : op == 0x42 ? 4 : 8)
                stack.append(.bytes(Array(try take(n))))
            case 0x29: stack.append(tuple([]))
            case 0x74: stack.append(tuple(try popMark()))
            case 0x85, 0x86, 0x87: // TUPLE1-3
                let n = Int(op - 0x84)
                guard stack.count >= n, (marks.last ?? 0) <= stack.count - n else { throw fail("TUPLE\(n) needs \(n) values on the stack") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                stack.append(tuple(items))
            case 0x5D: stack.append(.sequence(arena.adopt(PickleSequence(.list, []))))
            case 0x6C: stack.append(.sequence(arena.adopt(PickleSequence(.list, try popMark()))))
            case 0x8F: stack.append(.sequence(arena.adopt(PickleSequence(.set, []))))
            case 0x91: stack.append(.sequence(arena.adopt(PickleSequence(.set, try popMark())))) // FROZENSET
            case 0x61: // APPEND
                let v = try pop()
                try append([v], to: try top())
            case 0x65, 0x90: // APPENDS, ADDITEMS
                let items = try popMark()
                try append(items, to: try top())
            case 0x7D: stack.append(.dict(arena.adopt(PickleDict())))
            case 0x64: // DICT
                let items = try popMark()
                let d = arena.adopt(PickleDict())
                try setItems(items, in: .dict(d))
                stack.append(.dict(d))
            case 0x73: // SETITEM
                let v = try pop(), k = try pop()
                try setItems([k, v], in: try top())
            case 0x75: // SETITEMS
                let items = try popMark()
                try setItems(items, in: try top())
            case 0x71: memoize(Int(try uint(1)), try top()) // BINPUT
            case 0x72: memoize(Int(try uint(4)), try top()) // LONG_BINPUT
            case 0x94: memoize(memoArray.count + memoFar.count, try top()) // MEMOIZE
            case 0x68, 0x6A: // BINGET, LONG_BINGET
                let i = Int(try uint(op == 0x68 ? 1 : 4))
                guard let v = memo(i) else { throw fail("memo entry \(i) is read before it was written") }
                stack.append(v)
            case 0x63: // GLOBAL
                let module = try line(), name = try line()
                stack.append(try global(module, name))
            case 0x93: // STACK_GLOBAL
                let name = try pop(), module = try pop()
                guard let n = name.stringValue, let m = module.stringValue, n.utf8.count <= 256, m.utf8.count <= 256 else {
                    throw fail("STACK_GLOBAL needs two strings, found \(module.summary) and \(name.summary)")
                }
                stack.append(try global(m, n))
            case 0x51: // BINPERSID
                stack.append(try persistent(try pop()))
            case 0x52: // REDUCE
                let args = try pop(), callable = try pop()
                stack.append(try call(callable, args))
            case 0x81, 0x92: // NEWOBJ, NEWOBJ_EX
                if op == 0x92 { _ = try pop() }
                let args = try pop(), cls = try pop()
                stack.append(try call(cls, args))
            case 0x62: // BUILD
                let state = try pop()
                guard case .object(let o) = try top() else {
                    throw fail("BUILD applies state to \(try top().summary), expected an object")
                }
                o.state = state
            default:
                let printable = (0x20..<0x7F).contains(op) ? " ('\(Character(Unicode.Scalar(op)))')" : ""
                throw fail("opcode 0x\(String(op, radix: 16))\(printable) is not supported",
                           hint: "the importer reads the binary pickles torch.save writes (protocol 2 and later)")
            }
        }
    }

    mutating func memoize(_ index: Int, _ value: PickleValue) {
        if index < memoArray.count + 65_536 {
            if index >= memoArray.count { memoArray.append(contentsOf: repeatElement(nil, count: index + 1 - memoArray.count)) }
            memoArray[index] = value
            if !memoFar.isEmpty { memoFar[index] = nil }
        } else {
            memoFar[index] = value
        }
    }

    func memo(_ index: Int) -> PickleValue? {
        (index < memoArray.count ? memoArray[index] : nil) ?? memoFar[index]
    }

    func append(_ items: [PickleValue], to target: PickleValue) throws {
        guard case .sequence(let s) = target, s.kind != .tuple else {
            throw fail("APPEND to \(target.summary), expected a list or a set")
        }
        s.items.append(contentsOf: items)
    }

    func setItems(_ items: [PickleValue], in target: PickleValue) throws {
        guard case .dict(let d) = target else { throw fail("SETITEM on \(target.summary), expected a dict") }
        guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number (\(items.count)) of keys and values") }
        for i in stride(from: 0, to: items.count, by: 2) { d.entries.append((items[i], items[i + 1])) }
    }

    /// `('storage', torch.XStorage, key, location, numel)`.
    func persistent(_ pid: PickleValue) throws -> PickleValue {
        guard let parts = pid.items, parts.count == 5, parts[0].stringValue == "storage" else {
            throw fail("a persistent id (\(pid.summary)) is not a torch storage reference ('storage', type, key, location, size)")
        }
        guard case .global(let g) = parts[1], case .storageType(let type)? = PickleAllowList.role(of: g) else {
            throw fail("a storage reference names \(parts[1].summary), expected a torch.*Storage type")
        }
        guard let key = parts[2].stringValue, !key.isEmpty, key.utf8.count <= 64,
              key.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x5F }) else {
            throw fail("a storage key (\(parts[2].summary)) is not a short name of letters and digits")
        }
        guard let count = parts[4].intValue, count >= 0, count <= Int(Int32.max) * 16 else {
            throw fail("storage '\(key)' has an invalid element count (\(parts[4].summary))")
        }
        return .storage(TorchStorageReference(scalarType: type, key: key, elementCount: count))
    }

    /// What calling an allowed global with `args` stands for; never calls anything.
    mutating func call(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
        guard case .global(let g) = callable, let role = PickleAllowList.role(of: g) else {
            throw fail("REDUCE/NEWOBJ calls \(callable.summary), expected an allowed global")
        }
        guard let a = args.items else { throw fail("\(g.qualifiedName) is called with \(args.summary), expected a tuple of arguments") }
        switch role {
        case .object:
            return .object(arena.adopt(PickleObject(g, a)))
        case .orderedDict:
            let d = arena.adopt(PickleDict())
            if let pairs = a.first?.items {
                for p in pairs {
                    guard let kv = p.items, kv.count == 2 else { throw fail("OrderedDict built from \(p.summary), expected (key, value) pairs") }
                    d.entries.append((kv[0], kv[1]))
                }
            }
            return .dict(d)
        case .set:
            return .sequence(arena.adopt(PickleSequence(.set, a.first?.items ?? [])))
        case .codecsEncode:
            guard a.count == 2, let text = a[0].stringValue, let encoding = a[1].stringValue,
                  ["latin1", "latin-1", "iso-8859-1"].contains(encoding.lowercased()) else {
                throw fail("_codecs.encode is called with \(a.map(\.summary)), expected (str, 'latin1')")
            }
            var out: [UInt8] = []
            out.reserveCapacity(text.utf8.count)
            for s in text.unicodeScalars {
                guard s.value < 256 else { throw fail("_codecs.encode(..., 'latin1') of a character beyond Latin-1 (U+\(String(s.value, radix: 16)))") }
                out.append(UInt8(s.value))
            }
            return .bytes(out)
        case .rebuildTensor:
            guard a.count >= 4, case .storage(let storage) = a[0], let offset = a[1].intValue, let size = a[2].items, let stride = a[3].items else {
                throw fail("_rebuild_tensor_v2 is called with \(a.map(\.summary)), expected (storage, offset, size, stride, ...)")
            }
            let shape = size.compactMap(\.intValue), strides = stride.compactMap(\.intValue)
            guard shape.count == size.count, strides.count == stride.count, shape.count == strides.count, shape.count <= 8,
                  offset >= 0, shape.allSatisfy({ $0 >= 0 }), strides.allSatisfy({ $0 >= 0 }) else {
                throw fail("a tensor of storage '\(storage.key)' has an invalid offset, size or stride (\(a[1].summary), \(size.count) sizes, \(stride.count) strides)")
            }
            return .tensor(TorchTensorReference(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter:
            guard let first = a.first, case .tensor = first else {
                throw fail("_rebuild_parameter is called with \(a.map(\.summary)), expected a tensor first")
            }
            return first
        case .storageType:
            throw fail("\(g.qualifiedName) is called; storages may only appear in persistent ids")
        }
    }
}
