// libFuzzer target: the session file reader (TSV/CSV, plain or gzip) on hostile bytes.
// Built only by `make fuzz` (GRU4REC_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import FuzzDriver  // links the entry point (Fuzz/Driver/driver.c)
import GRU4Rec

private let path = NSTemporaryDirectory() + "gru4rec-fuzz-sessions-\(getpid())"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The first byte picks the separator (tab or comma) and whether a catalog is given.
    guard size > 0 else { return 0 }
    let control = data[0]
    let body = Data(bytes: data + 1, count: size - 1)
    guard (try? body.write(to: URL(fileURLWithPath: path))) != nil else { return 0 }
    let separator: UInt8 = control & 1 == 0 ? 9 : 44
    let catalog: ItemCatalog? = control & 2 == 0 ? nil : ItemCatalog(ids: ["1", "2", "a", "caf\u{E9}"])
    if let loaded = try? SessionData.load(path: path, separator: separator, catalog: catalog) {
        // Whatever loads must be consistent: offsets ascending, items inside the catalog.
        let data = loaded.data
        precondition(data.offsets.first == 0 && data.offsets.last == data.eventCount)
        precondition(zip(data.offsets, data.offsets.dropFirst()).allSatisfy { $0 <= $1 })
        precondition(data.items.allSatisfy { $0 >= 0 && Int($0) < loaded.catalog.count })
        _ = data.transitionCount
    }
    return 0
}
