import ArgumentParser

struct GRU4RecCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gru4rec",
        abstract: "Train, evaluate and watch GRU4Rec session-based recommenders.",
        discussion: """
        A faithful GRU4Rec (Hidasi et al., ICLR 2016 / CIKM 2018) in Swift, checked step by step \
        against the reference implementation. Start with `gru4rec shell` on the bundled demo model, \
        or train your own: prepare -> train -> eval -> recommend.
        """,
        version: "0.1.0",
        subcommands: [ShellSubcommand.self, Prepare.self, Train.self, Eval.self, Recommend.self, Info.self, Import.self, Export.self, Bench.self])
}
