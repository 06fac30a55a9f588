/// The element types of the safetensors format, spelled as in its JSON header.
///
/// `SafeTensorsFile` recognises all of them (so it can validate any file) but converts
/// only floats (`F32`, `F64`) and integers (`I64`, `I32`) to Swift arrays.
public enum SafeTensorsDType: String, Sendable, CaseIterable {
    case bool = "BOOL"
    case u8 = "U8"
    case i8 = "I8"
    case f8e5m2 = "F8_E5M2"
    case f8e4m3 = "F8_E4M3"
    case u16 = "U16"
    case i16 = "I16"
    case f16 = "F16"
    case bf16 = "BF16"
    case u32 = "U32"
    case i32 = "I32"
    case f32 = "F32"
    case u64 = "U64"
    case i64 = "I64"
    case f64 = "F64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .bool, .u8, .i8, .f8e5m2, .f8e4m3: return 1
        case .u16, .i16, .f16, .bf16: return 2
        case .u32, .i32, .f32: return 4
        case .u64, .i64, .f64: return 8
        }
    }

    /// All header spellings, for error messages: "BOOL, U8, I8, ...".
    static var allSpellings: String {
        allCases.map(\.rawValue).joined(separator: ", ")
    }
}
