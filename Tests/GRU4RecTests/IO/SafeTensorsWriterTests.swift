import Foundation
import Testing
import GRU4Rec

@Suite struct IOSafeTensorsWriterTests {
    /// Floats whose bits must survive a round trip exactly.
    static let specialFloats: [Float] = [
        0, -0.0, 1, -1.5, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude,
        .leastNormalMagnitude, .pi,
        Float(bitPattern: 0x7FC0_0000),  // quiet NaN
        Float(bitPattern: 0x7FC1_2345),  // quiet NaN with payload
        Float(bitPattern: 0xFFC0_0001),  // negative NaN with payload
        Float(bitPattern: 0x7F80_0001),  // signalling NaN
    ]

    @Test func roundTripIsBitExact() throws {
        var writer = SafeTensorsWriter()
        let floats = Self.specialFloats + [Float(bitPattern: 0x8000_0001), 3]
        writer.add("floats", floats: floats, shape: [4, 4])
        writer.add("ints", int64s: [0, -1, .min, .max, 42], shape: [5])
        writer.add("empty", floats: [], shape: [3, 0])
        writer.add("emptyInts", int64s: [], shape: [0])
        writer.add("scalar", floats: [2.5], shape: [])
        writer.metadata = ["format": "gru4rec-1", "quote\"back\\slash": "line\nbreak\ttab \u{01} é 😀", "": ""]

        let dir = try TemporaryDirectory()
        let path = dir.file("m.safetensors")
        try writer.write(to: path)
        #expect(try dir.listing() == ["m.safetensors"])

        let file = try SafeTensorsFile(contentsOf: path)
        #expect(file.path == path)
        #expect(try file.floats("floats", shape: [4, 4]).map(\.bitPattern) == floats.map(\.bitPattern))
        #expect(try file.int64s("ints", shape: [5]) == [0, -1, .min, .max, 42])
        #expect(try file.floats("empty", shape: [3, 0]) == [])
        #expect(try file.int64s("emptyInts", shape: [0]) == [])
        #expect(try file.floats("scalar", shape: []) == [2.5])
        #expect(file.metadata == writer.metadata)
        #expect(file.info("floats")?.dtype == .f32)
        #expect(file.info("ints")?.dtype == .i64)
    }

    @Test func bufferOverloadCopiesTheBuffer() throws {
        var values: [Float] = [1, 2, 3, 4, 5, 6]
        var writer = SafeTensorsWriter()
        values.withUnsafeBufferPointer { writer.add("w", floats: $0, shape: [2, 3]) }
        values[0] = 99
        let file = try SafeTensorsFile(bytes: writer.encoded(), path: "mem")
        #expect(try file.floats("w", shape: [2, 3]) == [1, 2, 3, 4, 5, 6])
    }

    @Test func exactBytesOfASmallFile() throws {
        var writer = SafeTensorsWriter()
        writer.add("b", floats: [1], shape: [1])
        writer.add("a", int64s: [2], shape: [1, 1])
        writer.metadata["k"] = "v"
        let bytes = writer.encoded()
        let header = #"{"__metadata__":{"k":"v"},"#
            + #""a":{"data_offsets":[0,8],"dtype":"I64","shape":[1,1]},"#
            + #""b":{"data_offsets":[8,12],"dtype":"F32","shape":[1]}}"#
        // Padded so that the F32 data (after 8 bytes of I64) starts at a multiple of 64.
        let padded = header + String(repeating: " ", count: (64 - (8 + header.utf8.count + 8) % 64) % 64)
        #expect(bytes == rawSafeTensors(header: padded, data: littleEndianBytes([Int64(2)]) + littleEndianBytes([Float(1)])))
    }

    @Test func headerIsPaddedSoThatFloatsStartAt64Bytes() throws {
        for nameLength in 1...16 {
            var writer = SafeTensorsWriter()
            writer.add(String(repeating: "x", count: nameLength), floats: [1, 2, 3], shape: [3])
            writer.add("i", int64s: [7], shape: [1])
            writer.add("j", floats: [4], shape: [1])
            writer.add("k", int64s: [8, 9], shape: [2])
            let bytes = writer.encoded()
            let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
            #expect(headerLength % 8 == 0)
            #expect(bytes[8 + headerLength - 1] == UInt8(ascii: " ") || bytes[8 + headerLength - 1] == UInt8(ascii: "}"))
            let file = try SafeTensorsFile(bytes: bytes, path: "mem")
            // I64 tensors first, then F32, each in insertion order; each aligned to its size,
            // and the first F32 tensor to 64 bytes (mapped in place by GRU4RecModel.load).
            #expect(file.names == ["i", "k", String(repeating: "x", count: nameLength), "j"])
            for name in file.names {
                let info = try #require(file.info(name))
                #expect((8 + headerLength + info.byteRange.lowerBound) % info.dtype.byteSize == 0)
            }
            let firstFloat = try #require(file.info(String(repeating: "x", count: nameLength)))
            #expect((8 + headerLength + firstFloat.byteRange.lowerBound) % 64 == 0)
        }
    }

