import Foundation

/// What `Preprocessor.prepare(path:)` produced: the counts of every step and the output
/// files' contents, not yet written.
public struct PreprocessResult: Sendable {
    /// The counts after every step, in order (starting with the raw rows).
    public var steps: [PreprocessCount]
    /// The files to write, in order: `train.tsv`, `test.tsv`, then `train_tr.tsv` and
    /// `valid.tsv` (with a validation split), then `items.tsv` (with a name column).
    public var files: [PreprocessOutputFile]
    /// Things that look wrong but are not errors, e.g. times that look like milliseconds.
    public var warnings: [String]

    /// Writes every file into `directory` (created if missing), all-or-nothing: every
    /// file goes to a temporary first and they are renamed into place only when all are
    /// complete, so a full disk leaves the previous files as they were.
    /// - Returns: the paths written.
    /// - Throws: `InputError` naming the directory or the file that failed.
    @discardableResult
    public func write(toDirectory directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw InputError(
                    path: directory, message: "the output directory \(directory) is a file",
                    hint: "give --output-dir a directory (it is created if missing)")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw InputError(
                    path: directory, message: "cannot create the output directory \(directory): \(error.localizedDescription)",
                    hint: "check that the parent directory exists and is writable")
            }
        }
        let outputs = files.map { (bytes: $0.bytes, path: (directory as NSString).appendingPathComponent($0.name)) }
        try writeFilesAtomically(outputs)
        return outputs.map(\.path)
    }
}

/// One output file of `Preprocessor`, with its counts.
public struct PreprocessOutputFile: Sendable {
    /// The file name, e.g. `train.tsv`.
    public var name: String
    /// Events, sessions and distinct items in the file (for `items.tsv`: the training
    /// set's events and sessions, and the items listed).
    public var events: Int
    public var sessions: Int
    public var items: Int
    /// The earliest and latest event time, unix seconds.
    public var firstTime: Double
    public var lastTime: Double
    /// The file's content.
    public var bytes: [UInt8]
}

/// Renders sessions and items as the tab-separated files GRU4Rec reads.
struct PreprocessRenderer {
    /// Every session id and item id as the bytes of one output field.
    private let sessionFields: [[UInt8]]
    private let itemFields: [[UInt8]]
    private let itemKeys: [String]

    init(sessionKeys: [String], itemKeys: [String]) {
        sessionFields = sessionKeys.map(tsvField)
        itemFields = itemKeys.map(tsvField)
        self.itemKeys = itemKeys
    }

    /// `SessionId<TAB>ItemId<TAB>Time`, then one line per event, sessions in order.
    func sessionFile(_ data: PreprocessSessions) -> [UInt8] {
        var out: [UInt8] = Array("SessionId\tItemId\tTime\n".utf8)
        out.reserveCapacity(data.eventCount * 32)
        for s in 0..<data.sessionCount {
            let sessionField = sessionFields[Int(data.sessions[s])]
            var lastTime = Double.nan
            var timeField: [UInt8] = []
            for e in data.offsets[s]..<data.offsets[s + 1] {
                let t = data.times[e]
                if t != lastTime {
                    lastTime = t
                    timeField = Array(formatTime(t).utf8)
                }
                out.append(contentsOf: sessionField)
                out.append(9)
                out.append(contentsOf: itemFields[Int(data.items[e])])
                out.append(9)
                out.append(contentsOf: timeField)
                out.append(10)
            }
        }
        return out
    }

    /// `ItemId<TAB>Name<TAB>Support` for every item with support, by support descending,
    /// then by id. Returns the bytes and the number of items.
    func itemFile(support: [Int], names: [String]) -> (bytes: [UInt8], count: Int) {
        let listed = support.indices.filter { support[$0] > 0 }.sorted {
            support[$0] != support[$1] ? support[$0] > support[$1] : itemKeys[$0] < itemKeys[$1]
        }
        var out: [UInt8] = Array("ItemId\tName\tSupport\n".utf8)
        for i in listed {
            out.append(contentsOf: itemFields[i])
            out.append(9)
            out.append(contentsOf: tsvField(i < names.count ? names[i] : ""))
            out.append(9)
            out.append(contentsOf: String(support[i]).utf8)
            out.append(10)
        }
        return (out, listed.count)
    }
}

/// Unix seconds as written in session files: an integer when whole, else the shortest
/// decimal that reads back as the same `Double`.
package func formatTime(_ t: Double) -> String {
    if t == t.rounded() && abs(t) < 1e15 { return String(Int64(t)) }
    return "\(t)"
}

/// `text` as one field of a tab-separated file that `DelimitedReader` reads back as
/// `text`: a field that starts with a double quote is quoted, its quotes doubled.
/// (TABs and line breaks are refused or replaced before this.)
package func tsvField(_ text: String) -> [UInt8] {
    guard text.utf8.first == UInt8(ascii: "\"") else { return Array(text.utf8) }
    var out: [UInt8] = [0x22]
    for byte in text.utf8 {
        out.append(byte)
        if byte == 0x22 { out.append(0x22) }
    }
    out.append(0x22)
    return out
}
