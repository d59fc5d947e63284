-- Rotates full-text queries over the seeded vocabulary: common and rare words, two words, a phrase, an "or" and an
-- exclusion, ten results per page.
local queries = {
    "harbour", "crane", "quay%20lantern", "%22blue%20crane%22", "anchor%20or%20buoy", "rope%20-tar",
    "zephyr", "harbour%20crane%20rope", "lantern", "mooring%20-blue", "pier", "%22old%20rope%22",
}
local index = 0
request = function()
    index = index % #queries + 1
    return wrk.format("GET", "/api/v1/examples?limit=10&q=" .. queries[index])
end
