#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file opened for reading and mapped whole into memory, read-only; it can
/// hand out private (copy-on-write) mappings of parts of itself (``FileMapping``).
///
/// Pages are read from the page cache on first access, so opening a file of hundreds of
/// MB costs only what is then read. The descriptor stays open for the lifetime of the
/// object (to map parts of the file later); both are released on deinit.
///
/// **The file must not be truncated or rewritten in place while it is mapped.** Reading a
/// mapped page past a truncated end raises `SIGBUS`, and bytes rewritten in place show
/// through pages not yet copied. This project never does either to a model: every
/// writer writes a temporary file and renames it over the old one
/// (`writeFileAtomically`), which leaves the mapped (old) file intact. Only regular
/// files are mapped (``open(_:)`` answers `nil` for pipes, devices and the like). Pages
/// already copied on write do not help: truncation discards them too (Linux
/// `truncate_pagecache` unmaps private copies past the new end), so a long-lived process
/// whose file may be replaced in place (the server, reloading on SIGHUP) reads instead
/// (`GRU4RecModel.load(from:mapping:)` with `mapping: false`).
final class MappedFile: @unchecked Sendable {
    /// The whole file, read-only.
    let whole: FileMapping
    /// The file's size in bytes when it was mapped.
    var size: Int { whole.length }
    private let fd: Int32

    private init(fd: Int32, whole: FileMapping) {
        self.fd = fd
        self.whole = whole
    }

    deinit { close(fd) }

    /// Maps the regular file at `path`; `nil` when it is not a regular file, is empty, or
    /// cannot be mapped (then read it instead).
    /// - Throws: `InputError` when it cannot be opened (as every reader here).
    static func open(_ path: String) throws -> MappedFile? {
        let fd = try openForReading(path)
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0,
              let whole = FileMapping(fd: fd, offset: 0, length: Int(info.st_size), writable: false)
        else {
            close(fd)
            return nil
        }
        return MappedFile(fd: fd, whole: whole)
    }

    /// A private, writable mapping of `length` bytes from `offset` (within the file): its
    /// writes are copy-on-write and never reach the file. `nil` when it cannot be mapped.
    func privateMapping(offset: Int, length: Int) -> FileMapping? {
        guard offset >= 0, length > 0, offset <= size - length else { return nil }
        return FileMapping(fd: fd, offset: offset, length: length, writable: true)
    }
}
