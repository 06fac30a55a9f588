import GRU4Rec

/// Deterministic random data for tests.
public struct TestRandom {
    public var rng: SeededGenerator
    public init(seed: UInt64) { rng = SeededGenerator(seed: seed) }
    /// Uniform floats in [lo, hi).
    public mutating func floats(_ n: Int, _ lo: Float = -1, _ hi: Float = 1) -> [Float] {
        (0..<n).map { _ in lo + (hi - lo) * rng.nextUnitFloat() }
    }
    public mutating func ints(_ n: Int, below bound: Int) -> [Int32] {
        (0..<n).map { _ in Int32(rng.nextInt(below: bound)) }
    }
}
