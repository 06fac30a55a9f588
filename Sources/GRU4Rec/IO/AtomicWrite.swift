#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes `bytes` to the file at `path` so that readers (and a crash) see either the
/// old content or the new, never a half-written file.
///
/// The bytes go to a temporary file in the same directory, named `.NAME.tmp-PID`; it is
/// flushed to disk (`fsync`), renamed over `path`, and then the directory is flushed so
/// the rename itself survives a power cut. On any failure the temporary file is removed,
/// the old file (if any) is left untouched, and an `InputError` says what went wrong.
/// Temporary files of the same path left by processes that died (SIGKILL, power cut)
/// are removed at the next write to that path.
///
/// Only regular files get this treatment. A path naming a device, a FIFO or
/// `/dev/stdout` is written directly (a FIFO without a reader is refused rather than
/// waited on), so `/dev/null` stays a device. A symbolic link is written through: its
/// target is replaced atomically and the link stays; a link to nothing is refused.
///
/// A file that is replaced keeps its permission bits; a new file gets `0644` less the
/// umask. Two threads of one process must not write the same `path` at the same time
/// (they would share the temporary file's name).
/// - Throws: `InputError` naming `path`, with the failed step and the system's reason.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    try bytes.withUnsafeBytes { raw in
        try writeFileAtomically(raw, to: path)
    }
}

/// Writes several files all-or-nothing: every file is written to its temporary first,
/// and only when all are complete (and flushed) are they renamed into place. If any
/// fails, every temporary is removed and no file at `files[i].path` is changed.
/// (Renames themselves do not fail for lack of space; one that fails for another
/// reason stops the remaining renames and is reported.)
/// - Throws: `InputError` naming the file that failed.
public func writeFilesAtomically(_ files: [(bytes: [UInt8], path: String)]) throws {
    var pending: [PendingAtomicWrite] = []
    do {
        for file in files {
            pending.append(try file.bytes.withUnsafeBytes { try PendingAtomicWrite(file.path, bytes: $0) })
        }
    } catch {
        for write in pending { write.abandon() }
        throw error
    }
    for (k, write) in pending.enumerated() {
        do {
            try write.commit()
        } catch {
            for rest in pending[(k + 1)...] { rest.abandon() }
            throw error
        }
    }
}

/// A step at which `writeFileAtomically` can be told to fail, so tests can check the
/// clean-up on every path without needing a full disk or an unwritable directory.
package enum AtomicWriteFault: Sendable, CaseIterable {
    /// After the temporary file was created, before any byte was written.
    case afterCreate
    /// After all bytes were written and flushed, just before the rename.
    case beforeRename
}

/// The name of the temporary file `writeFileAtomically` uses for `path`.
package func atomicWriteTemporaryPath(for path: String) -> String {
    atomicWriteTemporaryPath(for: path, pid: getpid())
}

/// The temporary file name of process `pid` for `path`.
package func atomicWriteTemporaryPath(for path: String, pid: Int32) -> String {
    let (directory, name) = splitDirectoryAndName(path)
    let temporaryName = ".\(name).tmp-\(pid)"
    return directory == nil ? temporaryName : "\(directory ?? "")/\(temporaryName)"
}

/// `("dir/sub", "file")` for `"dir/sub/file"`, `("", "file")` for `"/file"`, and
/// `(nil, "file")` for `"file"`.
private func splitDirectoryAndName(_ path: String) -> (directory: String?, name: String) {
    guard let slash = path.lastIndex(of: "/") else { return (nil, path) }
    return (String(path[..<slash]), String(path[path.index(after: slash)...]))
}

/// The raw-buffer form of `writeFileAtomically(_:to:)`; `fault` makes it fail on purpose
/// at one step (tests only).
package func writeFileAtomically(
    _ bytes: UnsafeRawBufferPointer, to path: String, fault: AtomicWriteFault? = nil
) throws {
    let write = try PendingAtomicWrite(path, bytes: bytes, fault: fault)
    if fault == .beforeRename {
        write.abandon()
        throw write.failure("injected fault before rename", EIO)
    }
    try write.commit()
}

