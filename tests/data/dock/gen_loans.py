#!/usr/bin/env python3
"""Writes loans.json: loan cases with expected schedules, fees, 贴息 and IRR worked out here with
exact fractions, independently of the C code. Run: python3 tests/data/dock/gen_loans.py

Rules (docs/DOCK.md): monthly rate = annual bp / 12 / 10000; interest each month = outstanding ×
monthly rate, rounded half up to the fen; the equal instalment and the equal-principal share P/n
rounded half up; the last payment repays what remains. Fees at drawdown. Monthly IRR bracketed in
[lo, lo+1] / 10^10 by bisection over [-q/2, q]; APR = 12 × lo / q, EAR = (1 + lo/q)^12 - 1, both as
percents truncated to 6 decimals."""
import json
import os
from fractions import Fraction as F
from math import floor

Q = 10**10


def half_up(x):
    return floor(x + F(1, 2))


def schedule(P, r, n, method):
    i = F(r, 120000)
    if method == "equal-instalment":
        A = F(P, n) if r == 0 else P * i * (1 + i) ** n / ((1 + i) ** n - 1)
        A = half_up(A)
    share = half_up(F(P, n))
    rem, pays, ints, starts = P, [], [], []
    for k in range(n):
        starts.append(rem)
        it = half_up(rem * i)
        if method == "equal-instalment":
            pr = A - it
        elif method == "equal-principal":
            pr = share
        else:
            pr = 0
        if pr > rem or k == n - 1:
            pr = rem
        pr = max(pr, 0)
        rem -= pr
        pays.append(pr + it)
        ints.append(it)
    assert rem == 0
    return pays, ints, starts


def sign_npv(cf, p):
    n = len(cf) - 1
    v = sum(c * (Q + p) ** (n - k) * Q**k for k, c in enumerate(cf))
    return (v > 0) - (v < 0)


def irr(cf):
    lo, hi = -Q // 2, Q
    slo, shi = sign_npv(cf, lo), sign_npv(cf, hi)
    if slo == shi and slo != 0:
        return None
    if slo == 0:
        hi = lo
    while hi - lo > 1:
        mid = lo + (hi - lo) // 2
        s = sign_npv(cf, mid)
        if s == 0:
            lo = mid
            break
        if s == slo:
            lo = mid
        else:
            hi = mid
    return lo


def pct6(x):
    neg = x < 0
    v = floor(abs(x) * 100 * 10**6)
    return ("-" if neg else "") + "%d.%06d" % (v // 10**6, v % 10**6)


def case(name, P, r, n, method, fees=None, subsidy=None):
    pays, ints, starts = schedule(P, r, n, method)
    c = {"name": name, "principal_fen": P, "rate_bp": r, "months": n, "method": method}
    exp = {"payments_fen": pays, "total_interest_fen": sum(ints)}
    fee = 0
    if fees:
        c["fees"] = fees
        fee = (fees.get("upfront_fen", 0) + half_up(F(P * fees.get("upfront_bp", 0), 10000))
               + half_up(F(P * fees.get("guarantee_bp_year", 0) * n, 120000)))
    sub = 0
    paid = n
    if subsidy:
        c["subsidy"] = subsidy
        if "rate_bp" in subsidy:
            bp = min(subsidy["rate_bp"], r)
            sub = half_up(sum(F(s * bp, 120000) for s in starts))
        else:
            num, den = subsidy["share"]
            sub = half_up(sum(ints) * F(num, den))
        sub = min(sub, sum(ints))
        if subsidy.get("cap_fen"):
            sub = min(sub, subsidy["cap_fen"])
        paid = subsidy.get("paid_month") or n
    cf = [P - fee] + [-p for p in pays]
    cf[paid] += sub
    lo = irr(cf)
    exp.update({"fees_fen": fee, "subsidy_fen": sub, "net_cost_fen": sum(ints) + fee - sub})
    if lo is None:
        exp["irr_monthly_lo"] = None
    else:
        exp["irr_monthly_lo"] = lo
        exp["apr_percent"] = pct6(F(12 * lo, Q))
        exp["ear_percent"] = pct6(F((Q + lo) ** 12 - Q**12, Q**12))
    c["expect"] = exp
    return c


def main():
    cases = [
        case("100万 4.35% 12期 等额本息", 100000000, 435, 12, "equal-instalment"),
        case("100万 4.35% 12期 等额本金", 100000000, 435, 12, "equal-principal"),
        case("100万 4.35% 12期 先息后本", 100000000, 435, 12, "interest-only"),
        case("500万 3.45% 36期 等额本息", 500000000, 345, 36, "equal-instalment"),
        case("30年房贷式 4.9% 360期", 100000000, 490, 360, "equal-instalment"),
        case("30年 等额本金", 100000000, 490, 360, "equal-principal"),
        case("零利率 等额本息 余数", 100, 0, 3, "equal-instalment"),
        case("零利率 等额本金", 1000001, 0, 7, "equal-principal"),
        case("一分钱 一期", 1, 1, 1, "equal-instalment"),
        case("小额多期 本金份额四舍五入", 7, 1200, 12, "equal-principal"),
        case("小额多期 等额本息", 13, 2400, 11, "equal-instalment"),
        case("最高利率 最长期限", 100000000000000, 10000, 600, "equal-instalment"),
        case("1期 等额本金", 12345678, 500, 1, "equal-principal"),
        case("担保费 手续费", 200000000, 385, 12, "equal-instalment",
             fees={"upfront_fen": 200000, "upfront_bp": 50, "guarantee_bp_year": 100}),
        case("贴息 按利率 1.5 个百分点", 300000000, 420, 24, "equal-instalment",
             subsidy={"rate_bp": 150}),
        case("贴息 按比例 50% 封顶", 300000000, 420, 24, "equal-principal",
             subsidy={"share": [1, 2], "cap_fen": 2000000}),
        case("贴息 超过利率按利率", 100000000, 300, 12, "interest-only",
             subsidy={"rate_bp": 500, "paid_month": 6}),
        case("全额贴息 零成本", 100000000, 350, 12, "equal-instalment",
             subsidy={"share": [1, 1]}),
        case("费用加贴息", 500000000, 395, 36, "equal-principal",
             fees={"guarantee_bp_year": 150}, subsidy={"share": [1, 3], "paid_month": 12}),
        case("贴息年中到账 负成本", 100000000, 400, 12, "interest-only",
             subsidy={"share": [1, 1], "paid_month": 1}),
    ]
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "loans.json")
    with open(out, "w") as f:
        json.dump({"generator": "gen_loans.py", "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")


main()
