/// A live session between clicks, as a value that can be stored and restored
/// (``LiveSession/state`` and ``LiveSession/restore(_:)``): what a server keeps per
/// session instead of a whole ``LiveSession`` (whose score buffer has one float per item).
///
/// Size: 4 bytes per hidden unit of every layer plus 4 per item fed.
public struct LiveSessionState: Sendable, Equatable {
    /// Catalog indices of the items fed so far, in order.
    public var items: [Int32]
    /// The hidden state of every layer, layer 0 first (sum of the layer sizes).
    public var hidden: [Float]

    public init(items: [Int32], hidden: [Float]) {
        self.items = items
        self.hidden = hidden
    }
}
