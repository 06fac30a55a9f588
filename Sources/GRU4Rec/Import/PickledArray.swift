/// A one-dimensional NumPy array read from its pickled form:
/// `numpy.core.multiarray._reconstruct(ndarray, (0,), b'b')` then `BUILD` with
/// `(version, shape, dtype, is_fortran, raw)`, where the dtype is
/// `numpy.dtype(code, False, True)` built with `(3, byteorder, ...)` and `raw` is the
/// little-endian element bytes, or a list of Python objects for dtype `O`.
enum PickledArray {
    case integers([Int])
    case floats([Double])
    case objects([PickleValue])

    var count: Int {
        switch self {
        case .integers(let v): return v.count
        case .floats(let v): return v.count
        case .objects(let v): return v.count
        }
    }

    /// Reads `value` as an array; `what` names it in errors.
    init(_ value: PickleValue, what: String, path: String) throws {
        func fail(_ message: String) -> InputError {
            InputError(path: path, message: "\(what): \(message)", hint: "the file does not have the layout of an official GRU4Rec model")
        }
        guard let array = value.object, array.type.name == "_reconstruct", let state = array.state.items, state.count == 5 else {
            throw fail("expected a NumPy array, found \(value.summary)")
        }
        guard let shape = state[1].items, shape.count == 1, let count = shape[0].intValue, count >= 0 else {
            throw fail("expected a one-dimensional NumPy array (shape \(state[1].items?.map(\.summary) ?? []))")
        }
        guard let dtype = state[2].object, dtype.type.name == "dtype", let code = dtype.arguments.first?.stringValue else {
            throw fail("the array's dtype is \(state[2].summary)")
        }
        let order = dtype.state.items.flatMap { $0.count > 1 ? $0[1].stringValue : nil } ?? "|"
        guard order != ">" else { throw fail("big-endian arrays are not read") }
        let kind = code.first, width = Int(code.dropFirst()) ?? 0
        if kind == "O" {
            guard let objects = state[4].items, objects.count == count else {
                throw fail("an object array of \(count) elements holds \(state[4].summary)")
            }
            self = .objects(objects)
            return
        }
        guard case .bytes(let raw) = state[4] else { throw fail("the array's data is \(state[4].summary), expected bytes") }
        guard [1, 2, 4, 8].contains(width), kind == "i" || kind == "u" || (kind == "f" && (width == 4 || width == 8)) else {
            throw fail("dtype '\(code)' is not read (integers and floats are)")
        }
        guard raw.count % width == 0, raw.count / width == count else {
            throw fail("\(count) elements of dtype '\(code)' need \(count * width) bytes, the array holds \(raw.count)")
        }
        func element(_ i: Int) -> UInt64 {
            var v: UInt64 = 0
            for b in 0..<width { v |= UInt64(raw[i * width + b]) << (8 * UInt64(b)) }
            return v
        }
        switch kind {
        case "f": self = .floats((0..<count).map { width == 4 ? Double(Float(bitPattern: UInt32(element($0)))) : Double(bitPattern: element($0)) })
        case "u":
            var values: [Int] = []
            for i in 0..<count {
                let v = element(i)
                guard v <= UInt64(Int.max) else { throw fail("element \(i) (\(v)) is out of range") }
                values.append(Int(v))
            }
            self = .integers(values)
        default:
            self = .integers((0..<count).map { i in
                let v = element(i), shift = UInt64(64 - 8 * width)
                return Int(Int64(bitPattern: v << shift) >> Int64(shift))
            })
        }
    }

    /// The elements as integers, when they all are.
    var integers: [Int]? {
        switch self {
        case .integers(let v): return v
        case .objects(let v):
            let ints = v.compactMap(\.intValue)
            return ints.count == v.count ? ints : nil
        case .floats: return nil
        }
    }
}
