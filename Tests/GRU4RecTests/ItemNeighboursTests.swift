import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// ``ItemNeighbours``: nearest items by cosine, checked against a brute-force ranking.
struct ItemNeighboursTests {
    /// A model of `n` items in separate embedding mode (d = 4, L = 3) whose `Wy` and `E`
    /// rows are small integers from a seeded generator (some rows repeated, some zero),
    /// so every dot product is exact in any summation order.
    static func integerModel(n: Int = 40, seed: UInt64 = 3) -> GRU4RecModel {
        var hp = Hyperparameters()
        hp.layers = [3]
        hp.embedding = 4
        hp.constrainedEmbedding = false
        let model = GRU4RecModel(hyperparameters: hp, catalog: ItemCatalog(ids: (0..<n).map { "i\($0)" }),
                                 itemSupport: [Int](repeating: 1, count: n))
        var rng = SeededGenerator(seed: seed)
        for (name, d) in [("Wy.weight", 3), ("E.weight", 4)] {
            var values = (0..<(n * d)).map { _ in Float(rng.nextInt(below: 7) - 3) }
            // Ties: rows 5 and 9 repeat row 2; row 11 is twice row 2 (cosine 1 as well); row 7 is zero.
            for j in 0..<d {
                values[5 * d + j] = values[2 * d + j]
                values[9 * d + j] = values[2 * d + j]
                values[11 * d + j] = 2 * values[2 * d + j]
                values[7 * d + j] = 0
            }
            model.parameters.setValues(name, values)
        }
        return model
    }

    /// Brute force: every other item's cosine by plain loops, a full sort (ties: lower index).
    static func bruteForce(_ rows: [Float], d: Int, n: Int, item: Int, k: Int) -> [ItemNeighbour] {
        func norm(_ i: Int) -> Float { (0..<d).reduce(Float(0)) { $0 + rows[i * d + $1] * rows[i * d + $1] }.squareRoot() }
        let all = (0..<n).filter { $0 != item }.map { j -> ItemNeighbour in
            let dot = (0..<d).reduce(Float(0)) { $0 + rows[item * d + $1] * rows[j * d + $1] }
            let denominator = norm(item) * norm(j)
            return ItemNeighbour(item: j, similarity: denominator > 0 ? dot / denominator : 0)
        }
        let sorted = all.sorted { $0.similarity > $1.similarity || ($0.similarity == $1.similarity && $0.item < $1.item) }
        return Array(sorted.prefix(k))
    }

    @Test("output and input vectors: exactly the brute-force ranking, ties by lower index", arguments: ItemVectors.allCases)
    func matchesBruteForce(_ vectors: ItemVectors) throws {
        let n = 40
        let model = Self.integerModel(n: n)
        let search = try ItemNeighbours(model: model, vectors: vectors)
        let name = vectors == .output ? "Wy.weight" : "E.weight", d = vectors == .output ? 3 : 4
        #expect(search.dimension == d)
        let rows = model.parameters.values(name)
        for item in 0..<n {
            for k in [1, 5, n - 1, n + 10] {
                let found = search.nearest(to: item, k: k)
                #expect(found == Self.bruteForce(rows, d: d, n: n, item: item, k: k), "item \(item), k \(k)")
            }
        }
        // The planted ties: rows 5, 9 and 11 point the same way as row 2, in index order.
        let nearest = search.nearest(to: 2, k: 3)
        #expect(nearest.map(\.item) == [5, 9, 11])
        #expect(nearest.allSatisfy { abs($0.similarity - 1) < 1e-6 })
        // The zero row: similarity 0 with everything, never NaN.
        #expect(search.nearest(to: 7, k: n).allSatisfy { $0.similarity == 0 })
        #expect(search.similarity(2, 7) == 0)
    }

    @Test("random real-valued vectors: the brute-force ranking up to rounding")
    func realValued() throws {
        let tiny = TinyModel(epochs: 2)
        let search = try ItemNeighbours(model: tiny.model)
        let n = tiny.model.itemCount, d = tiny.model.outputSize
        let rows = tiny.model.parameters.values("Wy.weight")
        for item in 0..<n {
            let found = search.nearest(to: item, k: 5)
            let expected = Self.bruteForce(rows, d: d, n: n, item: item, k: 5)
            #expect(found.count == 5 && !found.contains { $0.item == item })
            for (f, e) in zip(found, expected) {
                #expect(abs(f.similarity - e.similarity) < 1e-5)
                #expect(abs(f.similarity - search.similarity(item, f.item)) < 1e-5)
            }
            // Best first.
            #expect(zip(found, found.dropFirst()).allSatisfy { $0.similarity >= $1.similarity })
        }
    }

    @Test("norms are computed once, one per item; input vectors need a separate embedding")
    func normsAndAvailability() throws {
        let model = Self.integerModel(n: 12)
        let search = try ItemNeighbours(model: model, vectors: .input)
        let e = model.parameters.values("E.weight")
        #expect(search.norms.count == 12)
        #expect(search.norms[3] == (0..<4).reduce(Float(0)) { $0 + e[12 + $1] * e[12 + $1] }.squareRoot())
        #expect(search.vector(of: 3) == Array(e[12..<16]))
        #expect(ItemNeighbours.available(for: model) == [.output, .input])

        let shared = TinyModel(epochs: 0).model
        #expect(ItemNeighbours.available(for: shared) == [.output])
        #expect(throws: ItemNeighboursError.noInputEmbedding(.shared)) { try ItemNeighbours(model: shared, vectors: .input) }
        #expect(try ItemNeighbours(model: shared).nearest(to: 0, k: 0).isEmpty)
    }
}
