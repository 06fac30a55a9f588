// libFuzzer target: the importer of models saved by the official PyTorch GRU4Rec
// (zip container, pickle read as data against the allow-list, tensors checked against
// their storages) on hostile bytes, both as a whole `.pt` archive and as a bare pickle.
// Built only by `make fuzz` (GRU4REC_FUZZ=1, -sanitize=fuzzer,address).
import FuzzDriver  // links the entry point (Fuzz/Driver/driver.c)
import GRU4Rec

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? OfficialModelImport.model(fromArchive: bytes, path: "fuzz.pt")
    _ = try? PickleReader.parse(bytes, path: "fuzz.pkl")
    return 0
}
