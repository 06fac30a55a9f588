import GRU4Rec

/// What an `.explain` effect computes: the explanation of `item` after
/// `session` (catalog indices of `model`), off the UI thread in the
/// terminal loop.
public struct ExplanationRequest: Equatable, @unchecked Sendable {
    /// Increases with every request, so that a late answer to an old one is ignored.
    public var id: Int
    public var model: GRU4RecModel
    public var session: [Int]
    public var item: Int
    /// The shell's threads (a split that finds them busy with a click runs on one).
    public var parallelism: Parallelism

    public static func == (a: ExplanationRequest, b: ExplanationRequest) -> Bool {
        a.id == b.id && a.model === b.model && a.session == b.session && a.item == b.item
    }

    /// The score split and leave-one-click-out influence (`SuggestionExplanation`).
    public func compute() -> SuggestionExplanation {
        SuggestionExplanation(model: model, session: session, item: item, parallelism: parallelism)
    }
}

extension ShellEffect {
    /// Effects the terminal loop runs off the UI thread (`BackgroundEvaluations`).
    var runsInBackground: Bool {
        switch self {
        case .evaluate, .explain, .score, .buildScreening: return true
        default: return false
        }
    }
}
