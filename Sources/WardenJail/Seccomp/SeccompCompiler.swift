import CSeccomp
import CWardenJail
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A compiled seccomp filter: the `struct sock_filter` array the kernel takes, as bytes.
///
/// Load it with `seccomp(SECCOMP_SET_MODE_FILTER, 0, &(struct sock_fprog){ instructionCount,
/// bytes })` or `prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog)` after `no_new_privs`.
public struct SeccompProgram: Sendable, Equatable {
    /// Raw `struct sock_filter` entries (8 bytes each: u16 code, u8 jt, u8 jf, u32 k), in the
    /// native byte order.
    public let bytes: [UInt8]
    /// Rule names the native architecture does not have; their rules were left out.
    public let skippedSyscalls: [String]

    public var instructionCount: Int { bytes.count / 8 }

    public init(bytes: [UInt8], skippedSyscalls: [String] = []) {
        precondition(bytes.count % 8 == 0, "a BPF program is a whole number of 8-byte instructions")
        self.bytes = bytes
        self.skippedSyscalls = skippedSyscalls
    }
}

/// Compiles `SeccompPolicy` data to BPF with libseccomp. Parent side only: never call it
/// between fork and exec (it allocates); hand the resulting bytes to the child.
public enum SeccompCompiler {
    /// The kernel's limit on one filter (BPF_MAXINSNS).
    public static let maximumInstructions = 4096

    /// libseccomp probes the kernel and caches what it found in process-wide state on first
    /// use; one compilation at a time keeps that first probe from racing.
    private static let lock = Mutex(())

    /// Compiles `policy` for the native architecture.
    ///
    /// System calls from any other architecture (i386 through `int 0x80`, x32 numbers with
    /// `__X32_SYSCALL_BIT`) kill the process: the program checks `seccomp_data.arch` first, and
    /// on x86_64 libseccomp also sends numbers at or above `0x40000000` to the bad-architecture
    /// action. `no_new_privs` is left to the loader (the shim sets it itself).
    public static func compile(_ policy: SeccompPolicy) throws(JailError) -> SeccompProgram {
        try lock.withLock { _ throws(JailError) in try compileLocked(policy) }
    }

    /// The name of a native system call number (for a `SIGSYS` death), or nil if unknown.
    public static func syscallName(_ number: Int) -> String? {
        guard let number = Int32(exactly: number), number >= 0,
            let name = seccomp_syscall_resolve_num_arch(UInt32(SCMP_ARCH_NATIVE), number)
        else { return nil }
        defer { free(name) }
        return String(cString: name)
    }

    private static func compileLocked(_ policy: SeccompPolicy) throws(JailError) -> SeccompProgram {
        guard let context = seccomp_init(kernelValue(policy.defaultAction)) else {
            throw JailError(step: "create the seccomp filter context", errno: EINVAL)
        }
        defer { seccomp_release(context) }
        try check(
            seccomp_attr_set(context, SCMP_FLTATR_ACT_BADARCH, kernelValue(.killProcess)),
            "set the seccomp bad-architecture action"
        )
        // Only consulted by seccomp_load, which we never call; the loaders set it themselves.
        try check(seccomp_attr_set(context, SCMP_FLTATR_CTL_NNP, 0), "clear the seccomp no_new_privs attribute")

        var skipped: [String] = []
        for rule in policy.rules {
            // -1 for an unknown name; other negative numbers are libseccomp's pseudo-syscalls
            // for calls that exist only on other architectures (socketcall on x86_64).
            let number = seccomp_syscall_resolve_name(rule.syscall)
            if number < 0 {
                if !skipped.contains(rule.syscall) { skipped.append(rule.syscall) }
                continue
            }
            var comparisons = rule.conditions.map(argumentComparison)
            let result = comparisons.withUnsafeMutableBufferPointer { buffer in
                seccomp_rule_add_array(
                    context, kernelValue(rule.action), number, UInt32(buffer.count),
                    buffer.isEmpty ? nil : buffer.baseAddress
                )
            }
            try check(result, "add the seccomp rule for \(rule.syscall)")
        }

        let bytes = try export(context)
        guard bytes.count / 8 <= maximumInstructions else {
            throw JailError(step: "fit the seccomp filter into \(maximumInstructions) instructions", errno: E2BIG)
        }
        return SeccompProgram(bytes: bytes, skippedSyscalls: skipped)
    }

    /// libseccomp 2.5.4 exports only to a file descriptor: export into a memfd, read it back.
    private static func export(_ context: scmp_filter_ctx) throws(JailError) -> [UInt8] {
        let fd = wj_memfd("warden-seccomp")
        guard fd >= 0 else { throw JailError(step: "create a memfd for the seccomp filter", errno: -fd) }
        defer { close(fd) }
        try check(seccomp_export_bpf(context, fd), "export the seccomp filter")
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw JailError(step: "rewind the seccomp memfd", errno: errno) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw JailError(step: "read back the seccomp filter", errno: errno)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        guard !bytes.isEmpty, bytes.count % 8 == 0 else {
            throw JailError(step: "read back the seccomp filter: \(bytes.count) bytes", errno: EIO)
        }
        return bytes
    }

    /// libseccomp returns a negated errno.
    private static func check(_ result: Int32, _ step: String) throws(JailError) {
        if result < 0 { throw JailError(step: step, errno: -result) }
    }

    /// The `SCMP_ACT_*` value (identical to the kernel's `SECCOMP_RET_*`).
    static func kernelValue(_ action: SeccompAction) -> UInt32 {
        switch action {
        case .allow: 0x7fff_0000  // SCMP_ACT_ALLOW
        case .errno(let code): 0x0005_0000 | (UInt32(truncatingIfNeeded: code) & 0xffff)  // SCMP_ACT_ERRNO(code)
        case .killProcess: 0x8000_0000  // SCMP_ACT_KILL_PROCESS
        }
    }

    private static func argumentComparison(_ condition: SeccompCondition) -> scmp_arg_cmp {
        let argument = UInt32(condition.argument)
        return switch condition.comparison {
        case .equal: scmp_arg_cmp(arg: argument, op: SCMP_CMP_EQ, datum_a: condition.value, datum_b: 0)
        case .notEqual: scmp_arg_cmp(arg: argument, op: SCMP_CMP_NE, datum_a: condition.value, datum_b: 0)
        case .lessThan: scmp_arg_cmp(arg: argument, op: SCMP_CMP_LT, datum_a: condition.value, datum_b: 0)
        case .greaterThan: scmp_arg_cmp(arg: argument, op: SCMP_CMP_GT, datum_a: condition.value, datum_b: 0)
        // SCMP_A0(SCMP_CMP_MASKED_EQ, mask, value): datum_a is the mask, datum_b the value.
        case .maskedEqual(let mask):
            scmp_arg_cmp(arg: argument, op: SCMP_CMP_MASKED_EQ, datum_a: mask, datum_b: condition.value)
        }
    }
}
