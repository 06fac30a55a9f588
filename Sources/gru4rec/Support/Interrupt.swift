import Foundation

/// SIGINT / SIGTERM as a flag that long work polls between units (a mini-batch),
/// so it can finish the unit, save, and exit cleanly. A second Ctrl-C exits at once.
enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    static func install() {
        let handler: @convention(c) (Int32) -> Void = { sig in
            if Interrupt.flag != 0 { _exit(130) }
            Interrupt.flag = 1
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
    }

    static var requested: Bool { flag != 0 }
}
