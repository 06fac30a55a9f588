/// A file written by `torch.save` (PyTorch >= 1.6): a zip archive holding
/// `<name>/data.pkl` (the object, a pickle) and `<name>/data/<key>` (the raw bytes of
/// each storage, little-endian), read without PyTorch and without running the pickle.
struct TorchArchive {
    let zip: ZipArchive
    /// The folder every entry lives in (`archive`, or the name the file was saved under).
    let prefix: String
    let document: PickleDocument
    var path: String { zip.path }

    init(bytes: [UInt8], path: String) throws {
        zip = try ZipArchive(bytes: bytes, path: path)
        let pickles = zip.entries.filter { $0.name.hasSuffix("/data.pkl") && $0.name.split(separator: "/", omittingEmptySubsequences: false).count == 2 }
        guard pickles.count == 1, let pickle = pickles.first else {
            throw InputError(path: path, message: pickles.isEmpty ? "the archive has no '<name>/data.pkl' entry: not a torch.save file"
                                                                  : "the archive has \(pickles.count) '<name>/data.pkl' entries, expected one",
                             hint: "save the model with the official GRU4Rec's savemodel (torch.save of the whole object)")
        }
        prefix = String(pickle.name.dropLast("/data.pkl".count))
        if let order = zip.entry(prefix + "/byteorder") {
            let text = String(decoding: try zip.contents(of: order), as: UTF8.self)
            guard text == "little" else {
                throw InputError(path: path, message: "storages are saved with byte order '\(text.prefix(16))'; only little-endian is read",
                                 hint: "save the model on a little-endian machine (x86-64, ARM64)")
            }
        }
        document = try PickleReader.parse(Array(try zip.contents(of: pickle)), path: path + ":" + pickle.name)
    }

    /// A tensor checked against its storage: the archive entry, its size, the view's extent.
    struct CheckedTensor {
        let tensor: TorchTensorReference
        let entry: ZipArchive.Entry
        /// Elements of the view (row-major).
        let count: Int
    }

    /// Checks a tensor without reading its values: the storage is in the archive with
    /// exactly the bytes the pickle says, the element type is floating point, and the
    /// view (offset, size, stride) stays inside the storage and is no larger than it.
    func check(_ tensor: TorchTensorReference, name: String) throws -> CheckedTensor {
        func fail(_ message: String) -> InputError {
            InputError(path: path, message: "tensor '\(name)': " + message, hint: "the file is damaged or was not written by torch.save")
        }
        let storage = tensor.storage
        guard let entry = zip.entry(prefix + "/data/" + storage.key) else { throw fail("its storage '\(storage.key)' is not in the archive") }
        let width = storage.scalarType.byteWidth
        let (expectedBytes, overflow) = storage.elementCount.multipliedReportingOverflow(by: width)
        guard !overflow, entry.size == expectedBytes else {
            throw fail("storage '\(storage.key)' holds \(entry.size) bytes, but the pickle says \(storage.elementCount) elements of \(width) bytes (\(expectedBytes) bytes)")
        }
        guard [.float32, .float64, .float16, .bfloat16].contains(storage.scalarType) else {
            throw fail("its elements are \(storage.scalarType.rawValue), expected floating point")
        }
        var count = 1, last = tensor.offset
        for (size, stride) in Swift.zip(tensor.shape, tensor.strides) {
            let (c, o1) = count.multipliedReportingOverflow(by: size)
            let (reach, o2) = max(size - 1, 0).multipliedReportingOverflow(by: stride)
            let (l, o3) = last.addingReportingOverflow(reach)
            guard !o1, !o2, !o3 else { throw fail("its size \(tensor.shape) and stride \(tensor.strides) overflow") }
            count = c
            last = l
        }
        guard count == 0 || (last < storage.elementCount && count <= storage.elementCount) else {
            throw fail("size \(tensor.shape), stride \(tensor.strides) and offset \(tensor.offset) need \(count) elements up to element \(last), but its storage holds \(storage.elementCount)")
        }
        return CheckedTensor(tensor: tensor, entry: entry, count: count)
    }

    /// Reads a checked tensor's values as `Float`s, row-major, into `out` (`count` floats).
    func read(_ checked: CheckedTensor, into out: UnsafeMutablePointer<Float>) throws {
        let tensor = checked.tensor, storage = tensor.storage, width = storage.scalarType.byteWidth
        let bytes = try zip.contents(of: checked.entry)
        guard checked.count > 0 else { return }
        if storage.scalarType == .float32 && tensor.strides == rowMajorStrides(tensor.shape) {
            let start = bytes.startIndex + tensor.offset * 4
            bytes[start..<(start + checked.count * 4)].withUnsafeBytes { source in
                if let base = source.baseAddress { UnsafeMutableRawPointer(out).copyMemory(from: base, byteCount: source.count) }
            }
            return
        }
        func element(_ i: Int) -> Float {
            let base = bytes.startIndex + i * width
            switch storage.scalarType {
            case .float64: return Float(Double(bitPattern: loadUInt(bytes, base, 8)))
            case .float16: return halfToFloat(UInt16(loadUInt(bytes, base, 2)))
            case .bfloat16: return Float(bitPattern: UInt32(loadUInt(bytes, base, 2)) << 16)
            default: return Float(bitPattern: loadUInt(bytes, base, 4).truncated32)
            }
        }
        // Row-major walk over the (possibly strided) view.
        var indexVector = [Int](repeating: 0, count: tensor.shape.count)
        var position = tensor.offset
        for k in 0..<checked.count {
            out[k] = element(position)
            var d = tensor.shape.count - 1
            while d >= 0 {
                indexVector[d] += 1
                position += tensor.strides[d]
                if indexVector[d] < tensor.shape[d] { break }
                position -= tensor.strides[d] * tensor.shape[d]
                indexVector[d] = 0
                d -= 1
            }
        }
    }
}

private func loadUInt(_ bytes: ArraySlice<UInt8>, _ at: Int, _ width: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<width { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
    return v
}

func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var step = 1
    for d in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[d] = step
        step *= shape[d]
    }
    return strides
}

/// IEEE half precision to single (subnormals, infinities and NaN included).
func halfToFloat(_ h: UInt16) -> Float {
    let sign: Float = h & 0x8000 != 0 ? -1 : 1
    let exponent = Int((h >> 10) & 0x1F), fraction = Float(h & 0x3FF)
    if exponent == 0 { return sign * fraction * 0x1p-24 }
    if exponent == 31 { return fraction == 0 ? sign * .infinity : .nan }
    return sign * (1 + fraction / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
}

private extension UInt64 {
    var truncated32: UInt32 { UInt32(truncatingIfNeeded: self) }
}
