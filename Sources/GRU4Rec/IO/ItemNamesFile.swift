import Foundation

/// The optional items file: tab-separated with a header naming the columns
/// `ItemId` and `Name` (a `Support` column and any others are ignored; the
/// shell shows the model's own training support as popularity).
public enum ItemNamesFile {
    /// Reads the items file at `path` (see ``parse(_:path:)``).
    public static func load(path: String) throws -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(path: path, message: "cannot read the items file",
                             hint: "check the path, or leave the items file out to show item ids")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// `items.tsv` in the model's folder, when it exists.
    public static func besideModel(_ modelPath: String) -> String? {
        let path = ((modelPath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("items.tsv")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Item id -> display name. Empty names are skipped; the first row for an id wins.
    public static func parse(_ text: String, path: String) throws -> [String: String] {
        var names: [String: String] = [:]
        var columns: (id: Int, name: Int)?
        var number = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(rawLine)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            guard let (idColumn, nameColumn) = columns else {
                guard let id = fields.firstIndex(of: "ItemId"), let name = fields.firstIndex(of: "Name") else {
                    throw InputError(
                        path: path, line: number,
                        message: "expected a header with columns ItemId and Name (found: \(fields.joined(separator: ", ")))",
                        hint: "the items file is tab-separated: ItemId<TAB>Name<TAB>Support")
                }
                columns = (id, name)
                continue
            }
            guard fields.count > max(idColumn, nameColumn) else {
                throw InputError(
                    path: path, line: number,
                    message: "expected at least \(max(idColumn, nameColumn) + 1) tab-separated fields, found \(fields.count)",
                    hint: "separate the columns with tabs")
            }
            let id = fields[idColumn], name = fields[nameColumn]
            if !id.isEmpty, !name.isEmpty, names[id] == nil { names[id] = name }
        }
        guard columns != nil else {
            throw InputError(path: path, message: "the items file is empty",
                             hint: "expected a header line ItemId<TAB>Name<TAB>Support")
        }
        return names
    }
}
