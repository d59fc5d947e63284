import CoreMetrics
import Foundation
import NIOPosix

/// The process's resident memory and open file descriptors, read from `/proc` on a thread of NIO's blocking pool
/// when scraped (nothing is recorded where `/proc` does not exist).
struct ProcessMetrics: Sendable {
    let residentMemory: Gauge
    let openFileDescriptors: Gauge

    init(factory: any MetricsFactory) {
        residentMemory = Gauge(label: "process_resident_memory_bytes", factory: factory)
        openFileDescriptors = Gauge(label: "process_open_fds", factory: factory)
    }

    func sample() async {
        guard let reading = try? await NIOThreadPool.singleton.runIfActive({ Self.read() }) else { return }
        if let bytes = reading.residentBytes { residentMemory.record(bytes) }
        if let count = reading.openDescriptors { openFileDescriptors.record(count) }
    }

    static func read() -> (residentBytes: Int?, openDescriptors: Int?) {
        // statm: total and resident sizes in pages.
        let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8)
        let pages = statm?.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        let resident = pages.map { $0 * Int(sysconf(Int32(_SC_PAGESIZE))) }
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).map(\.count)
        return (resident, descriptors)
    }
}
