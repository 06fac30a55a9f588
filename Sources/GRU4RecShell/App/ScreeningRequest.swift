import GRU4Rec

/// What a `.buildScreening` effect builds: the 4-bit screening copy of a
/// large model's output weights (`ScreenedScorer`), from which a deferred
/// click takes its exact top-k. Built once per model, off the UI thread in
/// the terminal loop (about a second at a million items under load).
public struct ScreeningRequest: Equatable, @unchecked Sendable {
    public var model: GRU4RecModel
    /// The threads the copy is built over (the shell's).
    public var parallelism: Parallelism

    public static func == (a: ScreeningRequest, b: ScreeningRequest) -> Bool { a.model === b.model }

    /// The copy, or `nil` where this CPU has no fast scan (the top-k then scores every item).
    public func compute() -> ScreenedScorer? { ScreenedScorer(model: model, parallelism: parallelism) }
}
