import Foundation

/// The text of the regular file at `path`, given with `option`: a directory, a device,
/// a FIFO (which could be endless), a file larger than `maximumBytes` or text that is
/// not UTF-8 is an `InputError` with `hint`.
public func readRegularTextFile(_ path: String, option: String, maximumBytes: Int, hint: String) throws -> String {
    var info = stat()
    guard stat(path, &info) == 0 else {
        throw InputError(path: path, message: "cannot read the \(option) file: \(String(cString: strerror(errno)))", hint: hint)
    }
    let kind = info.st_mode & S_IFMT
    if kind == S_IFDIR { throw InputError(path: path, message: "\(option) names a directory", hint: hint) }
    guard kind == S_IFREG else { throw InputError(path: path, message: "\(option) names a device or pipe, not a file", hint: hint) }
    guard Int(info.st_size) <= maximumBytes else {
        throw InputError(path: path, message: "the \(option) file has \(info.st_size) bytes (at most \(maximumBytes) are read)", hint: hint)
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError(path: path, message: "cannot read the \(option) file", hint: "check its permissions (ls -l)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
        throw InputError(path: path, message: "the \(option) file is not UTF-8 text", hint: hint)
    }
    return text
}
