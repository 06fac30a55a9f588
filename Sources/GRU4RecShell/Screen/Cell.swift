/// One character cell of a `ScreenBuffer`.
///
/// A wide character (CJK, most emoji) occupies two cells: the left one holds
/// the character, the right one is a *continuation* cell that holds nothing
/// and is skipped when the grid is painted or turned into text.
public struct Cell: Hashable, Sendable {
    /// The grapheme shown in this cell; a space when blank. Ignored for a
    /// continuation cell.
    public var character: Character
    public var style: Style
    /// True for the right half of a wide character.
    public var isContinuation: Bool

    public init(_ character: Character = " ", style: Style = .plain, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }

    /// A space with the plain style.
    public static let blank = Cell()

    /// The right half of a wide character drawn with `style`.
    public static func continuation(_ style: Style) -> Cell {
        Cell(" ", style: style, isContinuation: true)
    }
}
