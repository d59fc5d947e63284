extension HTTPApplication {
    /// The OpenAPI document served at `/openapi.json`, for the default password policy; nil when the resource
    /// directory holding its parts is not beside the executable.
    public static var openAPIDocument: String? { OpenAPIDocument.json }
}
