#if canImport(Glibc)
import Glibc
#endif

/// Which cgroup hierarchy the daemon can use for per-execution cgroups, found once at start-up.
///
/// `detect()` only reads; `prepare()` creates the daemon's parent cgroups. Both are
/// synchronous file-system work: call them from a worker thread, not an event loop.
/// See docs/cgroups.md.
public struct CgroupHost: Sendable {
    /// What was found.
    public enum Kind: Sendable, Equatable {
        /// cgroup v2 with `memory` and `pids` available in `subtree`, the daemon's own
        /// (delegated) cgroup directory, e.g. `/sys/fs/cgroup/system.slice/wardend.service`.
        case v2(subtree: String)
        /// cgroup v1 memory and pids hierarchies, by the directories they are mounted at.
        case v1(memoryRoot: String, pidsRoot: String)
        /// No writable hierarchy with both controllers; `reason` is one sentence for
        /// `warden doctor` and `GET /v1/health`.
        case unavailable(reason: String)
    }

    public let kind: Kind

    /// How directories are made and removed; replaced only by the unit tests of the logic.
    var directories: CgroupDirectories = .kernel

    init(kind: Kind, directories: CgroupDirectories = .kernel) {
        self.kind = kind
        self.directories = directories
    }

    /// Finds a usable hierarchy: cgroup v2 first (the daemon's own cgroup must list `memory`
    /// and `pids` in `cgroup.controllers` and be writable), then cgroup v1 (memory and pids
    /// hierarchies mounted read-write), else `.unavailable` with the reasons.
    ///
    /// Only mounts listed in `mountInfo` at or below `root` are considered, so tests can
    /// point all three paths at a fake tree in a temporary directory.
    public static func detect(
        root: String = "/sys/fs/cgroup", procSelfCgroup: String = "/proc/self/cgroup",
        mountInfo: String = "/proc/self/mountinfo"
    ) -> CgroupHost {
        guard let mountText = CgroupFile.read(mountInfo) else {
            return CgroupHost(kind: .unavailable(reason: "no writable cgroup hierarchy: could not read \(mountInfo)"))
        }
        let mounts = MountInfoEntry.parse(mountText).filter { $0.isAtOrBelow(root) }
        var notes: [String] = []

        // cgroup v2: the daemon's own cgroup, as /proc/self/cgroup names it ("0::/path").
        let unified = mounts.filter { $0.filesystemType == "cgroup2" }
        if unified.isEmpty {
            notes.append("no cgroup2 mount under \(root)")
        } else if let ownPath = CgroupFile.read(procSelfCgroup).flatMap(unifiedCgroupPath) {
            for mount in unified {
                switch usableSubtree(mount: mount, ownPath: ownPath) {
                case .success(let subtree): return CgroupHost(kind: .v2(subtree: subtree))
                case .failure(let note): notes.append(note.text)
                }
            }
        } else {
            notes.append("\(procSelfCgroup) names no cgroup v2 path")
        }

        // cgroup v1: one hierarchy per controller (possibly co-mounted).
        let legacy = mounts.filter { $0.filesystemType == "cgroup" }
        var roots: [String: String] = [:]
        for controller in ["memory", "pids"] {
            let candidates = legacy.filter { $0.superOptions.contains(controller) }
            guard !candidates.isEmpty else {
                notes.append("no cgroup v1 \(controller) hierarchy is mounted")
                continue
            }
            if let usable = candidates.first(where: { !$0.isReadOnly && CgroupFile.isWritable($0.mountPoint) }) {
                roots[controller] = usable.mountPoint
            } else {
                notes.append("the cgroup v1 \(controller) hierarchy at \(candidates[0].mountPoint) is not writable")
            }
        }
        if let memory = roots["memory"], let pids = roots["pids"] {
            return CgroupHost(kind: .v1(memoryRoot: memory, pidsRoot: pids))
        }
        return CgroupHost(kind: .unavailable(reason: "no writable cgroup hierarchy: " + notes.joined(separator: "; ")))
    }

    private struct Note: Error { var text: String }

    /// The daemon's cgroup directory under `mount` when it has memory and pids and we may
    /// write it; otherwise why not.
    private static func usableSubtree(mount: MountInfoEntry, ownPath: String) -> Result<String, Note> {
        // The mount shows the hierarchy from `mount.root` down (a cgroup namespace or a bind
        // mount may hide the part above); our path must lie inside it.
        var relative = ownPath
        if mount.root != "/" {
            guard ownPath == mount.root || ownPath.hasPrefix(mount.root + "/") else {
                return .failure(Note(text: "our cgroup \(ownPath) is outside the cgroup2 mount at \(mount.mountPoint)"))
            }
            relative = String(ownPath.dropFirst(mount.root.count))
        }
        var subtree = mount.mountPoint + (relative == "/" ? "" : relative)
        // A daemon restarted by hand may already sit in the leaf that prepare() made.
        if subtree.hasSuffix("/" + CgroupParent.supervisorLeaf) {
            subtree = String(subtree.dropLast(CgroupParent.supervisorLeaf.count + 1))
        }
        let controllers = (CgroupFile.read(subtree + "/cgroup.controllers") ?? "")
            .split(whereSeparator: { $0 == " " || $0 == "\n" })
        let missing = ["memory", "pids"].filter { !controllers.contains(Substring($0)) }
        if !missing.isEmpty {
            let names = missing.joined(separator: " and ") + (missing.count > 1 ? " controllers" : " controller")
            return .failure(Note(text: "the cgroup2 hierarchy at \(subtree) lacks the \(names)"))
        }
        let needed = [subtree, subtree + "/cgroup.procs", subtree + "/cgroup.subtree_control"]
        if mount.isReadOnly || !needed.allSatisfy(CgroupFile.isWritable) {
            let text = "the cgroup2 directory \(subtree) is not writable by the daemon (under systemd: Delegate=yes)"
            return .failure(Note(text: text))
        }
        return .success(subtree)
    }

    /// The path of the "0::/path" line of /proc/self/cgroup.
    static func unifiedCgroupPath(_ text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("0::") {
            let path = String(line.dropFirst(3))
            if path.hasPrefix("/") { return path }
        }
        return nil
    }
}

/// One line of /proc/self/mountinfo, the fields this module needs.
struct MountInfoEntry: Equatable {
    /// The directory of the filesystem that is visible at the mount point ("/" usually).
    var root: String
    var mountPoint: String
    var mountOptions: [String]
    var filesystemType: String
    var superOptions: [String]

    var isReadOnly: Bool { mountOptions.contains("ro") || superOptions.contains("ro") }

    func isAtOrBelow(_ directory: String) -> Bool {
        let base = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return mountPoint == base || mountPoint.hasPrefix(base == "/" ? "/" : base + "/")
    }

    /// Parses mountinfo(5): "ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL…] - TYPE SOURCE SUPER".
    static func parse(_ text: String) -> [MountInfoEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            guard let dash = fields.firstIndex(of: "-"), dash >= 6, fields.count >= dash + 4 else { return nil }
            return MountInfoEntry(
                root: unescape(fields[3]), mountPoint: unescape(fields[4]),
                mountOptions: fields[5].split(separator: ",").map(String.init),
                filesystemType: String(fields[dash + 1]),
                superOptions: fields[dash + 3].split(separator: ",").map(String.init)
            )
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as three octal digits ("\040").
    static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "\\"), index + 3 < utf8.count,
                let value = UInt8(String(decoding: utf8[(index + 1)...(index + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
