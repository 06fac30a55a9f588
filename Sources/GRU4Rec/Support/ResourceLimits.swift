#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Size checks made before anything large is allocated.
///
/// The model core is built with `-Ounchecked` in release builds, so `precondition`s and
/// the overflow traps of `*` and `+` are compiled out there: every size that comes from
/// a user (options, `--params`, model-file metadata, checkpoints) is checked here with
/// explicit comparisons and `multipliedReportingOverflow` / `addingReportingOverflow`,
/// which stay in every build, and an error is thrown instead of a crash.
public enum ResourceLimits {
    /// The most GRU layers a model may have.
    public static let maximumLayerCount = 64
    /// The largest GRU layer or separate embedding.
    public static let maximumLayerSize = 1 << 16
    /// The largest session-parallel mini-batch (training and evaluation).
    public static let maximumBatchSize = 1 << 20
    /// The most shared negatives per mini-batch.
    public static let maximumNSample = 1 << 24
    /// The largest precomputed store of negatives (ids).
    public static let maximumSampleStore = 1 << 32
    /// The most epochs one run may train.
    public static let maximumEpochs = 1_000_000

    /// Bytes of physical memory of this machine (0 when unknown).
    public static var physicalMemory: Int {
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), size = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, size > 0 else { return 0 }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
        return overflow ? Int.max : bytes
    }

    /// `a * b`, or nil when it overflows or either is negative.
    public static func product(_ a: Int, _ b: Int) -> Int? {
        guard a >= 0, b >= 0 else { return nil }
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? nil : p
    }

    /// The product of `values`, or nil on overflow or a negative value.
    public static func product(_ values: [Int]) -> Int? {
        var p = 1
        for v in values {
            guard let next = product(p, v) else { return nil }
            p = next
        }
        return p
    }

    /// The sum of `values`, or nil on overflow or a negative value.
    public static func sum(_ values: [Int]) -> Int? {
        var s = 0
        for v in values {
            guard v >= 0 else { return nil }
            let (next, overflow) = s.addingReportingOverflow(v)
            if overflow { return nil }
            s = next
        }
        return s
    }

    /// Throws unless `bytes` (nil: too large to count) fits in this machine's memory.
    /// - Parameter what: what needs the memory, e.g. "training with batch_size 1000000".
    public static func requireMemory(_ bytes: Int?, for what: String, hint: String) throws {
        let available = physicalMemory
        guard let bytes, available == 0 || bytes <= available else {
            let needed = bytes.map { formatBytes($0) } ?? "more than 8 EiB"
            throw ResourceError(message: "\(what) needs \(needed) of memory, but this machine has \(formatBytes(available))",
                                hint: hint)
        }
    }

    /// Checks an evaluation batch size: at most ``maximumBatchSize``, and its score
    /// matrix (`batchSize` x `items` floats, twice) must fit in memory.
    public static func checkEvaluationBatch(_ batchSize: Int, items: Int) throws {
        guard (1...maximumBatchSize).contains(batchSize) else {
            throw HyperparameterError.invalidValue(key: "batch_size", value: String(batchSize),
                                                   expected: "an integer in 1...\(maximumBatchSize)")
        }
        try requireMemory(product(batchSize, items).flatMap { product($0, 2 * MemoryLayout<Float>.size) },
                          for: "evaluating with batch size \(batchSize) over \(items) items",
                          hint: "use a smaller --batch-size (it does not change the results)")
    }

    /// `1.5 GiB`, `12.0 MiB`, `512 bytes`.
    static func formatBytes(_ bytes: Int) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) bytes" : String(format: "%.1f %@", value, units[unit])
    }
}

/// A size that does not fit the machine (or a sane limit); the message says what and
/// how much, the hint what to change.
public struct ResourceError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public var hint: String
    public var description: String { message + "\n  hint: " + hint }
}

extension Hyperparameters {
    /// The longest hyperparameter name and value accepted (a 50 MB key is refused at
    /// once, and never echoed whole).
    public static let maximumKeyLength = 64, maximumValueLength = 4096

