// Entry point. `__terminal-demo` is a hidden mode the terminal smoke tests drive.
import GRU4Rec
MappedFileFault.install()
// BLAS keeps to one thread: the two-way splits (`Parallelism`, built by each command
// from --threads) use the cores, and two thread pools spinning side by side would fight.
BLASSettings.setThreads(1)
if CommandLine.arguments.dropFirst().first == "__terminal-demo" {
    runTerminalDemo()
} else {
    GRU4RecCommand.main()
}
