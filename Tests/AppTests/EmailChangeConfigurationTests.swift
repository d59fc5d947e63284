import App
import Foundation
import Testing

/// `EMAIL_CHANGE_CANCEL_TTL` and `REGISTRATION_CONCEALS_EXISTING`.
@Suite struct EmailChangeConfigurationTests {
    @Test func theDefaultsAreTheDocumentedOnes() throws {
        let configuration = try Configuration.parse([:])

        #expect(configuration.emailChangeCancelTTL == .seconds(7 * 86_400))
        #expect(configuration.registrationConcealsExisting == false)
        #expect(configuration.description.contains("EMAIL_CHANGE_CANCEL_TTL"))
        #expect(configuration.description.contains("REGISTRATION_CONCEALS_EXISTING"))
    }

    @Test func bothKeysAreParsed() throws {
        let configuration = try Configuration.parse(["EMAIL_CHANGE_CANCEL_TTL": "72h", "REGISTRATION_CONCEALS_EXISTING": "true"])

        #expect(configuration.emailChangeCancelTTL == .seconds(72 * 3600))
        #expect(configuration.registrationConcealsExisting)
    }

    @Test func aCancelWindowUnderAMinuteAndAnUnreadableSwitchAreRefused() throws {
        let error = #expect(throws: ConfigurationError.self) {
            try Configuration.parse(["EMAIL_CHANGE_CANCEL_TTL": "30s", "REGISTRATION_CONCEALS_EXISTING": "perhaps"])
        }

        let problems = error?.problems ?? []
        #expect(problems.contains { $0.hasPrefix("EMAIL_CHANGE_CANCEL_TTL:") })
        #expect(problems.contains { $0.hasPrefix("REGISTRATION_CONCEALS_EXISTING:") })
    }
}
