import Foundation
import Synchronization
import WardenClient

/// Runs `body` on `count` threads at once (blocking clients: the cooperative pool has only as
/// many threads as cores) and returns the results in index order.
func concurrently<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    let results = Mutex<[Int: T]>([:])
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            let value = body(index)
            results.withLock { $0[index] = value }
            group.leave()
        }
        thread.start()
    }
    group.wait()
    return results.withLock { values in (0..<count).map { values[$0]! } }
}

/// The value of one Prometheus sample (`name{labels} value`) in a `GET /metrics` answer;
/// `labels` is the exact label text, e.g. `reason="queue_full"`, or empty for none.
func metricValue(_ text: String, _ name: String, labels: String = "") -> Double? {
    let prefix = labels.isEmpty ? name + " " : name + "{" + labels + "} "
    for line in text.split(separator: "\n") where line.hasPrefix(prefix) {
        return Double(line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces))
    }
    return nil
}

extension RunningDaemon {
    /// `GET /metrics` as text.
    func metrics() throws -> String {
        let response = try client.get("/metrics")
        guard response.status == 200 else { throw DaemonError("GET /metrics answered \(response.status): \(response.text)") }
        return response.text
    }

    /// The ids of the executions the history holds (as root, who sees every execution).
    func historyIDs() throws -> Set<String> {
        var ids: Set<String> = []
        var cursor: String?
        repeat {
            let response = try client.get("/v1/executions?limit=200" + (cursor.map { "&cursor=\($0)" } ?? ""))
            guard response.status == 200,
                let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                let executions = object["executions"] as? [[String: Any]]
            else { throw DaemonError("GET /v1/executions answered \(response.status): \(response.text)") }
            ids.formUnion(executions.compactMap { $0["execution_id"] as? String })
            cursor = object["next_cursor"] as? String
        } while cursor != nil
        return ids
    }
}
