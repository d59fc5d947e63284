-- GET /api/v1/examples/{id} over the seeded ids (the `ids` table is prepended by benchmarks/cache.sh), in turn.
local index = 0
request = function()
    index = index % #ids + 1
    return wrk.format("GET", "/api/v1/examples/" .. ids[index])
end
