import Domain
import Testing

@Suite struct IdentityPolicyTests {
    @Test func aGoodPasswordHasNoProblems() {
        #expect(PasswordPolicy().problems(with: "Harbour1a").isEmpty)
    }

    @Test func everyBrokenRuleIsReportedWithoutThePassword() {
        let problems = PasswordPolicy().problems(with: "short")
        #expect(
            problems.map(\.message) == [
                "password must be between 8 and 128 characters",
                "password must contain an upper-case letter (A-Z)",
                "password must contain a digit (0-9)",
            ]
        )
        #expect(!problems.contains { $0.message.contains("short") })
    }

    /// Found by fuzzing against the API document: the server must judge a password as JSON Schema does, by code
    /// points and ASCII classes, or a document-valid password is refused (or a document-invalid one accepted).
    @Test func lengthsCountCodePointsAndClassesAreASCII() {
        let policy = PasswordPolicy()
        // Four graphemes of two code points each: eight code points, long enough.
        #expect(policy.problems(with: "A\u{301}a\u{301}1\u{301}b\u{301}").isEmpty)
        #expect(policy.problems(with: "Aa1\u{301}b\u{301}").map(\.message) == ["password must be between 8 and 128 characters"])
        #expect(policy.problems(with: "A1ae\u{301}e\u{301}e\u{301}").isEmpty)
        // Upper-case letters outside ASCII do not count as the required one; they are allowed besides.
        #expect(
            policy.problems(with: "ÄÖÜäöü12").map(\.message) == [
                "password must contain an upper-case letter (A-Z)", "password must contain a lower-case letter (a-z)",
            ])
        #expect(policy.problems(with: "ÄÖÜäöü1Aa").isEmpty)
        // Digits outside ASCII do not count either.
        #expect(policy.problems(with: "Password٣").map(\.message) == ["password must contain a digit (0-9)"])
    }

    @Test func thePolicyIsAPatternForTheDocument() {
        #expect(PasswordPolicy().pattern == "^(?=[\\s\\S]*[A-Z])(?=[\\s\\S]*[a-z])(?=[\\s\\S]*[0-9])")
        #expect(PasswordPolicy(requiresUppercase: false, requiresLowercase: false).pattern == "^(?=[\\s\\S]*[0-9])")
        #expect(PasswordPolicy(requiresUppercase: false, requiresLowercase: false, requiresDigit: false).pattern == nil)
    }

    @Test func rulesCanBeRelaxed() {
        let policy = PasswordPolicy(length: 12...64, requiresUppercase: false, requiresLowercase: true, requiresDigit: false)
        #expect(policy.problems(with: "all lower case words").isEmpty)
        #expect(policy.problems(with: "too short").count == 1)
    }

    @Test func adminsHoldEveryPermissionAndUsersOnlyTheirOwn() {
        #expect(Role.admin.permissions == Set(Permission.allCases))
        #expect(Role.user.allows(.manageOwnAccount))
        #expect(Role.user.allows(.writeOwnExamples))
        #expect(!Role.user.allows(.manageUsers))
        #expect(!Role.user.allows(.writeAnyExample))
        #expect(!Role.user.allows(.readAuditLog))
    }
}
