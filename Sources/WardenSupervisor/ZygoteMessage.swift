import Foundation
import WardenJail

/// One message from a zygote (harness.py, "zygote"), validated: the zygote is confined and
/// trusted to run only the harness, but its words are still checked before they are used.
enum ZygoteMessage: Equatable {
    case ready
    case forked(request: Int, zygotePID: Int32)
    case failed(request: Int, reason: String)
    case exited(zygotePID: Int32, exit: ChildExit)

    init?(_ bytes: [UInt8]) {
        guard bytes.count <= 4096,
            let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let op = object["op"] as? String
        else { return nil }
        func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
            guard let value = object[key] as? Int, range.contains(value) else { return nil }
            return value
        }
        let pids = 1...Int(Int32.max)
        switch op {
        case "ready":
            self = .ready
        case "forked":
            guard let request = integer("id", in: 0...Int.max), let pid = integer("pid", in: pids) else { return nil }
            self = .forked(request: request, zygotePID: Int32(pid))
        case "failed":
            guard let request = integer("id", in: -1...Int.max) else { return nil }
            self = .failed(request: request, reason: String((object["error"] as? String ?? "unknown").prefix(500)))
        case "exit":
            let microseconds = 0...(Int(1) << 52)
            guard let pid = integer("pid", in: pids), let status = integer("status", in: 0...0xffff),
                let user = integer("user_us", in: microseconds), let system = integer("system_us", in: microseconds),
                let maxrss = integer("maxrss_kb", in: 0...(Int(1) << 40))
            else { return nil }
            // A wait status: low 7 bits the terminating signal (0: exited), bits 8-15 the code.
            let signal = Int32(status & 0x7f)
            let reason: ChildExit.Reason = signal == 0 ? .exited(Int32((status >> 8) & 0xff)) : .signaled(signal)
            self = .exited(
                zygotePID: Int32(pid),
                exit: ChildExit(
                    reason: reason, userSeconds: Double(user) / 1e6, systemSeconds: Double(system) / 1e6,
                    maxResidentBytes: maxrss * 1024
                )
            )
        default:
            return nil
        }
    }
}
