import GRU4RecShell
import GRU4RecTestSupport
import Testing

@Suite struct DisplayWidthTests {
    @Test func widths() {
        #expect(DisplayWidth.of("a" as Character) == 1)
        #expect(DisplayWidth.of("é" as Character) == 1)  // precomposed
        #expect(DisplayWidth.of("e\u{301}" as Character) == 1)  // e + combining acute
        #expect(DisplayWidth.of("日" as Character) == 2)
        #expect(DisplayWidth.of("한" as Character) == 2)
        #expect(DisplayWidth.of("Ａ" as Character) == 2)  // fullwidth A
        #expect(DisplayWidth.of("😀" as Character) == 2)
        #expect(DisplayWidth.of("❤️" as Character) == 2)  // heart + VS16
        #expect(DisplayWidth.of("🇫🇷" as Character) == 2)
        #expect(DisplayWidth.of("─" as Character) == 1)
        #expect(DisplayWidth.of("⣿" as Character) == 1)
        #expect(DisplayWidth.of("█" as Character) == 1)
        #expect(DisplayWidth.of("\t" as Character) == 0)
        #expect(DisplayWidth.of("\u{200B}" as Character) == 0)
        #expect(DisplayWidth.of("abc日本") == 7)
    }
}

@Suite struct ScreenBufferTests {
    @Test func putWritesAndTrimsTrailingSpaces() {
        var b = ScreenBuffer(width: 10, height: 3)
        let used = b.put("hello", x: 2, y: 1)
        #expect(used == 5)
        #expect(b.lines == ["", "  hello", ""])
        #expect(b.text == "\n  hello\n")
        #expect(b[2, 1].character == "h")
        #expect(b[99, 99] == .blank)
    }

    @Test func putClipsAtTheRightEdgeAndMaxWidth() {
        var b = ScreenBuffer(width: 8, height: 2)
        #expect(b.put("abcdefghij", x: 3, y: 0) == 5)
        #expect(b.put("abcdefghij", x: 1, y: 1, maxWidth: 3) == 3)
        #expect(b.lines == ["   abcde", " abc"])
    }

    @Test func putClipsOnTheLeftAndOutsideRows() {
        var b = ScreenBuffer(width: 6, height: 2)
        b.put("abcdef", x: -2, y: 0)
        b.put("zzz", x: 0, y: -1)
        b.put("zzz", x: 0, y: 2)
        #expect(b.lines == ["cdef", ""])
    }

    @Test func wideCharactersTakeTwoCells() {
        var b = ScreenBuffer(width: 10, height: 1)
        #expect(b.put("日本x", x: 1, y: 0) == 5)
        #expect(b[1, 0].character == "日")
        #expect(b[2, 0].isContinuation)
        #expect(b[3, 0].character == "本")
        #expect(b[4, 0].isContinuation)
        #expect(b[5, 0].character == "x")
        #expect(b.lines == [" 日本x"])
    }

    @Test func wideCharacterThatDoesNotFitBecomesASpace() {
        var b = ScreenBuffer(width: 4, height: 2)
        b.put("ab日", x: 1, y: 0)  // 日 would need columns 3 and 4
        #expect(b.lines[0] == " ab")
        #expect(!b[3, 0].isContinuation)
        b.put("a日", x: 0, y: 1, maxWidth: 2)
        #expect(b.lines[1] == "a")
        b.put("日x", x: -1, y: 1)  // left half clipped off
        #expect(b.lines[1] == " x")
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var b = ScreenBuffer(width: 6, height: 1)
        b.put("日本", x: 0, y: 0)
        b.put("x", x: 1, y: 0)  // right half of 日
        #expect(b.lines == [" x本"])
        #expect(b.cells.enumerated().allSatisfy { $0.element.isContinuation == ($0.offset == 3) })
        b.put("y", x: 2, y: 0)  // left half of 本
        #expect(b.lines == [" xy"])
        #expect(b.cells.allSatisfy { !$0.isContinuation })
    }

    @Test func controlCharactersAreSkipped() {
        var b = ScreenBuffer(width: 10, height: 1)
        #expect(b.put("a\tb\nc\u{1B}d", x: 0, y: 0) == 4)
        #expect(b.lines == ["abcd"])
    }

    @Test func fillAndLines() {
        var b = ScreenBuffer(width: 8, height: 4)
        b.fill(Rect(x: 1, y: 1, width: 3, height: 2), character: "#")
        b.hline(x: 5, y: 0, length: 10)
        b.vline(x: 7, y: 1, length: 10)
        b.fill(Rect(x: -3, y: 3, width: 5, height: 9), character: "日")
        #expect(b.lines == ["     ───", " ###   │", " ###   │", "日     │"])
    }

    @Test func boxes() {
        var b = ScreenBuffer(width: 40, height: 12)
        b.box(Rect(x: 0, y: 0, width: 20, height: 5), title: "model")
        b.box(Rect(x: 20, y: 0, width: 20, height: 5), title: "focused pane", focused: true)
        b.box(Rect(x: 0, y: 5, width: 12, height: 3), title: "a very long title indeed")
        b.box(Rect(x: 12, y: 5, width: 5, height: 3), title: "x")
        b.box(Rect(x: 17, y: 5, width: 2, height: 2))
        b.box(Rect(x: 19, y: 5, width: 1, height: 5))  // too narrow: nothing
        b.box(Rect(x: 30, y: 8, width: 20, height: 10), title: "clipped")
        b.box(Rect(x: 0, y: 8, width: 14, height: 4), title: "日本語のタイトル")
        b.put("inside", x: 1, y: 1)
        assertSnapshot(b.text, named: "ScreenBuffer.boxes")
        #expect(b[20, 0].style.bold)
        #expect(!b[0, 0].style.bold)
    }

