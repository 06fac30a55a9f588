#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One `mmap` (`MAP_PRIVATE`) of a byte range of a file, unmapped on deinit.
final class FileMapping: @unchecked Sendable {
    /// The first mapped byte of the requested range (the mapping itself starts at the
    /// page boundary at or below it).
    let address: UnsafeMutableRawPointer
    /// Bytes from `address`.
    let length: Int
    private let mapStart: UnsafeMutableRawPointer
    private let mapLength: Int

    init?(fd: Int32, offset: Int, length: Int, writable: Bool) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        guard page > 0, offset >= 0, length > 0 else { return nil }
        let aligned = offset / page * page
        let mapLength = length + (offset - aligned)
        let protection = writable ? PROT_READ | PROT_WRITE : PROT_READ
        guard let p = mmap(nil, mapLength, protection, MAP_PRIVATE, fd, off_t(aligned)),
              p != UnsafeMutableRawPointer(bitPattern: -1)
        else { return nil }
        mapStart = p
        self.mapLength = mapLength
        address = p + (offset - aligned)
        self.length = length
    }

    deinit { munmap(mapStart, mapLength) }
}
