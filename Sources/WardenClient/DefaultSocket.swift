import Foundation

/// The socket a client talks to when none is given: `WARDEN_SOCKET`, else the daemon's own
/// default for this environment.
public enum DefaultSocket {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let value = environment["WARDEN_SOCKET"], !value.isEmpty { return value }
        if FileManager.default.fileExists(atPath: "/run/warden/warden.sock") { return "/run/warden/warden.sock" }
        if let xdg = environment["XDG_RUNTIME_DIR"], !xdg.isEmpty { return xdg + "/warden/warden.sock" }
        return "./.warden/warden.sock"
    }
}
