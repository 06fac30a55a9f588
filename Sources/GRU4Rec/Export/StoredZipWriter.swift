import CZlib

/// Builds a zip archive of stored (uncompressed) entries in memory, as NumPy's `.npz`
/// and `torch.save` files are: local header + bytes per entry, then the central
/// directory. Archives and entries must stay under 4 GiB (no zip64).
package struct StoredZipWriter {
    private var body: [UInt8] = []
    private var directory: [UInt8] = []
    private var count = 0

    package init() {}

    package enum Failure: Error, CustomStringConvertible {
        case tooLarge(String)
        package var description: String {
            switch self {
            case .tooLarge(let name): return "the archive would pass 4 GiB at entry '\(name)' (zip64 is not written)"
            }
        }
    }

    /// Appends one stored entry.
    package mutating func add(_ name: String, _ bytes: [UInt8]) throws {
        let nameBytes = Array(name.utf8)
        guard body.count + bytes.count + nameBytes.count + 30 < Int(UInt32.max), count < 65_535 else { throw Failure.tooLarge(name) }
        let crc = bytes.withUnsafeBufferPointer { b -> UInt32 in
            UInt32(truncatingIfNeeded: crc32(0, b.baseAddress, uInt(b.count)))
        }
        let offset = UInt32(body.count)
        func header(_ signature: UInt32, central: Bool) -> [UInt8] {
            var h: [UInt8] = []
            func u16(_ v: Int) { h += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
            func u32(_ v: UInt32) { h += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
            u32(signature)
            if central { u16(20) }            // version made by
            u16(20); u16(0); u16(0)           // version needed, flags, method: stored
            u16(0); u16(0x21)                 // time, date (1980-01-01)
            u32(crc); u32(UInt32(bytes.count)); u32(UInt32(bytes.count))
            u16(nameBytes.count); u16(0)      // name length, extra length
            if central { u16(0); u16(0); u16(0); u32(0); u32(offset) } // comment, disk, attributes, offset
            return h + nameBytes
        }
        body += header(0x0403_4B50, central: false)
        body += bytes
        directory += header(0x0201_4B50, central: true)
        count += 1
    }

    /// The finished archive.
    package func finish() -> [UInt8] {
        var end: [UInt8] = [0x50, 0x4B, 5, 6, 0, 0, 0, 0]
        func u16(_ v: Int) { end += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
        func u32(_ v: Int) { end += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }
        u16(count); u16(count); u32(directory.count); u32(body.count); u16(0)
        return body + directory + end
    }
}
