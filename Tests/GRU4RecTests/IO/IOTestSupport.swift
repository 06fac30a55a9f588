import Foundation
import Testing
import GRU4Rec

/// Paths and scratch space for the IO tests.
enum IOTestSupport {
    /// The package root, found from this file's location (Tests/GRU4RecTests/IO/...).
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared` next to the package root, where fixtures and data sets live, or `nil`
    /// when this checkout has none.
    static let sharedDirectory: String? = {
        let path = URL(fileURLWithPath: packageRoot).deletingLastPathComponent()
            .appendingPathComponent("shared").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }()

    /// The path of `relative` under `../shared`, or `nil` when it does not exist.
    static func sharedFile(_ relative: String) -> String? {
        guard let shared = sharedDirectory else { return nil }
        let path = shared + "/" + relative
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Whether tests run as root, for whom directory permissions do not apply.
    static var isRoot: Bool { geteuid() == 0 }
}

/// A fresh directory under the system's temporary directory, removed on `deinit`.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/gru4rec-io-XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard created != nil else { throw InputError(path: "(tmp)", message: "mkdtemp failed") }
        path = String(cString: template)
    }

    /// The path of `name` inside this directory.
    func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` (plain, non-atomic) and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = file(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` as UTF-8 to `name` and returns its path.
    @discardableResult
    func write(_ name: String, text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    /// The names in this directory, sorted (hidden files included).
    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).sorted()
    }

    deinit {
        // Make everything writable again so removal cannot fail on a test's chmod.
        chmod(path, 0o755)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Runs `body` and returns the `InputError` it throws, recording an issue if it throws
/// nothing or something else.
@discardableResult
func expectInputError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> InputError? {
    do {
        try body()
        Issue.record("expected an InputError, but nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as InputError {
        return error
    } catch {
        Issue.record("expected an InputError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Runs a program, returning its exit status and standard output (tests only).
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A small seeded generator (SplitMix64) so random tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Whether a `gzip` program is on the PATH.
let gzipIsAvailable: Bool = (try? runProcess("/usr/bin/env", ["gzip", "--version"]).status) == 0

extension TemporaryDirectory {
    /// Writes `bytes` to `name`, compresses it with the `gzip` program into `name.gz`
    /// (removing `name`), and returns the compressed file's path.
    func writeGzip(_ name: String, _ bytes: [UInt8]) throws -> String {
        let plain = try write(name, bytes)
        let result = try runProcess("/usr/bin/env", ["gzip", "-n", "-f", plain])
        guard result.status == 0 else {
            throw InputError(path: plain, message: "gzip failed: \(result.output)")
        }
        return plain + ".gz"
    }
}
