/// What `gru4rec shell` shows when it opens (`--start`), as the commands it
/// runs before the first frame (the preload: neither shown in a script's
/// transcript nor counted in the running replay figures).
public enum ShellStart: String, CaseIterable, Sendable {
    /// `replay showcase`: the session chosen by the showcase rule
    /// (`ShowcaseSession`), up to its last hit, with the Explain view open on
    /// the top suggestion; the first session's first 3 clicks when no
    /// session follows the rule.
    case auto
    /// The first session of the sessions file, `--preload N` clicks of it.
    case first
    /// An empty session.
    case none

    /// The start when the command line gave `start` and/or `preload`:
    /// `--start` wins; without it, `--preload 0` means `none`, another
    /// `--preload N` means `first`, and neither means `auto`.
    public static func resolved(start: ShellStart?, preload: Int?) -> ShellStart {
        if let start { return start }
        guard let preload else { return .auto }
        return preload == 0 ? .none : .first
    }

    /// The clicks `first` preloads without `--preload`.
    public static let defaultPreload = 3

    /// The startup commands, given whether a sessions file is loaded.
    public func commands(preload: Int?, hasSessions: Bool) -> [String] {
        guard hasSessions else { return [] }
        switch self {
        case .auto:
            return ["replay showcase"]
        case .first:
            let steps = preload ?? Self.defaultPreload
            return steps > 0 ? ["replay next"] + Array(repeating: "step", count: steps) : []
        case .none:
            return []
        }
    }
}
