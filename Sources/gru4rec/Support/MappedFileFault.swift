import Foundation

/// A bus error (SIGBUS) as a message and an exit status instead of a crash.
///
/// Models are opened by mapping their file (``GRU4RecModel/load(from:mapping:)``). When
/// the file shrinks while it is open (another program copies a model over it in place,
/// or truncates it), touching the vanished pages raises SIGBUS; no check at open can
/// prevent it. gru4rec's own writers replace files by renaming a new file over them,
/// which leaves an open mapping intact. The handler puts a terminal back in its saved
/// mode (the shell's raw mode, alternate screen, mouse reporting), says what happened
/// and how to avoid it, and exits with 74 (EX_IOERR). Everything it does is
/// async-signal-safe: `tcsetattr`, `write`, `_exit`, and static strings.
enum MappedFileFault {
    nonisolated(unsafe) private static var savedTerminal = termios()
    nonisolated(unsafe) private static var haveTerminal: sig_atomic_t = 0

    /// Mouse reporting off, cursor shown, the alternate screen left.
    private static let resetScreen: StaticString = "\u{1b}[?1000l\u{1b}[?1002l\u{1b}[?1006l\u{1b}[?25h\u{1b}[?1049l\r\n"
    private static let message: StaticString = """
        gru4rec: a model file this program has open was truncated or rewritten in place (bus error)
          hint: replace a model file by moving a new file over it (mv; gru4rec's own writers do so), \
        not by copying over the open file; then start again

        """

    static func install() {
        if isatty(0) != 0, tcgetattr(0, &savedTerminal) == 0 { haveTerminal = 1 }
        let handler: @convention(c) (Int32) -> Void = { _ in
            if MappedFileFault.haveTerminal != 0 {
                _ = tcsetattr(0, TCSANOW, &MappedFileFault.savedTerminal)
                if isatty(1) != 0 { MappedFileFault.emit(MappedFileFault.resetScreen, to: 1) }
            }
            MappedFileFault.emit(MappedFileFault.message, to: 2)
            _exit(74)
        }
        signal(SIGBUS, handler)
    }

    private static func emit(_ text: StaticString, to fd: Int32) {
        var start = UnsafeRawPointer(text.utf8Start)
        var left = text.utf8CodeUnitCount
        while left > 0 {
            let n = write(fd, start, left)
            if n <= 0 { return }
            start += n
            left -= n
        }
    }
}
