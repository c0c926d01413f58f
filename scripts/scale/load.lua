-- wrk script of make scale-test (scripts/scale-test.sh): a mix of the read endpoints an enterprise
-- or an officer hits on the morning a policy is announced. Arguments (after --): a file of USCCs,
-- one a line, a file of clause ids, the session cookie ("duijie_session=…") and its CSRF token
-- (the demo administrator's: matching needs a signed-in role, docs/AUTH.md). Per 10 requests: 4 searches, 3 "my matches" of an
-- enterprise, 2 rule previews (POST, evaluated on the index), 1 page of a clause's enterprises.
-- An optional fifth argument names one kind only (search, matches, preview, clause: scripts/scale/
-- cost.sh measures each alone). done() prints one line "SCALE_JSON {...}" with the figures the script puts in scale.json.
local usccs, clauses = {}, {}
local queries = {"高新技术企业", "研发费用", "专精特新", "贷款贴息", "人才", "首台套",
                 "技术改造", "知识产权", "小微企业", "算力券"}
local rules = {
    '{"rule":"资质 包含 \\"高新技术企业\\""}',
    '{"rule":"营业收入 >= 1000万元 且 从业人员 <= 300"}',
    '{"rule":"研发费用占比 >= 5%"}',
    '{"rule":"资质 包含 \\"专精特新中小企业\\" 且 成立年限 >= 3"}',
}
local n = 0
local only = nil -- the kind to send alone, or nil: the mix
local headers = {}

local function read_lines(path, into)
    for line in io.lines(path) do
        if #line > 0 then into[#into + 1] = line end
    end
end

local function escape(s)
    return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
    read_lines(args[1], usccs)
    read_lines(args[2], clauses)
    headers = {["Cookie"] = args[3], ["X-CSRF-Token"] = args[4]}
    only = ({search = 0, matches = 4, preview = 7, clause = 9})[args[5] or ""]
    n = math.random(0, 9)
end

function request()
    n = n + 1
    local k = only or n % 10
    if k < 4 then
        return wrk.format("GET", "/api/search?q=" .. escape(queries[math.random(#queries)]),
                          headers)
    elseif k < 7 then
        return wrk.format("GET", "/api/enterprises/" .. usccs[math.random(#usccs)] .. "/matches",
                          headers)
    elseif k < 9 then
        local h = {["Content-Type"] = "application/json", ["Cookie"] = headers["Cookie"],
                   ["X-CSRF-Token"] = headers["X-CSRF-Token"]}
        return wrk.format("POST", "/api/match/preview", h, rules[math.random(#rules)])
    end
    return wrk.format("GET", "/api/clauses/" .. clauses[math.random(#clauses)] ..
                      "/enterprises?page=" .. math.random(1, 5), headers)
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'SCALE_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"latency_us":{"p50":%d,"p90":%d,' ..
        '"p99":%d,"max":%d,"mean":%.0f},"errors":{"connect":%d,"read":%d,"write":%d,' ..
        '"non_2xx":%d,"timeout":%d}}\n',
        summary.requests, summary.duration, summary.bytes, latency:percentile(50),
        latency:percentile(90), latency:percentile(99), latency.max, latency.mean, e.connect,
        e.read, e.write, e.status, e.timeout))
end
