import Testing
import WardenPolicy
import WardenProtocol

@Suite struct LimitPolicyTests {
    let policy = LimitPolicy.standard

    @Test func absentLimitsTakeTheDefaults() {
        #expect(policy.effectiveLimits(for: RequestedLimits()) == policy.defaults)
    }

    @Test func requestedLimitsAreClampedToTheMaxima() {
        let limits = policy.effectiveLimits(
            for: RequestedLimits(timeoutSeconds: 1e9, memoryMB: 1 << 30, cpuSeconds: 2, maxProcesses: 4)
        )
        #expect(limits.timeoutSeconds == policy.maxima.timeoutSeconds)
        #expect(limits.memoryMB == policy.maxima.memoryMB)
        #expect(limits.cpuSeconds == 2)
        #expect(limits.maxProcesses == 4)
    }

    @Test func defaultsAboveTheMaximaAreNamed() {
        var broken = policy
        broken.defaults.memoryMB = broken.maxima.memoryMB + 1
        #expect(broken.validate() == "memory_mb")
        #expect(policy.validate() == nil)
    }

    @Test func importPolicyPerLevel() throws {
        let strict = try #require(ImportPolicy.allowedModules(for: .strict))
        #expect(strict.contains("json"))
        #expect(!strict.contains("os"))
        #expect(!strict.contains("socket"))
        let standard = try #require(ImportPolicy.allowedModules(for: .standard))
        #expect(standard.contains("os"))
        #expect(standard.contains("pathlib"))
        #expect(!standard.contains("subprocess"))
        #expect(!standard.contains("ctypes"))
        #expect(ImportPolicy.allowedModules(for: .permissive) == nil)
        #expect(ImportPolicy.allowedModules(for: .strict, grants: ["numpy"])?.contains("numpy") == true)
    }
}
