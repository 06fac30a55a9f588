// swift-tools-version:6.0
//
// gru4rec-shell: a faithful GRU4Rec session-based recommender in Swift,
// with a command line (`gru4rec`) and an interactive terminal shell.
//
// Layering (lower targets never import higher ones):
//   CBLAS, CZlib, CNCurses, CReadline   system libraries (module map + shim header)
//   GRU4Rec                             the model core: data, kernels, training,
//                                       evaluation, model files. No UI, no curses.
//   GRU4RecShell                        the shell's UI core: one state value, one
//                                       `update`, a pure `render` into a cell grid.
//                                       No curses.
//   gru4rec (executable)                CLI commands, the ncurses backend and the
//                                       readline bridge (the only files that import
//                                       CNCurses / CReadline).
//   GRU4RecServe                        the HTTP server (Hummingbird 2): routes, session
//                                       store, metrics. Only it and `gru4rec-serve` use
//                                       the server packages, so the `gru4rec` product
//                                       (`make run`) never builds them.
//   gru4rec-serve (executable)          thin main: options, signals, run the server.
//   GRU4RecTestSupport                  helpers shared by the test targets.
//
// Only `Sources/GRU4Rec/Kernels/BLAS.swift` imports CBLAS (or Accelerate).
import Foundation
import PackageDescription

let package = Package(
    name: "gru4rec-shell",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "gru4rec", targets: ["gru4rec"]),
        .executable(name: "gru4rec-serve", targets: ["gru4rec-serve"]),
        .library(name: "GRU4Rec", targets: ["GRU4Rec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The server's packages (GRU4RecServe and gru4rec-serve only).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
    ],
    targets: [
        // MARK: System libraries
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CNCurses", providers: [.apt(["libncurses-dev"])]),
        .systemLibrary(name: "CReadline", providers: [.apt(["libreadline-dev"])]),

        // MARK: Model core
        // The model core's C side: vectorised kernels (element-wise math, loss rows, Adagrad
        // rows, gathers, top-k, rank counts, the non-finite scan; each cloned for AVX-512 /
        // AVX2 / baseline x86-64), live scoring and its 4-bit screening (screen.c), the
        // fork-join worker pool (pool.c) and the huge-page allocator (memory.c).
        .target(
            name: "CKernels",
            cSettings: [.unsafeFlags(["-O3", "-fno-math-errno"])]
        ),
        .target(
            name: "GRU4Rec",
            dependencies: [
                .target(name: "CBLAS", condition: .when(platforms: [.linux])),
                "CZlib", "CKernels",
            ],
            swiftSettings: [.unsafeFlags(["-Ounchecked", "-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),

        // MARK: Shell UI core
        .target(name: "GRU4RecShell", dependencies: ["GRU4Rec"]),

        // MARK: Executable
        .executableTarget(
            name: "gru4rec",
            dependencies: [
                "GRU4Rec", "GRU4RecShell", "CNCurses", "CReadline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // MARK: HTTP server
        .target(
            name: "GRU4RecServe",
            dependencies: [
                "GRU4Rec",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "gru4rec-serve",
            dependencies: [
                "GRU4RecServe", "GRU4Rec",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // MARK: Tests
        .target(name: "GRU4RecTestSupport", dependencies: ["GRU4Rec"], path: "Tests/GRU4RecTestSupport"),
        .testTarget(name: "GRU4RecTests", dependencies: ["GRU4Rec", "GRU4RecTestSupport"]),
        .testTarget(
            name: "GRU4RecShellTests",
            dependencies: ["GRU4RecShell", "GRU4Rec", "GRU4RecTestSupport"],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["gru4rec", "GRU4Rec", "GRU4RecTestSupport",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["Python"]
        ),
        .testTarget(
            name: "ServeTests",
            dependencies: [
                "GRU4RecServe", "GRU4Rec", "GRU4RecTestSupport",
                // Built for the end-to-end test (it runs both binaries).
                "gru4rec-serve", "gru4rec",
                // Not HummingbirdTesting: it brings async-http-client and swift-nio-ssl
                // (BoringSSL) into `make test`'s build; the tests talk HTTP over a socket.
            ]
        ),
    ],
    swiftLanguageModes: [.v5]
)

// MARK: Fuzz targets (only when GRU4REC_FUZZ=1)
// libFuzzer executables over the parsers of files from elsewhere and the shell's command
// line; `make fuzz` builds them with `-sanitize=fuzzer,address` into .build-fuzz and runs
// each on its seed corpus (Fuzz/Corpus/NAME). They are never part of the normal build.
if ProcessInfo.processInfo.environment["GRU4REC_FUZZ"] == "1" {
    let fuzzTargets: [(String, [Target.Dependency])] = [
        ("FuzzSessionFile", ["GRU4Rec"]),
        ("FuzzModelFile", ["GRU4Rec"]),
        ("FuzzParams", ["GRU4Rec"]),
        ("FuzzShellCommand", ["GRU4Rec", "GRU4RecShell", "GRU4RecTestSupport"]),
        ("FuzzImport", ["GRU4Rec"]),
    ]
    package.targets.append(.target(name: "FuzzDriver", path: "Fuzz/Driver"))
    for (name, dependencies) in fuzzTargets {
        package.targets.append(.executableTarget(
            name: name, dependencies: dependencies + ["FuzzDriver"], path: "Fuzz/Targets/\(name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
    }
}
