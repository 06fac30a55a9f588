import Foundation
import Testing
import GRU4Rec

/// A safetensors file assembled by hand: 8-byte length, `header` as is, then `data`.
func rawSafeTensors(header: String, data: [UInt8] = [], headerLength: UInt64? = nil) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    var length = headerLength ?? UInt64(headerBytes.count)
    var bytes: [UInt8] = []
    for _ in 0..<8 {
        bytes.append(UInt8(truncatingIfNeeded: length))
        length >>= 8
    }
    return bytes + headerBytes + data
}

/// The little-endian bytes of `values`.
func littleEndianBytes<T>(_ values: [T]) -> [UInt8] {
    values.withUnsafeBytes { Array($0) }
}

@Suite struct IOSafeTensorsFileTests {
    private let path = "test.safetensors"

    private func load(_ bytes: [UInt8]) throws -> SafeTensorsFile {
        try SafeTensorsFile(bytes: bytes, path: path)
    }

    /// Loads `bytes`, expects an `InputError` naming the file, and returns its message.
    private func loadError(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let error = expectInputError(sourceLocation: sourceLocation) { _ = try load(bytes) }
        #expect(error?.path == path, sourceLocation: sourceLocation)
        #expect(error?.line == nil, sourceLocation: sourceLocation)
        #expect(error?.hint != nil, sourceLocation: sourceLocation)
        return error?.message ?? ""
    }

    // MARK: Valid files

    @Test func readsFloatsIntsMetadataAndInfo() throws {
        let header = #"{"__metadata__":{"format":"x","note":"é\n"},"#
            + #""w":{"dtype":"F32","shape":[2,2],"data_offsets":[16,32]},"#
            + #""n":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#
        let data = littleEndianBytes([Int64(-5), Int64.max]) + littleEndianBytes([Float(1), -2, 3.5, .infinity])
        let file = try load(rawSafeTensors(header: header, data: data))
        #expect(file.path == path)
        #expect(file.metadata == ["format": "x", "note": "é\n"])
        #expect(file.names == ["n", "w"])
        #expect(file.contains("w") && file.contains("n") && !file.contains("x"))
        #expect(file.info("w") == .init(name: "w", dtype: .f32, shape: [2, 2], byteRange: 16..<32))
        #expect(file.info("w")?.elementCount == 4)
        #expect(file.info("x") == nil)
        #expect(try file.floats("w") == [1, -2, 3.5, .infinity])
        #expect(try file.floats("w", shape: [2, 2]) == [1, -2, 3.5, .infinity])
        #expect(try file.int64s("n") == [-5, Int64.max])
        #expect(try file.int64s("n", shape: [2]) == [-5, Int64.max])
    }

    @Test func emptyHeaderObjectIsAValidEmptyFile() throws {
        let file = try load(rawSafeTensors(header: "{}      "))
        #expect(file.names.isEmpty)
        #expect(file.metadata.isEmpty)
    }

    @Test func zeroSizeTensorsReadAsEmptyArrays() throws {
        let header = #"{"a":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
            + #""c":{"dtype":"I64","shape":[0],"data_offsets":[4,4]}}"#
        let file = try load(rawSafeTensors(header: header, data: littleEndianBytes([Float(7)])))
        #expect(try file.floats("a") == [])
        #expect(file.info("a")?.elementCount == 0)
        #expect(try file.floats("b") == [7])
        #expect(try file.int64s("c") == [])
        #expect(file.names == ["a", "b", "c"])
    }

    @Test func scalarHasOneElement() throws {
        let header = #"{"s":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}"#
        let file = try load(rawSafeTensors(header: header, data: littleEndianBytes([Float(0.5)])))
        #expect(try file.floats("s", shape: []) == [0.5])
        #expect(file.info("s")?.elementCount == 1)
    }

    @Test func f64IsConvertedToFloatAndI32IsWidened() throws {
        let header = #"{"d":{"dtype":"F64","shape":[3],"data_offsets":[0,24]},"#
            + #""i":{"dtype":"I32","shape":[2],"data_offsets":[24,32]}}"#
        let data = littleEndianBytes([0.1, -1e300, 2.5]) + littleEndianBytes([Int32.min, Int32(7)])
        let file = try load(rawSafeTensors(header: header, data: data))
        #expect(try file.floats("d") == [Float(0.1), -.infinity, 2.5])
        #expect(try file.int64s("i") == [Int64(Int32.min), 7])
    }

