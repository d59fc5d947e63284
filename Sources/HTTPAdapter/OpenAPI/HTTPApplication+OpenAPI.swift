extension HTTPApplication {
    /// The OpenAPI document served at `/openapi.json`.
    public static var openAPIDocument: String { OpenAPIDocument.json }
}
