/// The session files a training run reads, and how to read them.
public struct TrainingInput: Equatable, Sendable {
    /// Training sessions (delimited text, optionally gzip-compressed), as the user named the file.
    public var train: String
    /// Validation sessions, scored after every epoch.
    public var valid: String?
    public var columns = SessionColumns()
    /// The field separator byte (tab by default).
    public var separator: UInt8 = 9

    public init(train: String, valid: String? = nil, columns: SessionColumns = SessionColumns(), separator: UInt8 = 9) {
        self.train = train
        self.valid = valid
        self.columns = columns
        self.separator = separator
    }

    /// Loads `path` with these columns (see ``SessionData/load(path:columns:separator:catalog:)``).
    func load(_ path: String, catalog: ItemCatalog?) throws -> (data: SessionData, catalog: ItemCatalog) {
        try SessionData.load(path: path, columns: columns, separator: separator, catalog: catalog)
    }
}