    @Test func otherDTypesAreValidatedButNotConverted() throws {
        let header = #"{"b":{"dtype":"U8","shape":[3],"data_offsets":[0,3]},"#
            + #""h":{"dtype":"BF16","shape":[1],"data_offsets":[3,5]}}"#
        let file = try load(rawSafeTensors(header: header, data: [1, 2, 3, 0, 0]))
        #expect(file.info("b")?.dtype == .u8)
        #expect(file.info("h")?.dtype == .bf16)
        let error = expectInputError { _ = try file.floats("b") }
        #expect(error?.message == #"tensor "b" has dtype U8, expected F32 or F64"#)
    }

    @Test func unknownFieldsInAnEntryAreIgnored() throws {
        let header = #"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"extra":[1,{}]}}"#
        #expect(try load(rawSafeTensors(header: header, data: [9])).contains("a"))
    }

    @Test func headerMayBePaddedWithWhitespace() throws {
        let header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}} \n\t  "
        #expect(try load(rawSafeTensors(header: header, data: [9])).names == ["a"])
    }

    // MARK: Errors of the file as a whole

    @Test(arguments: [0, 1, 7])
    func fileShorterThanEightBytes(count: Int) {
        let message = loadError([UInt8](repeating: 0, count: count))
        #expect(message == "file is too short to be a safetensors file: expected at least 8 bytes, found \(count)")
    }

    @Test(arguments: [UInt64.max, 100_000_001, 1 << 40])
    func absurdHeaderLength(length: UInt64) {
        let message = loadError(rawSafeTensors(header: "{}", headerLength: length))
        #expect(message.contains("header length \(length) is absurdly large"))
    }

    @Test func headerLengthBeyondEndOfFile() {
        let message = loadError(rawSafeTensors(header: "{}", headerLength: 3))
        #expect(message == "header length 3 goes beyond the end of the file (10 bytes)")
    }

    @Test func zeroHeaderLengthIsNotJSON() {
        #expect(loadError(rawSafeTensors(header: "", headerLength: 0)).contains("header is not valid JSON"))
    }

    @Test func missingFileNamesThePathWithAHint() throws {
        let dir = try TemporaryDirectory()
        let missing = dir.file("nope.safetensors")
        let error = expectInputError { _ = try SafeTensorsFile(contentsOf: missing) }
        #expect(error?.path == missing)
        #expect(error?.message == "cannot open \(missing): No such file or directory")
        #expect(error?.hint != nil)
    }

    @Test func directoryIsNotAFile() throws {
        let dir = try TemporaryDirectory()
        let error = expectInputError { _ = try SafeTensorsFile(contentsOf: dir.path) }
        #expect(error?.message == "cannot open \(dir.path): it is a directory")
    }

    @Test func textFileIsRejected() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("train.tsv", text: "SessionId\tItemId\tTime\n1\t2\t3\n")
        let error = expectInputError { _ = try SafeTensorsFile(contentsOf: path) }
        #expect(error?.path == path)
        #expect(error?.message.contains("absurdly large") == true)
    }

    // MARK: Errors in the header, one per rule

    static let headerErrors: [(header: String, dataCount: Int, expected: String)] = [
        ("{\"a\":", 0, "header is not valid JSON: expected a value, found end of text (at byte 5 of the header)"),
        ("[1, 2]", 0, "header must be a JSON object, found an array"),
        ("\"x\"", 0, "header must be a JSON object, found a string"),
        (#"{"a":1,"a":2}"#, 0, "duplicate key \"a\""),
        (#"{"a":5}"#, 0, #"tensor "a": expected an object with dtype, shape and data_offsets, found the integer 5"#),
        (#"{"a":{"shape":[1],"data_offsets":[0,1]}}"#, 1, #"tensor "a": missing "dtype""#),
        (#"{"a":{"dtype":"U8","data_offsets":[0,1]}}"#, 1, #"tensor "a": missing "shape""#),
        (#"{"a":{"dtype":"U8","shape":[1]}}"#, 1, #"tensor "a": missing "data_offsets""#),
        (#"{"a":{"dtype":4,"shape":[1],"data_offsets":[0,1]}}"#, 1, #"tensor "a": dtype must be a string, found the integer 4"#),
        (#"{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, 4, #"tensor "a": unknown dtype "F33" (known: BOOL, U8"#),
        (#"{"a":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}"#, 4, #"unknown dtype "f32""#),
        (#"{"a":{"dtype":"U8","shape":3,"data_offsets":[0,3]}}"#, 3, #"tensor "a": shape must be an array of integers, found the integer 3"#),
        (#"{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,0]}}"#, 0, "shape must hold non-negative integers, found the integer -1"),
        (#"{"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,1]}}"#, 1, "shape must hold non-negative integers, found the number 1.5"),
        (#"{"a":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}"#, 1, "shape must hold non-negative integers, found the number 1.0"),
        (#"{"a":{"dtype":"U8","shape":[true],"data_offsets":[0,1]}}"#, 1, "shape must hold non-negative integers, found true"),
        (#"{"a":{"dtype":"U8","shape":["1"],"data_offsets":[0,1]}}"#, 1, "shape must hold non-negative integers, found a string"),
        (#"{"a":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,1]}}"#, 1, "shape [4294967296, 4294967296] is too large"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}}"#, 1, "data_offsets must be [begin, end] with 0 <= begin <= end, found [1, 0]"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}"#, 1, "found [-1, 0]"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0]}}"#, 1, "found [0]"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}"#, 1, "found [0, 1, 2]"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1.0]}}"#, 1, "found [0, 1.0]"),
        (#"{"a":{"dtype":"U8","shape":[1],"data_offsets":"0-1"}}"#, 1, "found a string"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4, #"tensor "a": data_offsets [0, 8] go beyond the data section (4 bytes)"#),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, 4, #"tensor "a": data_offsets [0, 4] hold 4 bytes, but dtype F32 and shape [2] need 8"#),
        (#"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,4]}}"#, 4, "hold 4 bytes, but dtype I64 and shape [1] need 8"),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, 12,
         #"tensors "a" (bytes 0..<8) and "b" (bytes 4..<12) overlap"#),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 8,
         #"tensors "a" (bytes 0..<8) and "b" (bytes 0..<8) overlap"#),
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#, 8,
         #"tensors "a" (bytes 0..<8) and "z" (bytes 4..<4) overlap"#),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}"#, 12,
         #"the data section has 4 unused bytes after tensor "a" (bytes 4..<8); safetensors files must not have holes"#),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8,
         "the data section has 4 unused bytes at the start of the data section (bytes 0..<4)"),
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 8,
         "the data section has 4 bytes after the last tensor (tensors end at 4, the data section has 8 bytes)"),
        ("{}", 3, "the data section has 3 bytes after the last tensor"),
        (#"{"__metadata__":[1]}"#, 0, "__metadata__ must be an object of strings, found an array"),
        (#"{"__metadata__":{"k":1}}"#, 0, #"__metadata__ value of "k" must be a string, found the integer 1"#),
        (#"{"__metadata__":{"k":null}}"#, 0, #"__metadata__ value of "k" must be a string, found null"#),
    ]

    @Test(arguments: headerErrors)
    func headerError(header: String, dataCount: Int, expected: String) {
        let message = loadError(rawSafeTensors(header: header, data: [UInt8](repeating: 0, count: dataCount)))
        #expect(message.contains(expected), "got: \(message)")
    }

    // MARK: Errors when reading a tensor

    private func smallFile() throws -> SafeTensorsFile {
        let header = #"{"f":{"dtype":"F32","shape":[1,2],"data_offsets":[8,16]},"#
            + #""i":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        return try load(rawSafeTensors(header: header, data: [UInt8](repeating: 0, count: 16)))
    }

    @Test func missingTensorListsTheAvailableOnes() throws {
        let file = try smallFile()
        let error = expectInputError { _ = try file.floats("g") }
        #expect(error?.path == path)
        #expect(error?.message == #"no tensor named "g""#)
        #expect(error?.hint?.contains(#"the file has "i", "f""#) == true)
        #expect(expectInputError { _ = try file.int64s("g") }?.message == #"no tensor named "g""#)
        #expect(expectInputError { _ = try file.floats("g", shape: [1]) }?.message == #"no tensor named "g""#)
    }

    @Test func missingTensorInAnEmptyFile() throws {
        let file = try load(rawSafeTensors(header: "{}"))
        let error = expectInputError { _ = try file.floats("x") }
        #expect(error?.hint?.contains("holds no tensors") == true)
    }

    @Test func manyNamesAreAbbreviatedInTheHint() throws {
        var writer = SafeTensorsWriter()
        for k in 0..<20 { writer.add("t\(k)", floats: [], shape: [0]) }
        let file = try load(writer.encoded())
        let hint = expectInputError { _ = try file.floats("x") }?.hint ?? ""
        #expect(hint.contains("... (20 in all)"))
    }

    @Test func wrongDTypeIsReported() throws {
        let file = try smallFile()
        #expect(expectInputError { _ = try file.floats("i") }?.message == #"tensor "i" has dtype I64, expected F32 or F64"#)
        #expect(expectInputError { _ = try file.int64s("f") }?.message == #"tensor "f" has dtype F32, expected I64 or I32"#)
    }

    @Test func wrongShapeIsReported() throws {
        let file = try smallFile()
        let error = expectInputError { _ = try file.floats("f", shape: [2, 1]) }
        #expect(error?.message == #"tensor "f" has shape [1, 2], expected [2, 1]"#)
        #expect(error?.hint != nil)
        #expect(expectInputError { _ = try file.int64s("i", shape: []) }?.message == #"tensor "i" has shape [1], expected []"#)
    }
}
