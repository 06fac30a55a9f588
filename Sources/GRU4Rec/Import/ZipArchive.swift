import CZlib

/// A read-only view of a zip archive held in memory, for the `.pt` files `torch.save`
/// writes (stored, uncompressed entries; zip64 when large).
///
/// The central directory is the index; each entry's local header is checked against
/// it, its bytes must lie inside the file, and its CRC-32 is verified when read.
/// Every offset and count is checked before use: truncated or hostile archives give
/// an ``InputError``, never a crash.
struct ZipArchive {
    struct Entry {
        var name: String
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int
        var size: Int
        var localHeaderOffset: Int
    }

    let bytes: [UInt8]
    let path: String
    /// Entries in central-directory order.
    let entries: [Entry]
    private let index: [String: Int]

    /// The most entries an archive may list (a GRU4Rec model has a few dozen).
    static let maxEntries = 1_000_000

    init(bytes: [UInt8], path: String) throws {
        self.bytes = bytes
        self.path = path
        func fail(_ message: String) -> InputError {
            InputError(path: path, message: message,
                       hint: "the file must be a model saved by torch.save (a zip archive); a truncated copy fails this way: copy it again")
        }
        func read(_ at: Int, _ width: Int) throws -> UInt64 {
            guard at >= 0, width <= 8, at <= bytes.count - width else { throw fail("zip structure at byte \(at) runs past the end of the file (\(bytes.count) bytes)") }
            var v: UInt64 = 0
            for i in 0..<width { v |= UInt64(bytes[at + i]) << (8 * UInt64(i)) }
            return v
        }
        func int(_ v: UInt64, _ what: String) throws -> Int {
            guard v <= UInt64(bytes.count) else { throw fail("\(what) (\(v)) lies beyond the end of the file (\(bytes.count) bytes)") }
            return Int(v)
        }
        // End of central directory: the last signature within 64 KiB + 22 bytes of the end.
        guard bytes.count >= 22 else { throw fail("too short to be a zip archive (\(bytes.count) bytes)") }
        var eocd = -1
        var p = bytes.count - 22
        while p >= max(0, bytes.count - 22 - 65_535) {
            if bytes[p] == 0x50 && bytes[p + 1] == 0x4B && bytes[p + 2] == 5 && bytes[p + 3] == 6 { eocd = p; break }
            p -= 1
        }
        guard eocd >= 0 else {
            if bytes.count >= 2 && bytes[0] == 0x80 {
                throw InputError(path: path, message: "a bare pickle, not a zip archive: the legacy torch.save format (before PyTorch 1.6) is not supported",
                                 hint: "load and save the model again with PyTorch >= 1.6 (the default zip format)")
            }
            throw fail("no zip end-of-central-directory record found (not a zip archive, or truncated)")
        }
        var count = try read(eocd + 10, 2), directorySize = try read(eocd + 12, 4), directoryOffset = try read(eocd + 16, 4)
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            guard eocd >= 20, try read(eocd - 20, 4) == 0x0706_4B50 else { throw fail("a zip64 archive without its zip64 end-of-directory locator") }
            let record = try int(try read(eocd - 20 + 8, 8), "the zip64 end-of-directory record")
            guard try read(record, 4) == 0x0606_4B50 else { throw fail("the zip64 end-of-directory record at byte \(record) has a wrong signature") }
            count = try read(record + 32, 8)
            directorySize = try read(record + 40, 8)
            directoryOffset = try read(record + 48, 8)
        }
        guard count <= UInt64(Self.maxEntries) else { throw fail("the archive lists \(count) entries (at most \(Self.maxEntries) are read)") }
        let start = try int(directoryOffset, "the central directory")
        let size = try int(directorySize, "the central directory's size")
        guard size <= bytes.count - start else { throw fail("the central directory (\(size) bytes at \(start)) runs past the end of the file") }
        var entries: [Entry] = []
        var index: [String: Int] = [:]
        var at = start
        for n in 0..<Int(count) {
            guard try read(at, 4) == 0x0201_4B50 else { throw fail("central directory entry \(n) at byte \(at) has a wrong signature") }
            let method = UInt16(try read(at + 10, 2)), crc = UInt32(try read(at + 16, 4))
            var compressed = try read(at + 20, 4), uncompressed = try read(at + 24, 4)
            let nameLength = Int(try read(at + 28, 2)), extraLength = Int(try read(at + 30, 2)), commentLength = Int(try read(at + 32, 2))
            var offset = try read(at + 42, 4)
            let nameStart = at + 46
            guard nameStart + nameLength + extraLength + commentLength <= start + size else {
                throw fail("central directory entry \(n) runs past the directory's end")
            }
            let name = String(decoding: bytes[nameStart..<(nameStart + nameLength)], as: UTF8.self)
            // Zip64 extra field: the 8-byte values of whichever fields are saturated, in order.
            var e = nameStart + nameLength
            let extraEnd = e + extraLength
            while e + 4 <= extraEnd {
                let id = try read(e, 2), length = Int(try read(e + 2, 2))
                guard e + 4 + length <= extraEnd else { throw fail("entry '\(name)': an extra field runs past its end") }
                if id == 1 {
                    var f = e + 4
                    for field in 0..<3 {
                        let saturated = field == 0 ? uncompressed == 0xFFFF_FFFF : field == 1 ? compressed == 0xFFFF_FFFF : offset == 0xFFFF_FFFF
                        guard saturated else { continue }
                        guard f + 8 <= e + 4 + length else { throw fail("entry '\(name)': its zip64 extra field is too short") }
                        let v = try read(f, 8)
                        if field == 0 { uncompressed = v } else if field == 1 { compressed = v } else { offset = v }
                        f += 8
                    }
                }
                e += 4 + length
            }
            guard index[name] == nil else { throw fail("the archive lists '\(name)' twice") }
            index[name] = entries.count
            entries.append(Entry(name: name, method: method, crc32: crc,
                                 compressedSize: try int(compressed, "entry '\(name)''s size"),
                                 size: try int(uncompressed, "entry '\(name)''s size"),
                                 localHeaderOffset: try int(offset, "entry '\(name)''s offset")))
            at = extraEnd + commentLength
        }
        self.entries = entries
        self.index = index
    }

    func entry(_ name: String) -> Entry? { index[name].map { entries[$0] } }

    /// The bytes of an entry, checked: stored (uncompressed), inside the file, CRC-32 intact.
    func contents(of entry: Entry) throws -> ArraySlice<UInt8> {
        func fail(_ message: String, _ hint: String? = nil) -> InputError {
            InputError(path: path, message: "zip entry '\(entry.name)': " + message, hint: hint ?? "the file is damaged or truncated: copy it again")
        }
        guard entry.method == 0 else {
            throw fail("compression method \(entry.method) is not supported (torch.save stores entries uncompressed)",
                       "re-save the model with torch.save; do not recompress the .pt file")
        }
        guard entry.compressedSize == entry.size else { throw fail("stored with \(entry.compressedSize) bytes but \(entry.size) uncompressed") }
        let h = entry.localHeaderOffset
        guard h <= bytes.count - 30, bytes[h] == 0x50, bytes[h + 1] == 0x4B, bytes[h + 2] == 3, bytes[h + 3] == 4 else {
            throw fail("no local header at byte \(h)")
        }
        let nameLength = Int(bytes[h + 26]) | Int(bytes[h + 27]) << 8, extraLength = Int(bytes[h + 28]) | Int(bytes[h + 29]) << 8
        let start = h + 30 + nameLength + extraLength
        guard start <= bytes.count, entry.size <= bytes.count - start else {
            throw fail("its \(entry.size) bytes at \(start) run past the end of the file (\(bytes.count) bytes)")
        }
        let data = bytes[start..<(start + entry.size)]
        let crc = data.withUnsafeBufferPointer { buffer -> UInt32 in
            var c: uLong = 0
            var p = buffer.baseAddress, left = buffer.count
            while left > 0, let base = p {
                let n = min(left, 1 << 30)
                c = crc32(c, base, uInt(n))
                p = base + n
                left -= n
            }
            return UInt32(truncatingIfNeeded: c)
        }
        guard crc == entry.crc32 else { throw fail("CRC-32 mismatch (the bytes are damaged)") }
        return data
    }
}