    @Test func outputIsDeterministic() {
        func make(_ order: [Int]) -> [UInt8] {
            var writer = SafeTensorsWriter()
            for k in order { writer.metadata["key\(k)"] = "value\(k)" }
            writer.add("z", floats: [1], shape: [1])
            writer.add("a", floats: [2], shape: [1])
            return writer.encoded()
        }
        #expect(make([1, 2, 3, 4, 5]) == make([5, 3, 1, 4, 2]))
        #expect(make([1, 2, 3]) == make([1, 2, 3]))
    }

    @Test func headerKeysAreSortedByBytes() throws {
        var writer = SafeTensorsWriter()
        writer.add("b", floats: [], shape: [0])
        writer.add("B", floats: [], shape: [0])
        writer.add("é", floats: [], shape: [0])
        writer.add("a", floats: [], shape: [0])
        writer.metadata["x"] = "1"
        let bytes = writer.encoded()
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = String(decoding: bytes[8..<8 + headerLength], as: UTF8.self)
        let keyOrder = ["\"B\":", "\"__metadata__\":", "\"a\":", "\"b\":", "\"é\":"].map {
            header.range(of: $0)?.lowerBound
        }
        let found = keyOrder.compactMap { $0 }
        #expect(found.count == 5)
        #expect(found == found.sorted())
    }

    @Test func emptyWriterWritesAValidFile() throws {
        let file = try SafeTensorsFile(bytes: SafeTensorsWriter().encoded(), path: "mem")
        #expect(file.names.isEmpty && file.metadata.isEmpty)
    }

    @Test func largeTensorsRoundTripQuickly() throws {
        let count = 4 << 20  // 16 MiB of floats
        let values = (0..<count).map { Float($0) * 0.5 }
        var writer = SafeTensorsWriter()
        writer.add("big", floats: values, shape: [1024, count / 1024])
        let dir = try TemporaryDirectory()
        let path = dir.file("big.safetensors")
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            try writer.write(to: path)
            let file = try SafeTensorsFile(contentsOf: path)
            #expect(try file.floats("big") == values)
        }
        // Generous even for a debug build on a busy machine; a per-element loop is far slower.
        #expect(elapsed < .seconds(10))
    }

    @Test func failedWriteLeavesTheOldFileIntact() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("model.safetensors")
        var old = SafeTensorsWriter()
        old.add("w", floats: [1], shape: [1])
        try old.write(to: target)

        // A directory where the temporary file should go makes the write fail.
        try FileManager.default.createDirectory(
            atPath: atomicWriteTemporaryPath(for: target), withIntermediateDirectories: false)
        var new = SafeTensorsWriter()
        new.add("w", floats: [2], shape: [1])
        let error = expectInputError { try new.write(to: target) }
        #expect(error?.path == target)
        #expect(error?.message.contains("cannot create the temporary file") == true)
        #expect(try SafeTensorsFile(contentsOf: target).floats("w") == [1])
    }

    // MARK: Preconditions (programming errors end the process)

    @Test func countMustMatchShape() async {
        await #expect(processExitsWith: .failure) {
            var writer = SafeTensorsWriter()
            writer.add("w", floats: [1, 2, 3], shape: [2, 2])
        }
    }

    @Test func int64CountMustMatchShape() async {
        await #expect(processExitsWith: .failure) {
            var writer = SafeTensorsWriter()
            writer.add("w", int64s: [1], shape: [0])
        }
    }

    @Test func negativeDimensionIsRefused() async {
        await #expect(processExitsWith: .failure) {
            var writer = SafeTensorsWriter()
            writer.add("w", floats: [1], shape: [-1, -1])
        }
    }

    @Test func duplicateNameIsRefused() async {
        await #expect(processExitsWith: .failure) {
            var writer = SafeTensorsWriter()
            writer.add("w", floats: [1], shape: [1])
            writer.add("w", int64s: [1], shape: [1])
        }
    }

    @Test func metadataKeyIsNotATensorName() async {
        await #expect(processExitsWith: .failure) {
            var writer = SafeTensorsWriter()
            writer.add("__metadata__", floats: [1], shape: [1])
        }
    }
}
