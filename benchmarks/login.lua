-- POST /api/v1/auth/login for the seeded benchmark account (wrk -s benchmarks/login.lua).
wrk.method = "POST"
wrk.body = '{"email":"bench@example.com","password":"Passw0rd!"}'
wrk.headers["Content-Type"] = "application/json"