    @Test func truncation() {
        #expect(ScreenBuffer.truncate("hello", to: 5) == "hello")
        #expect(ScreenBuffer.truncate("hello!", to: 5) == "hell…")
        #expect(ScreenBuffer.truncate("日本語", to: 4) == "日…")
        #expect(ScreenBuffer.truncate("abc", to: 0) == "")
    }

    @Test func blitCopiesWithClipping() {
        var small = ScreenBuffer(width: 4, height: 2)
        small.put("ab日", x: 0, y: 0)
        small.put("cdef", x: 0, y: 1)
        var b = ScreenBuffer(width: 6, height: 3)
        b.blit(small, x: 3, y: 1)
        #expect(b.lines == ["", "   ab", "   cde"])
        b.blit(small, x: 0, y: 0)
        #expect(b.lines == ["ab日", "cdefb", "   cde"])
    }

    @Test func styleMap() {
        var b = ScreenBuffer(width: 5, height: 1)
        b.put("ab", x: 0, y: 0, style: Style(fg: .red))
        b.put("c", x: 3, y: 0, style: Style(bold: true))
        #expect(b.map { $0.style.fg == .red ? "r" : $0.style.bold ? "B" : " " } == "rr B")
    }

    @Test func zeroSizedBufferIsHarmless() {
        var b = ScreenBuffer(width: 0, height: -3)
        b.put("x", x: 0, y: 0)
        b.box(Rect(width: 5, height: 5))
        #expect(b.text == "")
        #expect(b.cells.isEmpty)
    }
}

@Suite struct ColorTests {
    @Test func degradeTo8Colours() {
        let eight = ColorMode.eight
        #expect(eight.degrade(.palette(196)) == .red)
        #expect(eight.degrade(.palette(21)) == .blue)
        #expect(eight.degrade(.palette(46)) == .green)
        #expect(eight.degrade(.palette(226)) == .yellow)
        #expect(eight.degrade(.palette(231)) == .white)
        #expect(eight.degrade(.palette(16)) == .black)
        #expect(eight.degrade(.palette(9)) == .red)  // bright red
        #expect(eight.degrade(.palette(4)) == .blue)
        #expect(eight.degrade(.palette(232)) == .black)
        #expect(eight.degrade(.palette(255)) == .white)
        #expect(eight.degrade(.cyan) == .cyan)
        #expect(eight.degrade(.default) == .default)
    }

    @Test func degradeToNoColourKeepsAttributes() {
        let s = Style(fg: .palette(200), bg: .blue, bold: true, reverse: true, underline: true)
        let d = s.degraded(to: .none)
        #expect(d == Style(bold: true, reverse: true, underline: true))
        #expect(s.degraded(to: .twoFiftySix) == s)
        #expect(s.degraded(to: .eight).fg == .magenta)
    }

    @Test func terminalNumbers() {
        #expect(Color.default.terminalNumber == -1)
        #expect(Color.white.terminalNumber == 7)
        #expect(Color.palette(123).terminalNumber == 123)
        #expect(Color.cube(red: 5, green: 0, blue: 0) == .palette(196))
        #expect(Color.cube(red: 9, green: -1, blue: 0) == .palette(196))
        #expect(Color.grey(0) == .palette(232))
    }
}

@Suite struct LayoutTests {
    let r = Rect(x: 2, y: 1, width: 20, height: 10)

    @Test func fixedFractionAndFill() {
        let parts = r.split(.horizontal, [.fixed(4), .fraction(0.5), .fill])
        #expect(parts == [
            Rect(x: 2, y: 1, width: 4, height: 10),
            Rect(x: 6, y: 1, width: 10, height: 10),
            Rect(x: 16, y: 1, width: 6, height: 10),
        ])
    }

    @Test func fillsShareTheRestAndSpacingIsLeftBetween() {
        let parts = r.split(.vertical, [.fill, .fixed(1), .fill], spacing: 1)
        #expect(parts.map(\.height) == [4, 1, 3])
        #expect(parts.map(\.y) == [1, 6, 8])
        #expect(parts.last?.maxY == r.maxY)
    }

    @Test func overflowShrinksTheLastParts() {
        let parts = r.split(.horizontal, [.fixed(15), .fixed(10), .fixed(3)])
        #expect(parts.map(\.width) == [15, 5, 0])
        #expect(parts.allSatisfy { $0.maxX <= r.maxX })
        #expect(r.split(.horizontal, []) == [])
        #expect(Rect(width: 0, height: 0).split(.vertical, [.fill, .fill]).map(\.height) == [0, 0])
    }

    @Test func rectHelpers() {
        #expect(r.interior == Rect(x: 3, y: 2, width: 18, height: 8))
        #expect(Rect(width: 1, height: 1).interior.isEmpty)
        #expect(r.contains(x: 2, y: 1) && !r.contains(x: 22, y: 1))
        #expect(r.intersection(Rect(x: 20, y: 0, width: 10, height: 3)) == Rect(x: 20, y: 1, width: 2, height: 2))
        #expect(r.intersection(Rect(x: 50, y: 50, width: 1, height: 1)).isEmpty)
    }
}
