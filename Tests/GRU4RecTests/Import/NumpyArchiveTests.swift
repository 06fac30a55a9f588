import Foundation
import Testing
@testable import GRU4Rec
import GRU4RecTestSupport

/// The `.npz` export read back with this project's own zip reader: NumPy's format
/// 1.0 headers and the exact values.
@Suite struct NumpyArchiveTests {
    @Test("every tensor, the support, the ids and the hyperparameters, as NumPy writes them")
    func archiveHoldsTheModel() throws {
        let m = TinyModel(epochs: 1).model
        let bytes = try NumpyArchive.encode(m)
        let zip = try ZipArchive(bytes: bytes, path: "m.npz")
        #expect(zip.entries.map(\.name) == m.parameters.specs.map { $0.name + ".npy" } + ["item_support.npy", "items.npy", "hyperparameters.npy"])
        func npy(_ name: String) throws -> (header: String, payload: [UInt8]) {
            let data = Array(try zip.contents(of: try #require(zip.entry(name))))
            #expect(Array(data.prefix(8)) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0], "\(name) magic")
            let length = Int(data[8]) | Int(data[9]) << 8
            #expect((10 + length) % 64 == 0, "\(name): data 64-byte aligned")
            #expect(data[10 + length - 1] == 0x0A)
            return (String(decoding: data[10..<(10 + length)], as: UTF8.self), Array(data[(10 + length)...]))
        }
        let wy = try npy("Wy.weight.npy")
        #expect(wy.header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (\(m.itemCount), \(m.outputSize)), }"))
        let values = stride(from: 0, to: wy.payload.count, by: 4).map { i in
            Float(bitPattern: UInt32(wy.payload[i]) | UInt32(wy.payload[i + 1]) << 8 | UInt32(wy.payload[i + 2]) << 16 | UInt32(wy.payload[i + 3]) << 24)
        }
        #expect(values == m.parameters.values("Wy.weight"))
        let bias = try npy("G.0.bias_ih.npy")
        #expect(bias.header.contains("'shape': (\(3 * m.layers[0]),)"))
        let ids = try npy("items.npy")
        let width = m.catalog.ids.map { $0.unicodeScalars.count }.max() ?? 1
        #expect(ids.header.contains("'descr': '<U\(width)'") && ids.payload.count == m.itemCount * width * 4)
        #expect(try npy("hyperparameters.npy").header.contains("'shape': ()"))
    }
}
