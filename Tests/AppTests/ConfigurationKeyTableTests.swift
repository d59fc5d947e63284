import Foundation
import TestSupport
import Testing

@testable import App

/// `ConfigurationKey.all` is the one list of keys: what the loader reads, what `portside config check` prints, the
/// docs table and `.env.example` must all agree with it, defaults included.
@Suite struct ConfigurationKeyTableTests {
    static let names = ConfigurationKey.all.map(\.name)

    @Test func everyKeyTheLoaderReadsIsInTheTableAndEveryRowIsRead() {
        let production = ["APP_ENV": "production", "REDIS_URL": "redis://cache", "DATABASE_URL": "postgres://app@db/app"]
        let read = Configuration.keysRead([:]).union(Configuration.keysRead(production))
        #expect(read.subtracting(Self.names).sorted() == [], "read by the loader but missing from ConfigurationKey.all")
        #expect(Set(Self.names).subtracting(read).sorted() == [], "in ConfigurationKey.all but never read")
        #expect(Set(Self.names).count == Self.names.count, "a key is listed twice")
    }

    @Test func configCheckPrintsTheKeysInTheTablesOrder() throws {
        let printed = try Configuration.parse([:]).entries.map(\.key)
        #expect(printed == ConfigurationKey.all.filter(\.printedByConfigCheck).map(\.name))
    }

    @Test func theDocsTableIsTheOnePrintedFromTheKeys() throws {
        let docs = try String(contentsOf: packageRoot().appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let table = docs.components(separatedBy: "\n").filter { $0.hasPrefix("| ") || $0.hasPrefix("|---") }.joined(separator: "\n")
        #expect(table == ConfigurationKey.markdownTable, "docs/configuration.md is stale: run scripts/config-docs.sh")
    }

    @Test func envExampleListsEveryKeyWithItsDevelopmentDefault() throws {
        let text = try String(contentsOf: packageRoot().appendingPathComponent(".env.example"), encoding: .utf8)
        var listed: [String: String?] = [:]
        for line in text.components(separatedBy: "\n") {
            let commented = line.hasPrefix("#")
            let body = commented ? line.dropFirst().trimmingCharacters(in: .whitespaces) : line
            guard let equals = body.firstIndex(of: "="), body[..<equals].allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }),
                !body[..<equals].isEmpty
            else { continue }
            let value = String(body[body.index(after: equals)...]).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            listed[String(body[..<equals])] = commented ? String?.none : value
        }
        #expect(Set(listed.keys) == Set(Self.names), ".env.example and ConfigurationKey.all list different keys")
        var compared = 0
        for key in ConfigurationKey.all {
            guard let literal = key.developmentLiteral, case let value?? = listed[key.name], !value.isEmpty else { continue }
            #expect(value == literal, "\(key.name): .env.example says \(value), the table \(literal)")
            compared += 1
        }
        #expect(compared >= 40, "only \(compared) defaults compared")
    }

    @Test func theREADMEsConfigurationTableNamesEveryKey() throws {
        let readme = try String(contentsOf: packageRoot().appendingPathComponent("README.md"), encoding: .utf8)
        let keys = readme.components(separatedBy: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `"), let end = line.dropFirst(3).firstIndex(of: "`") else { return nil }
            let name = line[line.index(line.startIndex, offsetBy: 3)..<end]
            return name.allSatisfy({ $0.isUppercase || $0.isNumber || $0 == "_" }) ? String(name) : nil
        }
        #expect(Set(keys) == Set(Self.names), "README's configuration table and ConfigurationKey.all name different keys")
    }

    @Test func theDefaultsTheTableStatesAreTheOnesTheLoaderUses() throws {
        let printed = Dictionary(uniqueKeysWithValues: try Configuration.parse([:]).entries.map { ($0.key, $0.value) })
        var compared = 0
        for key in ConfigurationKey.all {
            guard let literal = key.developmentLiteral, let value = printed[key.name] else { continue }
            #expect(Self.same(literal, value), "\(key.name): the table says \(literal), the loader uses \(value)")
            compared += 1
        }
        #expect(compared >= 40, "only \(compared) defaults compared")
    }

    /// Equal as values: `15m` and `900s`, `10kb` and `10240 bytes`, `Info` and `info`.
    static func same(_ stated: String, _ used: String) -> Bool {
        if stated.lowercased() == used.lowercased() { return true }
        if let a = ConfigurationValues.duration(stated), let b = ConfigurationValues.duration(used) { return a == b }
        let bytes = used.hasSuffix(" bytes") ? String(used.dropLast(6)) : used
        if let a = ConfigurationValues.size(stated), let b = ConfigurationValues.size(bytes) { return a == b }
        return false
    }
}
