if CommandLine.arguments.dropFirst().first == "__terminal-demo" { runTerminalDemo() } else { print("gru4rec") }
