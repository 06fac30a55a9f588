#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line, fast, decompressing gzip on the fly.
///
/// A file that starts with the gzip magic bytes `1f 8b` is inflated with zlib
/// (several concatenated gzip members are fine); anything else is read as plain text.
/// The file is read in large chunks (1 MiB), and a gzip file's decompressed text is
/// never held in memory all at once: only the current chunk and the line being
/// assembled are.
///
/// Each line is handed to a closure as bytes without its `\n` (and without a `\r`
/// before it, for Windows line endings), with its 1-based line number. Empty lines are
/// delivered too; a last line without `\n` counts as a line, and a file that ends with
/// `\n` has no extra empty line at the end. The bytes are not checked for UTF-8.
///
/// `LineReader` is a class because it owns a file descriptor and a read position:
/// copies would share them. Reading is single-pass; `withNextLine(_:)` and
/// `forEachLine(_:)` continue where the last call stopped.
///
/// ```swift
/// let reader = try LineReader(path: "clicks.tsv.gz")
/// try reader.forEachLine { bytes, lineNumber in
///     // `bytes` is valid only inside the closure.
/// }
/// ```
public final class LineReader {
    /// The path the reader was opened with, for error messages.
    public let path: String
    /// Whether the file is gzip-compressed.
    public let isCompressed: Bool
    /// The number of the last line handed out; 0 before the first.
    public private(set) var lineNumber = 0

    /// Lines longer than this are refused: the file is most likely not text.
    private let maximumLineLength: Int
    private let chunkSize: Int
    private var fd: Int32
    private var inflater: GzipInflater?
    /// Holds text read but not yet handed out, in `buffer[start..<end]`.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var atEnd = false

    /// Opens the file at `path`.
    /// - Throws: `InputError` if the file cannot be opened or read, e.g.
    ///   "cannot open data.tsv: No such file or directory", with a hint.
    public convenience init(path: String) throws {
        try self.init(path: path, chunkSize: 1 << 20, maximumLineLength: 256 << 20)
    }

    /// Opens the file at `path`, reading `chunkSize` bytes at a time and refusing lines
    /// longer than `maximumLineLength` bytes (tests use tiny values).
    package init(path: String, chunkSize: Int, maximumLineLength: Int) throws {
        precondition(chunkSize > 0 && maximumLineLength > 0)
        self.path = path
        self.chunkSize = chunkSize
        self.maximumLineLength = maximumLineLength
        fd = try openForReading(path)
        capacity = max(chunkSize, 2)
        buffer = .allocate(capacity: capacity)

        // Read at least two bytes (or the whole file, if shorter) to see the magic.
        do {
            while end < 2 {
                let count = try readSome(fd, into: buffer + end, count: capacity - end, path: path)
                if count == 0 { break }
                end += count
            }
        } catch {
            close(fd)
            buffer.deallocate()
            throw error
        }
        isCompressed = end >= 2 && buffer[0] == 0x1F && buffer[1] == 0x8B
        if isCompressed {
            do {
                inflater = try GzipInflater(
                    path: path, fd: fd, prefix: UnsafeRawBufferPointer(start: buffer, count: end),
                    chunkSize: chunkSize)
            } catch {
                close(fd)
                buffer.deallocate()
                throw error
            }
            end = 0
        }
    }

    /// The current size of the internal buffer in bytes (tests check it stays small).
    package var bufferCapacity: Int { capacity }

    deinit {
        inflater = nil
        if fd >= 0 { close(fd) }
        buffer.deallocate()
    }

    /// Hands the next line and its 1-based number to `body` and returns what `body`
    /// returns, or returns `nil` (without calling `body`) when there are no more lines.
    ///
    /// The buffer is valid only during the call. `body` must not use this reader.
    /// - Throws: `InputError` for read errors, corrupt gzip data and absurdly long lines;
    ///   and whatever `body` throws.
    public func withNextLine<Result>(
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Result
    ) throws -> Result? {
        var searchFrom = start
        while true {
            if let newline = memchr(buffer + searchFrom, 0x0A, end - searchFrom) {
                let lineEnd = buffer.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                let lineStart = start
                start = lineEnd + 1
                return try deliver(lineStart, lineEnd, body)
            }
            if atEnd {
                guard start < end else { return nil }
                let lineStart = start
                start = end
                return try deliver(lineStart, end, body)
            }
            searchFrom = try fill()
        }
    }

    /// Calls `body` with every remaining line and its 1-based number.
    ///
    /// The buffer is valid only during each call. `body` must not use this reader.
    /// - Throws: as `withNextLine(_:)`; reading stops at the first error.
    public func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void) throws {
        while try withNextLine(body) != nil {}
    }

    private func deliver<Result>(
        _ lineStart: Int, _ lineEnd: Int, _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Result
    ) throws -> Result {
        lineNumber += 1
        if lineEnd - lineStart > maximumLineLength { throw lineTooLong() }
        var lineEnd = lineEnd
        if lineEnd > lineStart && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        return try body(UnsafeBufferPointer(start: buffer + lineStart, count: lineEnd - lineStart), lineNumber)
    }

    private func lineTooLong() -> InputError {
        InputError(
            path: path, line: lineNumber,
            message: "line is longer than \(maximumLineLength) bytes",
            hint: "is this a text file with one record per line? (not a binary or other compressed format)")
    }

    /// Moves the unfinished line to the front of the buffer, grows the buffer if the line
    /// fills it, and reads more text after it; sets `atEnd` at the end of the file.
    /// Returns the offset where the new, not yet searched text begins.
    private func fill() throws -> Int {
        let pending = end - start
        if pending > maximumLineLength {
            lineNumber += 1
            throw lineTooLong()
        }
        if start > 0 {
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            start = 0
            end = pending
        }
        if end == capacity {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity *= 2
        }
        let searched = end
        let count: Int
        if let inflater {
            count = try inflater.read(into: buffer + end, capacity: capacity - end)
        } else {
            count = try readSome(fd, into: buffer + end, count: capacity - end, path: path)
        }
        if count == 0 {
            atEnd = true
            inflater = nil
            close(fd)
            fd = -1
        }
        end += count
        return searched
    }
}
