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
///
/// A file that is replaced keeps its permission bits; a new file gets `0644` less the
/// umask. If `path` is a symbolic link, the link itself is replaced, not its target.
/// Two threads of one process must not write the same `path` at the same time (they
/// would share the temporary file's name).
/// - Throws: `InputError` naming `path`, with the failed step and the system's reason.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    try bytes.withUnsafeBytes { raw in
        try writeFileAtomically(raw, to: path)
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
    let (directory, name) = splitDirectoryAndName(path)
    let temporaryName = ".\(name).tmp-\(getpid())"
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
    let (directory, name) = splitDirectoryAndName(path)
    if name.isEmpty || name == "." || name == ".." {
        throw InputError(
            path: path, message: "cannot write \(path): the path names a directory, not a file",
            hint: "give a file name, e.g. \(path.hasSuffix("/") ? path : path + "/")model.safetensors")
    }
    let temporaryPath = atomicWriteTemporaryPath(for: path)
    let directoryForHumans = directory.map { $0.isEmpty ? "/" : $0 } ?? "."

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

    // Keep the permission bits of a file we replace.
    var existing = stat()
    let mode: mode_t
    if stat(path, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFREG {
        mode = existing.st_mode & 0o7777
    } else {
        mode = 0o644
    }

    var fd: Int32
    repeat {
        fd = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
    } while fd < 0 && errno == EINTR
    if fd < 0 {
        throw failure("cannot create the temporary file \(temporaryPath)", errno)
    }

    /// Closes and removes the temporary file, then returns `error` for throwing.
    func abandon(_ error: InputError) -> InputError {
        if fd >= 0 { close(fd) }
        unlink(temporaryPath)
        return error
    }

    if fault == .afterCreate { throw abandon(failure("injected fault after create", EIO)) }
    if mode != 0o644 && fchmod(fd, mode) != 0 {
        throw abandon(failure("cannot set the permissions of \(temporaryPath)", errno))
    }

    var written = 0
    while written < bytes.count {
        guard let base = bytes.baseAddress else { break }
        let n = write(fd, base + written, bytes.count - written)
        if n < 0 {
            let code = errno
            if code == EINTR { continue }
            throw abandon(failure("writing \(temporaryPath) failed", code))
        }
        written += n
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
    if fault == .beforeRename { throw abandon(failure("injected fault before rename", EIO)) }
    if rename(temporaryPath, path) != 0 {
        let code = errno
        let hint = (code == EISDIR || code == ENOTEMPTY || code == EEXIST)
            ? "a directory named \(path) is in the way; remove it or choose another name" : nil
        throw abandon(failure("cannot rename \(temporaryPath) to \(name)", code, hint: hint))
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
