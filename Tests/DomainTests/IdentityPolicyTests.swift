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
                "password must contain an upper-case letter",
                "password must contain a digit",
            ]
        )
        #expect(!problems.contains { $0.message.contains("short") })
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
