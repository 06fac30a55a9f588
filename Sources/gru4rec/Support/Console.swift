import ArgumentParser
import Foundation
import GRU4Rec

/// Writes to standard error (progress, messages, errors).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Whether a file descriptor is a terminal.
func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }

/// The failure the CLI reports: the message (already formatted with file/line/hint) and exit code.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32 = 1
    var description: String { message }
}

/// Runs `body`, turning known errors into a printed message and a non-zero exit
/// (ArgumentParser's `ExitCode`, which ends the command without printing again).
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let e as InputError {
        printError("error: \(e)")
        throw ExitCode(1)
    } catch let e as HyperparameterError {
        printError("error: " + escapingControlCharacters(e.description, keepNewlines: true))
        throw ExitCode(2)
    } catch let e as TrainingError {
        printError("error: \(e)")
        throw ExitCode(1)
    } catch let e as ResourceError {
        printError("error: \(e)")
        throw ExitCode(2)
    } catch let e as CommandFailure {
        printError("error: " + escapingControlCharacters(e.message, keepNewlines: true))
        throw ExitCode(e.code)
    }
}

/// A simple aligned text table. Only trailing spaces are trimmed: a right-aligned first
/// column keeps its padding, so rows stay aligned when its values differ in width.
func formatTable(header: [String], rows: [[String]], rightAlign: Set<Int> = []) -> String {
    var widths = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
        // Right-aligned cells keep their leading padding; only the line's end is trimmed.
        var text = cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
            return rightAlign.contains(i) ? pad + c : c + pad
        }.joined(separator: "  ")
        while text.last == " " { text.removeLast() }
        return text
    }
    return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line)).joined(separator: "\n")
}

/// Formats seconds as 1h02m, 3m04s or 5.2s.
func formatDuration(_ s: Double) -> String {
    guard s.isFinite else { return "?" }
    if s >= 3600 { return String(format: "%dh%02dm", Int(s) / 3600, (Int(s) % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", Int(s) / 60, Int(s) % 60) }
    return String(format: "%.1fs", s)
}

/// A progress display on stderr: a bar redrawn in place on a terminal, plain
/// periodic lines otherwise (logs, CI).
final class ProgressReporter {
    let interactive: Bool
    private var lastPlain: Double = -1
    private let plainInterval: Double
    private var width: Int

    init(plainInterval: Double = 5) {
        interactive = isTerminal(2) && ProcessInfo.processInfo.environment["CI"] == nil
        self.plainInterval = plainInterval
        var ws = winsize()
        width = ioctl(2, UInt(TIOCGWINSZ), &ws) == 0 && ws.ws_col > 0 ? Int(ws.ws_col) : 100
    }

    /// Reports progress `done`/`total` with a label and details; `elapsed` in seconds.
    func update(label: String, done: Int, total: Int, detail: String, elapsed: Double) {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : .nan
        let pct = String(format: "%3d%%", Int(fraction * 100))
        if interactive {
            let text = "\(label) \(pct) \(done)/\(total) \(detail) ETA \(formatDuration(eta))"
            let barWidth = max(10, min(40, width - text.count - 4))
            let filled = Int(fraction * Double(barWidth))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(bar) \(pct) \(done)/\(total) \(detail) ETA \(formatDuration(eta))".utf8))
        } else if elapsed - lastPlain >= plainInterval {
            lastPlain = elapsed
            printError("\(label) \(pct) \(done)/\(total) \(detail) ETA \(formatDuration(eta))")
        }
    }

    /// Ends the bar line.
    func finish(_ message: String) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        lastPlain = -1
        printError(message)
    }
}

/// `text` quoted for a POSIX shell when it needs it (`'...'`, with `'` written `'\''`).
func shellQuoted(_ text: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@%+")
    if !text.isEmpty, text.unicodeScalars.allSatisfy({ safe.contains($0) }) { return text }
    return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
