import Foundation
import Testing
import WardenProtocol
import WardenRuntime

@Suite struct HarnessJobTests {
    @Test func encodesTheFdFourContract() throws {
        let job = HarnessJob(
            code: "print('a/b')", detail: .full, trace: true, securityLevel: .standard,
            allowedModules: ["json", "os"], maxValueChars: 500, files: ["data.csv": "a,b\n"], seccompFD: 5
        )
        let object = try #require(try JSONSerialization.jsonObject(with: Data(job.encoded())) as? [String: Any])
        #expect(
            Set(object.keys)
                == ["code", "detail", "trace", "security_level", "allowed_modules", "max_value_chars", "files", "seccomp_fd"]
        )
        #expect(object["files"] as? [String: String] == ["data.csv": "a,b\n"])
        #expect(object["seccomp_fd"] as? Int == 5)
        #expect(object["code"] as? String == "print('a/b')")
        #expect(object["detail"] as? String == "full")
        #expect(object["trace"] as? Bool == true)
        #expect(object["security_level"] as? String == "standard")
        #expect(object["allowed_modules"] as? [String] == ["json", "os"])
        #expect(object["max_value_chars"] as? Int == 500)
        #expect(String(decoding: try job.encoded(), as: UTF8.self).contains("a/b"))
    }

    @Test func anyImportIsAnExplicitNullAndNoSeccompIsAbsent() throws {
        let text = String(decoding: try HarnessJob(code: "", allowedModules: nil).encoded(), as: UTF8.self)
        #expect(text.contains(#""allowed_modules":null"#))
        #expect(!text.contains("seccomp_fd"))
    }

    @Test func theBundledHarnessIsThePythonHarness() throws {
        let url = try HarnessResource.url()
        #expect(url.lastPathComponent == "harness.py")
        let source = try HarnessResource.source()
        #expect(source.contains("def _main():"))
        #expect(source.contains("def _import_hook("))
    }

    @Test func bytecodeCompilesAndRunsLikeTheSource() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("warden-runtime-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("harness.py").path
        let bytecode = directory.appendingPathComponent("harness.pyc").path
        try HarnessResource.source().write(toFile: source, atomically: true, encoding: .utf8)
        #expect(HarnessResource.compileBytecode(sourcePath: source, bytecodePath: bytecode))
        #expect(FileManager.default.fileExists(atPath: bytecode))
        #expect(!HarnessResource.compileBytecode(sourcePath: directory.appendingPathComponent("missing.py").path,
                                                 bytecodePath: directory.appendingPathComponent("missing.pyc").path))
    }
}
