import Foundation
import Testing
import GRU4Rec

@Suite struct IOAtomicWriteTests {
    private func contents(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func writesNewFileAndLeavesNoTemporaryFile() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("out.bin")
        try writeFileAtomically([1, 2, 3], to: path)
        #expect(try contents(path) == [1, 2, 3])
        #expect(try dir.listing() == ["out.bin"])
    }

    @Test func replacesExistingFileAndKeepsItsPermissions() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("out.txt", text: "old content that is longer")
        chmod(path, 0o600)
        try writeFileAtomically(Array("new".utf8), to: path)
        #expect(try contents(path) == Array("new".utf8))
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try dir.listing() == ["out.txt"])
    }

    @Test func writesEmptyFile() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("e", text: "something")
        try writeFileAtomically([], to: path)
        #expect(try contents(path) == [])
    }

    @Test func writesLargeFile() throws {
        let dir = try TemporaryDirectory()
        let bytes = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try writeFileAtomically(bytes, to: dir.file("big"))
        #expect(try contents(dir.file("big")) == bytes)
    }

    @Test func temporaryFileIsHiddenBesideTarget() {
        let pid = getpid()
        #expect(atomicWriteTemporaryPath(for: "/a/b/model.st") == "/a/b/.model.st.tmp-\(pid)")
        #expect(atomicWriteTemporaryPath(for: "model.st") == ".model.st.tmp-\(pid)")
        #expect(atomicWriteTemporaryPath(for: "/model.st") == "/.model.st.tmp-\(pid)")
    }

    @Test func pathWithDotSegmentWorks() throws {
        let dir = try TemporaryDirectory()
        try writeFileAtomically([9], to: dir.path + "/./rel.bin")
        #expect(try contents(dir.file("rel.bin")) == [9])
        #expect(try dir.listing() == ["rel.bin"])
    }

    @Test func missingDirectoryFailsWithHint() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("no/such/dir/out.bin")
        let error = expectInputError { try writeFileAtomically([1], to: path) }
        #expect(error?.path == path)
        #expect(error?.message.contains("cannot create the temporary file") == true)
        #expect(error?.message.contains("No such file or directory") == true)
        #expect(error?.hint?.contains("exists") == true)
    }

    @Test func pathNamingADirectoryIsRefused() throws {
        let dir = try TemporaryDirectory()
        let error = expectInputError { try writeFileAtomically([1], to: dir.path + "/") }
        #expect(error?.message.contains("names a directory") == true)
        #expect(try dir.listing() == [])
    }

    @Test func directoryInTheWayFailsAndCleansUp() throws {
        let dir = try TemporaryDirectory()
        let target = dir.file("model")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        try dir.write("model/inside", text: "keep me")
        let error = expectInputError { try writeFileAtomically([1, 2], to: target) }
        #expect(error?.path == target)
        #expect(error?.message.contains("cannot rename") == true)
        #expect(error?.hint?.contains("directory") == true)
        #expect(try dir.listing() == ["model"])
        #expect(try String(contentsOfFile: dir.file("model/inside"), encoding: .utf8) == "keep me")
    }

    @Test(.enabled(if: !IOTestSupport.isRoot, "running as root: directory permissions do not apply; the injected-fault tests cover this path"))
    func unwritableDirectoryLeavesOldFileIntact() throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("model", text: "old")
        chmod(dir.path, 0o555)
        defer { chmod(dir.path, 0o755) }
        let error = expectInputError { try writeFileAtomically(Array("new".utf8), to: path) }
        #expect(error?.message.contains("Permission denied") == true)
        #expect(error?.hint?.contains("writable") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try dir.listing() == ["model"])
    }

    // /proc refuses new files even for root: a real failure at the first step.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self"), "no /proc on this system"))
    func unwritableFileSystemFails() throws {
        let error = expectInputError { try writeFileAtomically([1], to: "/proc/gru4rec-test-file") }
        #expect(error?.path == "/proc/gru4rec-test-file")
        #expect(error?.message.contains("cannot create the temporary file") == true)
    }

    @Test(arguments: AtomicWriteFault.allCases)
    func failureAtAnyStepLeavesOldFileIntactAndNoTemporaryFile(fault: AtomicWriteFault) throws {
        let dir = try TemporaryDirectory()
        let path = try dir.write("model", text: "old")
        let error = expectInputError {
            try [UInt8]("new".utf8).withUnsafeBytes { try writeFileAtomically($0, to: path, fault: fault) }
        }
        #expect(error?.path == path)
        #expect(error?.message.hasPrefix("cannot write \(path): ") == true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        #expect(try dir.listing() == ["model"])
    }

    // MARK: Non-regular targets, links, stale temporaries, several files

    @Test func deviceIsWrittenDirectlyAndStaysADevice() throws {
        try writeFileAtomically([1, 2, 3], to: "/dev/null")
        var info = stat()
        #expect(stat("/dev/null", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full"))
    func fullDeviceIsAnErrorAndStaysADevice() throws {
        let error = expectInputError { try writeFileAtomically([1, 2, 3], to: "/dev/full") }
        #expect(error?.message.contains("No space left") == true)
        var info = stat()
        #expect(stat("/dev/full", &info) == 0 && (info.st_mode & S_IFMT) == S_IFCHR)
    }

    @Test func fifoWithoutAReaderIsRefusedAndStaysAFifo() throws {
        let dir = try TemporaryDirectory()
        let path = dir.file("pipe")
        #expect(mkfifo(path, 0o644) == 0)
        let error = expectInputError { try writeFileAtomically([1], to: path) }
        #expect(error?.hint?.contains("no reader") == true)
        var info = stat()
        #expect(lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
        #expect(try dir.listing() == ["pipe"])
    }

    @Test func symbolicLinkIsWrittenThroughAndStaysALink() throws {
        let dir = try TemporaryDirectory()
        let target = try dir.write("real.bin", [9, 9])
        #expect(symlink("real.bin", dir.file("link.bin")) == 0)
        try writeFileAtomically([1, 2], to: dir.file("link.bin"))
        #expect(try contents(target) == [1, 2])
        var info = stat()
        #expect(lstat(dir.file("link.bin"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK)
        #expect(try dir.listing() == ["link.bin", "real.bin"])
    }

    @Test func danglingSymbolicLinkIsRefused() throws {
        let dir = try TemporaryDirectory()
        #expect(symlink("missing.bin", dir.file("link.bin")) == 0)
        let error = expectInputError { try writeFileAtomically([1], to: dir.file("link.bin")) }
        #expect(error?.message.contains("symbolic link") == true)
        #expect(try dir.listing() == ["link.bin"])
    }

    @Test func staleTemporaryOfADeadProcessIsRemovedAtTheNextWrite() throws {
        let dir = try TemporaryDirectory()
        // A process id that cannot run: above the kernel's pid_max (at most 2^22).
        _ = try dir.write(".model.tmp-99999999", [0])
        // Our own parent runs: its temporary stays.
        _ = try dir.write(".model.tmp-\(getppid())", [0])
        try writeFileAtomically([1], to: dir.file("model"))
        #expect(try dir.listing() == [".model.tmp-\(getppid())", "model"])
    }

    @Test func severalFilesAreAllOrNothing() throws {
        let dir = try TemporaryDirectory()
        let first = try dir.write("train.tsv", text: "old train")
        // The second file cannot be written (its directory is missing, as a full disk
        // would fail it): the first keeps its old content and no temporary is left.
        #expect(throws: InputError.self) {
            try writeFilesAtomically([(Array("new train".utf8), first), (Array("new test".utf8), dir.file("missing/test.tsv"))])
        }
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "old train")
        #expect(try dir.listing() == ["train.tsv"])
        try writeFilesAtomically([(Array("new train".utf8), first), (Array("items".utf8), dir.file("items.tsv"))])
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "new train")
        #expect(try dir.listing() == ["items.tsv", "train.tsv"])
    }
}
