// Entry point. `__terminal-demo` is a hidden mode the terminal smoke tests drive.
MappedFileFault.install()
if CommandLine.arguments.dropFirst().first == "__terminal-demo" {
    runTerminalDemo()
} else {
    GRU4RecCommand.main()
}
