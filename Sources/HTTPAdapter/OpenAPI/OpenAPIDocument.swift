/// The OpenAPI 3.1 document: the contract of the API. `RouteContractTests` fails when a route and this document
/// disagree. `portside openapi` prints it; `/openapi.json` serves it.
enum OpenAPIDocument {
    static let json = #"""
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
            { "name": "Examples", "description": "The example resource every module copies" }
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
                "summary": "Create an example",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExampleInput" } } }
                },
                "responses": {
                  "201": { "$ref": "#/components/responses/Example" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
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
                "summary": "Replace name and description",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExampleInput" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Example" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
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
                "summary": "Change some fields",
                "requestBody": {
                  "required": true,
                  "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ExamplePatch" } } }
                },
                "responses": {
                  "200": { "$ref": "#/components/responses/Example" },
                  "400": { "$ref": "#/components/responses/BadRequest" },
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
                "summary": "Delete an example (it is kept, but no longer found)",
                "responses": {
                  "200": { "$ref": "#/components/responses/Deleted" },
                  "404": { "$ref": "#/components/responses/NotFound" },
                  "429": { "$ref": "#/components/responses/TooManyRequests" },
                  "500": { "$ref": "#/components/responses/InternalError" }
                }
              }
            }
          },
          "components": {
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
              }
            },
            "headers": {
              "RequestId": {
                "description": "The request id: the client's own when it sent a valid one, else a new UUID",
                "schema": { "type": "string" }
              },
              "RetryAfter": { "description": "Seconds to wait before retrying", "schema": { "type": "integer" } }
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
                "description": "Rate limited",
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
                "required": ["id", "name", "description", "createdAt", "updatedAt"],
                "properties": {
                  "id": { "type": "string", "format": "uuid" },
                  "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                  "description": { "type": ["string", "null"], "maxLength": 2000 },
                  "createdAt": { "type": "string", "format": "date-time" },
                  "updatedAt": { "type": "string", "format": "date-time" }
                }
              },
              "ExampleInput": {
                "type": "object",
                "additionalProperties": false,
                "required": ["name"],
                "properties": {
                  "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                  "description": { "type": ["string", "null"], "maxLength": 2000 }
                }
              },
              "ExamplePatch": {
                "type": "object",
                "additionalProperties": false,
                "minProperties": 1,
                "properties": {
                  "name": { "type": "string", "minLength": 1, "maxLength": 200 },
                  "description": { "type": ["string", "null"], "maxLength": 2000 }
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
                  "checks": { "type": "object", "additionalProperties": { "$ref": "#/components/schemas/CheckResult" } }
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
              }
            }
          }
        }
        """#
}
