import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// `/api/v1/auth`: registration, sign-in, tokens, sessions, email verification and passwords.
struct AuthController {
    let auth: AuthService
    let authenticator: Authenticator
    /// `AUTH_RATE_LIMIT_MAX` per client address, on each route that takes credentials, tokens or mail requests.
    let limit: RouteRateLimit

    func register(on routes: RouteCatalog) {
        let limited = routes.limited(by: limit)
        limited.on(.post, "/api/v1/auth/register", use: register)
        limited.on(.post, "/api/v1/auth/login", use: login)
        limited.on(.post, "/api/v1/auth/refresh-token", use: refresh)
        limited.on(.post, "/api/v1/auth/logout", use: logout)
        routes.on(.post, "/api/v1/auth/revoke-all", use: revokeAll)
        routes.on(.get, "/api/v1/auth/profile", use: profile)
        limited.on(.post, "/api/v1/auth/verify-email", use: verifyEmail)
        limited.on(.post, "/api/v1/auth/cancel-email-change", use: cancelEmailChange)
        limited.on(.post, "/api/v1/auth/resend-verification", use: resendVerification)
        limited.on(.post, "/api/v1/auth/forgot-password", use: forgotPassword)
        limited.on(.post, "/api/v1/auth/reset-password", use: resetPassword)
        limited.on(.post, "/api/v1/auth/change-password", use: changePassword)
        routes.on(.get, "/api/v1/auth/sessions", use: sessions)
        routes.on(.delete, "/api/v1/auth/sessions/{id}", use: endSession)
    }

    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        let input = AuthService.Registration(
            name: json.string("name"), email: json.string("email"), password: json.string("password"),
            unknownFields: json.unknownKeys(allowed: ["name", "email", "password"])
        )
        if auth.concealsExistingAccounts {
            // The same answer for a new and a taken address: no account data, no tokens.
            try await auth.registerConcealingExisting(input, origin: context.origin(request))
            return JSONResponse.success(
                .accepted, message: "Check your email to finish registering", data: NoData?.none, context: context)
        }
        let result = try await auth.register(input, origin: context.origin(request))
        return JSONResponse.success(
            .created, message: "User registered successfully", data: AuthenticationBody(authentication: result), context: context)
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        let result = try await auth.login(email: json.string("email"), password: json.string("password"), origin: context.origin(request))
        return JSONResponse.success(message: "Login successful", data: AuthenticationBody(authentication: result), context: context)
    }

    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        let tokens = try await auth.refresh(refreshToken: json.string("refreshToken"), origin: context.origin(request))
        return JSONResponse.success(message: "Token refreshed successfully", data: TokensBody(tokens: tokens), context: context)
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        try await auth.logout(refreshToken: json.string("refreshToken"), origin: context.origin(request))
        return JSONResponse.success(message: "Logged out successfully", data: NoData?.none, context: context)
    }

    @Sendable func revokeAll(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        _ = try await auth.revokeAll(principal, origin: context.origin(request))
        return JSONResponse.success(message: "All sessions revoked", data: NoData?.none, context: context)
    }

    @Sendable func profile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        return JSONResponse.success(message: "Profile retrieved successfully", data: UserEnvelopeBody(user: principal.user), context: context)
    }

    @Sendable func verifyEmail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        let user = try await auth.verifyEmail(token: json.string("token"), origin: context.origin(request))
        return JSONResponse.success(message: "Email verified successfully", data: UserEnvelopeBody(user: user), context: context)
    }

    @Sendable func cancelEmailChange(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        try await auth.cancelEmailChange(token: json.string("token"), origin: context.origin(request))
        return JSONResponse.success(
            message: "Email change cancelled and every session signed out; reset your password if you did not ask for the change",
            data: NoData?.none, context: context)
    }

    @Sendable func resendVerification(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await auth.resendVerification(principal, origin: context.origin(request))
        return JSONResponse.success(message: "Verification email sent", data: NoData?.none, context: context)
    }

    @Sendable func forgotPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        try await auth.forgotPassword(email: json.string("email"), origin: context.origin(request))
        return JSONResponse.success(
            message: "If an account exists for this email, a password reset link has been sent", data: NoData?.none, context: context
        )
    }

    @Sendable func resetPassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let json = try JSONBody.object(in: context)
        try await auth.resetPassword(token: json.string("token"), newPassword: json.string("newPassword"), origin: context.origin(request))
        return JSONResponse.success(message: "Password reset successfully", data: NoData?.none, context: context)
    }

    @Sendable func changePassword(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let json = try JSONBody.object(in: context)
        try await auth.changePassword(
            current: json.string("currentPassword"), new: json.string("newPassword"), principal, origin: context.origin(request)
        )
        return JSONResponse.success(message: "Password changed successfully", data: NoData?.none, context: context)
    }

    @Sendable func sessions(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        let sessions = try await auth.sessions(principal)
        let bodies = sessions.map { SessionBody(session: $0, current: $0.id == principal.sessionID) }
        return JSONResponse.success(message: "Sessions retrieved successfully", data: bodies, context: context)
    }

    @Sendable func endSession(_ request: Request, context: AppRequestContext) async throws -> Response {
        let principal = try await authenticator.principal(request)
        try await auth.endSession(id: try context.parameters.require("id"), principal, origin: context.origin(request))
        return JSONResponse.success(message: "Session ended", data: NoData?.none, context: context)
    }
}
