/// A model as a NumPy `.npz` archive (what `numpy.savez` writes: a zip of stored
/// `.npy` files), for notebooks without safetensors:
///
/// | entry | dtype, shape |
/// |---|---|
/// | every parameter under its reference name (`Wy.weight`, `G.0.weight_ih`, ...) | `<f4`, its shape |
/// | `item_support` | `<i8`, (items) |
/// | `items` | `<U<longest id>`, (items): item ids in index order |
/// | `hyperparameters` | `<U<length>`, (): the model file's hyperparameter JSON |
///
/// ```python
/// z = numpy.load("model.npz")          # no pickle: allow_pickle stays False
/// z["Wy.weight"].shape, list(z["items"][:3]), json.loads(str(z["hyperparameters"]))
/// ```
public enum NumpyArchive {
    /// The archive's bytes.
    public static func encode(_ model: GRU4RecModel) throws -> [UInt8] {
        var zip = StoredZipWriter()
        for spec in model.parameters.specs {
            let values = UnsafeBufferPointer(start: model.parameters.pointer(spec), count: spec.count)
            var payload = [UInt8](repeating: 0, count: spec.count * 4)
            for (i, v) in values.enumerated() { storeLittleEndian(v.bitPattern, into: &payload, at: i * 4) }
            try zip.add(spec.name + ".npy", npyHeader(descr: "<f4", shape: spec.shape) + payload)
        }
        var support = [UInt8](repeating: 0, count: model.itemCount * 8)
        for (i, s) in model.itemSupport.enumerated() { storeLittleEndian(UInt64(bitPattern: Int64(s)), into: &support, at: i * 8) }
        try zip.add("item_support.npy", npyHeader(descr: "<i8", shape: [model.itemCount]) + support)
        try zip.add("items.npy", unicodeArray(model.catalog.ids, shape: [model.itemCount]))
        try zip.add("hyperparameters.npy", unicodeArray([model.modelMetadata(facts: TrainingFacts())["hyperparameters"] ?? "{}"], shape: []))
        return zip.finish()
    }

    /// Writes the archive atomically.
    public static func write(_ model: GRU4RecModel, to path: String) throws {
        let bytes: [UInt8]
        do { bytes = try encode(model) } catch let failure as StoredZipWriter.Failure {
            throw InputError(path: path, message: "\(failure)", hint: "export to safetensors instead (the model file itself)")
        }
        try writeFileAtomically(bytes, to: path)
    }

    /// NumPy format 1.0: magic, version, header length, a Python dict literal padded
    /// with spaces to a multiple of 64 bytes and ended by a newline.
    static func npyHeader(descr: String, shape: [Int]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }".utf8)
        let unpadded = 10 + dict.count + 1
        dict += [UInt8](repeating: 0x20, count: (64 - unpadded % 64) % 64) + [0x0A]
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.count & 0xFF), UInt8(dict.count >> 8)] + dict
    }

    /// Strings as a fixed-width UTF-32 array (`<U<width>`), as NumPy stores `str` arrays.
    static func unicodeArray(_ strings: [String], shape: [Int]) -> [UInt8] {
        let width = max(1, strings.map { $0.unicodeScalars.count }.max() ?? 1)
        var payload = [UInt8](repeating: 0, count: strings.count * width * 4)
        for (i, s) in strings.enumerated() {
            for (j, scalar) in s.unicodeScalars.enumerated() { storeLittleEndian(scalar.value, into: &payload, at: (i * width + j) * 4) }
        }
        return npyHeader(descr: "<U\(width)", shape: shape) + payload
    }
}

private func storeLittleEndian<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8], at offset: Int) {
    for b in 0..<(T.bitWidth / 8) { bytes[offset + b] = UInt8(truncatingIfNeeded: value >> (8 * b)) }
}
