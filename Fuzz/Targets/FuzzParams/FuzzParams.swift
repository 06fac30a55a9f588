// libFuzzer target: hyperparameter strings (`k=v,k=v`), JSON parameter objects and the
// model-metadata form, on hostile bytes.
// Built only by `make fuzz` (GRU4REC_FUZZ=1, -sanitize=fuzzer,address).
import Foundation
import FuzzDriver  // links the entry point (Fuzz/Driver/driver.c)
import GRU4Rec

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    var hp = Hyperparameters()
    if (try? hp.apply(parameterString: text)) != nil, (try? hp.validate()) != nil {
        _ = try? hp.checkMemory(itemCount: 1000, training: true)
        // What validates must survive the round trip through the metadata form.
        var dictionary: [String: String] = [:]
        for (k, v) in hp.asDictionary { dictionary[k] = v }
        precondition((try? Hyperparameters(dictionary: dictionary)) != nil, "round trip failed for \(text)")
    }
    if let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] {
        var fromJSON = Hyperparameters()
        for (k, v) in object.sorted(by: { $0.key < $1.key }) {
            let value = (v as? [Any]).map { $0.map { "\($0)" }.joined(separator: "/") } ?? "\(v)"
            _ = try? fromJSON.set(k, to: value)
        }
        _ = try? fromJSON.validate()
    }
    if let strings = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String] {
        _ = try? Hyperparameters(dictionary: strings).validateSizes()
    }
    return 0
}
