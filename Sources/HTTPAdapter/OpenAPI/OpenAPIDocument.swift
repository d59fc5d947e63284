import Domain
import Foundation

/// The OpenAPI 3.1 document: the contract of the API. It is written as one JSON file per module in
/// Sources/HTTPAdapter/Resources/openapi (`00-base.json` for what every module shares, then `NN-module.json`, each
/// with its tag, its paths and the components only it uses), merged at load in file-name order. A module adds its
/// own file; no file names another module's paths. `RouteContractTests` fails when a route and the document disagree.
/// `portside openapi` prints it; `/openapi.json` serves it.
enum OpenAPIDocument {
    /// Two files that define the same path or component, or a file that is not a JSON object.
    struct MergeError: Error, CustomStringConvertible {
        let description: String
    }

    /// The merged document before the password policy is written in, or nil when the resource files are missing
    /// (a binary copied without its resource directory): loaded once.
    static let merged: Data? = loaded.flatMap { try? $0.get() }

    /// The merge of the first resource directory found, or nil when there is none; a failed merge (a path defined
    /// twice, a file that is not JSON) is kept as its error, so it is reported as such rather than as a missing install.
    static let loaded: Result<Data, any Error>? = HTTPResources.directories(named: "openapi").first { directory in
        FileManager.default.fileExists(atPath: directory.path)
    }.map { directory in
        Result { try JSONSerialization.data(withJSONObject: try load(from: directory)) }
    }

    /// The document for the default password policy (`portside openapi`).
    static var json: String? { json(passwordPolicy: PasswordPolicy()) }

    /// The document, with the `NewPassword` schema stating `policy` exactly; nil without the resource files.
    static func json(passwordPolicy policy: PasswordPolicy) -> String? {
        guard let merged, var document = (try? JSONSerialization.jsonObject(with: merged)) as? [String: Any] else { return nil }
        if var components = document["components"] as? [String: Any], var schemas = components["schemas"] as? [String: Any] {
            schemas["NewPassword"] = newPasswordSchema(policy)
            components["schemas"] = schemas
            document["components"] = components
        }
        let options: JSONSerialization.WritingOptions = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? JSONSerialization.data(withJSONObject: document, options: options) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads every `*.json` in `directory` and merges them: `tags` are concatenated in file order, `paths` and each
    /// `components` section are joined (a name defined twice is an error), anything else comes from the first file
    /// that has it.
    static func load(from directory: URL) throws -> [String: Any] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        guard !names.isEmpty else { throw MergeError(description: "no OpenAPI files in \(directory.path)") }
        var document: [String: Any] = [:]
        var tags: [Any] = []
        var paths: [String: Any] = [:]
        var components: [String: [String: Any]] = [:]
        for name in names {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            guard let part = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw MergeError(description: "\(name) is not a JSON object")
            }
            for (key, value) in part {
                switch key {
                case "tags":
                    tags += (value as? [Any] ?? []).map { $0 as Any }
                case "paths":
                    for (path, item) in value as? [String: Any] ?? [:] {
                        guard paths[path] == nil else { throw MergeError(description: "\(name): path \(path) is defined twice") }
                        paths[path] = item as Any
                    }
                case "components":
                    for (section, entries) in value as? [String: Any] ?? [:] {
                        for (entry, node) in entries as? [String: Any] ?? [:] {
                            guard components[section]?[entry] == nil else {
                                throw MergeError(description: "\(name): components/\(section)/\(entry) is defined twice")
                            }
                            components[section, default: [:]][entry] = node as Any
                        }
                    }
                default:
                    if document[key] == nil { document[key] = value as Any }
                }
            }
        }
        document["tags"] = tags
        document["paths"] = paths
        document["components"] = components
        return document
    }

    static func newPasswordSchema(_ policy: PasswordPolicy) -> [String: Any] {
        var classes: [String] = []
        if policy.requiresUppercase { classes.append("an upper-case letter (A-Z)") }
        if policy.requiresLowercase { classes.append("a lower-case letter (a-z)") }
        if policy.requiresDigit { classes.append("a digit (0-9)") }
        let description =
            "\(policy.length.lowerBound) to \(policy.length.upperBound) code points"
            + (classes.isEmpty ? "" : ", with " + classes.joined(separator: ", ")) + "; any other characters are allowed besides"
        var schema: [String: Any] = [
            "type": "string", "minLength": policy.length.lowerBound, "maxLength": policy.length.upperBound, "description": description,
        ]
        if let pattern = policy.pattern { schema["pattern"] = pattern }
        return schema
    }
}
