import Foundation
import Synchronization
import Testing

@testable import App

/// `LOG_FILE`: rotation by size and by day, retention, and no line lost, split or interleaved when many threads log
/// across rotations.
@Suite struct LogFileTests {
    func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("portside-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Every line of the current file and its rotated ones.
    func lines(of path: String, files: Int) throws -> [String] {
        var all: [String] = []
        for suffix in [""] + (1...files).map({ ".\($0)" }) where FileManager.default.fileExists(atPath: path + suffix) {
            let text = try String(contentsOfFile: path + suffix, encoding: .utf8)
            #expect(text.isEmpty || text.hasSuffix("\n"))
            all += text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        return all
    }

    @Test func concurrentWritersAcrossManyRotationsLoseSplitAndInterleaveNothing() async throws {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("portside.log").path
        let file = try RotatingLogFile(path: path, maximumSize: 16 * 1024, maximumFiles: 1000)

        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for line in 0..<2000 { file.append("writer=\(writer) line=\(line) " + String(repeating: "x", count: line % 97)) }
                }
            }
        }
        file.close()
        let written = try lines(of: path, files: 1000)

        #expect(written.count == 16_000)
        #expect(Set(written).count == 16_000)
        for line in written {
            let parts = line.split(separator: " ")
            guard parts.count >= 2, let number = parts[1].split(separator: "=").last.flatMap({ Int($0) }) else {
                Issue.record("a line was split or mixed: \(line.prefix(80))")
                continue
            }
            #expect(line.count == parts[0].count + parts[1].count + 2 + number % 97)
        }
        let rotated = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("portside.log.") }.count
        #expect(rotated > 10)
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let size = (try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(file).path)[.size] as? Int) ?? 0
            #expect(size <= 16 * 1024)
        }
    }

    @Test func onlyTheNewestRotatedFilesAreKept() throws {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("portside.log").path
        let file = try RotatingLogFile(path: path, maximumSize: 1024, maximumFiles: 2)

        for line in 0..<200 { file.append("line \(line) " + String(repeating: "y", count: 40)) }
        file.close()
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        let kept = try lines(of: path, files: 2)

        #expect(names == ["portside.log", "portside.log.1", "portside.log.2"])
        #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").last?.hasPrefix("line 199 ") == true)
        #expect(!kept.contains { $0.hasPrefix("line 0 ") })
    }

    @Test func aNewDayStartsANewFile() throws {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("portside.log").path
        let day = Mutex("2026-11-26")
        let file = try RotatingLogFile(path: path, maximumSize: 1024 * 1024, maximumFiles: 14, today: { day.withLock { $0 } })

        file.append("before midnight")
        file.close()
        let reopened = try RotatingLogFile(path: path, maximumSize: 1024 * 1024, maximumFiles: 14, today: { day.withLock { $0 } })
        day.withLock { $0 = "2026-11-27" }
        reopened.append("after midnight")
        reopened.close()

        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8) == "before midnight\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "after midnight\n")
    }

    @Test func aLogFileThatCannotBeOpenedIsReportedWithItsPath() {
        #expect {
            _ = try RotatingLogFile(path: "/proc/portside-cannot-write-here/portside.log", maximumSize: 1024, maximumFiles: 1)
        } throws: { error in
            "\(error)".contains("/proc/portside-cannot-write-here")
        }
    }
}
