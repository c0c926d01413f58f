#!/usr/bin/env python3
"""The writer of make scale-test (scripts/scale-test.sh): while wrk loads the servers, edits
enterprises through nginx one at a time (POST /api/enterprises, the API's upsert by USCC: a new
name and head count), each USCC once, and records every acknowledged write (HTTP 201) with its
values, so the script can check afterwards that none was lost. At publish_at seconds it creates a
policy and publishes it, then asks each server directly
  - for its health until the server says it has applied the publish (notices.freshness: the
    catalog and the search index rebuilt from a notice written after the publish was sent), and
    records the lag the server measured from the primary's commit to its swap — the freshness
    the issue asks for, which no request queue delays;
  - by searching until the policy is found, and records how long after the acknowledgement that
    was — what a client sees, which includes waiting behind the load's requests. Bounded: stops at the deadline; every request times out after 10 s.
Traffic goes to 127.0.0.1 only. Signed in with the session in $SCALE_COOKIE / $SCALE_CSRF.

With $SCALE_READY_FILE set, the publish waits (at most until 8 s before the end) for that file.

usage: writer.py NGINX_URL SERVER1_URL SERVER2_URL USCC_FILE ACKED_TSV SECONDS INTERVAL PUBLISH_AT
prints one JSON object (counts, the publish's timings)."""
import http.client
import json
import os
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
        # the demo administrator's session (scale-test.sh signs in): any server accepts it
        headers["Cookie"] = os.environ.get("SCALE_COOKIE", "")
        headers["X-CSRF-Token"] = os.environ.get("SCALE_CSRF", "")
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
        sent = time.time()
        sent_ms = int(sent * 1000)  # the clock the primary's notices carry (same machine)
        st, b = request(nginx, "POST", "/api/policies/%d/publish" % pid)
        if st != 200:
            out["error"] = "publish: HTTP %d" % st
            return out
    except Exception as e:  # a refused or timed-out request is a result, not a crash
        out["error"] = "publish: %s" % e
        return out
    acked = time.time()
    out["publish_request_ms"] = round((acked - sent) * 1000)
    out["visible_ms"] = {}
    out["applied"] = {}  # per server: what its health says about the publish's notice
    q = "/api/search?q=" + urllib.parse.quote("算力券") + "&limit=100"
    out["tries"] = {}
    out["slowest_search_ms"] = {}  # how long one search took under the load (queueing included)
    pending = dict(servers)  # not yet found by a search
    unapplied = dict(servers)  # health does not yet show the publish applied
    while (pending or unapplied) and time.time() - acked < 10:
        for name, base in list(unapplied.items()):
            a = applied(base, sent_ms)
            if a is not None:
                out["applied"][name] = a
                del unapplied[name]
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
    for name in unapplied:
        out["applied"][name] = None  # not applied (or not said so) within 10 s
    return out


def applied(base, sent_ms):
    """The server's own record of applying the publish (GET /api/health, notices.freshness): for
    the clause catalog and the search index, when the newest applied notice was written on the
    primary and when this server had swapped in the result, once both are from after sent_ms (the
    publish); None until then."""
    try:
        st, b = request(base, "GET", "/api/health", timeout=5)
        f = json.loads(b)["notices"]["freshness"]
    except Exception:
        return None
    out = {}
    for kind in ("catalog", "search"):
        k = f.get(kind) or {}
        c, a = k.get("committed_at_ms"), k.get("applied_at_ms")
        if not c or c < sent_ms or not a:
            return None
        out[kind] = {"committed_at_ms": c, "applied_at_ms": a, "lag_ms": a - c}
    return out


def main():
    nginx, s1, s2, uscc_file, acked_path, seconds, interval, publish_at = sys.argv[1:9]
    seconds, interval, publish_at = float(seconds), float(interval), float(publish_at)
    ready_file = os.environ.get("SCALE_READY_FILE", "")
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
            # after server 2's restart (scale-test.sh creates the file), so that the publish
            # measures a running server's freshness, not its start-up; at the latest 8 s before
            # the end
            is_ready = not ready_file or os.path.exists(ready_file) or now >= seconds - 8
            if pub is None and now >= publish_at and is_ready:
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
