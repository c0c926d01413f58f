#!/usr/bin/env python3
"""The writer of make scale-test (scripts/scale-test.sh): while wrk loads the servers, edits
enterprises through nginx one at a time (POST /api/enterprises, the API's upsert by USCC: a new
name and head count), each USCC once, and records every acknowledged write (HTTP 201) with its
values, so the script can check afterwards that none was lost. At publish_at seconds it creates a
policy and publishes it, then asks each server directly (search) until the policy is found, and
records how long that took. Bounded: stops at the deadline; every request times out after 10 s.
Traffic goes to 127.0.0.1 only.

usage: writer.py NGINX_URL SERVER1_URL SERVER2_URL USCC_FILE ACKED_TSV SECONDS INTERVAL PUBLISH_AT
prints one JSON object (counts, the publish's timings)."""
import http.client
import json
import sys
import time
import urllib.parse


def request(base, method, path, body=None, timeout=10.0):
    u = urllib.parse.urlsplit(base)
    assert u.hostname == "127.0.0.1", "loopback only"
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
    try:
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        c.request(method, path, body=data, headers=headers)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def publish(nginx, servers, started):
    code = "SCALE-%d" % int(time.time())
    out = {"code": code, "at_s": round(time.time() - started, 2)}
    body = {"title": "青岛市规模测试算力券专项政策 " + code, "code": code,
            "clauses": [{"title": "算力券补助", "text": "对高新技术企业给予算力券补助。",
                         "rule": "资质 包含 \"高新技术企业\""}]}
    try:
        st, b = request(nginx, "POST", "/api/policies", body)
        if st != 201:
            out["error"] = "create: HTTP %d" % st
            return out
        pid = json.loads(b)["id"]
        st, b = request(nginx, "POST", "/api/policies/%d/publish" % pid)
        if st != 200:
            out["error"] = "publish: HTTP %d" % st
            return out
    except Exception as e:  # a refused or timed-out request is a result, not a crash
        out["error"] = "publish: %s" % e
        return out
    acked = time.time()
    out["visible_ms"] = {}
    q = "/api/search?q=" + urllib.parse.quote("算力券") + "&limit=100"
    out["tries"] = {}
    out["slowest_search_ms"] = {}  # how long one search took under the load (queueing included)
    pending = dict(servers)
    while pending and time.time() - acked < 10:
        for name, base in list(pending.items()):
            t = time.time()
            try:
                st, b = request(base, "GET", q, timeout=5)
                found = st == 200 and ('"policy_id":"%s"' % code) in b.decode()
            except Exception:
                found = False
            took = round((time.time() - t) * 1000)
            out["tries"][name] = out["tries"].get(name, 0) + 1
            out["slowest_search_ms"][name] = max(out["slowest_search_ms"].get(name, 0), took)
            if found:
                out["visible_ms"][name] = round((time.time() - acked) * 1000)
                del pending[name]
        time.sleep(0.02)
    for name in pending:
        out["visible_ms"][name] = None  # not seen within 10 s
    return out


def main():
    nginx, s1, s2, uscc_file, acked_path, seconds, interval, publish_at = sys.argv[1:9]
    seconds, interval, publish_at = float(seconds), float(interval), float(publish_at)
    usccs = [line.strip() for line in open(uscc_file) if line.strip()]
    started = time.time()
    sent = acked = failed = 0
    errors = {}
    pub = None
    with open(acked_path, "w") as ack:
        for i, uscc in enumerate(usccs):
            now = time.time() - started
            if now >= seconds:
                break
            if pub is None and now >= publish_at:
                pub = publish(nginx, {"server1": s1, "server2": s2}, started)
            name = "青岛规模测试%d号有限公司" % i
            employees = 1000 + i
            sent += 1
            try:
                st, _ = request(nginx, "POST", "/api/enterprises",
                                {"uscc": uscc, "name": name, "employees": employees})
            except Exception as e:
                st, key = 0, type(e).__name__
            else:
                key = "HTTP %d" % st
            if st == 201:
                acked += 1
                ack.write("%s\t%s\t%d\n" % (uscc, name, employees))
                ack.flush()
            else:
                failed += 1
                errors[key] = errors.get(key, 0) + 1
            time.sleep(interval)
    if pub is None:
        pub = publish(nginx, {"server1": s1, "server2": s2}, started)
    print(json.dumps({"sent": sent, "acked": acked, "failed": failed, "errors": errors,
                      "publish": pub}, ensure_ascii=False))


if __name__ == "__main__":
    main()
