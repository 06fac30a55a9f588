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
}
