// Small POSIX helpers shared by the readers and writers in this folder. Everything here
// turns a failed system call into an `InputError` that names the file and the reason.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's text for an `errno` value, e.g. "No such file or directory".
func systemErrorText(_ code: Int32) -> String {
    String(cString: strerror(code))
}

/// A hint for a failed `open`, keyed by its `errno`.
func openFailureHint(_ code: Int32) -> String? {
    switch code {
    case ENOENT: return "check the path; a relative path starts from the current directory"
    case EACCES, EPERM: return "check the file's permissions (ls -l)"
    case EISDIR: return "give the path of a file, not of a directory"
    default: return nil
    }
}

/// Opens `path` for reading and returns its file descriptor.
///
/// Refuses directories up front (reading one would otherwise fail later with a less
/// clear message).
/// - Throws: `InputError` "cannot open PATH: REASON" with a hint.
func openForReading(_ path: String) throws -> Int32 {
    var fd: Int32
    repeat {
        fd = open(path, O_RDONLY | O_CLOEXEC)
    } while fd < 0 && errno == EINTR
    if fd < 0 {
        let code = errno
        throw InputError(
            path: path, message: "cannot open \(path): \(systemErrorText(code))",
            hint: openFailureHint(code))
    }
    var info = stat()
    if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
        close(fd)
        throw InputError(
            path: path, message: "cannot open \(path): it is a directory",
            hint: openFailureHint(EISDIR))
    }
    return fd
}

/// Reads up to `count` bytes into `buffer`, retrying on `EINTR`. Returns the number
/// of bytes read; 0 means end of file.
/// - Throws: `InputError` "cannot read PATH: REASON".
func readSome(_ fd: Int32, into buffer: UnsafeMutableRawPointer, count: Int, path: String) throws -> Int {
    while true {
        let n = read(fd, buffer, count)
        if n >= 0 { return n }
        let code = errno
        if code == EINTR { continue }
        throw InputError(path: path, message: "cannot read \(path): \(systemErrorText(code))")
    }
}

/// Reads the whole file at `path` into memory.
/// - Throws: `InputError` when the file cannot be opened or read.
func readWholeFile(_ path: String) throws -> [UInt8] {
    let fd = try openForReading(path)
    defer { close(fd) }
    var info = stat()
    let sizeHint = fstat(fd, &info) == 0 ? max(Int(info.st_size), 0) : 0

    // One read straight into the array's storage; one spare byte tells whether the
    // file grew since fstat (or had no size, like a pipe), and then we keep reading.
    var readError: Error?
    var reachedEnd = false
    var bytes = [UInt8](unsafeUninitializedCapacity: sizeHint + 1) { buffer, count in
        count = 0
        guard let base = buffer.baseAddress else { return }
        do {
            while count < buffer.count {
                let n = try readSome(fd, into: base + count, count: buffer.count - count, path: path)
                if n == 0 { reachedEnd = true; break }
                count += n
            }
        } catch {
            readError = error
        }
    }
    if let readError { throw readError }
    if !reachedEnd {
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return try readSome(fd, into: base, count: raw.count, path: path)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
    }
    return bytes
}