    /// Refuses over-long keys and values before any work is done on them.
    static func checkLengths(key: String, value: String) throws {
        guard key.utf8.count <= maximumKeyLength else {
            // No suggestion search over a huge key; the message clips the key when printed.
            throw HyperparameterError.unknownKey(key, suggestion: nil)
        }
        guard value.utf8.count <= maximumValueLength else {
            throw HyperparameterError.invalidValue(key: key, value: truncatedForMessage(value),
                                                   expected: "a value of at most \(maximumValueLength) bytes")
        }
    }

    /// Checks every size against ``ResourceLimits`` (no item count needed); called
    /// before anything is allocated from these values.
    /// - Throws: `HyperparameterError.invalidValue` naming the key.
    public func validateSizes() throws {
        func check(_ key: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw HyperparameterError.invalidValue(key: key, value: String(value),
                                                       expected: "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
        }
        guard !layers.isEmpty, layers.count <= ResourceLimits.maximumLayerCount else {
            throw HyperparameterError.invalidValue(key: "layers", value: "\(layers.count) layers",
                                                   expected: "1 to \(ResourceLimits.maximumLayerCount) layers")
        }
        for size in layers { try check("layers", size, 1...ResourceLimits.maximumLayerSize) }
        try check("embedding", embedding, 0...ResourceLimits.maximumLayerSize)
        try check("batch_size", batchSize, 1...ResourceLimits.maximumBatchSize)
        try check("n_sample", nSample, 0...ResourceLimits.maximumNSample)
        try check("sample_store", sampleStore, 0...ResourceLimits.maximumSampleStore)
        try check("n_epochs", nEpochs, 0...ResourceLimits.maximumEpochs)
    }

    /// Floats of the model's parameters for `itemCount` items (nil on overflow).
    func parameterFloats(itemCount: Int) -> Int? {
        let shapes = GRU4RecModel.layout(self, itemCount: itemCount).map(\.1)
        var counts: [Int] = []
        for shape in shapes {
            guard let c = ResourceLimits.product(shape) else { return nil }
            counts.append(c)
        }
        return ResourceLimits.sum(counts)
    }

    /// Checks that a model of these hyperparameters over `itemCount` items, and (when
    /// `training`) the trainer's buffers, fit in this machine's memory.
    /// - Throws: `HyperparameterError` for a size beyond the limits; `ResourceError`
    ///   when it would not fit in memory.
    public func checkMemory(itemCount: Int, training: Bool) throws {
        try validateSizes()
        let p = parameterFloats(itemCount: itemCount)
        let hidden = ResourceLimits.sum(layers)
        // Parameters; training adds gradients, two optimizer stores, the score matrix and
        // its gradient (rows x (rows + n_sample)), gathered output rows, per-layer caches
        // (about 16 floats per hidden unit and row) and the store of negatives (Int32).
        var floats: Int?
        if training {
            let columns = ResourceLimits.sum([batchSize, nSample])
            let scores = columns.flatMap { ResourceLimits.product(batchSize, $0) }.flatMap { ResourceLimits.product($0, 4) }
            let gathered = columns.flatMap { ResourceLimits.product($0, layers[layers.count - 1] * 2) }
            let caches = hidden.flatMap { ResourceLimits.product(batchSize, $0) }.flatMap { ResourceLimits.product($0, 16) }
            let store = ResourceLimits.sum([sampleStore, nSample])
            let params = p.flatMap { ResourceLimits.product($0, 4) }
            let parts = [params, scores, gathered, caches, store]
            floats = parts.contains(where: { $0 == nil }) ? nil : ResourceLimits.sum(parts.compactMap { $0 })
        } else {
            floats = p
        }
        try ResourceLimits.requireMemory(
            floats.flatMap { ResourceLimits.product($0, MemoryLayout<Float>.size) },
            for: training
                ? "training layers \(layers.map(String.init).joined(separator: "/")) over \(itemCount) items with batch_size \(batchSize), n_sample \(nSample) and sample_store \(sampleStore)"
                : "a model with layers \(layers.map(String.init).joined(separator: "/")) over \(itemCount) items",
            hint: "use smaller layers, embedding, batch_size, n_sample or sample_store")
    }
}
