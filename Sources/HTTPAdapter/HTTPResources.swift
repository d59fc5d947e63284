import Foundation

/// The HTTPAdapter target's resource files (the OpenAPI document's parts, the pinned Swagger UI), found beside the
/// executable without SwiftPM's generated `Bundle.module`, which stops the process when the bundle is missing.
enum HTTPResources {
    /// Where SwiftPM puts the resource directory `name`: beside the executable (the server, or the test runner under
    /// `swift test`), inside `<package>_<target>.resources` on Linux and `.bundle` on Apple platforms.
    static func directories(named name: String) -> [URL] {
        var executables: [URL] = []
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            executables.append(URL(fileURLWithPath: path))
        }
        if let url = Bundle.main.executableURL { executables.append(url.resolvingSymlinksInPath()) }
        return executables.flatMap { executable in
            ["portside_HTTPAdapter.resources", "portside_HTTPAdapter.bundle", "portside_HTTPAdapter.bundle/Contents/Resources"].map {
                executable.deletingLastPathComponent().appendingPathComponent($0).appendingPathComponent(name)
            }
        }
    }
}