/// Removes `.NAME.tmp-PID` files beside `path` whose process no longer runs.
private func removeStaleTemporaries(of path: String) {
    let (directory, name) = splitDirectoryAndName(path)
    let directoryPath = directory.map { $0.isEmpty ? "/" : $0 } ?? "."
    let prefix = ".\(name).tmp-"
    guard let dir = opendir(directoryPath) else { return }
    defer { closedir(dir) }
    var stale: [Int32] = []
    while let entry = readdir(dir) {
        let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        guard entryName.hasPrefix(prefix), let pid = Int32(entryName.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
        if kill(pid, 0) != 0 && errno == ESRCH { stale.append(pid) }
    }
    for pid in stale { unlink(atomicWriteTemporaryPath(for: path, pid: pid)) }
}

/// One file written to its temporary and flushed, waiting to be renamed into place
/// (``commit()``) or removed (``abandon()``). Non-regular targets (devices, FIFOs) are
/// written directly at ``commit()``.
private final class PendingAtomicWrite {
    /// The path the user gave (for messages).
    let path: String
    /// Where the bytes go: `path`, or the target of the symbolic link at `path`.
    let target: String
    let temporaryPath: String
    let directoryForHumans: String
    /// The bytes of a direct write (device, FIFO), kept until ``commit()``.
    private var directBytes: [UInt8]?

    init(_ path: String, bytes: UnsafeRawBufferPointer, fault: AtomicWriteFault? = nil) throws {
        self.path = path
        let (_, name) = splitDirectoryAndName(path)
        if name.isEmpty || name == "." || name == ".." {
            throw InputError(
                path: path, message: "cannot write \(path): the path names a directory, not a file",
                hint: "give a file name, e.g. \(path.hasSuffix("/") ? path : path + "/")model.safetensors")
        }
        var target = path
        var link = stat(), existing = stat()
        let exists = stat(path, &existing) == 0
        if lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK {
            guard exists else {
                throw InputError(path: path, message: "cannot write \(path): it is a symbolic link to a file that does not exist",
                                 hint: "remove the link or point it at a file")
            }
            if (existing.st_mode & S_IFMT) == S_IFREG, let resolved = realpath(path, nil) {
                target = String(cString: resolved)
                free(resolved)
            }
        }
        self.target = target
        temporaryPath = atomicWriteTemporaryPath(for: target)
        let directory = splitDirectoryAndName(target).directory
        directoryForHumans = directory.map { $0.isEmpty ? "/" : $0 } ?? "."
        let kind = existing.st_mode & S_IFMT
        if exists && kind != S_IFREG && kind != S_IFDIR {
            directBytes = Array(bytes)
            return
        }
        removeStaleTemporaries(of: target)
        try writeTemporary(bytes, mode: exists && kind == S_IFREG ? existing.st_mode & 0o7777 : 0o644, fault: fault)
    }

    func failure(_ step: String, _ code: Int32, hint: String? = nil) -> InputError {
        var hint = hint
        if hint == nil {
            switch code {
            case ENOSPC, EDQUOT: hint = "the disk (or your quota) is full; free some space and try again"
            case EACCES, EPERM, EROFS:
                hint = "check that the directory \(directoryForHumans) is writable"
            case ENOENT, ENOTDIR:
                hint = "check that the directory \(directoryForHumans) exists (create it first)"
            default: break
            }
        }
        return InputError(path: path, message: "cannot write \(path): \(step): \(systemErrorText(code))", hint: hint)
    }

    /// Writes every byte to `fd`, retrying on `EINTR`; returns the failing `errno` or nil.
    private func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var written = 0
        while written < bytes.count {
            guard let base = bytes.baseAddress else { break }
            let n = write(fd, base + written, bytes.count - written)
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                return code
            }
            written += n
        }
        return nil
    }

    private func writeTemporary(_ bytes: UnsafeRawBufferPointer, mode: mode_t, fault: AtomicWriteFault?) throws {
        var fd: Int32
        repeat {
            fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        } while fd < 0 && errno == EINTR
        if fd < 0 {
            throw failure("cannot create the temporary file \(temporaryPath)", errno)
        }
        func abandon(_ error: InputError) -> InputError {
            if fd >= 0 { close(fd) }
            unlink(temporaryPath)
            return error
        }
        if fault == .afterCreate { throw abandon(failure("injected fault after create", EIO)) }
        if mode != 0o644 && fchmod(fd, mode) != 0 {
            throw abandon(failure("cannot set the permissions of \(temporaryPath)", errno))
        }
        if let code = writeAll(fd, bytes) {
            throw abandon(failure("writing \(temporaryPath) failed", code))
        }
        if fsync(fd) != 0 {
            throw abandon(failure("flushing \(temporaryPath) to disk failed", errno))
        }
        let closeResult = close(fd)
        let closeError = errno
        fd = -1
        if closeResult != 0 {
            throw abandon(failure("closing \(temporaryPath) failed", closeError))
        }
    }

    /// Removes the temporary file (nothing to do for a direct write).
    func abandon() {
        if directBytes == nil { unlink(temporaryPath) }
    }

    /// Renames the temporary into place and flushes the directory; or, for a device or
    /// FIFO, writes the bytes to it.
    func commit() throws {
        if let directBytes {
            try writeDirectly(directBytes)
            return
        }
        if rename(temporaryPath, target) != 0 {
            let code = errno
            unlink(temporaryPath)
            let hint = (code == EISDIR || code == ENOTEMPTY || code == EEXIST)
                ? "a directory named \(path) is in the way; remove it or choose another name" : nil
            throw failure("cannot rename \(temporaryPath) to \(splitDirectoryAndName(target).name)", code, hint: hint)
        }
        // Make the rename durable. Some file systems cannot flush a directory (EINVAL);
        // the file itself is then as safe as that file system allows.
        let directoryFD = open(directoryForHumans, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            defer { close(directoryFD) }
            if fsync(directoryFD) != 0 {
                let code = errno
                if code != EINVAL && code != ENOTSUP && code != EBADF {
                    throw failure("the file was written, but flushing the directory \(directoryForHumans) failed", code)
                }
            }
        }
    }

    /// Writes to a device or FIFO as it is (no temporary, no rename).
    private func writeDirectly(_ bytes: [UInt8]) throws {
        // O_NONBLOCK: opening a FIFO without a reader fails (ENXIO) instead of waiting.
        var fd: Int32
        repeat {
            fd = open(path, O_WRONLY | O_CLOEXEC | O_NONBLOCK)
        } while fd < 0 && errno == EINTR
        if fd < 0 {
            let code = errno
            throw failure("cannot open it for writing", code,
                          hint: code == ENXIO ? "it is a FIFO with no reader; start the reader first" : nil)
        }
        defer { close(fd) }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        if let code = bytes.withUnsafeBytes({ writeAll(fd, $0) }) {
            throw failure("writing failed", code)
        }
    }
}
