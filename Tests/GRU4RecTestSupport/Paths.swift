import Foundation

/// Where things are, relative to this package's root (found from this file's path).
public enum TestPaths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// `../shared` beside the package root.
    public static var shared: String { (packageRoot as NSString).appendingPathComponent("../shared") }

    public static var fixtures: String { shared + "/fixtures" }
    public static var datasets: String { shared + "/datasets" }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// A fresh temporary directory, removed by the caller (or left in /tmp).
    public static func temporaryDirectory(_ prefix: String = "gru4rec-test") -> String {
        let path = NSTemporaryDirectory() + "\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Largest absolute element-wise difference (infinity on a length mismatch).
public func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a[i] - b[i])) }
    return m
}

/// Max |a - b| divided by max |b| (for gradients, normalised as in GRU4Rec.md, Tolerances).
public func maxNormalisedDiff(_ a: [Float], _ b: [Float]) -> Float {
    let scale = b.map(abs).max() ?? 0
    return maxAbsDiff(a, b) / max(scale, 1e-12)
}

/// Collects the largest difference per quantity, for a readable report.
public struct DiffReport {
    public private(set) var worst: [(String, Float)] = []
    public init() {}
    public mutating func record(_ key: String, _ value: Float) {
        if let i = worst.firstIndex(where: { $0.0 == key }) { worst[i].1 = max(worst[i].1, value) } else { worst.append((key, value)) }
    }
    public var summary: String {
        worst.map { "\($0.0) \(String(format: "%.2e", $0.1))" }.joined(separator: ", ")
    }
}
