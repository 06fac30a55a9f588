/// The GRU4Rec model core. See `Documentation/GRU4Rec.md`.
public enum GRU4RecVersion {
    /// The model-file format version written into every saved model.
    public static let formatVersion = 1
}
