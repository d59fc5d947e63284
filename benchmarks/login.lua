-- POST /api/v1/auth/login, rotating over the sixteen seeded login accounts (login0@example.com ... login15@example.com):
-- logins of one account are checked one at a time, so a benchmark of one account would measure one core.
local counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

request = function()
    counter = counter + 1
    local body = string.format('{"email":"login%d@example.com","password":"Passw0rd!"}', counter % 16)
    return wrk.format(nil, nil, nil, body)
end
