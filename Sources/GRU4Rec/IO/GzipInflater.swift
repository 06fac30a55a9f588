import CZlib

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Decompresses a gzip file piece by piece, for `LineReader`.
///
/// Reads the compressed bytes from a file descriptor it does not own, in chunks, and
/// inflates them into the caller's buffer. Handles files made of several gzip members
/// one after another (`cat a.gz b.gz > c.gz`), as `gzip -d` does. A file that ends in
/// the middle of a member, or has corrupt data or trailing garbage, is an `InputError`.
final class GzipInflater {
    /// The file's path, for error messages.
    private let path: String
    private let fd: Int32
    /// zlib keeps a pointer to its stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutablePointer<UInt8>
    private let inputCapacity: Int
    private var inputAtEnd = false
    /// The current member ended (`Z_STREAM_END`); another may follow.
    private var memberEnded = false
    private var finished = false
    /// Decompressed bytes delivered so far, for error messages.
    private var totalOut = 0

    /// Starts inflating `fd`; `prefix` holds bytes already read from its start.
    init(path: String, fd: Int32, prefix: UnsafeRawBufferPointer, chunkSize: Int) throws {
        self.path = path
        self.fd = fd
        inputCapacity = max(chunkSize, prefix.count, 1)
        input = .allocate(capacity: inputCapacity)
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        if let base = prefix.baseAddress, prefix.count > 0 {
            input.update(from: base.assumingMemoryBound(to: UInt8.self), count: prefix.count)
        }
        stream.pointee.next_in = input
        stream.pointee.avail_in = UInt32(prefix.count)
        // 15 + 32: the largest window, with automatic gzip/zlib header detection.
        let status = gru4rec_inflateInit2(stream, 15 + 32)
        guard status == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw InputError(
                path: path, message: "cannot start gzip decompression of \(path) (zlib status \(status))",
                hint: status == Z_MEM_ERROR ? "the machine is out of memory" : nil)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    /// Decompresses into `output`, up to `capacity` bytes, reading more of the file as
    /// needed. Returns how many bytes it wrote, at least 1, or 0 at the end of the data.
    /// - Throws: `InputError` for corrupt or truncated data and for read errors.
    func read(into output: UnsafeMutablePointer<UInt8>, capacity: Int) throws -> Int {
        let capacity = min(capacity, Int(UInt32.max))
        while !finished {
            if stream.pointee.avail_in == 0 && !inputAtEnd {
                let count = try readSome(fd, into: input, count: inputCapacity, path: path)
                if count == 0 {
                    inputAtEnd = true
                } else {
                    stream.pointee.next_in = input
                    stream.pointee.avail_in = UInt32(count)
                }
            }
            if memberEnded {
                if stream.pointee.avail_in == 0 {
                    if inputAtEnd { finished = true }
                    continue
                }
                // Another member follows (or trailing garbage, which inflate rejects).
                inflateReset(stream)
                memberEnded = false
            }
            if stream.pointee.avail_in == 0 && inputAtEnd {
                throw InputError(
                    path: path,
                    message: "gzip data ends unexpectedly after \(totalOut) decompressed bytes (the file is truncated)",
                    hint: "the file was cut short while copying or downloading; get it again (gzip -t checks a file)")
            }
            stream.pointee.next_out = output
            stream.pointee.avail_out = UInt32(capacity)
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = capacity - Int(stream.pointee.avail_out)
            totalOut += produced
            switch status {
            case Z_OK, Z_BUF_ERROR:
                // Progress, or none possible until more input arrives.
                break
            case Z_STREAM_END:
                memberEnded = true
            case Z_MEM_ERROR:
                throw InputError(path: path, message: "out of memory while decompressing \(path)")
            default:
                let reason = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                throw InputError(
                    path: path,
                    message: "corrupt gzip data after \(totalOut) decompressed bytes: \(reason)",
                    hint: "the file is damaged; get it again (gzip -t checks a file)")
            }
            if produced > 0 { return produced }
        }
        return 0
    }
}
