import Domain
import Foundation

/// The OpenAPI 3.1 document: the contract of the API. `RouteContractTests` fails when a route and this document
/// disagree. `portside openapi` prints it; `/openapi.json` serves it.
enum OpenAPIDocument {
    /// The document for the default password policy (`portside openapi`).
    static let json = json(passwordPolicy: PasswordPolicy())

    /// The document, with the `NewPassword` schema stating `policy` exactly.
    static func json(passwordPolicy policy: PasswordPolicy) -> String {
        template.replacingOccurrences(of: "__NEW_PASSWORD__", with: newPasswordSchema(policy))
    }

    static func newPasswordSchema(_ policy: PasswordPolicy) -> String {
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
        let data = (try? JSONSerialization.data(withJSONObject: schema, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static let template = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "Portside API",
            "version": "1.0.0",
            "description": "Portside's HTTP API. Every response is a JSON envelope carrying the request id, also sent as X-Request-Id."
          },
          "servers": [{ "url": "/" }],
          "tags": [
            { "name": "Health", "description": "Liveness, readiness and dependency checks" },
            { "name": "Examples", "description": "The example resource every module copies" },
            { "name": "Auth", "description": "Registration, sign-in, tokens, sessions, email verification and passwords" },
            { "name": "Users", "description": "The caller's own account, and every account for administrators" },
            { "name": "Audit", "description": "The audit log of account and security events, for administrators" },
            { "name": "Jobs", "description": "The background job queues and their failed jobs, for administrators" }
          ],
          "paths": {
            "/api/v1/health": {
              "get": {
                "tags": ["Health"],
                "operationId": "getHealth",
                "summary": "Status, build version, uptime and a check of every dependency",
                "responses": {
                  "200": { "$ref": "#/components/responses/Health" },
                  "503": { "$ref": "#/components/responses/HealthFailed" }
                }
              }
            },
            "/api/v1/health/live": {
              "get": {
                "tags": ["Health"],
                "operationId": "getLiveness",
                "summary": "Whether the process is up",
                "responses": {
                  "200": { "$ref": "#/components/responses/Status" }
                }
              }
            },
            "/api/v1/health/ready": {
              "get": {
                "tags": ["Health"],
                "operationId": "getReadiness",
                "summary": "Whether the service can take traffic: dependencies up and not shutting down",
                "responses": {
                  "200": { "$ref": "#/components/responses/Status" },
                  "503": { "$ref": "#/components/responses/StatusFailed" }
                }
              }
            },
            "/api/v1/examples": {
              "get": {
                "tags": ["Examples"],
                "operationId": "listExamples",
                "summary": "List examples, newest first",
                "parameters": [
                  { "$ref": "#/components/parameters/Page" },
                  { "$ref": "#/components/parameters/Limit" },
                  { "$ref": "#/components/parameters/Search" }
                ],
                "responses": {
                  "200": {
                    "description": "One page of examples",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExampleListEnvelope" } } }
                  },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              },
              "post": {
                "tags": ["Examples"],
                "operationId": "createExample",
                "summary": "Create an example owned by the caller (with REQUIRE_VERIFIED_EMAIL, only once their email is verified)",
                "security": [{ "bearerAuth": [] }],
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExampleInput" } } }
                },
                "responses": {
                  "201": { "$ref": "#/components/responses/Example" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/examples/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/ExampleId" }],
              "get": {
                "tags": ["Examples"],
                "operationId": "getExample",
                "summary": "Read one example",
                "responses": {
                  "200": { "$ref": "#/components/responses/Example" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              },
              "put": {
                "tags": ["Examples"],
                "operationId": "replaceExample",
                "summary": "Replace name and description (the owner or an administrator; anyone else is told the example does not exist)",
                "security": [{ "bearerAuth": [] }],
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExampleInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Example" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              },
              "patch": {
                "tags": ["Examples"],
                "operationId": "changeExample",
                "summary": "Change some fields (the owner or an administrator; anyone else is told the example does not exist)",
                "security": [{ "bearerAuth": [] }],
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExamplePatch" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Example" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              },
              "delete": {
                "tags": ["Examples"],
                "operationId": "deleteExample",
                "summary": "Delete an example (it is kept, but no longer found); the owner or an administrator",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Deleted" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/register": {
              "post": {
                "tags": ["Auth"],
                "operationId": "register",
                "summary": "Create an account (role user, email unverified), sign it in and send the verification email",
                "description": "With REGISTRATION_CONCEALS_EXISTING=true every valid registration is answered 202 with `data` null, whether the address is new (the account is made and its verification link sent; sign in afterwards) or taken (nothing is made; its owner is told by email), and never 409.",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RegisterInput" } } }
                },
                "responses": {
                  "201": { "$ref": "#/components/responses/Authentication" },
                  "202": {
                    "description": "REGISTRATION_CONCEALS_EXISTING=true: the same answer for a new and a taken address; `data` is null",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/EmptyEnvelope" } } }
                  },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "409": { "$ref": "#/components/responses/Conflict" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/auth/login": {
              "post": {
                "tags": ["Auth"],
                "operationId": "login",
                "summary": "Sign in with email and password; after a few wrong passwords (per account, known or not, and per client address) each further attempt must wait longer (429 with Retry-After)",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/LoginInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Authentication" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/auth/refresh-token": {
              "post": {
                "tags": ["Auth"],
                "operationId": "refreshToken",
                "summary": "Rotate a refresh token: the old one stops working; replaying it revokes its session",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RefreshTokenInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Tokens" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/logout": {
              "post": {
                "tags": ["Auth"],
                "operationId": "logout",
                "summary": "End the session a refresh token belongs to (an unknown token gets the same answer)",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/RefreshTokenInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/revoke-all": {
              "post": {
                "tags": ["Auth"],
                "operationId": "revokeAllSessions",
                "summary": "End every session of the caller, this one included",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/profile": {
              "get": {
                "tags": ["Auth"],
                "operationId": "getProfile",
                "summary": "The signed-in user",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Profile" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/verify-email": {
              "post": {
                "tags": ["Auth"],
                "operationId": "verifyEmail",
                "summary": "Follow a verification link: verify the address, or make a pending address the account's email",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/VerifyEmailInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Profile" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "409": { "$ref": "#/components/responses/Conflict" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/cancel-email-change": {
              "post": {
                "tags": ["Auth"],
                "operationId": "cancelEmailChange",
                "summary": "Follow the link sent to the address an email change replaces: keep or restore that address and end every session",
                "description": "Works for EMAIL_CHANGE_CANCEL_TTL after the change was asked for, also after it was confirmed. The oldest unused link wins: it retires every cancel link made after it.",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/VerifyEmailInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/resend-verification": {
              "post": {
                "tags": ["Auth"],
                "operationId": "resendVerification",
                "summary": "Send a new verification link to the pending address, or to the account's unverified one (no body)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "409": { "$ref": "#/components/responses/Conflict" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/forgot-password": {
              "post": {
                "tags": ["Auth"],
                "operationId": "forgotPassword",
                "summary": "Send a password reset link; the answer is the same whether or not an account has the address",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ForgotPasswordInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/reset-password": {
              "post": {
                "tags": ["Auth"],
                "operationId": "resetPassword",
                "summary": "Set a new password with a reset token; forgets the account's failed sign-ins and ends every session",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ResetPasswordInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/auth/change-password": {
              "post": {
                "tags": ["Auth"],
                "operationId": "changePassword",
                "summary": "Change the caller's password; a wrong current password is throttled like a wrong sign-in (429 with Retry-After); every other session ends",
                "security": [{ "bearerAuth": [] }],
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ChangePasswordInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/auth/sessions": {
              "get": {
                "tags": ["Auth"],
                "operationId": "listSessions",
                "summary": "The caller's live sessions, most recently used first",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": {
                    "description": "The caller's live sessions; `current` marks the one making this request",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/SessionListEnvelope" } } }
                  },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/auth/sessions/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/SessionId" }],
              "delete": {
                "tags": ["Auth"],
                "operationId": "endSession",
                "summary": "End one of the caller's sessions (another user's session is not found)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/users/me": {
              "get": {
                "tags": ["Users"],
                "operationId": "getMe",
                "summary": "The caller's own account",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/User" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              },
              "patch": {
                "tags": ["Users"],
                "operationId": "updateMe",
                "summary": "Change the caller's name, or ask to change their email (needs currentPassword; kept pending until a link sent to it is followed)",
                "description": "An email change needs the current password (a wrong one is answered 400 naming currentPassword and throttled like a wrong sign-in). The address being replaced is sent a link that undoes the change and ends every session for EMAIL_CHANGE_CANCEL_TTL. An address of another account is answered exactly like a free one: its owner is told instead of sent a link, and it never becomes this account's email. At most five email changes an hour per account (429 beyond).",
                "security": [{ "bearerAuth": [] }],
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfilePatch" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/User" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/users": {
              "get": {
                "tags": ["Users"],
                "operationId": "listUsers",
                "summary": "List accounts, newest first (administrators)",
                "security": [{ "bearerAuth": [] }],
                "parameters": [
                  { "$ref": "#/components/parameters/Page" },
                  { "$ref": "#/components/parameters/Limit" },
                  { "$ref": "#/components/parameters/UserSearch" },
                  { "$ref": "#/components/parameters/Role" }
                ],
                "responses": {
                  "200": {
                    "description": "One page of accounts",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/UserListEnvelope" } } }
                  },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/users/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/UserId" }],
              "get": {
                "tags": ["Users"],
                "operationId": "getUser",
                "summary": "Read one account (administrators)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/AdminUser" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              },
              "patch": {
                "tags": ["Users"],
                "operationId": "updateUser",
                "summary": "Change an account's name, role or active flag (administrators; not demoting or disabling themselves)",
                "security": [{ "bearerAuth": [] }],
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AdminUserPatch" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/AdminUser" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "409": { "$ref": "#/components/responses/Conflict" },
                  "413": { "$ref": "#/components/responses/TooLarge" },
                  "415": { "$ref": "#/components/responses/UnsupportedMediaType" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              },
              "delete": {
                "tags": ["Users"],
                "operationId": "deleteUser",
                "summary": "Delete an account (kept, never shown, its email free again) and end its sessions (administrators; not their own)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "409": { "$ref": "#/components/responses/Conflict" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/users/{id}/unlock": {
              "parameters": [{ "$ref": "#/components/parameters/UserId" }],
              "post": {
                "tags": ["Users"],
                "operationId": "unlockUser",
                "summary": "Forget an account's failed sign-ins, so its next attempt need not wait (administrators)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/AdminUser" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/audit-events": {
              "get": {
                "tags": ["Audit"],
                "operationId": "listAuditEvents",
                "summary": "List audit events, newest first (administrators)",
                "security": [{ "bearerAuth": [] }],
                "parameters": [
                  { "$ref": "#/components/parameters/Page" },
                  { "$ref": "#/components/parameters/Limit" },
                  { "$ref": "#/components/parameters/AuditActor" },
                  { "$ref": "#/components/parameters/AuditAction" },
                  { "$ref": "#/components/parameters/AuditFrom" },
                  { "$ref": "#/components/parameters/AuditTo" }
                ],
                "responses": {
                  "200": {
                    "description": "One page of audit events",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AuditEventListEnvelope" } } }
                  },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            },
            "/api/v1/jobs/failed": {
              "get": {
                "tags": ["Jobs"],
                "operationId": "listFailedJobs",
                "summary": "List failed jobs, most recently failed first, with secret-looking payload values masked (administrators)",
                "security": [{ "bearerAuth": [] }],
                "parameters": [
                  { "$ref": "#/components/parameters/Page" },
                  { "$ref": "#/components/parameters/Limit" },
                  { "$ref": "#/components/parameters/JobQueue" }
                ],
                "responses": {
                  "200": {
                    "description": "One page of failed jobs",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/FailedJobListEnvelope" } } }
                  },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              },
              "delete": {
                "tags": ["Jobs"],
                "operationId": "purgeFailedJobs",
                "summary": "Delete the failed jobs older than FAILED_JOB_RETENTION (administrators)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": {
                    "description": "How many failed jobs were deleted",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/PurgeEnvelope" } } }
                  },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/jobs/failed/{id}/retry": {
              "parameters": [{ "$ref": "#/components/parameters/JobId" }],
              "post": {
                "tags": ["Jobs"],
                "operationId": "retryFailedJob",
                "summary": "Put a failed job back on its queue, due now, with a fresh count of attempts (administrators)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/jobs/failed/{id}": {
              "parameters": [{ "$ref": "#/components/parameters/JobId" }],
              "delete": {
                "tags": ["Jobs"],
                "operationId": "deleteFailedJob",
                "summary": "Delete a failed job (administrators)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": { "$ref": "#/components/responses/Done" },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            },
            "/api/v1/jobs/stats": {
              "get": {
                "tags": ["Jobs"],
                "operationId": "jobStats",
                "summary": "Count the jobs of every queue by state, with the alert on failed jobs (administrators)",
                "security": [{ "bearerAuth": [] }],
                "responses": {
                  "200": {
                    "description": "The counts",
                    "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                    "content": { "application/json": { "schema": { "$ref": "#/components/schemas/JobStatsEnvelope" } } }
                  },
                  "401": { "$ref": "#/components/responses/Unauthorized" },
                  "403": { "$ref": "#/components/responses/Forbidden" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" },
                  "503": { "$ref": "#/components/responses/ServiceUnavailable" }
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "The access token from register, login or refresh-token"
              }
            },
            "parameters": {
              "ExampleId": {
                "name": "id", "in": "path", "required": true, "description": "The example's id (UUIDv7)",
                "schema": { "type": "string" }
              },
              "Page": {
                "name": "page", "in": "query", "required": false, "description": "1-based page number (default 1)",
                "schema": { "type": "integer", "minimum": 1, "maximum": 1000000, "default": 1 }
              },
              "Limit": {
                "name": "limit", "in": "query", "required": false, "description": "Items per page (default 10; clamped to 1..100)",
                "schema": { "type": "integer", "default": 10 }
              },
              "Search": {
                "name": "search", "in": "query", "required": false,
                "description": "Keeps examples whose name or description contains this text (ASCII case ignored)",
                "schema": { "type": "string", "maxLength": 200 }
              },
              "JobId": {
                "name": "id", "in": "path", "required": true, "description": "The failed job's id (a UUID; any other text is simply not found)",
                "schema": { "type": "string" }
              },
              "JobQueue": {
                "name": "queue", "in": "query", "required": false, "description": "Only the failed jobs of this queue, such as email",
                "schema": { "type": "string", "minLength": 1, "maxLength": 100 }
              },
              "UserId": {
                "name": "id", "in": "path", "required": true, "description": "The user's id (a UUID; any other text is simply not found)",
                "schema": { "type": "string" }
              },
              "SessionId": {
                "name": "id", "in": "path", "required": true, "description": "The session's id (a UUID; any other text is simply not found)",
                "schema": { "type": "string" }
              },
              "UserSearch": {
                "name": "search", "in": "query", "required": false,
                "description": "Keeps accounts whose name or email contains this text (ASCII case ignored)",
                "schema": { "type": "string", "maxLength": 200 }
              },
              "Role": {
                "name": "role", "in": "query", "required": false, "description": "Keeps accounts with this role",
                "schema": { "type": "string", "enum": ["user", "admin"] }
              },
              "AuditActor": {
                "name": "actor", "in": "query", "required": false, "description": "Keeps events by the user with this id",
                "schema": { "type": "string", "format": "uuid" }
              },
              "AuditAction": {
                "name": "action", "in": "query", "required": false, "description": "Keeps events with exactly this action, such as auth.login",
                "schema": { "type": "string" }
              },
              "AuditFrom": {
                "name": "from", "in": "query", "required": false,
                "description": "Keeps events that occurred at or after this instant (inclusive), such as 2026-01-31T12:00:00.000Z",
                "schema": { "type": "string", "format": "date-time" }
              },
              "AuditTo": {
                "name": "to", "in": "query", "required": false,
                "description": "Keeps events that occurred before this instant (exclusive), such as 2026-02-01T00:00:00.000Z",
                "schema": { "type": "string", "format": "date-time" }
              }
            },
            "headers": {
              "RequestId": {
                "description": "The request id: the client's own when it sent a valid one, else a new UUID",
                "schema": { "type": "string" }
              },
              "RetryAfter": { "description": "Seconds to wait before retrying", "required": true, "schema": { "type": "integer", "minimum": 1 } },
              "WWWAuthenticate": { "description": "The scheme to authenticate with", "required": true, "schema": { "const": "Bearer" } }
            },
            "responses": {
              "Example": {
                "description": "The example",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExampleEnvelope" } } }
              },
              "Deleted": {
                "description": "The example was deleted",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/EmptyEnvelope" } } }
              },
              "Health": {
                "description": "Every dependency answers",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/HealthEnvelope" } } }
              },
              "HealthFailed": {
                "description": "A dependency does not answer; `data` holds the report",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "Status": {
                "description": "Up",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/StatusEnvelope" } } }
              },
              "StatusFailed": {
                "description": "Not ready: a dependency is down or the process is shutting down",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "BadRequest": {
                "description": "Malformed or invalid input; `errors` lists every problem",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "NotFound": {
                "description": "No such resource",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "TooLarge": {
                "description": "The body is larger than BODY_LIMIT",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "UnsupportedMediaType": {
                "description": "The body is not application/json",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "TooManyRequests": {
                "description": "Rate limited, or (sign-in, password change) too many recent wrong passwords for the account or from the client address; retry after Retry-After seconds",
                "headers": {
                  "X-Request-Id": { "$ref": "#/components/headers/RequestId" },
                  "Retry-After": { "$ref": "#/components/headers/RetryAfter" }
                },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "InternalError": {
                "description": "Unexpected failure; the message is generic and the request id finds the details in the logs",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "User": {
                "description": "The account",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/UserEnvelope" } } }
              },
              "AdminUser": {
                "description": "The account, with its failed sign-ins",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AdminUserEnvelope" } } }
              },
              "Profile": {
                "description": "The account, as `{user}`",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ProfileEnvelope" } } }
              },
              "Authentication": {
                "description": "The account and a new token pair",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/AuthenticationEnvelope" } } }
              },
              "Tokens": {
                "description": "A new access token and refresh token",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/TokensEnvelope" } } }
              },
              "Done": {
                "description": "Done; `data` is null",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/EmptyEnvelope" } } }
              },
              "Unauthorized": {
                "description": "Missing, invalid or expired credentials, or a wrong email or password (the message never says which)",
                "headers": {
                  "X-Request-Id": { "$ref": "#/components/headers/RequestId" },
                  "WWW-Authenticate": { "$ref": "#/components/headers/WWWAuthenticate" }
                },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "Forbidden": {
                "description": "The caller may not do this; the message says why",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "Conflict": {
                "description": "The change conflicts with the current state, such as an email address already registered or already verified",
                "headers": { "X-Request-Id": { "$ref": "#/components/headers/RequestId" } },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              },
              "ServiceUnavailable": {
                "description": "The server is busy (too many passwords waiting to be hashed) or a dependency does not answer; retry later",
                "headers": {
                  "X-Request-Id": { "$ref": "#/components/headers/RequestId" },
                  "Retry-After": { "$ref": "#/components/headers/RetryAfter" }
                },
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorEnvelope" } } }
              }
            },
            "schemas": {
              "FieldError": {
                "type": "object",
                "required": ["field", "message"],
                "properties": { "field": { "type": "string" }, "message": { "type": "string" } }
              },
              "ErrorEnvelope": {
                "type": "object",
                "required": ["success", "statusCode", "message", "requestId"],
                "properties": {
                  "success": { "const": false },
                  "statusCode": { "type": "integer" },
                  "message": { "type": "string" },
                  "errors": { "type": "array", "items": { "$ref": "#/components/schemas/FieldError" } },
                  "data": { "description": "A report about the failure, where there is one (health checks)" },
                  "requestId": { "type": "string" }
                }
              },
              "Example": {
                "type": "object",
                "required": ["id", "ownerId", "name", "description", "createdAt", "updatedAt"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "ownerId": {
                    "type": ["string", "null"], "format": "uuid",
                    "description": "The user who created it; null for examples made before accounts existed (only administrators may change those)"
                  },
                  "name": { "$ref": "#/components/schemas/ExampleName" },
                  "description": { "$ref": "#/components/schemas/ExampleDescription" },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "updatedAt": { "type": "string", "format": "date-time" }
                }
              },
              "ExampleInput": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name"],
                "properties": {
                  "name": { "$ref": "#/components/schemas/ExampleName" },
                  "description": { "$ref": "#/components/schemas/ExampleDescription" }
                }
              },
              "ExamplePatch": {
                "type": "object",
                "additionalProperties": false,
                "minProperties": 1,
                "properties": {
                  "name": { "$ref": "#/components/schemas/ExampleName" },
                  "description": { "$ref": "#/components/schemas/ExampleDescription" }
                }
              },
              "PageMeta": {
                "type": "object",
                "required": ["page", "limit", "total", "totalPages"],
                "properties": {
                  "page": { "type": "integer" },
                  "limit": { "type": "integer" },
                  "total": { "type": "integer" },
                  "totalPages": { "type": "integer" }
                }
              },
              "PageLinks": {
                "type": "object",
                "required": ["first", "last", "prev", "next"],
                "properties": {
                  "first": { "type": "string" },
                  "last": { "type": "string" },
                  "prev": { "type": ["string", "null"] },
                  "next": { "type": ["string", "null"] }
                }
              },
              "SuccessEnvelope": {
                "type": "object",
                "required": ["success", "statusCode", "message", "data", "requestId"],
                "properties": {
                  "success": { "const": true },
                  "statusCode": { "type": "integer" },
                  "message": { "type": "string" },
                  "requestId": { "type": "string" }
                }
              },
              "ExampleEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/Example" } } }
                ]
              },
              "ExampleListEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  {
                    "type": "object",
                    "required": ["meta", "links"],
                    "properties": {
                      "data": { "type": "array", "items": { "$ref": "#/components/schemas/Example" } },
                      "meta": { "$ref": "#/components/schemas/PageMeta" },
                      "links": { "$ref": "#/components/schemas/PageLinks" }
                    }
                  }
                ]
              },
              "EmptyEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "type": "null" } } }
                ]
              },
              "CheckResult": {
                "type": "object",
                "required": ["status", "latencyMs"],
                "properties": {
                  "status": { "enum": ["up", "down"] },
                  "latencyMs": { "type": "number" },
                  "error": { "type": "string" }
                }
              },
              "HealthReport": {
                "type": "object",
                "required": ["status", "version", "uptime", "timestamp", "checks"],
                "properties": {
                  "status": { "enum": ["ok", "error"] },
                  "version": { "type": "string" },
                  "uptime": { "type": "number", "description": "Seconds since start" },
                  "timestamp": { "type": "string", "format": "date-time" },
                  "checks": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/CheckResult" } },
                  "queue": {
                    "type": "object",
                    "description": "The failed jobs against FAILED_JOBS_ALERT_THRESHOLD; absent when the queue did not answer",
                    "additionalProperties": false,
                    "required": ["failed", "failedJobsAlertThreshold", "alert"],
                    "properties": {
                      "failed": { "type": "integer", "minimum": 0 },
                      "failedJobsAlertThreshold": { "type": "integer", "minimum": 1 },
                      "alert": { "type": "boolean" }
                    }
                  }
                }
              },
              "HealthEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/HealthReport" } } }
                ]
              },
              "StatusEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  {
                    "type": "object",
                    "properties": {
                      "data": {
                        "type": "object",
                        "required": ["status"],
                        "properties": {
                          "status": { "type": "string" },
                          "checks": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/CheckResult" } }
                        }
                      }
                    }
                  }
                ]
              },
              "User": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "name", "email", "pendingEmail", "role", "emailVerified", "isActive", "createdAt", "updatedAt"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "name": { "type": "string", "minLength": 1 },
                  "email": { "type": "string", "format": "email" },
                  "pendingEmail": {
                    "type": ["string", "null"], "format": "email",
                    "description": "An address the user asked to change to; it replaces email once the link sent to it is followed"
                  },
                  "role": { "type": "string", "enum": ["user", "admin"] },
                  "emailVerified": { "type": "boolean" },
                  "isActive": { "type": "boolean" },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "updatedAt": { "type": "string", "format": "date-time" }
                }
              },
              "AdminUser": {
                "type": "object",
                "additionalProperties": false,
                "required": [
                  "id", "name", "email", "pendingEmail", "role", "emailVerified", "isActive", "failedLoginAttempts", "lockedUntil",
                  "createdAt", "updatedAt"
                ],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "name": { "type": "string", "minLength": 1 },
                  "email": { "type": "string", "format": "email" },
                  "pendingEmail": { "type": ["string", "null"], "format": "email" },
                  "role": { "type": "string", "enum": ["user", "admin"] },
                  "emailVerified": { "type": "boolean" },
                  "isActive": { "type": "boolean" },
                  "failedLoginAttempts": {
                    "type": "integer", "minimum": 0, "description": "Wrong passwords remembered for the account (forgotten after a success, an unlock, a reset, or LOCKOUT_RESET without another)"
                  },
                  "lockedUntil": {
                    "type": ["string", "null"], "format": "date-time",
                    "description": "Until when the account's next sign-in attempt has to wait; null when it need not wait. Sessions are never affected"
                  },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "updatedAt": { "type": "string", "format": "date-time" }
                }
              },
              "Tokens": {
                "type": "object",
                "additionalProperties": false,
                "required": ["accessToken", "refreshToken"],
                "properties": {
                  "accessToken": { "type": "string", "description": "A short-lived JWT for the Authorization: Bearer header" },
                  "refreshToken": { "type": "string", "description": "An opaque token for refresh-token and logout; each use replaces it" }
                }
              },
              "Authentication": {
                "type": "object",
                "additionalProperties": false,
                "required": ["user", "tokens"],
                "properties": {
                  "user": { "$ref": "#/components/schemas/User" },
                  "tokens": { "$ref": "#/components/schemas/Tokens" }
                }
              },
              "Profile": {
                "type": "object",
                "additionalProperties": false,
                "required": ["user"],
                "properties": { "user": { "$ref": "#/components/schemas/User" } }
              },
              "Session": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "userAgent", "ipAddress", "createdAt", "lastUsedAt", "expiresAt", "current"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "userAgent": { "type": ["string", "null"] },
                  "ipAddress": { "type": ["string", "null"] },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "lastUsedAt": { "type": "string", "format": "date-time" },
                  "expiresAt": { "type": "string", "format": "date-time", "description": "When the current refresh token expires" },
                  "current": { "type": "boolean", "description": "Whether this is the session making the request" }
                }
              },
              "AuditEvent": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "occurredAt", "actorId", "action", "targetId", "outcome", "ipAddress", "userAgent", "requestId", "detail"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "occurredAt": { "type": "string", "format": "date-time" },
                  "actorId": { "type": ["string", "null"], "format": "uuid", "description": "The user who acted; null when unknown" },
                  "action": { "type": "string", "description": "What happened, such as auth.login" },
                  "targetId": { "type": ["string", "null"], "description": "What was acted on, when not the actor alone" },
                  "outcome": { "type": "string", "enum": ["success", "failure"] },
                  "ipAddress": { "type": ["string", "null"] },
                  "userAgent": { "type": ["string", "null"] },
                  "requestId": { "type": ["string", "null"] },
                  "detail": { "type": ["string", "null"], "description": "A short note, such as why a login failed" }
                }
              },
              "RegisterInput": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name", "email", "password"],
                "properties": {
                  "name": { "$ref": "#/components/schemas/PersonName" },
                  "email": { "$ref": "#/components/schemas/EmailInput" },
                  "password": { "$ref": "#/components/schemas/NewPassword" }
                }
              },
              "LoginInput": {
                "type": "object",
                "required": ["email", "password"],
                "properties": {
                  "email": { "$ref": "#/components/schemas/EmailLookup" },
                  "password": { "$ref": "#/components/schemas/CurrentPassword" }
                }
              },
              "RefreshTokenInput": {
                "type": "object",
                "required": ["refreshToken"],
                "properties": { "refreshToken": { "$ref": "#/components/schemas/OpaqueToken" } }
              },
              "VerifyEmailInput": {
                "type": "object",
                "required": ["token"],
                "properties": { "token": { "$ref": "#/components/schemas/OpaqueToken" } }
              },
              "ForgotPasswordInput": {
                "type": "object",
                "required": ["email"],
                "properties": { "email": { "$ref": "#/components/schemas/EmailLookup" } }
              },
              "ResetPasswordInput": {
                "type": "object",
                "required": ["token", "newPassword"],
                "properties": {
                  "token": { "$ref": "#/components/schemas/OpaqueToken" },
                  "newPassword": { "$ref": "#/components/schemas/NewPassword" }
                }
              },
              "ChangePasswordInput": {
                "type": "object",
                "required": ["currentPassword", "newPassword"],
                "properties": {
                  "currentPassword": { "$ref": "#/components/schemas/CurrentPassword" },
                  "newPassword": { "$ref": "#/components/schemas/NewPassword", "description": "Must differ from currentPassword" }
                }
              },
              "ProfilePatch": {
                "type": "object",
                "additionalProperties": false,
                "minProperties": 1,
                "dependentRequired": { "email": ["currentPassword"] },
                "properties": {
                  "name": { "$ref": "#/components/schemas/PersonName" },
                  "email": {
                    "$ref": "#/components/schemas/EmailInput",
                    "description": "Kept as pendingEmail until the link sent to it is followed; the current address cancels a pending change"
                  },
                  "currentPassword": {
                    "$ref": "#/components/schemas/CurrentPassword",
                    "description": "Required with email (re-authentication); checked whenever sent"
                  }
                }
              },
              "AdminUserPatch": {
                "type": "object",
                "additionalProperties": false,
                "minProperties": 1,
                "properties": {
                  "name": { "$ref": "#/components/schemas/PersonName" },
                  "role": { "type": "string", "enum": ["user", "admin"] },
                  "isActive": { "type": "boolean", "description": "false disables the account and ends its sessions" }
                }
              },
              "NewPassword": __NEW_PASSWORD__,
              "PersonName": {
                "type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
                "description": "At most 100 code points with something besides whitespace, and no control characters; kept trimmed"
              },
              "ExampleName": {
                "type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$",
                "description": "At most 200 code points with something besides whitespace, and no control characters; kept trimmed"
              },
              "ExampleDescription": {
                "type": ["string", "null"], "maxLength": 2000, "pattern": "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
                "description": "At most 2000 code points; no control characters other than tab, CR and LF; kept trimmed, and empty becomes null"
              },
              "EmailLookup": {
                "type": "string", "minLength": 1, "maxLength": 254, "pattern": "\\S",
                "description": "The address an account was registered with; trimmed and compared lower-cased. Any text is looked up: one that matches no account is not found"
              },
              "EmailInput": {
                "type": "string", "format": "email", "maxLength": 254, "pattern": "^(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
                "description": "An ASCII address: a dot-atom of at most 64 characters, @, and a domain of two or more letter-digit-hyphen labels (no quoted local parts, IP literals or surrounding spaces). Kept lower-cased"
              },
              "CurrentPassword": { "type": "string", "minLength": 1, "maxLength": 1024 },
              "OpaqueToken": { "type": "string", "minLength": 1, "maxLength": 512 },
              "UserEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/User" } } }
                ]
              },
              "AdminUserEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/AdminUser" } } }
                ]
              },
              "ProfileEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/Profile" } } }
                ]
              },
              "AuthenticationEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/Authentication" } } }
                ]
              },
              "TokensEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/Tokens" } } }
                ]
              },
              "SessionListEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "type": "array", "items": { "$ref": "#/components/schemas/Session" } } } }
                ]
              },
              "UserListEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  {
                    "type": "object",
                    "required": ["meta", "links"],
                    "properties": {
                      "data": { "type": "array", "items": { "$ref": "#/components/schemas/AdminUser" } },
                      "meta": { "$ref": "#/components/schemas/PageMeta" },
                      "links": { "$ref": "#/components/schemas/PageLinks" }
                    }
                  }
                ]
              },
              "FailedJob": {
                "type": "object",
                "additionalProperties": false,
                "required": ["id", "queue", "kind", "payload", "attempts", "lastError", "createdAt", "failedAt"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "queue": { "type": "string", "description": "The queue it came from and goes back to on retry" },
                  "kind": { "type": "string", "description": "What the job does, such as email.verification" },
                  "payload": {
                    "type": "object", "additionalProperties": { "type": "string" },
                    "description": "The job's input; values whose keys name a secret (token, password, key...) are shown as ***"
                  },
                  "attempts": { "type": "integer", "minimum": 0 },
                  "lastError": { "type": ["string", "null"], "description": "Why the last attempt failed" },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "failedAt": { "type": ["string", "null"], "format": "date-time" }
                }
              },
              "QueueCounts": {
                "type": "object",
                "additionalProperties": false,
                "required": ["waiting", "delayed", "active", "failed"],
                "properties": {
                  "waiting": { "type": "integer", "minimum": 0, "description": "Due now" },
                  "delayed": { "type": "integer", "minimum": 0, "description": "Scheduled for later, or waiting for a retry" },
                  "active": { "type": "integer", "minimum": 0, "description": "Being run under a live lease" },
                  "failed": { "type": "integer", "minimum": 0, "description": "In the dead-letter queue" }
                }
              },
              "JobStats": {
                "type": "object",
                "additionalProperties": false,
                "required": ["queues", "totals", "failedJobsAlertThreshold", "alert"],
                "properties": {
                  "queues": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/QueueCounts" } },
                  "totals": { "$ref": "#/components/schemas/QueueCounts" },
                  "failedJobsAlertThreshold": { "type": "integer", "minimum": 1 },
                  "alert": { "type": "boolean", "description": "Whether the failed jobs reach the threshold" }
                }
              },
              "FailedJobListEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  {
                    "type": "object",
                    "required": ["meta", "links"],
                    "properties": {
                      "data": { "type": "array", "items": { "$ref": "#/components/schemas/FailedJob" } },
                      "meta": { "$ref": "#/components/schemas/PageMeta" },
                      "links": { "$ref": "#/components/schemas/PageLinks" }
                    }
                  }
                ]
              },
              "JobStatsEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  { "type": "object", "properties": { "data": { "$ref": "#/components/schemas/JobStats" } } }
                ]
              },
              "PurgeEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  {
                    "type": "object",
                    "properties": {
                      "data": {
                        "type": "object", "additionalProperties": false, "required": ["deleted"],
                        "properties": { "deleted": { "type": "integer", "minimum": 0 } }
                      }
                    }
                  }
                ]
              },
              "AuditEventListEnvelope": {
                "allOf": [
                  { "$ref": "#/components/schemas/SuccessEnvelope" },
                  {
                    "type": "object",
                    "required": ["meta", "links"],
                    "properties": {
                      "data": { "type": "array", "items": { "$ref": "#/components/schemas/AuditEvent" } },
                      "meta": { "$ref": "#/components/schemas/PageMeta" },
                      "links": { "$ref": "#/components/schemas/PageLinks" }
                    }
                  }
                ]
              }
            }
          }
        }
        """#
}
