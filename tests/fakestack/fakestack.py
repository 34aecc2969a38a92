#!/usr/bin/env python3
"""fakestack - a simulator of the Mimir / Loki / Tempo / Grafana / Prometheus HTTP APIs.

Python 3.11 standard library only.  Used by lgtmtop's integration tests and by the
demo command.  See README.md next to this file for the CLI, the faults and the
control API.  `python3 fakestack.py --selftest` runs a quick self-check.
"""

from __future__ import annotations

import argparse
import base64
import collections
import copy
import http.client
import json
import math
import os
import random
import re
import signal
import socket
import socketserver
import stat
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
KINDS = ("mimir", "loki", "tempo", "grafana", "prometheus")
TENANT_KINDS = ("mimir", "loki", "tempo")
DEFAULT_TEMPO_VERSION = "2.10.4"

CT_JSON = "application/json"
CT_TEXT = "text/plain; charset=utf-8"
CT_METRICS = "text/plain; version=0.0.4; charset=utf-8"

NOT_FOUND = "404 page not found\n"
NO_ORG_ID = "no org id\n"
ERR500 = "internal server error: something broke\n"
INGESTER_NOT_READY = "Ingester not ready: waiting for 15s after being ready\n"
# Non-JSON bytes with control characters and terminal escapes (clear screen, colour,
# OSC window-title) so that the client's output sanitising is exercised.
GARBAGE = (b"<html>\x1b[2J\x1b[31mgarbage\x00\x07 {{{ \x1b]0;pwned\x07\x1b[0m"
           b"\r\n\x08\x7f not json </html>\n")

FAULT_NAMES = ("none", "refused", "notready", "slow", "hang", "garbage", "truncated",
               "huge", "unauthorized", "error500", "nospans", "targets_down", "db_failing",
               "canary_never_readable", "canary_write_refused",
               "otlp_closed", "otlp_v4only", "search_empty", "query_hang", "hostile", "big_header",
               "bad_counters", "endless", "nolength",
               "html500", "forbidden", "redirect_loop", "redirect_file", "redirect_scheme", "not_http",
               "drip_headers", "drip_body", "deep_json", "wrong_ctype", "login_page")
# Grafana-only faults: what lgtmtop's Grafana datasources/dashboards/alerting checks find.
GRAFANA_FAULTS = ("ds_unhealthy", "ds_internal", "ds_hostile", "ds_loki_deleted", "dash_missing_ds", "dash_deprecated_ds", "dash_inputs",
                  "dash_stale_targets",
                  "alerting_broken", "no_policies", "rules_error", "rules_html", "rules_hang")
FAULT_NAMES += GRAFANA_FAULTS
GRAFANA_RULES_PATH = "/api/prometheus/grafana/api/v1/rules"
# query_hang: the paths that reach a querier (readiness, /metrics and buildinfo keep answering).
QUERY_PATHS = {
    "mimir": re.compile(r"/api/v1/(query|query_range|series|labels|label/|rules|alerts|metadata|query_exemplars)"),
    "prometheus": re.compile(r"/api/v1/(query|query_range|series|labels|label/|rules|alerts|metadata)"),
    "loki": re.compile(r"^/(loki/api/v1|prometheus/api/v1|api/prom)/"
                       r"(query|query_range|labels|label/|series|index/|patterns|rules|alerts)"),
    "tempo": re.compile(r"^/api/(search|v2/search|traces/|v2/traces/|metrics/)"),
}
# hostile: appended to every free-text JSON string: clear screen, window title, raw C1 CSI and
# invalid bytes (carried by surrogateescape), DEL, UTF-8 C1 CSI, a bidi override and isolate.
HOSTILE_TAIL = "\x1b[2J\x1b]0;PWNED\x07\udc9b31m\udcff\x7f\u009b1;1H\u202e\u2066"
# Strings the checks compare (statuses, states, types) keep their value; numbers stay numbers.
HOSTILE_KEEP = {"status", "health", "state", "resultType", "type", "url", "access", "database",
                "errorType", "traceID", "traceId", "spanId", "spanID", "rootTraceName", "kind"}


COUNTER_LINE = re.compile(rb"^([a-zA-Z_:][a-zA-Z0-9_:]*_total(?:\{[^}]*\})?) +\S+", re.M)


def bad_counters(body: bytes, value: str) -> bytes:
    """Every *_total sample of a metrics body gets `value` (NaN, +Inf, 1e999, 18446744073709551616)."""
    return COUNTER_LINE.sub(lambda m: m.group(1) + b" " + value.encode(), body)


def hostile_json(body: bytes) -> bytes:
    """The body with HOSTILE_TAIL in every free-text string (names, titles, messages, labels)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body

    def walk(v, key=None):
        if isinstance(v, dict):
            return {k: walk(x, k) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x, key) for x in v]
        if isinstance(v, str) and key not in HOSTILE_KEEP:
            try:
                float(v)
                return v
            except ValueError:
                return v + HOSTILE_TAIL
        return v

    return json.dumps(walk(doc), ensure_ascii=False).encode("utf-8", "surrogateescape")


LOGIN_PAGE = (b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>"
              b"<form action=\"/oauth2/start\"><button>Sign in with SSO</button></form></body></html>\n")
GRAFANA_LOCK = threading.Lock()
# Datasources that faults add to Grafana's list.
GRAFANA_DS_LEGACY = {"id": 5, "uid": "prometheus_legacy", "orgId": 1, "name": "Prometheus (legacy)",
                     "type": "prometheus", "typeName": "Prometheus", "access": "proxy",
                     "url": "http://prometheus:9090", "user": "", "database": "", "basicAuth": False,
                     "isDefault": False, "jsonData": {"httpMethod": "POST"}, "readOnly": True}
GRAFANA_DS_INTERNAL = {"id": 6, "uid": "mimir_internal", "orgId": 1, "name": "Mimir (internal)",
                       "type": "prometheus", "typeName": "Prometheus", "access": "proxy",
                       "url": "http://mimir.internal:9009/prometheus", "user": "", "database": "",
                       "basicAuth": False, "isDefault": False,
                       "jsonData": {"httpHeaderName1": "X-Scope-OrgID", "prometheusType": "Mimir"},
                       "readOnly": True}
# ds_hostile: a datasource whose name and health message are markup (servers are hostile).
HOSTILE_NAME = "<script>alert('lgtmtop')</script><img src=x onerror=alert(1)>"
GRAFANA_DS_HOSTILE = {"id": 7, "uid": "hostile", "orgId": 1, "name": HOSTILE_NAME,
                      "type": "loki", "typeName": "Loki", "access": "proxy",
                      "url": "http://hostile.invalid:3100", "user": "", "database": "",
                      "basicAuth": False, "isDefault": False, "jsonData": {}, "readOnly": True}
# Crafted dashboards (tests/fixtures/dashboards/crafted) served only under a fault.
GRAFANA_CRAFTED_FAULT = {"svc-overview": "dash_missing_ds", "legacy-latency": "dash_deprecated_ds",
                         "tempo-operational": "dash_stale_targets"}
_BROKEN_QUERY = [
    {"refId": "A", "queryType": "", "relativeTimeRange": {"from": 600, "to": 0},
     "datasourceUid": "grafana_prometheus",
     "model": {"refId": "A", "expr": "sum(rate(http_requests_total{code=~\"5..\"}[5m]))"}},
    {"refId": "B", "queryType": "", "relativeTimeRange": {"from": 0, "to": 0}, "datasourceUid": "__expr__",
     "model": {"refId": "B", "type": "threshold", "expression": "A",
               "datasource": {"type": "__expr__", "uid": "__expr__"}}},
]
GRAFANA_BROKEN_GROUP = {
    "name": "slo", "file": "Platform", "folderUid": "fdl8yw2m3k0sga", "interval": 60,
    "lastEvaluation": "2024-06-11T14:16:00Z", "evaluationTime": 0.001,
    "rules": [{"state": "inactive", "name": "API error budget burn (datasource gone)",
               "query": json.dumps(_BROKEN_QUERY), "duration": 300, "annotations": {},
               "labels": {"severity": "page"}, "health": "error",
               "lastError": "failed to build query 'A': data source not found",
               "type": "alerting", "uid": "slo-burn-1", "folderUid": "fdl8yw2m3k0sga",
               "lastEvaluation": "2024-06-11T14:16:00Z", "evaluationTime": 0.001}]}
GRAFANA_BROKEN_PROV_RULE = {
    "id": 14, "uid": "slo-burn-1", "orgID": 1, "folderUID": "fdl8yw2m3k0sga", "ruleGroup": "slo",
    "title": "API error budget burn (datasource gone)", "condition": "B", "data": _BROKEN_QUERY,
    "updated": "2024-06-11T14:03:10Z", "noDataState": "NoData", "execErrState": "Error", "for": "5m",
    "annotations": {}, "labels": {"severity": "page"}, "isPaused": False, "provenance": "file"}

# Written canary data (spans, log lines, OTLP samples) becomes readable after this long.
CANARY_READ_DELAY = 0.3

DEBUG = bool(os.environ.get("FAKESTACK_DEBUG"))


def debug(msg: str) -> None:
    if DEBUG:
        sys.stderr.write(f"fakestack: {msg}\n")
        sys.stderr.flush()


# ----------------------------------------------------------------------------------
# fixtures


def _fixture_bytes(rel: str) -> bytes | None:
    try:
        return (FIXTURES / rel).read_bytes()
    except OSError:
        return None


def fixture_json(rel: str, fallback):
    """Parsed fixture, or `fallback` when the file is missing, invalid or JSON null."""
    raw = _fixture_bytes(rel)
    if raw is not None:
        try:
            val = json.loads(raw)
            if val is not None:
                return val
        except ValueError:
            pass
    debug(f"fixture {rel} unusable, using built-in fallback")
    return copy.deepcopy(fallback)


def fixture_text(rel: str, fallback: str) -> str:
    raw = _fixture_bytes(rel)
    if raw is None:
        return fallback
    return raw.decode("utf-8", "replace")


class Fixtures:
    """Everything read from tests/fixtures once at start-up (with fallbacks)."""

    def __init__(self) -> None:
        self.mimir_buildinfo = fixture_json("mimir/buildinfo.json", {
            "status": "success", "data": {
                "application": "Grafana Mimir", "version": "2.15.0", "revision": "9fd2da5",
                "branch": "HEAD", "goVersion": "go1.23.4",
                "features": {"ruler_config_api": "true", "alertmanager_config_api": "true",
                             "query_sharding": "false", "federated_rules": "false"}}})
        self.mimir_ring = fixture_json("mimir/ring_ingester_json_constructed.json",
                                       {"shards": [], "now": "2024-01-01T00:00:00Z"})
        self.loki_buildinfo = fixture_json("loki/buildinfo_constructed.json", {
            "version": "3.5.1", "revision": "6a7b8c9d0", "branch": "release-3.5.x",
            "buildUser": "root@buildkitsandbox", "buildDate": "2025-05-30T10:12:44Z",
            "goVersion": "go1.24.1"})
        self.loki_labels = fixture_json("loki/labels.json",
                                        {"status": "success", "data": ["foo", "bar", "baz"]})
        self.loki_label_values = fixture_json("loki/label_values.json",
                                              {"status": "success", "data": ["cat", "dog"]})
        self.loki_rules = fixture_json("loki/prometheus_rules_constructed.json",
                                       {"status": "success", "data": {"groups": []}})
        self.loki_services = fixture_text("loki/services_constructed.txt",
                                          "server => Running\ndistributor => Running\n")
        self.tempo_buildinfo = fixture_json("tempo/buildinfo_constructed.json", {
            "version": DEFAULT_TEMPO_VERSION, "revision": "a1b2c3d4e", "branch": "HEAD",
            "buildUser": "", "buildDate": "", "goVersion": "go1.25.6"})
        self.tempo_tag_values_v1 = fixture_json("tempo/search_tag_values_v1.json", {
            "tagValues": ["article-service", "auth-service", "cart-service"],
            "metrics": {"inspectedBytes": "431380"}})
        self.tempo_tag_values_v2 = fixture_json("tempo/search_tag_values_v2.json", {
            "tagValues": [{"type": "string", "value": "article-service"}],
            "metrics": {"inspectedBytes": "502756"}})
        self.tempo_tags_v1 = fixture_json("tempo/search_tags_v1.json",
                                          {"tagNames": ["service.name"]})
        self.tempo_tags_v2 = fixture_json("tempo/search_tags_v2.json", {
            "scopes": [{"name": "resource", "tags": ["service.name"]}]})
        self.tempo_trace_v1 = fixture_json("tempo/trace_by_id_v1_vulture_base64ids.json",
                                           {"resourceSpans": []})
        self.tempo_trace_v2 = fixture_json("tempo/trace_by_id_v2_docs.json",
                                           {"trace": {"resourceSpans": []}})
        self.tempo_services = fixture_text("tempo/status_services_constructed.txt",
                                           "distributor Running\n")
        self.grafana_health = fixture_json("grafana/health_db_failing_constructed.json", {
            "commit": "4550cfb5b7", "database": "failing", "version": "11.5.0"})
        self.grafana_datasources = fixture_json("grafana/datasources_list_constructed.json", [])
        self.grafana_ds_ok_prom = fixture_json("grafana/datasource_health_ok_prometheus.json", {
            "details": {"application": "Prometheus", "features": {"rulerApiEnabled": False}},
            "message": "Successfully queried the Prometheus API.", "status": "OK"})
        self.grafana_ds_ok_mimir = fixture_json(
            "grafana/datasource_health_ok_mimir_constructed.json", {
                "details": {"application": "Mimir", "features": {"rulerApiEnabled": True}},
                "message": "Successfully queried the Prometheus API.", "status": "OK"})
        self.grafana_ds_ok_loki = fixture_json("grafana/datasource_health_ok_loki_backend.json", {
            "message": "Successfully queried the Loki API.", "status": "OK"})
        self.grafana_ds_not_impl = fixture_json("grafana/datasource_health_not_implemented.json",
                                                {"message": "Not found"})
        self.grafana_search = fixture_json("grafana/search_dash_db.json", [])
        self.grafana_rules = fixture_json("grafana/prometheus_grafana_rules_constructed.json",
                                          {"status": "success", "data": {"groups": []}})
        self.prom_buildinfo = fixture_json("prometheus/buildinfo.json", {
            # shape of prometheus docs/querying/api.md "Build information"
            "status": "success", "data": {
                "version": "3.1.0", "revision": "7086161a93b262aa0949dbf2aba15a5a7b13e0a3",
                "branch": "HEAD", "buildUser": "root@fakestack", "buildDate": "20250102-10:43:17",
                "goVersion": "go1.23.4"}})
        self.dashboards = self._load_dashboards()
        # crafted dashboards (every reference form, a missing and a deprecated datasource)
        self.crafted = self._load_dashboards("dashboards/crafted", "*.json", "Crafted")
        self.library_elements = fixture_json("dashboards/crafted/library_elements.json", {})
        self.grafana_prov_rules = fixture_json("grafana/provisioning_alert_rules_constructed.json", [])
        self.grafana_policies = fixture_json("grafana/provisioning_policies_constructed.json",
                                             {"receiver": "grafana-default-email", "routes": []})
        self.grafana_contact_points = fixture_json("grafana/provisioning_contact_points_constructed.json",
                                                   [{"uid": "cp1", "name": "grafana-default-email",
                                                     "type": "email", "settings": {}}])
        self.am_status = fixture_json("alertmanager/status_v2_constructed.json",
                                      {"cluster": {"status": "ready", "peers": []},
                                       "versionInfo": {"version": "0.27.0"}, "config": {"original": ""},
                                       "uptime": "2024-06-11T14:03:10Z"})

    @staticmethod
    def _load_dashboards(subdir: str = "grafana", pattern: str = "dashboard_*.json",
                         folder: str | None = None) -> dict:
        """uid -> {"dashboard":..., "meta":...}; unwrapped fixtures get a meta block (in
        `folder` when given). Files without panels/rows are not dashboards and are left out."""
        out: dict = {}
        files = sorted((FIXTURES / subdir).glob(pattern)) if (FIXTURES / subdir).is_dir() else []
        for f in files:
            try:
                doc = json.loads(f.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if not isinstance(doc, dict):
                continue
            if "dashboard" in doc and isinstance(doc["dashboard"], dict):
                dash, meta = doc["dashboard"], doc.get("meta") or {}
            else:
                dash, meta = doc, None
            if "panels" not in dash and "rows" not in dash:
                continue
            uid = dash.get("uid") or f.stem.replace("dashboard_", "").replace("_", "-")
            dash = dict(dash)
            dash["uid"] = uid
            title = dash.get("title") or uid
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
            if meta is None:
                meta = {"type": "db", "canSave": True, "canEdit": True, "canAdmin": True,
                        "canStar": True, "canDelete": True, "slug": slug,
                        "url": f"/d/{uid}/{slug}", "expires": "0001-01-01T00:00:00Z",
                        "created": "2024-05-02T09:12:44Z", "updated": "2024-06-11T14:03:10Z",
                        "updatedBy": "admin", "createdBy": "admin",
                        "version": dash.get("version") or 1, "hasAcl": False,
                        "isFolder": False, "folderId": 0, "folderUid": "",
                        "folderTitle": "General", "folderUrl": "", "provisioned": False,
                        "provisionedExternalId": ""}
                if folder:
                    meta.update({"folderId": 9, "folderUid": folder.lower(), "folderTitle": folder,
                                 "folderUrl": f"/dashboards/f/{folder.lower()}/{folder.lower()}"})
            out[uid] = {"dashboard": dash, "meta": meta, "file": f.name}
        return out


# ----------------------------------------------------------------------------------
# faults


class FaultError(ValueError):
    pass


def parse_faults(spec: str) -> dict:
    """'slow:1,nospans' -> {"slow": 1.0, "nospans": None}.  'none' or '' -> {}.

    A `notready:REASON` reason may itself contain commas: tokens that do not start
    with a known fault name are glued back onto the preceding notready reason.
    """
    faults: dict = {}
    last = None
    for tok in spec.split(","):
        name, sep, arg = tok.partition(":")
        name = name.strip()
        if name in FAULT_NAMES:
            if name == "none":
                last = None
                continue
            faults[name] = arg if sep else None
            last = name
        elif last == "notready":
            faults["notready"] = (faults["notready"] or "") + "," + tok
        elif tok.strip() == "":
            continue
        else:
            raise FaultError(f"unknown fault {tok.strip()!r} (known: {', '.join(FAULT_NAMES)})")
    if "slow" in faults:
        try:
            faults["slow"] = float(faults["slow"]) if faults["slow"] not in (None, "") else 1.0
        except ValueError:
            raise FaultError(f"slow needs a number of seconds, got {faults['slow']!r}") from None
        if faults["slow"] < 0 or math.isnan(faults["slow"]):
            raise FaultError("slow needs a non-negative number of seconds")
    if "huge" in faults:
        try:
            faults["huge"] = float(faults["huge"]) if faults["huge"] not in (None, "") else 20.0
        except ValueError:
            raise FaultError(f"huge needs a size in MiB, got {faults['huge']!r}") from None
        if not 0 < faults["huge"] <= 4096:
            raise FaultError("huge needs a size in MiB between 0 and 4096")
    if "bad_counters" in faults:
        v = faults["bad_counters"] or "NaN"
        if not re.fullmatch(r"[-+0-9.eEaNInfy]+", v):
            raise FaultError(f"bad_counters needs a sample value (NaN, +Inf, 1e999, ...), got {v!r}")
        faults["bad_counters"] = v
    if "notready" in faults and faults["notready"] == "":
        faults["notready"] = None
    for k in ("refused", "hang", "garbage", "truncated", "unauthorized", "error500",
              "nospans", "targets_down", "db_failing", "canary_never_readable", "canary_write_refused",
              "otlp_closed", "otlp_v4only", "search_empty", "query_hang", "hostile", "big_header", "endless", "nolength",
              "html500", "forbidden", "redirect_loop", "redirect_file", "redirect_scheme", "not_http",
              "drip_headers", "drip_body", "deep_json", "wrong_ctype", "login_page") + GRAFANA_FAULTS:
        if k in faults:
            faults[k] = None
    return faults


def format_faults(faults: dict) -> str:
    if not faults:
        return "none"
    parts = []
    for k, v in faults.items():
        if v is None:
            parts.append(k)
        elif isinstance(v, float):
            parts.append(f"{k}:{v:g}")
        else:
            parts.append(f"{k}:{v}")
    return ",".join(parts)


# ----------------------------------------------------------------------------------
# counters


class Ingest:
    """A monotonic 'amount ingested so far' counter.

    healthy: grows at a constant rate (computed from wall time, so rates are stable).
    demo: the rate wanders (sine + noise).  Frozen (fault nospans): does not grow.
    """

    def __init__(self, rate: float, wander: bool, frozen_fn) -> None:
        self.base_rate = rate
        self.wander = wander
        self.frozen_fn = frozen_fn
        self.period = random.uniform(40.0, 90.0)
        self.phase = random.uniform(0, 2 * math.pi)
        self.t0 = time.monotonic()
        self.t = self.t0
        self.v = 0.0
        self.lock = threading.Lock()

    def rate(self, now: float) -> float:
        if not self.wander:
            return self.base_rate
        s = 1.0 + 0.6 * math.sin(2 * math.pi * (now - self.t0) / self.period + self.phase)
        return self.base_rate * s * random.uniform(0.8, 1.2)

    def value(self) -> float:
        with self.lock:
            now = time.monotonic()
            if not self.frozen_fn():
                self.v += (now - self.t) * self.rate(now)
            self.t = now
            return self.v

    def add(self, n: float) -> None:
        with self.lock:
            self.v += n


def num(v: float) -> str:
    """Prometheus text sample value."""
    if float(v).is_integer() and abs(v) < 1e15:
        return str(int(v))
    return repr(round(float(v), 6))


def rfc3339(ts: float | None = None) -> str:
    ts = time.time() if ts is None else ts
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int((ts % 1) * 1e6):06d}Z"


# ----------------------------------------------------------------------------------
# responses


class Resp:
    __slots__ = ("status", "ctype", "body", "headers", "kind")

    def __init__(self, status: int, ctype: str, body: bytes, kind: str, headers=None) -> None:
        self.status = status
        self.ctype = ctype
        self.body = body
        self.kind = kind  # "json" | "metrics" | "text" | "empty"
        self.headers = headers or []


def J(obj, status: int = 200, pretty: bool = False, headers=None) -> Resp:
    if isinstance(obj, (bytes, bytearray)):
        body = bytes(obj)
    elif pretty:
        body = json.dumps(obj, indent=2).encode()
    else:
        body = json.dumps(obj, separators=(",", ":")).encode()
    return Resp(status, CT_JSON, body, "json", headers)


def T(text: str, status: int = 200, headers=None) -> Resp:
    return Resp(status, CT_TEXT, text.encode("utf-8"), "text", headers)


def M(text: str) -> Resp:
    return Resp(200, CT_METRICS, text.encode("utf-8"), "metrics")


def prom_ok(data) -> dict:
    return {"status": "success", "data": data}


def prom_err(etype: str, msg: str, status: int = 400) -> Resp:
    return J({"status": "error", "errorType": etype, "error": msg}, status)


def huge_stream(resp: Resp, total: int):
    """(length, generator) for a body of exactly `total` bytes with a valid prefix.

    JSON objects get a trailing "padding" array member, JSON arrays extra string
    elements (so the whole body stays valid JSON); metrics get extra unique series.
    """
    body = resp.body
    if resp.kind == "metrics":
        pre = body if body.endswith(b"\n") else body + b"\n"
        line_len = len(b'huge_padding_series{idx="0000000000"} 1\n')
        room = total - len(pre)
        if room < 0:
            return len(body), iter([body])
        k, r = divmod(room, line_len)
        if r == 1:
            rem = b"\n"
        elif r >= 2:
            rem = b"#" + b"x" * (r - 2) + b"\n"
        else:
            rem = b""

        def gen():
            yield pre + rem
            i = 0
            while i < k:
                n = min(2048, k - i)
                yield b"".join(b'huge_padding_series{idx="%010d"} 1\n' % j for j in range(i, i + n))
                i += n
        return total, gen()

    s = body.rstrip()
    if s.startswith(b"{") and s.endswith(b"}"):
        inner = s[1:-1].strip()
        pre = b"{" + inner + (b"," if inner else b"") + b'"padding":['
        tail = b"]}"
    elif s.startswith(b"[") and s.endswith(b"]"):
        inner = s[1:-1].strip()
        pre = b"[" + inner + (b"," if inner else b"")
        tail = b"]"
    else:
        pre, tail = b'{"padding":[', b"]}"
    unit = b'"' + b"x" * 1021 + b'",'  # 1024 bytes
    room = total - len(pre) - len(tail) - 2  # the last element is '"' + m*'x' + '"'
    if room < 0:
        return len(body), iter([body])
    k, m = divmod(room, len(unit))
    block = unit * 64

    def gen():
        yield pre
        left = k
        while left > 0:
            n = min(64, left)
            yield block if n == 64 else unit * n
            left -= n
        yield b'"' + b"x" * m + b'"' + tail
    return total, gen()


# ----------------------------------------------------------------------------------
# HTTP servers


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def server_bind(self):
        # HTTPServer.server_bind() does a reverse DNS lookup (socket.getfqdn), which can
        # be slow on odd resolver setups; skip it so start-up stays fast.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), port

    def handle_error(self, request, client_address):  # noqa: D401 - silence tracebacks
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return
        if DEBUG:
            traceback.print_exc()


class QuietServer6(QuietServer):
    address_family = socket.AF_INET6


class BaseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fakestack"
    sys_version = ""

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # noqa: A002 - suppress per-request logging
        pass

    def read_body(self) -> bytes:
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            out = bytearray()
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    break
                try:
                    size = int(line.split(b";")[0].strip() or b"0", 16)
                except ValueError:
                    break
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                out += self.rfile.read(size)
                self.rfile.readline(65537)
            return bytes(out)
        try:
            n = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            n = 0
        return self.rfile.read(n) if n > 0 else b""

    def send_simple(self, resp: Resp, head: bool = False) -> None:
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.ctype)
            self.send_header("Content-Length", str(len(resp.body)))
            for k, v in resp.headers:
                self.send_header(k, v)
            self.end_headers()
            if not head and resp.body:
                self.wfile.write(resp.body)
        except OSError:
            self.close_connection = True

    def drop(self) -> None:
        """Close the connection without answering."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


class InstanceHandler(BaseHandler):
    server: QuietServer

    def setup(self):
        super().setup()
        self.inst: Instance = self.server.inst
        self.inst.conn_opened(self.connection)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.inst.conn_closed(self.connection)

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch(head=True)

    def dispatch(self, head: bool = False) -> None:
        inst = self.inst
        stack = inst.stack
        try:
            body = self.read_body()
        except OSError:
            self.close_connection = True
            return
        split = urllib.parse.urlsplit(self.path)
        path = split.path or "/"
        params = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if self.command == "POST" and ctype == "application/x-www-form-urlencoded" and body:
            for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace"),
                                              keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        rec = inst.record(self.command, path, split.query, self.path, self.headers, len(body))
        rec["peer"] = "%s:%s" % tuple(self.client_address[:2])  # which connection: shows keep-alive reuse

        # fault: refused / hang (re-evaluated whenever the faults change)
        while True:
            faults, changed = inst.snapshot()
            if stack.stopping.is_set() or "refused" in faults:
                self.drop()
                return
            if "hang" not in faults and not self.path_hangs(path, faults):
                break
            changed.wait()

        delay = faults.get("slow") or 0.0
        if stack.scenario == "demo":
            delay += random.uniform(0.005, 0.120)
        if delay > 0 and stack.stopping.wait(delay):
            self.drop()
            return

        if "not_http" in faults:  # an SSH server on the port
            try:
                self.wfile.write(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
                self.wfile.flush()
            except OSError:
                pass
            self.drop()
            return
        redirect = {"redirect_loop": self.path, "redirect_file": "file:///etc/passwd",
                    "redirect_scheme": "ftp://127.0.0.1:21/pub"}
        for k, where in redirect.items():
            if k in faults:
                rec["status"] = 302
                self.send_resp(Resp(302, "text/html", b"", "text", [("Location", where)]), faults, head)
                return
        try:
            if inst.kind == "grafana" and path == GRAFANA_RULES_PATH and "rules_error" in faults:
                resp = Resp(502, "text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>\n", "text")
            elif inst.kind == "grafana" and path == GRAFANA_RULES_PATH and "rules_html" in faults:
                resp = Resp(200, "text/html; charset=utf-8", LOGIN_PAGE, "text")
            else:
                resp = inst.handle(self.command, path, params, self.headers, body, faults)
        except Exception:  # keep serving; report as 500
            traceback.print_exc()
            resp = T("fakestack internal error\n", 500)
        rec["status"] = resp.status

        if "garbage" in faults and resp.status == 200:
            resp = Resp(200, resp.ctype, GARBAGE, "garbage", resp.headers)
        if "bad_counters" in faults and resp.kind == "metrics":
            resp = Resp(resp.status, resp.ctype, bad_counters(resp.body, faults["bad_counters"]), "metrics",
                        resp.headers)
        if "deep_json" in faults and resp.kind == "json" and resp.status == 200:
            resp = Resp(200, resp.ctype, b"[" * 100000 + b"]" * 100000, "json", resp.headers)
        if "login_page" in faults and resp.kind == "json":
            resp = Resp(200, "text/html; charset=utf-8", LOGIN_PAGE, "text", resp.headers)
        if "wrong_ctype" in faults:
            resp = Resp(resp.status, "text/html; charset=utf-8", resp.body, resp.kind, resp.headers)
        if "hostile" in faults and resp.kind == "json":
            resp = Resp(resp.status, resp.ctype, hostile_json(resp.body), "json", resp.headers)
        self.send_resp(resp, faults, head)

    def path_hangs(self, path: str, faults: dict) -> bool:
        """Path-scoped hangs: query_hang (a querier that cannot reach its frontend) and
        rules_hang (Grafana's rule-state API)."""
        kind = self.inst.kind
        if "query_hang" in faults and kind in QUERY_PATHS and QUERY_PATHS[kind].search(path):
            return True
        return "rules_hang" in faults and kind == "grafana" and path == GRAFANA_RULES_PATH

    def send_endless(self, resp: Resp, chunked: bool) -> None:
        """endless / nolength: the real start of the body, then padding until the client gives up
        (chunked, or no Content-Length and the end marked by closing; the close never comes)."""
        pad = (b" " * 65535 + b"\n") if resp.kind == "json" else (b"# padding\n" * 6553 + b"\n")
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.ctype)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            first = True
            while not self.inst.stack.stopping.is_set():
                data = resp.body[: len(resp.body) // 2] if first else pad
                first = False
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        except OSError:
            pass
        self.close_connection = True

    def send_drip(self, resp: Resp, headers_too: bool) -> None:
        """drip_headers / drip_body: one byte a second (from the status line, or after the headers)
        until the client gives up or the fault changes."""
        head = (f"HTTP/1.1 {resp.status} OK\r\nContent-Type: {resp.ctype}\r\n"
                f"Content-Length: {len(resp.body)}\r\n\r\n").encode()
        try:
            if not headers_too:
                self.wfile.write(head)
                self.wfile.flush()
            for b in (head if headers_too else b"") + resp.body:
                faults, _ = self.inst.snapshot()
                if "drip_headers" not in faults and "drip_body" not in faults:
                    break
                self.wfile.write(bytes([b]))
                self.wfile.flush()
                if self.inst.stack.stopping.wait(1.0):
                    break
        except OSError:
            pass
        self.drop()

    def send_resp(self, resp: Resp, faults: dict, head: bool) -> None:
        if ("drip_headers" in faults or "drip_body" in faults) and not head:
            self.send_drip(resp, "drip_headers" in faults)
            return
        if ("endless" in faults or "nolength" in faults) and resp.status == 200 and not head and resp.body:
            self.send_endless(resp, "endless" in faults)
            return
        length, chunks = len(resp.body), None
        if "huge" in faults and resp.status == 200 and resp.kind in ("json", "metrics"):
            length, chunks = huge_stream(resp, int(faults["huge"] * 1024 * 1024))
        truncated = "truncated" in faults
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.ctype)
            self.send_header("Content-Length", str(length))
            if "big_header" in faults:
                self.send_header("X-Padding", "a" * (100 * 1024 + 16))
            for k, v in resp.headers:
                self.send_header(k, v)
            self.end_headers()
            if head:
                return
            if truncated:
                data = resp.body if chunks is None else b"".join(chunks)
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.drop()
                return
            if chunks is None:
                if resp.body:
                    self.wfile.write(resp.body)
            else:
                for c in chunks:
                    if self.inst.stack.stopping.is_set():
                        self.drop()
                        return
                    self.wfile.write(c)
        except OSError:  # BrokenPipe / ConnectionReset: the client gave up
            self.close_connection = True


# ----------------------------------------------------------------------------------
# instances


def ipv6_loopback_ok() -> bool:
    """True if this machine can listen on ::1 (some containers have no IPv6 at all)."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s6:
            s6.bind(("::1", 0))
        return True
    except OSError:
        return False


class OtlpTCPServer(socketserver.ThreadingTCPServer):
    """Tempo's OTLP/gRPC port stand-in: accepts TCP connections and closes them."""
    daemon_threads = True
    allow_reuse_address = True


class OtlpTCPServer6(OtlpTCPServer):
    address_family = socket.AF_INET6


class OtlpTCPHandler(socketserver.BaseRequestHandler):
    def handle(self):
        pass  # the connect is what is probed; closing at once is fine


class OtlpHTTPHandler(BaseHandler):
    """Tempo's OTLP/HTTP receiver stand-in: POST /v1/traces is handled like the Tempo
    instance's own /v1/traces (tenant, spans counted, canary spans stored); else 404."""

    def do_POST(self):
        self.dispatch()

    def do_GET(self):
        self.dispatch()

    def dispatch(self):
        inst = self.server.inst
        try:
            body = self.read_body()
        except OSError:
            self.close_connection = True
            return
        split = urllib.parse.urlsplit(self.path)
        path = split.path or "/"
        rec = inst.record(self.command, path, split.query, self.path, self.headers, len(body))
        rec["peer"] = "%s:%s" % tuple(self.client_address[:2])  # which connection: shows keep-alive reuse
        faults, _ = inst.snapshot()
        if path == "/v1/traces":
            params = urllib.parse.parse_qs(split.query, keep_blank_values=True)
            resp = inst.handle(self.command, path, params, self.headers, body, faults)
        else:
            resp = T(NOT_FOUND, 404)
        rec["status"] = resp.status
        self.send_simple(resp)


class OtlpReceivers:
    """A Tempo instance's OTLP receivers: a TCP listener for the gRPC port and an HTTP server
    for POST /v1/traces, each on its own port, on 127.0.0.1 and (when the machine has it)
    ::1 with the same port, so that the name `localhost` reaches both families.  Closed
    listeners keep their port reserved by a bound, non-listening socket (connects are
    refused).  Faults: otlp_closed (and refused) close both; otlp_v4only closes ::1."""

    KINDS = ("grpc", "http")

    def __init__(self, inst: "Instance") -> None:
        self.inst = inst
        self.hosts: list = []
        self.ports = {"grpc": 0, "http": 0}
        self.servers: dict = {}
        self.placeholders: dict = {}
        self.lock = threading.RLock()

    @staticmethod
    def _family(host: str):
        return socket.AF_INET6 if ":" in host else socket.AF_INET

    def _make(self, kind: str, host: str, port: int):
        if kind == "grpc":
            cls = OtlpTCPServer6 if ":" in host else OtlpTCPServer
            srv = cls((host, port), OtlpTCPHandler)
        else:
            cls = QuietServer6 if ":" in host else QuietServer
            srv = cls((host, port), OtlpHTTPHandler)
            srv.inst = self.inst
        return srv

    def _serve(self, key, srv) -> None:
        self.servers[key] = srv
        threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                         name=f"otlp-{key[0]}-{key[1]}", daemon=True).start()

    def start(self) -> None:
        host = self.inst.stack.host
        self.hosts = [host] + (["::1"] if host == "127.0.0.1" and ipv6_loopback_ok() else [])
        for kind in self.KINDS:
            for attempt in range(50):  # one port free on every family
                made, port = [], 0
                try:
                    for h in self.hosts:
                        srv = self._make(kind, h, port)
                        made.append(((kind, h), srv))
                        port = srv.server_address[1]
                    break
                except OSError:
                    for _, srv in made:
                        srv.server_close()
                    if attempt == 49:
                        raise
            self.ports[kind] = port
            for key, srv in made:
                self._serve(key, srv)
        self.apply(self.inst.faults)

    def wanted(self, faults: dict, host: str) -> bool:
        if "otlp_closed" in faults or "refused" in faults:
            return False
        return not ("otlp_v4only" in faults and ":" in host)

    def apply(self, faults: dict) -> None:
        with self.lock:
            for kind in self.KINDS:
                for h in self.hosts:
                    key = (kind, h)
                    want = self.wanted(faults, h) and not self.inst.stack.stopping.is_set()
                    if want and key not in self.servers:
                        ph = self.placeholders.pop(key, None)
                        if ph is not None:
                            ph.close()
                        deadline = time.monotonic() + 3.0
                        while True:
                            try:
                                srv = self._make(kind, h, self.ports[kind])
                                break
                            except OSError:
                                if time.monotonic() > deadline:
                                    raise
                                time.sleep(0.05)
                        self._serve(key, srv)
                    elif not want and key in self.servers:
                        self._close(key, reserve=True)

    def _close(self, key, reserve: bool) -> None:
        srv = self.servers.pop(key)
        srv.shutdown()
        srv.server_close()
        if reserve and key not in self.placeholders:
            ph = socket.socket(self._family(key[1]), socket.SOCK_STREAM)
            try:
                ph.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                ph.bind((key[1], self.ports[key[0]]))
                self.placeholders[key] = ph
            except OSError:
                ph.close()

    def stop(self) -> None:
        with self.lock:
            for key in list(self.servers):
                self._close(key, reserve=False)
            for ph in self.placeholders.values():
                ph.close()
            self.placeholders.clear()

    def url_host(self) -> str:
        if len(self.hosts) > 1:
            return "localhost"
        h = self.hosts[0] if self.hosts else self.inst.stack.host
        return f"[{h}]" if ":" in h else h

    @property
    def http_url(self) -> str:
        return f"http://{self.url_host()}:{self.ports['http']}"

    @property
    def grpc_endpoint(self) -> str:
        return f"{self.url_host()}:{self.ports['grpc']}"

    def state(self) -> dict:
        with self.lock:
            listening = sorted(f"{k}@{h}" for k, h in self.servers)
        return {"http": self.http_url, "grpc": self.grpc_endpoint, "listening": listening}


class Instance:
    def __init__(self, stack: "Stack", name: str, kind: str) -> None:
        self.stack = stack
        self.name = name
        self.kind = kind
        self.port = 0
        self.tenant: str | None = None
        self.faults: dict = {}
        self.changed = threading.Event()
        self.state_lock = threading.RLock()
        self.server: QuietServer | None = None
        self.placeholder: socket.socket | None = None
        self.thread: threading.Thread | None = None
        self.conns: set = set()
        self.conns_lock = threading.Lock()
        self.requests: collections.deque = collections.deque(maxlen=200)
        self.req_lock = threading.Lock()
        self.ready_count = 0
        self.started = time.time()
        demo = stack.scenario == "demo"
        rate = {"mimir": 1000.0, "loki": 200.0, "tempo": 50.0, "prometheus": 500.0,
                "grafana": 1.0}[kind]
        if demo:
            rate *= 2
        self.ingest = Ingest(rate, demo, lambda: "nospans" in self.faults)
        self.otlp = OtlpReceivers(self) if kind == "tempo" else None
        self.store_lock = threading.Lock()   # what was written (canaries): traces, lines, samples
        self.traces: dict = {}
        self.log_lines: list = []
        self.samples: list = []

    # -- network --------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.stack.url_host}:{self.port}"

    def listen(self) -> None:
        self.release_placeholder()
        cls = QuietServer6 if ":" in self.stack.host else QuietServer
        deadline = time.monotonic() + 3.0
        while True:
            try:
                srv = cls((self.stack.host, self.port), InstanceHandler)
                break
            except OSError:
                if self.port == 0 or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        srv.inst = self
        self.port = srv.server_address[1]
        self.server = srv
        self.thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05},
                                       name=f"serve-{self.name}", daemon=True)
        self.thread.start()

    def unlisten(self, reserve: bool = False) -> None:
        """Close the listening socket.  With reserve=True the port stays bound by a
        socket that never listens: connects are refused (RST) and no other process can
        be handed the port before we listen on it again."""
        srv, self.server = self.server, None
        if srv is not None:
            srv.shutdown()
            srv.server_close()
        if reserve and self.placeholder is None and self.port:
            fam = socket.AF_INET6 if ":" in self.stack.host else socket.AF_INET
            ph = socket.socket(fam, socket.SOCK_STREAM)
            try:
                ph.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                ph.bind((self.stack.host, self.port))
                self.placeholder = ph
            except OSError:
                ph.close()

    def release_placeholder(self) -> None:
        ph, self.placeholder = self.placeholder, None
        if ph is not None:
            ph.close()

    def conn_opened(self, sock) -> None:
        with self.conns_lock:
            self.conns.add(sock)

    def conn_closed(self, sock) -> None:
        with self.conns_lock:
            self.conns.discard(sock)

    def drop_connections(self) -> None:
        with self.conns_lock:
            socks = list(self.conns)
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    # -- faults ---------------------------------------------------------------
    def snapshot(self):
        with self.state_lock:
            return dict(self.faults), self.changed

    def set_faults(self, faults: dict) -> None:
        with self.state_lock:
            self.ingest.value()  # account growth up to now before a freeze/unfreeze
            old = self.faults
            self.faults = dict(faults)
            self.ingest.value()
            if "refused" in faults and "refused" not in old:
                self.unlisten(reserve=True)
                self.drop_connections()
            elif "refused" not in faults and "refused" in old and not self.stack.stopping.is_set():
                self.listen()
            if self.otlp is not None and self.otlp.hosts:
                self.otlp.apply(self.faults)
            prev, self.changed = self.changed, threading.Event()
            prev.set()  # wake hung handlers so they re-evaluate

    def stop(self) -> None:
        with self.state_lock:
            self.changed.set()
            self.unlisten()
            self.release_placeholder()
            if self.otlp is not None:
                self.otlp.stop()
        self.drop_connections()

    # -- request log ----------------------------------------------------------
    def record(self, method, path, query, target, headers, body_len) -> dict:
        hdrs: dict = {}
        for k, v in headers.items():
            k = k.lower()
            if k in ("authorization", "proxy-authorization"):
                v = v.split(" ", 1)[0] + " <redacted>" if " " in v else "<redacted>"  # the scheme stays
            hdrs[k] = v if k not in hdrs else hdrs[k] + ", " + v
        rec = {"time": time.time(), "method": method, "path": path, "query": query,
               "target": target, "headers": hdrs, "body_bytes": body_len, "status": None}
        with self.req_lock:
            self.requests.append(rec)
        return rec

    def request_log(self) -> list:
        with self.req_lock:
            return [dict(r) for r in self.requests]

    def clear_requests(self) -> None:
        with self.req_lock:
            self.requests.clear()

    # -- routing --------------------------------------------------------------
    def tenant_scoped(self, path: str) -> bool:
        if path.endswith("/status/buildinfo"):
            return False
        if self.kind == "mimir":
            return path.startswith(("/prometheus/api/", "/prometheus/config/", "/api/v1/push",
                                    "/otlp/", "/alertmanager/api/", "/api/v1/user_limits"))
        if self.kind == "loki":
            return path.startswith(("/loki/api/", "/prometheus/api/", "/api/prom/", "/otlp/"))
        if self.kind == "tempo":
            return path.startswith(("/api/search", "/api/v2/search", "/api/traces",
                                    "/api/v2/traces", "/api/metrics/", "/v1/traces", "/otlp/"))
        return False

    def unauth_exempt(self, path: str) -> bool:
        if path in ("/ready", "/metrics"):
            return True
        if self.kind == "prometheus":
            return path in ("/-/ready", "/-/healthy")
        if self.kind == "grafana":
            return path in ("/api/health", "/healthz")
        return False

    def unauthorized(self) -> Resp:
        if self.kind == "grafana":
            return J({"message": "Unauthorized"}, 401)
        if self.kind == "prometheus":
            return T("Unauthorized\n", 401)
        return T(NO_ORG_ID, 401)

    def handle(self, method, path, params, headers, body, faults) -> Resp:
        if "error500" in faults:
            return T(ERR500, 500)
        if "html500" in faults:
            return Resp(502, "text/html", b"<html><head><title>502 Bad Gateway</title></head><body><center>"
                        b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n", "text")
        if "forbidden" in faults and not self.unauth_exempt(path):
            return T("Forbidden\n", 403)
        if "unauthorized" in faults and not self.unauth_exempt(path):
            return self.unauthorized()
        tenant_ok = True
        if self.kind in TENANT_KINDS and self.tenant and self.tenant_scoped(path):
            hv = (headers.get("X-Scope-OrgID") or "").strip()
            if not hv:
                return T(NO_ORG_ID, 401)
            tenant_ok = self.tenant in [t.strip() for t in hv.split("|")]
        if self.kind == "grafana" and self.stack.grafana_token and path.startswith("/api/") \
                and path != "/api/health":
            auth = (headers.get("Authorization") or "").strip()
            scheme, _, tok = auth.partition(" ")
            if scheme.lower() != "bearer" or tok.strip() != self.stack.grafana_token:
                return J({"message": "Unauthorized"}, 401)
        refusal = self.write_refusal(method, path, headers, body, faults)
        if refusal is not None:
            return refusal
        route = getattr(self, "route_" + self.kind)
        return route(method, path, params, body, faults, tenant_ok)

    # -- canary data: what was written, read back after CANARY_READ_DELAY -----------
    def write_refusal(self, method, path, headers, body, faults) -> Resp | None:
        """Checks a write (OTLP / Loki push) the way the real receivers do, and applies the
        canary_write_refused fault.  None = accepted so far."""
        writes = {"mimir": ("/otlp/v1/metrics",), "loki": ("/loki/api/v1/push",),
                  "tempo": ("/v1/traces", "/otlp/v1/traces")}.get(self.kind, ())
        if method != "POST" or path not in writes:
            return None
        raw_ct = (headers.get("Content-Type") or "").strip()
        ct = raw_ct.split(";")[0].strip().lower()
        if "canary_write_refused" in faults:
            if self.kind == "mimir":
                return T(f"unsupported content type: {raw_ct}, supported: [application/json, "
                         "application/x-protobuf]\n", 415)
            return T("fake: write refused (canary_write_refused)\n", 400)
        if self.kind == "mimir" and raw_ct not in ("application/json", "application/x-protobuf"):
            # Mimir compares the header exactly (API-NOTES pitfall 14)
            return T(f"unsupported content type: {raw_ct}, supported: [application/json, "
                     "application/x-protobuf]\n", 415)
        if self.kind == "tempo" and ct not in ("application/json", "application/x-protobuf"):
            return T(f"415 unsupported media type, supported: [application/json, application/x-protobuf]\n", 415)
        if ct != "application/json":
            return None
        try:
            doc = json.loads(body or b"null")
        except ValueError as e:
            return T(f"error decoding JSON: {e}\n", 400)
        if not isinstance(doc, dict):
            return T("error decoding JSON: not an object\n", 400)
        if self.kind == "loki":
            for s in (doc or {}).get("streams") or []:
                for v in s.get("values") or []:
                    if not isinstance(v, list) or len(v) < 2 or not isinstance(v[0], str) \
                            or not isinstance(v[1], str):
                        return T("loghttp.PushRequest.Streams: timestamp must be a string of "
                                 "nanoseconds\n", 400)
        if self.kind == "tempo":
            for rs in (doc or {}).get("resourceSpans") or []:
                for ss in rs.get("scopeSpans") or []:
                    for sp in ss.get("spans") or []:
                        tid, sid = sp.get("traceId", ""), sp.get("spanId", "")
                        if not re.fullmatch(r"[0-9a-fA-F]{32}", str(tid)) \
                                or not re.fullmatch(r"[0-9a-fA-F]{16}", str(sid)):
                            return T("invalid traceId/spanId: OTLP/JSON wants hex\n", 400)
                        if "kind" in sp and not isinstance(sp["kind"], int):
                            return T("invalid span kind: OTLP/JSON wants an integer enum\n", 400)
        return None

    def canary_visible(self, t: float) -> bool:
        faults, _ = self.snapshot()
        return "canary_never_readable" not in faults and time.monotonic() - t >= CANARY_READ_DELAY

    def store_spans(self, doc) -> None:
        now = time.monotonic()
        with self.store_lock:
            for rs in (doc or {}).get("resourceSpans") or []:
                for ss in rs.get("scopeSpans") or []:
                    for sp in ss.get("spans") or []:
                        tid = str(sp.get("traceId", "")).lower()
                        if not tid:
                            continue
                        ent = self.traces.setdefault(tid, {"t": now, "rs": []})
                        ent["rs"].append({"resource": rs.get("resource") or {},
                                          "scopeSpans": [{"scope": ss.get("scope") or {}, "spans": [sp]}]})
                        if len(self.traces) > 1000:
                            self.traces.pop(next(iter(self.traces)))

    def tempo_trace(self, v2: bool, tid: str, tenant_ok: bool) -> Resp | None:
        """A pushed trace in Tempo's trace-by-id JSON (base64 ids, enum names); None when the
        id was never pushed (the fixture answers then)."""
        with self.store_lock:
            ent = self.traces.get(tid.lower())
            ent = copy.deepcopy(ent) if ent else None
        if ent is None:
            return None
        if not tenant_ok or not self.canary_visible(ent["t"]):
            # v2 answers an unknown trace with 200 and an empty trace, v1 with an empty 404
            return J({"trace": {}, "metrics": {}}) if v2 else Resp(404, CT_TEXT, b"", "empty")
        kinds = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                 "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]
        for rs in ent["rs"]:
            for ss in rs["scopeSpans"]:
                for sp in ss["spans"]:
                    for k in ("traceId", "spanId", "parentSpanId"):
                        if sp.get(k):
                            sp[k] = base64.b64encode(bytes.fromhex(sp[k])).decode()
                    if isinstance(sp.get("kind"), int) and 0 <= sp["kind"] < len(kinds):
                        sp["kind"] = kinds[sp["kind"]]
        if v2:
            return J({"trace": {"resourceSpans": ent["rs"]}, "metrics": {"inspectedBytes": "1234"}})
        key = "batches" if self.tempo_version_tuple() < (2, 6, 0) else "resourceSpans"
        return J({key: ent["rs"]})

    def store_lines(self, doc) -> None:
        now = time.monotonic()
        with self.store_lock:
            for s in (doc or {}).get("streams") or []:
                labels = {str(k): str(v) for k, v in (s.get("stream") or {}).items()}
                for v in s.get("values") or []:
                    self.log_lines.append((labels, str(v[0]), str(v[1]), now))
            del self.log_lines[:-1000]

    @staticmethod
    def parse_selector(q: str):
        """'{a="b", c="d"} |= "x" |= "y"' -> ({a: b, c: d}, [x, y]); None if not that shape."""
        m = re.match(r'\s*\{([^}]*)\}((?:\s*\|=\s*"[^"]*")*)\s*$', q)
        if not m:
            return None
        labels = dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"', m.group(1)))
        return labels, re.findall(r'\|=\s*"([^"]*)"', m.group(2))

    def loki_stored_streams(self, q: str, params) -> Resp | None:
        sel = self.parse_selector(q)
        if sel is None:
            return None
        labels, filters = sel
        with self.store_lock:
            lines = list(self.log_lines)
        known = any(all(ls.get(k) == v for k, v in labels.items()) for ls, _, _, _ in lines)
        if not known and labels.get("job") != "lgtmtop-canary":
            return None  # not pushed here: the canned answer
        try:
            start = int(self.param(params, "start") or 0)
            end = int(self.param(params, "end") or 0) or None
        except ValueError:
            return T('invalid parameter "start": cannot parse to a valid timestamp\n', 400)
        streams: dict = {}
        for ls, ts, line, t in lines:
            if not all(ls.get(k) == v for k, v in labels.items()) or not all(f in line for f in filters):
                continue
            if int(ts) < start or (end is not None and int(ts) > end) or not self.canary_visible(t):
                continue
            streams.setdefault(tuple(sorted(ls.items())), []).append([ts, line])
        result = [{"stream": dict(k), "values": v} for k, v in streams.items()]
        return J(prom_ok({"resultType": "streams", "result": result,
                          "stats": {"summary": {"execTime": 0.0004}}}))

    def store_samples(self, doc) -> None:
        now = time.monotonic()
        with self.store_lock:
            for rm in (doc or {}).get("resourceMetrics") or []:
                job = ""
                for a in (rm.get("resource") or {}).get("attributes") or []:
                    if a.get("key") == "service.name":
                        job = (a.get("value") or {}).get("stringValue", "")
                for sm in rm.get("scopeMetrics") or []:
                    for m in sm.get("metrics") or []:
                        name = re.sub(r"[^A-Za-z0-9_:]", "_", str(m.get("name", "")))
                        data = m.get("gauge") or m.get("sum") or {}
                        for dp in data.get("dataPoints") or []:
                            labels = {"__name__": name}
                            if job:
                                labels["job"] = job
                            for a in dp.get("attributes") or []:
                                val = a.get("value") or {}
                                labels[re.sub(r"[^A-Za-z0-9_]", "_", str(a.get("key", "")))] = \
                                    str(next(iter(val.values()), ""))
                            v = dp.get("asDouble", dp.get("asInt", 0))
                            self.samples.append((labels, float(v), now))
            del self.samples[:-1000]

    def mimir_stored_query(self, q: str, params, tenant_ok: bool) -> Resp | None:
        m = re.fullmatch(r"\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(?:\{([^}]*)\})?\s*", q)
        if not m:
            return None
        name = m.group(1)
        with self.store_lock:
            samples = list(self.samples)
        if name != "lgtmtop_canary" and not any(ls["__name__"] == name for ls, _, _ in samples):
            return None
        matchers = dict(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"([^"]*)"', m.group(2) or ""))
        now = round(time.time(), 3)
        latest: dict = {}
        for ls, v, t in samples:
            if ls["__name__"] != name or not all(ls.get(k) == val for k, val in matchers.items()):
                continue
            if tenant_ok and self.canary_visible(t):
                latest[tuple(sorted(ls.items()))] = v
        result = [{"metric": dict(k), "value": [now, num(v)]} for k, v in latest.items()]
        return J(prom_ok({"resultType": "vector", "result": result}))

    # -- shared helpers -------------------------------------------------------
    def ready(self, faults) -> Resp:
        if "notready" in faults:
            reason = faults["notready"] or INGESTER_NOT_READY
            if not reason.endswith("\n"):
                reason += "\n"
            return T(reason, 503)
        self.ready_count += 1
        return T("ready\n")

    def tenant_label(self, default: str) -> str:
        return self.tenant or default

    @staticmethod
    def param(params, name, default=""):
        v = params.get(name)
        return v[-1] if v else default

    def query_value(self, q: str) -> str:
        qs = q.strip()
        m = re.fullmatch(r"(?:vector\((\d+(?:\.\d+)?)\)|(\d+(?:\.\d+)?))(?:\s*\+\s*(?:vector\((\d+(?:\.\d+)?)\)|(\d+(?:\.\d+)?)))*",
                         qs)
        if m:
            total = sum(float(x) for x in re.findall(r"\d+(?:\.\d+)?", qs))
            return num(total)
        if "rate(" in qs or "increase(" in qs:
            return num(round(self.ingest.rate(time.monotonic()) if "nospans" not in self.faults else 0.0, 3))
        return "1"

    def prom_query(self, params, tenant_ok, up_series) -> Resp:
        q = self.param(params, "query")
        if not q.strip():
            return prom_err("bad_data", 'invalid parameter "query": unknown position: '
                                        "parse error: no expression found in input")
        now = round(time.time(), 3)
        try:
            t = float(self.param(params, "time") or now)
        except ValueError:
            t = now
        if not tenant_ok:
            return J(prom_ok({"resultType": "vector", "result": []}))
        if q.strip() == "up":
            result = [{"metric": m, "value": [t, v]} for m, v in up_series]
        else:
            result = [{"metric": {}, "value": [t, self.query_value(q)]}]
        return J(prom_ok({"resultType": "vector", "result": result}))

    def prom_query_range(self, params, tenant_ok) -> Resp:
        q = self.param(params, "query")
        if not q.strip():
            return prom_err("bad_data", 'invalid parameter "query": unknown position: '
                                        "parse error: no expression found in input")
        now = time.time()
        try:
            end = float(self.param(params, "end") or now)
            start = float(self.param(params, "start") or end - 300)
            step = max(float(self.param(params, "step") or 15), 1.0)
        except ValueError:
            return prom_err("bad_data", 'invalid parameter "start": cannot parse to a valid timestamp')
        if not tenant_ok:
            return J(prom_ok({"resultType": "matrix", "result": []}))
        n = min(int((end - start) // step) + 1, 11000)
        vals = [[round(start + i * step, 3), self.query_value(q)] for i in range(max(n, 1))]
        return J(prom_ok({"resultType": "matrix", "result": [{"metric": {}, "values": vals}]}))

    # -- mimir ----------------------------------------------------------------
    def mimir_rules(self) -> list:
        now = time.time()
        active = rfc3339(self.started - 600)
        return [
            {"name": "mimir-stack", "file": "demo-rules", "interval": 60, "limit": 0,
             "evaluationTime": 0.00172, "lastEvaluation": rfc3339(now - 12),
             "rules": [
                 {"state": "firing", "name": "HighRequestLatency",
                  "query": 'job:request_latency_seconds:mean5m{job="myjob"} > 0.5',
                  "duration": 600, "keepFiringFor": 0, "labels": {"severity": "page"},
                  "annotations": {"summary": "High request latency"},
                  "alerts": [{"labels": {"alertname": "HighRequestLatency", "job": "myjob",
                                         "severity": "page"},
                              "annotations": {"summary": "High request latency"},
                              "state": "firing", "activeAt": active, "value": "7.3e-01"}],
                  "health": "ok", "lastError": "", "type": "alerting",
                  "lastEvaluation": rfc3339(now - 12), "evaluationTime": 0.000871},
                 {"state": "inactive", "name": "IngesterNotReceivingSamples",
                  "query": "sum(rate(cortex_distributor_received_samples_total[5m])) == 0",
                  "duration": 300, "keepFiringFor": 0, "labels": {"severity": "critical"},
                  "annotations": {"summary": "Mimir distributors receive no samples"},
                  "alerts": [], "health": "ok", "lastError": "", "type": "alerting",
                  "lastEvaluation": rfc3339(now - 12), "evaluationTime": 0.000512},
             ]},
            {"name": "mimir-recording", "file": "demo-rules", "interval": 60, "limit": 0,
             "evaluationTime": 0.00094, "lastEvaluation": rfc3339(now - 31),
             "rules": [
                 {"name": "job:http_inprogress_requests:sum",
                  "query": "sum by (job) (http_inprogress_requests)", "labels": {},
                  "health": "ok", "lastError": "", "type": "recording",
                  "lastEvaluation": rfc3339(now - 31), "evaluationTime": 0.000403},
                 {"name": "cluster:cortex_distributor_received_samples:rate5m",
                  "query": "sum(rate(cortex_distributor_received_samples_total[5m]))",
                  "labels": {}, "health": "ok", "lastError": "", "type": "recording",
                  "lastEvaluation": rfc3339(now - 31), "evaluationTime": 0.000377},
             ]},
        ]

    def mimir_metrics(self) -> str:
        bi = self.stack.fx.mimir_buildinfo.get("data", {}) or {}
        x = self.ingest.value()
        u = self.tenant_label("demo")
        demo = self.stack.scenario == "demo"
        samples = 120000 + x
        samples_in = 125000 + x * (1.004 if demo else 1.0)
        reqs = 2500 + x / 50
        disc = 5000 + (x * 0.004 if demo else 0)
        fast = int(reqs * 0.924)
        return f"""# HELP cortex_build_info A metric with a constant '1' value labeled by version, revision, branch, goversion from which cortex was built, and the goos and goarch for the build.
# TYPE cortex_build_info gauge
cortex_build_info{{branch="{bi.get('branch', 'HEAD')}",goarch="amd64",goos="linux",goversion="{bi.get('goVersion', '')}",revision="{bi.get('revision', '')}",tags="netgo",version="{bi.get('version', '')}"}} 1
# HELP cortex_distributor_received_requests_total The total number of received requests, excluding rejected and deduped requests.
# TYPE cortex_distributor_received_requests_total counter
cortex_distributor_received_requests_total{{user="{u}"}} {num(int(reqs))}
# HELP cortex_distributor_samples_in_total The total number of samples that have come in to the distributor, including rejected or deduped samples.
# TYPE cortex_distributor_samples_in_total counter
cortex_distributor_samples_in_total{{user="{u}"}} {num(int(samples_in))}
# HELP cortex_distributor_received_samples_total The total number of received samples, excluding rejected and deduped samples.
# TYPE cortex_distributor_received_samples_total counter
cortex_distributor_received_samples_total{{user="{u}"}} {num(int(samples))}
# HELP cortex_distributor_received_exemplars_total The total number of received exemplars, excluding rejected and deduped exemplars.
# TYPE cortex_distributor_received_exemplars_total counter
cortex_distributor_received_exemplars_total{{user="{u}"}} 0
# HELP cortex_discarded_samples_total The total number of samples that were discarded.
# TYPE cortex_discarded_samples_total counter
cortex_discarded_samples_total{{group="",reason="sample-out-of-order",user="{u}"}} {num(int(disc))}
# HELP cortex_ring_members Number of members in the ring
# TYPE cortex_ring_members gauge
cortex_ring_members{{name="ingester",state="ACTIVE"}} 3
cortex_ring_members{{name="ingester",state="JOINING"}} 0
cortex_ring_members{{name="ingester",state="LEAVING"}} 0
cortex_ring_members{{name="ingester",state="PENDING"}} 0
cortex_ring_members{{name="ingester",state="Unhealthy"}} 0
# HELP cortex_request_duration_seconds Time (in seconds) spent serving HTTP requests.
# TYPE cortex_request_duration_seconds histogram
cortex_request_duration_seconds_bucket{{method="POST",route="api_v1_push",status_code="200",ws="false",le="0.005"}} {fast}
cortex_request_duration_seconds_bucket{{method="POST",route="api_v1_push",status_code="200",ws="false",le="+Inf"}} {int(reqs)}
cortex_request_duration_seconds_sum{{method="POST",route="api_v1_push",status_code="200",ws="false"}} {num(round(reqs * 0.004564, 3))}
cortex_request_duration_seconds_count{{method="POST",route="api_v1_push",status_code="200",ws="false"}} {int(reqs)}
"""

    def route_mimir(self, method, path, params, body, faults, tenant_ok) -> Resp:
        fx = self.stack.fx
        if path == "/ready":
            return self.ready(faults)
        if path in ("/api/v1/status/buildinfo", "/prometheus/api/v1/status/buildinfo"):
            return J(fx.mimir_buildinfo)
        if path == "/metrics":
            return M(self.mimir_metrics())
        if path == "/prometheus/api/v1/query":
            stored = self.mimir_stored_query(self.param(params, "query"), params, tenant_ok)
            if stored is not None:
                return stored
            up = [({"__name__": "up", "job": job, "instance": inst}, "1") for job, inst in (
                ("mimir/distributor", "distributor-0:8080"), ("mimir/ingester", "ingester-0:8080"),
                ("mimir/ingester", "ingester-1:8080"), ("mimir/ingester", "ingester-2:8080"),
                ("mimir/querier", "querier-0:8080"))]
            return self.prom_query(params, tenant_ok, up)
        if path == "/prometheus/api/v1/query_range":
            return self.prom_query_range(params, tenant_ok)
        if path == "/prometheus/api/v1/rules":
            return J(prom_ok({"groups": self.mimir_rules() if tenant_ok else []}))
        if path == "/prometheus/api/v1/alerts":
            alerts = []
            if tenant_ok:
                for g in self.mimir_rules():
                    for r in g["rules"]:
                        alerts.extend(r.get("alerts") or [])
            return J(prom_ok({"alerts": alerts}))
        if path == "/prometheus/api/v1/label/__name__/values":
            names = ["cortex_build_info", "cortex_distributor_received_samples_total", "up"]
            return J(prom_ok(names if tenant_ok else []))
        if path == "/prometheus/api/v1/labels":
            return J(prom_ok(["__name__", "instance", "job"] if tenant_ok else []))
        if path == "/ingester/ring":
            return J(fx.mimir_ring)
        if path == "/api/v1/push":
            if method != "POST":
                return T("Method Not Allowed\n", 405)
            self.ingest.add(100)
            return Resp(200, CT_TEXT, b"", "empty")
        if path == "/otlp/v1/metrics":
            if method != "POST":
                return T("Method Not Allowed\n", 405)
            self.ingest.add(10)
            try:
                self.store_samples(json.loads(body))
            except (ValueError, AttributeError, TypeError):
                pass
            return J({})
        return T(NOT_FOUND, 404)

    # -- loki -----------------------------------------------------------------
    def loki_metrics(self) -> str:
        bi = self.stack.fx.loki_buildinfo
        x = self.ingest.value()
        t = self.tenant_label("fake")
        demo = self.stack.scenario == "demo"
        lines = 95412 + x
        nbytes = 18374562 + x * 192.6
        reqs = 1044 + x / 91
        streams = 37 + (int(3 * math.sin(time.time() / 20)) if demo else 0)
        return f"""# HELP loki_build_info A metric with a constant '1' value labeled by version, revision, branch, goversion from which loki was built, and the goos and goarch for the build.
# TYPE loki_build_info gauge
loki_build_info{{branch="{bi.get('branch', '')}",goarch="amd64",goos="linux",goversion="{bi.get('goVersion', '')}",revision="{bi.get('revision', '')}",tags="netgo",version="{bi.get('version', '')}"}} 1
# HELP loki_distributor_bytes_received_total The total number of uncompressed bytes received per tenant. Includes structured metadata bytes.
# TYPE loki_distributor_bytes_received_total counter
loki_distributor_bytes_received_total{{aggregated_metric="false",policy="",retention_hours="744",tenant="{t}"}} {num(int(nbytes))}
# HELP loki_distributor_lines_received_total The total number of lines received per tenant
# TYPE loki_distributor_lines_received_total counter
loki_distributor_lines_received_total{{aggregated_metric="false",policy="",tenant="{t}"}} {num(int(lines))}
# HELP loki_discarded_samples_total The total number of samples that were discarded.
# TYPE loki_discarded_samples_total counter
loki_discarded_samples_total{{policy="",reason="rate_limited",retention_hours="744",tenant="{t}"}} 12
# HELP loki_ingester_memory_streams The total number of streams in memory per tenant.
# TYPE loki_ingester_memory_streams gauge
loki_ingester_memory_streams{{tenant="{t}"}} {streams}
# HELP loki_ingester_streams_created_total The total number of streams created per tenant.
# TYPE loki_ingester_streams_created_total counter
loki_ingester_streams_created_total{{tenant="{t}"}} 41
# HELP loki_request_duration_seconds Time (in seconds) spent serving HTTP requests.
# TYPE loki_request_duration_seconds histogram
loki_request_duration_seconds_bucket{{method="POST",route="loki_api_v1_push",status_code="204",ws="false",le="0.005"}} {int(reqs * 0.979)}
loki_request_duration_seconds_bucket{{method="POST",route="loki_api_v1_push",status_code="204",ws="false",le="+Inf"}} {int(reqs)}
loki_request_duration_seconds_sum{{method="POST",route="loki_api_v1_push",status_code="204",ws="false"}} {num(round(reqs * 0.003745, 3))}
loki_request_duration_seconds_count{{method="POST",route="loki_api_v1_push",status_code="204",ws="false"}} {int(reqs)}
"""

    def route_loki(self, method, path, params, body, faults, tenant_ok) -> Resp:
        fx = self.stack.fx
        if path == "/ready":
            return self.ready(faults)
        if path == "/loki/api/v1/status/buildinfo":
            return J(fx.loki_buildinfo)
        if path == "/metrics":
            return M(self.loki_metrics())
        if path == "/services":
            return T(fx.loki_services)
        if path in ("/loki/api/v1/labels", "/loki/api/v1/label"):
            return J(fx.loki_labels if tenant_ok else {"status": "success", "data": []}, pretty=True)
        if re.fullmatch(r"/loki/api/v1/label/[^/]+/values", path):
            return J(fx.loki_label_values if tenant_ok else {"status": "success", "data": []},
                     pretty=True)
        if path == "/loki/api/v1/query":
            q = self.param(params, "query")
            if not q.strip():
                return T("parse error : syntax error: unexpected $end\n", 400)
            t = round(time.time(), 3)
            result = [{"metric": {}, "value": [t, self.query_value(q)]}] if tenant_ok else []
            return J(prom_ok({"resultType": "vector", "result": result,
                              "stats": {"summary": {"execTime": 0.00042}}}))
        if path == "/loki/api/v1/query_range":
            stored = self.loki_stored_streams(self.param(params, "query"), params) if tenant_ok else None
            if stored is not None:
                return stored
            if not tenant_ok:
                return J(prom_ok({"resultType": "streams", "result": [],
                                  "stats": {"summary": {"execTime": 0.0003}}}))
            now_ns = time.time_ns()
            vals = [[str(now_ns - i * 1_000_000_000), f'level=info msg="fake line {i}"']
                    for i in range(5)]
            return J(prom_ok({"resultType": "streams",
                              "result": [{"stream": {"job": "fakestack", "level": "info"},
                                          "values": vals}],
                              "stats": {"summary": {"execTime": 0.00061}}}))
        if path in ("/prometheus/api/v1/rules", "/loki/api/v1/rules/prometheus"):
            return J(fx.loki_rules if tenant_ok else prom_ok({"groups": []}))
        if path == "/prometheus/api/v1/alerts":
            return J(prom_ok({"alerts": []}))
        if path == "/loki/api/v1/push":
            if method != "POST":
                return T("Method Not Allowed\n", 405)
            lines = 1
            try:
                doc = json.loads(body)
                lines = sum(len(s.get("values") or []) for s in doc.get("streams") or [])
                self.store_lines(doc)
            except (ValueError, AttributeError, TypeError):
                pass
            self.ingest.add(lines)
            return Resp(204, CT_TEXT, b"", "empty")
        return T(NOT_FOUND, 404)

    # -- tempo ----------------------------------------------------------------
    def tempo_version_tuple(self) -> tuple:
        nums = [int(n) for n in re.findall(r"\d+", self.stack.tempo_version)[:3]]
        return tuple(nums + [0] * (3 - len(nums)))

    def tempo_metrics(self, faults) -> str:
        bi = self.stack.fx.tempo_buildinfo
        ver = self.stack.tempo_version
        x = self.ingest.value()
        t = self.tenant_label("single-tenant")
        spans = 16 + x
        nbytes = 6920 + x * 432.5
        traces = 7 + x / 8
        live = 2 + (int(2 + 2 * math.sin(time.time() / 15)) if self.stack.scenario == "demo" else 0)
        ready = 59367 + self.ready_count
        out = [f"""# HELP tempo_build_info A metric with a constant '1' value labeled by version, revision, branch, goversion from which tempo was built, and the goos and goarch for the build.
# TYPE tempo_build_info gauge
tempo_build_info{{branch="{bi.get('branch', 'HEAD')}",goarch="amd64",goos="linux",goversion="{bi.get('goVersion', '')}",revision="{bi.get('revision', '')}",tags="unknown",version="{ver}"}} 1
# HELP tempo_distributor_bytes_received_total The total number of proto bytes received per tenant, after limits
# TYPE tempo_distributor_bytes_received_total counter
tempo_distributor_bytes_received_total{{tenant="{t}"}} {num(int(nbytes))}
# HELP tempo_distributor_ingress_bytes_total The total number of bytes received per tenant, before limits
# TYPE tempo_distributor_ingress_bytes_total counter
tempo_distributor_ingress_bytes_total{{tenant="{t}"}} {num(int(nbytes))}
"""]
        if "nospans" not in faults:
            out.append(f"""# HELP tempo_distributor_spans_received_total The total number of spans received per tenant
# TYPE tempo_distributor_spans_received_total counter
tempo_distributor_spans_received_total{{tenant="{t}"}} {num(int(spans))}
""")
        out.append(f"""# HELP tempo_discarded_spans_total The total number of samples that were discarded.
# TYPE tempo_discarded_spans_total counter
tempo_discarded_spans_total{{reason="rate_limited",tenant="{t}"}} 0
""")
        if self.tempo_version_tuple() >= (3, 0, 0):
            out.append(f"""# HELP tempo_live_store_traces_created_total The total number of traces created per tenant.
# TYPE tempo_live_store_traces_created_total counter
tempo_live_store_traces_created_total{{tenant="{t}"}} {num(int(traces))}
# HELP tempo_live_store_live_traces The current number of live traces per tenant.
# TYPE tempo_live_store_live_traces gauge
tempo_live_store_live_traces{{tenant="{t}"}} {live}
# HELP tempo_live_store_bytes_received_total The total bytes received per tenant.
# TYPE tempo_live_store_bytes_received_total counter
tempo_live_store_bytes_received_total{{data_type="trace",tenant="{t}"}} {num(int(nbytes))}
""")
        else:
            out.append(f"""# HELP tempo_ingester_traces_created_total The total number of traces created per tenant.
# TYPE tempo_ingester_traces_created_total counter
tempo_ingester_traces_created_total{{tenant="{t}"}} {num(int(traces))}
# HELP tempo_ingester_live_traces The current number of lives traces per tenant.
# TYPE tempo_ingester_live_traces gauge
tempo_ingester_live_traces{{tenant="{t}"}} {live}
""")
        out.append(f"""# HELP tempo_metrics_generator_spans_received_total The total number of spans received per tenant
# TYPE tempo_metrics_generator_spans_received_total counter
tempo_metrics_generator_spans_received_total{{tenant="{t}"}} {num(int(spans))}
# HELP tempo_metrics_generator_bytes_received_total The total number of proto bytes received per tenant
# TYPE tempo_metrics_generator_bytes_received_total counter
tempo_metrics_generator_bytes_received_total{{tenant="{t}"}} {num(int(nbytes))}
# HELP tempo_metrics_generator_registry_active_series The active series per tenant
# TYPE tempo_metrics_generator_registry_active_series gauge
tempo_metrics_generator_registry_active_series{{tenant="{t}"}} 42
# HELP tempo_receiver_accepted_spans Number of spans successfully pushed into the pipeline.
# TYPE tempo_receiver_accepted_spans counter
tempo_receiver_accepted_spans{{receiver="otlp/otlp_receiver",transport="grpc"}} {num(int(spans))}
# HELP tempo_receiver_refused_spans Number of spans that could not be pushed into the pipeline.
# TYPE tempo_receiver_refused_spans counter
tempo_receiver_refused_spans{{receiver="otlp/otlp_receiver",transport="grpc"}} 0
# HELP tempo_request_duration_seconds Time (in seconds) spent serving HTTP requests.
# TYPE tempo_request_duration_seconds histogram
tempo_request_duration_seconds_bucket{{method="GET",route="ready",status_code="200",ws="false",le="0.01"}} {ready - 7}
tempo_request_duration_seconds_bucket{{method="GET",route="ready",status_code="200",ws="false",le="100"}} {ready}
tempo_request_duration_seconds_bucket{{method="GET",route="ready",status_code="200",ws="false",le="+Inf"}} {ready}
tempo_request_duration_seconds_sum{{method="GET",route="ready",status_code="200",ws="false"}} {num(round(ready * 0.00001515, 6))}
tempo_request_duration_seconds_count{{method="GET",route="ready",status_code="200",ws="false"}} {ready}
""")
        return "".join(out)

    def tempo_services(self) -> list:
        vals = self.stack.fx.tempo_tag_values_v1.get("tagValues") or ["shop-backend"]
        return [v for v in vals if isinstance(v, str)] or ["shop-backend"]

    def tempo_search(self, params, faults, tenant_ok) -> Resp:
        try:
            limit = max(1, int(self.param(params, "limit") or 20))
        except ValueError:
            return T('invalid limit: strconv.Atoi: parsing "x": invalid syntax\n', 400)
        traces = []
        if tenant_ok and "nospans" not in faults and "search_empty" not in faults:
            services = self.tempo_services()
            names = ["GET /api/articles", "POST /api/cart", "SELECT orders", "GET /health",
                     "POST /api/login"]
            now_ns = time.time_ns()
            rnd = random.Random(int(time.time() // 5))  # stable for a few seconds
            for i in range(min(limit, 5)):
                svc = services[i % len(services)]
                start = now_ns - (i + 1) * 1_700_000_000 - rnd.randrange(1_000_000_000)
                dur_ms = rnd.randrange(3, 900)
                span = {"spanID": "%016x" % rnd.getrandbits(64), "startTimeUnixNano": str(start),
                        "durationNanos": str(dur_ms * 1_000_000),
                        "attributes": [{"key": "service.name", "value": {"stringValue": svc}}]}
                spanset = {"spans": [span], "matched": 1}
                traces.append({"traceID": "%032x" % rnd.getrandbits(128), "rootServiceName": svc,
                               "rootTraceName": names[i % len(names)],
                               "startTimeUnixNano": str(start), "durationMs": dur_ms,
                               "spanSet": spanset, "spanSets": [spanset]})
        return J({"traces": traces,
                  "metrics": {"inspectedTraces": len(traces), "inspectedBytes": "292781",
                              "completedJobs": 1, "totalJobs": 1}}, pretty=True)

    def route_tempo(self, method, path, params, body, faults, tenant_ok) -> Resp:
        fx = self.stack.fx
        if path == "/ready":
            return self.ready(faults)
        if path == "/api/echo":
            return T("echo\n")
        if path == "/api/status/buildinfo":
            if self.tempo_version_tuple() < (2, 3, 0):
                return T(NOT_FOUND, 404)
            bi = dict(fx.tempo_buildinfo)
            bi["version"] = self.stack.tempo_version
            return J(bi)
        if path == "/metrics":
            return M(self.tempo_metrics(faults))
        if path == "/status/services":
            return T(fx.tempo_services)
        if path == "/status/version":
            return T(f"tempo, version {self.stack.tempo_version} (branch: HEAD, revision: "
                     f"{fx.tempo_buildinfo.get('revision', '')})\n")
        if path == "/api/search":
            return self.tempo_search(params, faults, tenant_ok)
        if path == "/api/search/tags":
            return J(fx.tempo_tags_v1 if tenant_ok else {"tagNames": []}, pretty=True)
        if path == "/api/v2/search/tags":
            return J(fx.tempo_tags_v2 if tenant_ok else {"scopes": []}, pretty=True)
        if re.fullmatch(r"/api/search/tag/[^/]+/values", path):
            return J(fx.tempo_tag_values_v1 if tenant_ok else {"tagValues": []}, pretty=True)
        if re.fullmatch(r"/api/v2/search/tag/[^/]+/values", path):
            return J(fx.tempo_tag_values_v2 if tenant_ok else {"tagValues": []}, pretty=True)
        m = re.fullmatch(r"/api(/v2)?/traces/([0-9a-fA-F]+)", path)
        if m and m.group(1) and self.tempo_version_tuple() < (2, 6, 0):
            return T(NOT_FOUND, 404)  # no v2 trace-by-id route before 2.6 (approximately)
        stored = self.tempo_trace(bool(m.group(1)), m.group(2), tenant_ok) if m else None
        if stored is not None:
            return stored
        if re.fullmatch(r"/api/traces/[0-9a-fA-F]+", path):
            if not tenant_ok:
                return T("trace not found\n", 404)
            return J(fx.tempo_trace_v1)
        if re.fullmatch(r"/api/v2/traces/[0-9a-fA-F]+", path):
            if not tenant_ok:
                return T("trace not found\n", 404)
            return J(fx.tempo_trace_v2)
        if path in ("/v1/traces", "/otlp/v1/traces"):
            if method != "POST":
                return T("Method Not Allowed\n", 405)
            spans = 1
            try:
                doc = json.loads(body)
                spans = sum(len(ss.get("spans") or []) for rs in doc.get("resourceSpans") or []
                            for ss in rs.get("scopeSpans") or [])
                self.store_spans(doc)
            except (ValueError, AttributeError, TypeError):
                pass
            if "nospans" not in faults:
                self.ingest.add(spans)
            return J({})
        return T(NOT_FOUND, 404)

    # -- grafana --------------------------------------------------------------
    def grafana_faults(self) -> dict:
        f, _ = self.snapshot()
        return f

    def grafana_ds_target(self, ds: dict):
        """(instance, url) the datasource points at in this fake stack, or (None, None)."""
        st = self.stack
        t = ds.get("type")
        if t == "prometheus":
            if (ds.get("jsonData") or {}).get("prometheusType") == "Mimir" and st.first("mimir"):
                inst = st.first("mimir")
                return inst, inst.url + "/prometheus"
            inst = st.first("prometheus") or st.first("mimir")
            if inst is not None:
                return inst, inst.url + ("/prometheus" if inst.kind == "mimir" else "")
        elif t in ("loki", "tempo"):
            inst = st.first(t)
            if inst is not None:
                return inst, inst.url
        elif t == "alertmanager":
            inst = st.first("mimir")
            if inst is not None:
                return inst, inst.url
        return None, None

    def grafana_dead_url(self) -> str:
        """A loopback URL where nothing listens (a bound socket that never listens, so a
        connect is refused): a datasource URL only "Grafana's network" can reach."""
        st = self.stack
        with GRAFANA_LOCK:
            sock = getattr(st, "grafana_dead_sock", None)
            if sock is None:
                sock = socket.socket(socket.AF_INET6 if ":" in st.host else socket.AF_INET, socket.SOCK_STREAM)
                sock.bind((st.host, 0))
                st.grafana_dead_sock = sock
            return f"http://{st.url_host}:{sock.getsockname()[1]}"

    def grafana_datasources(self) -> list:
        faults = self.grafana_faults()
        src = copy.deepcopy(self.stack.fx.grafana_datasources)
        if "dash_deprecated_ds" in faults:
            src.append(copy.deepcopy(GRAFANA_DS_LEGACY))
        if "ds_loki_deleted" in faults:  # deleted in Grafana; the dashboards still name it
            src = [ds for ds in src if ds.get("uid") != "loki"]
        out = []
        for ds in src:
            _, url = self.grafana_ds_target(ds)
            if url:
                ds["url"] = url
            out.append(ds)
        if "ds_internal" in faults:
            ds = copy.deepcopy(GRAFANA_DS_INTERNAL)
            ds["url"] = self.grafana_dead_url() + "/prometheus"
            out.append(ds)
        if "ds_hostile" in faults:
            out.append(copy.deepcopy(GRAFANA_DS_HOSTILE))
        return out

    def grafana_ds_health(self, ds: dict) -> Resp:
        fx = self.stack.fx
        t = ds.get("type")
        if ds.get("uid") == GRAFANA_DS_INTERNAL["uid"]:  # reachable on "Grafana's network" only
            return J(fx.grafana_ds_ok_mimir)
        if ds.get("uid") == GRAFANA_DS_HOSTILE["uid"]:
            return J({"message": "<b>bad</b> gateway: <script>alert(2)</script>", "status": "ERROR"}, 400)
        if "ds_unhealthy" in self.grafana_faults() and t == "loki":
            return J({"message": "There was an error returned querying the Loki API.: Get \"http://loki-gateway:3100"
                                 "/loki/api/v1/query?query=vector%281%29%2Bvector%281%29\": dial tcp: lookup "
                                 "loki-gateway on 127.0.0.11:53: no such host", "status": "ERROR"}, 400)
        if t not in ("prometheus", "loki"):
            return J(fx.grafana_ds_not_impl, 404)
        inst, url = self.grafana_ds_target(ds)
        err = None
        if inst is not None:
            f, _ = inst.snapshot()
            hp = urllib.parse.urlsplit(inst.url).netloc
            qurl = url + ("/api/v1/query" if t == "prometheus" else "/loki/api/v1/query")
            if "refused" in f:
                err = f'Post "{qurl}": dial tcp {hp}: connect: connection refused'
            elif "hang" in f:
                err = f'Post "{qurl}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
            elif "error500" in f:
                err = "server error: 500 Internal Server Error"
            elif "unauthorized" in f:
                err = "no org id"
            elif {"garbage", "truncated", "huge"} & set(f):
                err = "bad_response: readObjectStart: expect { or n, but found <"
        if err:
            if t == "prometheus":
                msg = f"{err} - There was an error returned querying the Prometheus API."
            else:
                msg = f"There was an error returned querying the Loki API.: {err}"
            return J({"message": msg, "status": "ERROR"}, 400)
        if t == "loki":
            return J(fx.grafana_ds_ok_loki)
        if inst is not None and inst.kind == "mimir":
            return J(fx.grafana_ds_ok_mimir)
        return J(fx.grafana_ds_ok_prom)

    def grafana_proxy(self, ds: dict, rest: str, params) -> Resp:
        if ds.get("uid") == GRAFANA_DS_INTERNAL["uid"]:
            return J(prom_ok({"resultType": "scalar", "result": [time.time(), "2"]}))
        inst, url = self.grafana_ds_target(ds)
        if inst is None:
            return J({"message": "Bad Gateway"}, 502)
        if ds.get("type") == "alertmanager" and (rest or "").rstrip("/").endswith("/api/v2/status"):
            # the Alertmanager behind the datasource (the fake Mimir has none of its own)
            f, _ = inst.snapshot()
            if {"refused", "hang", "error500"} & set(f):
                return J({"message": "Bad Gateway"}, 502)
            return J(self.stack.fx.am_status)
        q = urllib.parse.urlencode(params, doseq=True)
        target = url.rstrip("/") + (rest or "/") + ("?" + q if q else "")
        hdrs = {"User-Agent": "Grafana/" + str(self.stack.fx.grafana_health.get("version", ""))}
        if inst.tenant:
            hdrs["X-Scope-OrgID"] = inst.tenant
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(urllib.request.Request(target, headers=hdrs), timeout=10) as r:
                return Resp(r.status, r.headers.get("Content-Type") or CT_TEXT, r.read(), "text")
        except urllib.error.HTTPError as e:
            return Resp(e.code, e.headers.get("Content-Type") or CT_TEXT, e.read(), "text")
        except (OSError, http.client.HTTPException):
            return J({"message": "Bad Gateway"}, 502)

    def grafana_imported(self, d: dict) -> dict:
        """What Grafana stores when a dashboard exported "for sharing externally" is imported:
        every ${DS_X} of __inputs replaced by the uid of a datasource of that plugin."""
        dash = d["dashboard"]
        inputs = dash.get("__inputs")
        if not isinstance(inputs, list) or not inputs:
            return d
        dss = self.grafana_datasources()
        text = json.dumps(dash)
        for i in inputs:
            if not isinstance(i, dict) or i.get("type") != "datasource" or not i.get("name"):
                continue
            of_type = [x for x in dss if x.get("type") == i.get("pluginId")]
            pick = next((x for x in of_type if x.get("isDefault")), of_type[0] if of_type else None)
            if pick is not None:
                text = text.replace("${%s}" % i["name"], pick["uid"])
        dash = json.loads(text)
        dash.pop("__inputs", None)
        dash.pop("__requires", None)
        return dict(d, dashboard=dash)

    def grafana_dashboard_set(self) -> dict:
        """uid -> {"dashboard", "meta"}: the fixtures, the crafted dashboards their faults
        enable, imported (placeholders replaced) unless the fault dash_inputs is set."""
        fx = self.stack.fx
        faults = self.grafana_faults()
        out = dict(fx.dashboards)
        for uid, d in fx.crafted.items():
            need = GRAFANA_CRAFTED_FAULT.get(uid)
            if need is None or need in faults:
                out[uid] = d
        if "dash_inputs" not in faults:
            out = {uid: self.grafana_imported(d) for uid, d in out.items()}
        return out

    def grafana_search(self, params) -> list:
        fx = self.stack.fx
        items = copy.deepcopy(fx.grafana_search)
        seen = {i.get("uid") for i in items if isinstance(i, dict)}
        next_id = 200
        for uid, d in self.grafana_dashboard_set().items():
            if uid in seen:
                continue
            dash, meta = d["dashboard"], d["meta"]
            slug = meta.get("slug") or uid
            item = {"id": dash.get("id") or next_id, "uid": uid,
                    "title": dash.get("title") or uid, "uri": f"db/{slug}",
                    "url": meta.get("url") or f"/d/{uid}/{slug}", "slug": "",
                    "type": "dash-db", "tags": dash.get("tags") or [],
                    "isStarred": False, "sortMeta": 0}
            if meta.get("folderUid"):
                item.update({"folderUid": meta["folderUid"], "folderTitle": meta.get("folderTitle", ""),
                             "folderUrl": meta.get("folderUrl", "")})
            items.append(item)
            next_id += 1
        typ = self.param(params, "type")
        query = self.param(params, "query").lower()
        if typ:
            items = [i for i in items if i.get("type") == typ]
        if query:
            items = [i for i in items if query in str(i.get("title", "")).lower()]
        try:
            limit = int(self.param(params, "limit") or 1000)
            page = int(self.param(params, "page") or 1)
        except ValueError:
            limit, page = 1000, 1
        limit, page = max(limit, 0), max(page, 1)
        return items[(page - 1) * limit:page * limit]

    def grafana_dashboard(self, uid: str):
        fx = self.stack.fx
        dashboards = self.grafana_dashboard_set()
        d = dashboards.get(uid)
        if d is not None:
            return {"dashboard": d["dashboard"], "meta": d["meta"]}
        # search_dash_db.json lists a dashboard that has no fixture of its own:
        # serve the mixed-references dashboard under that uid/title.
        for item in fx.grafana_search:
            if isinstance(item, dict) and item.get("uid") == uid and item.get("type") == "dash-db":
                base = dashboards.get("obs-health") or next(iter(dashboards.values()), None)
                dash = copy.deepcopy(base["dashboard"]) if base else {"panels": []}
                dash.update({"uid": uid, "title": item.get("title", uid),
                             "id": item.get("id"), "tags": item.get("tags") or []})
                url = item.get("url") or f"/d/{uid}"
                meta = copy.deepcopy(base["meta"]) if base else {}
                meta.update({"url": url, "slug": url.rstrip("/").rsplit("/", 1)[-1],
                             "folderId": item.get("folderId", 0),
                             "folderUid": item.get("folderUid", ""),
                             "folderTitle": item.get("folderTitle", "General"),
                             "folderUrl": item.get("folderUrl", "")})
                return {"dashboard": dash, "meta": meta}
        return None

    def grafana_rule_state(self) -> dict:
        """/api/prometheus/grafana/api/v1/rules: healthy rules only, unless alerting_broken
        (then the fixture's failing rule and a rule whose datasource is gone as well)."""
        doc = copy.deepcopy(self.stack.fx.grafana_rules)
        groups = ((doc.get("data") or {}).get("groups") or []) if isinstance(doc, dict) else []
        if "alerting_broken" in self.grafana_faults():
            groups.append(copy.deepcopy(GRAFANA_BROKEN_GROUP))
        else:
            for g in groups:
                if isinstance(g, dict) and isinstance(g.get("rules"), list):
                    g["rules"] = [r for r in g["rules"] if not (isinstance(r, dict) and r.get("health") == "error")]
                    g.pop("totals", None)
            if isinstance(doc.get("data"), dict):
                doc["data"].pop("totals", None)
        return doc

    def route_grafana(self, method, path, params, body, faults, tenant_ok) -> Resp:
        fx = self.stack.fx
        if path == "/api/health":
            h = dict(fx.grafana_health)
            if "db_failing" in faults:
                h["database"] = "failing"
                return J(h, 503, pretty=True)
            h["database"] = "ok"
            return J(h, pretty=True)
        if path == "/healthz":
            return T("Ok")
        if path == "/api/frontend/settings":
            return J({"buildInfo": {"version": fx.grafana_health.get("version", ""),
                                    "commit": fx.grafana_health.get("commit", ""),
                                    "edition": "Open Source", "env": "production"},
                      "defaultDatasource": "Mimir"})
        if path == "/api/user":
            return J({"id": 2, "uid": "sa-fakestack", "login": "sa-1-lgtmtop",
                      "name": "lgtmtop", "isGrafanaAdmin": False, "orgId": 1})
        if path == "/api/org":
            return J({"id": 1, "name": "Main Org."})
        if path == "/api/datasources":
            return J(self.grafana_datasources())
        m = re.fullmatch(r"/api/datasources/uid/([^/]+)(/health)?", path)
        if m:
            ds = next((d for d in self.grafana_datasources() if d.get("uid") == m.group(1)), None)
            if ds is None:
                return J({"message": "Data source not found"}, 404)
            if m.group(2):
                return self.grafana_ds_health(ds)
            ds = dict(ds)
            ds.update({"secureJsonFields": {}, "version": 1, "withCredentials": False})
            if ds.get("basicAuth"):  # like Grafana: the user only in the datasource's own record
                ds.setdefault("basicAuthUser", "grafana-basic-user")
            return J(ds)
        m = re.fullmatch(r"/api/datasources/proxy/uid/([^/]+)(/.*)?", path)
        if m:
            ds = next((d for d in self.grafana_datasources() if d.get("uid") == m.group(1)), None)
            if ds is None:
                return J({"message": "Data source not found"}, 404)
            return self.grafana_proxy(ds, m.group(2) or "/", params)
        if path == "/api/search":
            return J(self.grafana_search(params))
        m = re.fullmatch(r"/api/dashboards/uid/([^/]+)", path)
        if m:
            d = self.grafana_dashboard(m.group(1))
            if d is None:
                return J({"message": "Dashboard not found"}, 404)
            return J(d)
        m = re.fullmatch(r"/api/library-elements/([^/]+)", path)
        if m:
            el = fx.library_elements.get(m.group(1)) if isinstance(fx.library_elements, dict) else None
            if el is None:
                return J({"message": "library element could not be found"}, 404)
            return J({"result": el})
        if path == "/api/prometheus/grafana/api/v1/rules":
            return J(self.grafana_rule_state())
        if path == "/api/v1/provisioning/alert-rules":
            rules = copy.deepcopy(fx.grafana_prov_rules)
            if "alerting_broken" in faults and isinstance(rules, list):
                rules.append(copy.deepcopy(GRAFANA_BROKEN_PROV_RULE))
            return J(rules)
        if path == "/api/v1/provisioning/policies":
            if "no_policies" in faults:
                return J({"message": "Not found"}, 404)
            pol = copy.deepcopy(fx.grafana_policies)
            if "alerting_broken" in faults and isinstance(pol, dict):
                pol.setdefault("routes", []).append({"receiver": "pagerduty-oncall",
                                                     "object_matchers": [["team", "=", "sre"]]})
            return J(pol)
        if path == "/api/v1/provisioning/contact-points":
            return J(fx.grafana_contact_points)
        return T(NOT_FOUND, 404)

    # -- prometheus -----------------------------------------------------------
    def prom_targets(self, faults) -> list:
        down: set = set()
        if "targets_down" in faults:
            down = {1, 2}
        elif self.stack.scenario == "demo":
            down = {2}
        specs = [("prometheus", "localhost:9090"), ("node", "10.0.0.7:9100"),
                 ("node", "10.0.0.8:9100")]
        now = time.time()
        out = []
        for i, (job, addr) in enumerate(specs):
            url = f"http://{addr}/metrics"
            out.append({
                "discoveredLabels": {"__address__": addr, "__metrics_path__": "/metrics",
                                     "__scheme__": "http", "__scrape_interval__": "15s",
                                     "__scrape_timeout__": "10s", "job": job},
                "labels": {"instance": addr, "job": job},
                "scrapePool": job, "scrapeUrl": url, "globalUrl": url,
                "lastError": (f'Get "{url}": dial tcp {addr}: connect: connection refused'
                              if i in down else ""),
                "lastScrape": rfc3339(now - (i * 3.1) % 15),
                "lastScrapeDuration": round(0.0021 + 0.0007 * i, 6) if i not in down else 0.000612,
                "health": "down" if i in down else "up",
                "scrapeInterval": "15s", "scrapeTimeout": "10s"})
        return out

    def prom_rules(self, faults) -> list:
        now = time.time()
        alerts = []
        for t in self.prom_targets(faults):
            if t["health"] == "down":
                alerts.append({"labels": {"alertname": "InstanceDown", "instance": t["labels"]["instance"],
                                          "job": t["labels"]["job"], "severity": "critical"},
                               "annotations": {"summary": f"Instance {t['labels']['instance']} down"},
                               "state": "firing", "activeAt": rfc3339(self.started - 300),
                               "value": "0e+00"})
        return [{"name": "node", "file": "/etc/prometheus/rules.yaml", "interval": 15, "limit": 0,
                 "evaluationTime": 0.000734, "lastEvaluation": rfc3339(now - 4),
                 "rules": [
                     {"state": "firing" if alerts else "inactive", "name": "InstanceDown",
                      "query": "up == 0", "duration": 60, "keepFiringFor": 0,
                      "labels": {"severity": "critical"},
                      "annotations": {"summary": "Instance {{ $labels.instance }} down"},
                      "alerts": alerts, "health": "ok", "lastError": "", "type": "alerting",
                      "lastEvaluation": rfc3339(now - 4), "evaluationTime": 0.000412},
                     {"name": "job:up:sum", "query": "sum by (job) (up)", "labels": {},
                      "health": "ok", "lastError": "", "type": "recording",
                      "lastEvaluation": rfc3339(now - 4), "evaluationTime": 0.000203}]}]

    def prom_metrics(self) -> str:
        bi = self.stack.fx.prom_buildinfo.get("data", {}) or {}
        x = self.ingest.value()
        return f"""# HELP prometheus_build_info A metric with a constant '1' value labeled by version, revision, branch, goversion from which prometheus was built, and the goos and goarch for the build.
# TYPE prometheus_build_info gauge
prometheus_build_info{{branch="{bi.get('branch', '')}",goarch="amd64",goos="linux",goversion="{bi.get('goVersion', '')}",revision="{bi.get('revision', '')}",tags="netgo,builtinassets",version="{bi.get('version', '')}"}} 1
# HELP prometheus_tsdb_head_samples_appended_total Total number of appended samples.
# TYPE prometheus_tsdb_head_samples_appended_total counter
prometheus_tsdb_head_samples_appended_total{{type="float"}} {num(int(48213 + x))}
# HELP prometheus_ready Whether Prometheus startup was fully completed and the server is ready for normal operation.
# TYPE prometheus_ready gauge
prometheus_ready 1
"""

    def route_prometheus(self, method, path, params, body, faults, tenant_ok) -> Resp:
        fx = self.stack.fx
        if path == "/-/ready":
            if "notready" in faults:
                return T(faults["notready"] or "Service Unavailable", 503,
                         headers=[("X-Prometheus-Stopping", "false")])
            return T("Prometheus Server is Ready.\n")
        if path == "/-/healthy":
            return T("Prometheus Server is Healthy.\n")
        if path == "/api/v1/status/buildinfo":
            return J(fx.prom_buildinfo)
        if path == "/metrics":
            return M(self.prom_metrics())
        if path == "/api/v1/targets":
            state = self.param(params, "state") or "any"
            active = self.prom_targets(faults) if state in ("active", "any") else []
            dropped = [] if state == "active" else [{
                "discoveredLabels": {"__address__": "10.0.0.9:9100", "__metrics_path__": "/metrics",
                                     "__scheme__": "http", "__scrape_interval__": "15s",
                                     "__scrape_timeout__": "10s", "job": "node"},
                "scrapePool": "node"}]
            return J(prom_ok({"activeTargets": active, "droppedTargets": dropped,
                              "droppedTargetCounts": {"node": len(dropped), "prometheus": 0}}))
        if path == "/api/v1/query":
            up = [({"__name__": "up", "job": t["labels"]["job"], "instance": t["labels"]["instance"]},
                   "1" if t["health"] == "up" else "0") for t in self.prom_targets(faults)]
            return self.prom_query(params, True, up)
        if path == "/api/v1/query_range":
            return self.prom_query_range(params, True)
        if path == "/api/v1/rules":
            return J(prom_ok({"groups": self.prom_rules(faults)}))
        if path == "/api/v1/alerts":
            alerts = [a for g in self.prom_rules(faults) for r in g["rules"] for a in r.get("alerts", [])]
            return J(prom_ok({"alerts": alerts}))
        if path == "/api/v1/labels":
            return J(prom_ok(["__name__", "instance", "job"]))
        if path == "/api/v1/label/__name__/values":
            return J(prom_ok(["prometheus_build_info", "prometheus_tsdb_head_samples_appended_total", "up"]))
        return T(NOT_FOUND, 404)


# ----------------------------------------------------------------------------------
# control server


class ControlHandler(BaseHandler):
    def reply(self, obj, status=200):
        self.send_simple(J(obj, status))

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_DELETE(self):
        self.route("DELETE")

    def route(self, method):
        stack: Stack = self.server.stack
        try:
            body = self.read_body()
        except OSError:
            self.close_connection = True
            return
        split = urllib.parse.urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        params = urllib.parse.parse_qs(split.query)
        comp = (params.get("component") or [None])[-1]
        try:
            if path == "/fault" and method == "POST":
                try:
                    doc = json.loads(body or b"{}")
                    name, spec = doc.get("component"), doc.get("fault", "none")
                except (ValueError, AttributeError):
                    return self.reply({"ok": False, "error": "body must be a JSON object"}, 400)
                if name not in stack.instances:
                    return self.reply({"ok": False, "error": f"unknown component {name!r}"}, 400)
                if not isinstance(spec, str):
                    return self.reply({"ok": False, "error": "fault must be a string"}, 400)
                try:
                    faults = parse_faults(spec)
                except FaultError as e:
                    return self.reply({"ok": False, "error": str(e)}, 400)
                try:
                    stack.instances[name].set_faults(faults)
                except OSError as e:
                    return self.reply({"ok": False, "error": f"cannot listen again: {e}"}, 500)
                return self.reply({"ok": True, "component": name, "fault": format_faults(faults)})
            if path in ("/state", "/") and method == "GET":
                return self.reply(stack.state())
            if path == "/requests" and method == "GET":
                if comp is None:
                    return self.reply({n: i.request_log() for n, i in stack.instances.items()})
                if comp not in stack.instances:
                    return self.reply({"ok": False, "error": f"unknown component {comp!r}"}, 400)
                return self.reply(stack.instances[comp].request_log())
            if path == "/requests" and method == "DELETE":
                if comp is not None and comp not in stack.instances:
                    return self.reply({"ok": False, "error": f"unknown component {comp!r}"}, 400)
                for n, i in stack.instances.items():
                    if comp is None or n == comp:
                        i.clear_requests()
                return self.reply({"ok": True})
            if path == "/shutdown" and method == "POST":
                self.close_connection = True
                self.send_simple(J({"ok": True}, headers=[("Connection", "close")]))
                stack.request_stop()
                return None
            return self.reply({"ok": False, "error": "not found"}, 404)
        except Exception as e:  # never kill the control thread
            traceback.print_exc()
            return self.reply({"ok": False, "error": str(e)}, 500)


# ----------------------------------------------------------------------------------
# the stack


class Stack:
    def __init__(self, components, scenario="healthy", faults=None, tenants=None,
                 grafana_token=None, tempo_version=DEFAULT_TEMPO_VERSION, host="127.0.0.1"):
        self.scenario = scenario
        self.host = host
        self.url_host = f"[{host}]" if ":" in host else host
        self.grafana_token = grafana_token
        self.tempo_version = tempo_version
        self.fx = Fixtures()
        self.stopping = threading.Event()   # set once stop() begins
        self.stop_request = threading.Event()  # set by signals / stdin EOF / POST /shutdown
        self.instances: dict[str, Instance] = {}
        for name, kind in components:
            self.instances[name] = Instance(self, name, kind)
        for name, t in (tenants or {}).items():
            self.instances[name].tenant = t
        for name, f in (faults or {}).items():
            self.instances[name].faults = dict(f)
        self.control: QuietServer | None = None

    def first(self, kind: str) -> Instance | None:
        return next((i for i in self.instances.values() if i.kind == kind), None)

    def start(self) -> None:
        for inst in self.instances.values():
            refused = "refused" in inst.faults
            inst.listen()  # bind even when refused, so the port is reserved/known
            if refused:
                inst.unlisten(reserve=True)
            if inst.otlp is not None:
                inst.otlp.start()
        cls = QuietServer6 if ":" in self.host else QuietServer
        self.control = cls((self.host, 0), ControlHandler)
        self.control.stack = self
        threading.Thread(target=self.control.serve_forever, kwargs={"poll_interval": 0.05},
                         name="serve-control", daemon=True).start()

    @property
    def control_url(self) -> str:
        return f"http://{self.url_host}:{self.control.server_address[1]}"

    def info(self) -> dict:
        return {"control": self.control_url,
                "components": {n: dict({"kind": i.kind, "url": i.url},
                                       **({"otlp_http": i.otlp.http_url, "otlp_grpc": i.otlp.grpc_endpoint}
                                          if i.otlp is not None else {}))
                               for n, i in self.instances.items()}}

    def state(self) -> dict:
        comps = {}
        for n, i in self.instances.items():
            f, _ = i.snapshot()
            comps[n] = {"kind": i.kind, "url": i.url, "faults": format_faults(f),
                        "tenant": i.tenant, "listening": i.server is not None}
            if i.otlp is not None:
                comps[n]["otlp"] = i.otlp.state()
        return {"scenario": self.scenario, "tempo_version": self.tempo_version,
                "faults": {n: c["faults"] for n, c in comps.items()}, "components": comps}

    def request_stop(self) -> None:
        self.stop_request.set()

    def stop(self) -> None:
        self.stopping.set()
        self.stop_request.set()
        threads = [threading.Thread(target=i.stop, daemon=True) for i in self.instances.values()]
        if self.control is not None:
            ctl = self.control

            def stop_ctl():
                ctl.shutdown()
                ctl.server_close()
            threads.append(threading.Thread(target=stop_ctl, daemon=True))
        for t in threads:
            t.start()
        for t in threads:
            t.join(2.0)

    def config_yaml(self) -> str:
        def q(s: str) -> str:
            return json.dumps(s)

        def plain(s: str) -> str:
            return s if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", s) and \
                s.lower() not in ("true", "false", "yes", "no", "on", "off", "null") else q(s)

        stacks: list = [("demo", {})]
        for inst in self.instances.values():
            if inst.kind not in stacks[0][1]:
                stacks[0][1][inst.kind] = inst
            else:
                stacks.append((inst.name, {inst.kind: inst}))
        lines = ["interval: 2s", "timeout: 3s", "stacks:"]
        for sname, comps in stacks:
            lines.append(f"  - name: {plain(sname)}")
            for kind in KINDS:
                inst = comps.get(kind)
                if inst is None:
                    continue
                lines.append(f"    {kind}:")
                lines.append(f"      url: {q(inst.url)}")
                if kind in TENANT_KINDS and inst.tenant:
                    lines.append(f"      tenant: {q(inst.tenant)}")
                if kind == "grafana" and self.grafana_token:
                    lines.append(f"      token: {q(self.grafana_token)}")
                if kind == "tempo" and inst.otlp is not None and inst.otlp.hosts:
                    lines.append(f"      otlp_http: {q(inst.otlp.http_url)}")
                    lines.append(f"      otlp_grpc: {q(inst.otlp.grpc_endpoint)}")
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------------
# CLI


def parse_args(argv):
    p = argparse.ArgumentParser(prog="fakestack.py",
                                description="Simulated Mimir/Loki/Tempo/Grafana/Prometheus APIs.")
    p.add_argument("--scenario", choices=("healthy", "demo"), default="healthy")
    p.add_argument("--component", action="append", default=[], metavar="NAME=KIND")
    p.add_argument("--fault", action="append", default=[], metavar="NAME=FAULT[:ARG]")
    p.add_argument("--require-tenant", action="append", default=[], metavar="NAME=TENANT")
    p.add_argument("--grafana-token", default=None, metavar="TOKEN")
    p.add_argument("--tempo-version", default=DEFAULT_TEMPO_VERSION, metavar="VER")
    p.add_argument("--config-out", default=None, metavar="FILE")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--selftest", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    comps = []
    for c in args.component:
        name, sep, kind = c.partition("=")
        name, kind = name.strip(), kind.strip()
        if not sep or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
            p.error(f"--component wants NAME=KIND, got {c!r}")
        if kind not in KINDS:
            p.error(f"--component {c!r}: KIND must be one of {', '.join(KINDS)}")
        if any(n == name for n, _ in comps):
            p.error(f"--component: duplicate name {name!r}")
        comps.append((name, kind))
    if not comps:
        comps = [(k, k) for k in KINDS]
    names = {n for n, _ in comps}

    faults: dict = {}
    for f in args.fault:
        name, sep, spec = f.partition("=")
        name = name.strip()
        if not sep or name not in names:
            p.error(f"--fault {f!r}: want NAME=FAULT with NAME one of {', '.join(sorted(names))}")
        try:
            faults.setdefault(name, {}).update(parse_faults(spec))
        except FaultError as e:
            p.error(f"--fault {f!r}: {e}")
    tenants: dict = {}
    for t in args.require_tenant:
        name, sep, ten = t.partition("=")
        name = name.strip()
        if not sep or name not in names or not ten:
            p.error(f"--require-tenant {t!r}: want NAME=TENANT with NAME one of {', '.join(sorted(names))}")
        tenants[name] = ten
    args.components, args.faults, args.tenants = comps, faults, tenants
    return args


def watch_stdin(stack: Stack) -> None:
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return
    if not stat.S_ISFIFO(mode):
        return

    def run():
        try:
            while os.read(0, 65536):
                pass
        except OSError:
            pass
        stack.request_stop()
    threading.Thread(target=run, name="stdin-watch", daemon=True).start()


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.selftest:
        return selftest()
    stack = Stack(args.components, args.scenario, args.faults, args.tenants,
                  args.grafana_token, args.tempo_version, args.host)
    try:
        stack.start()
    except OSError as e:
        sys.stderr.write(f"fakestack: cannot listen: {e}\n")
        return 1

    def on_signal(signum, frame):
        stack.request_stop()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.config_out:
        tmp = args.config_out + ".tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(stack.config_yaml())
        os.replace(tmp, args.config_out)
    sys.stdout.write(json.dumps(stack.info(), separators=(",", ":")) + "\n")
    sys.stdout.flush()
    watch_stdin(stack)
    while not stack.stop_request.wait(0.5):
        pass
    stack.stop()
    return 0


# ----------------------------------------------------------------------------------
# self-test


def selftest() -> int:  # noqa: C901 - a flat list of checks
    import subprocess
    import tempfile

    results = {"passed": 0, "failed": 0}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def fetch(url, headers=None, timeout=5.0, method="GET", data=None):
        req = urllib.request.Request(url, headers=headers or {}, method=method, data=data)
        try:
            with opener.open(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def poll(pred, timeout=5.0, what="condition"):
        """Polls pred() until truthy (its value is returned); the self-test never sleeps to sync."""
        deadline = time.monotonic() + timeout
        while True:
            v = pred()
            if v:
                return v
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(0.02)

    def check(name, fn):
        try:
            fn()
            results["passed"] += 1
        except Exception as e:  # report and continue
            results["failed"] += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
            if DEBUG:
                traceback.print_exc()

    stack = Stack([(k, k) for k in KINDS] + [("mimir2", "mimir")], "healthy",
                  tenants={"mimir": "demo", "loki": "demo", "tempo": "demo"},
                  grafana_token="glsa_test")
    stack.start()
    ctl = stack.control_url
    U = {n: i.url for n, i in stack.instances.items()}
    TEN = {"X-Scope-OrgID": "demo"}
    GH = {"Authorization": "Bearer glsa_test"}

    def fault(comp, spec, expect=200):
        st, _, b = fetch(ctl + "/fault", method="POST",
                         data=json.dumps({"component": comp, "fault": spec}).encode(),
                         headers={"Content-Type": "application/json"})
        assert st == expect, (st, b)

    def ok_json(url, headers=None, status=200):
        st, h, b = fetch(url, headers)
        assert st == status, (url, st, b[:200])
        assert h.get("Content-Type") == CT_JSON, (url, h.get("Content-Type"))
        return json.loads(b)

    def ok_text(url, expect=None, ctype=CT_TEXT, headers=None, status=200):
        st, h, b = fetch(url, headers)
        assert st == status, (url, st, b[:200])
        assert h.get("Content-Type") == ctype, (url, h.get("Content-Type"))
        if expect is not None:
            assert b.decode() == expect, (url, b[:200])
        return b.decode()

    # ---- endpoints
    def t_mimir():
        u = U["mimir"]
        ok_text(u + "/ready", "ready\n")
        assert ok_json(u + "/api/v1/status/buildinfo")["data"]["application"] == "Grafana Mimir"
        ok_json(u + "/prometheus/api/v1/status/buildinfo")
        d = ok_json(u + "/prometheus/api/v1/query?query=up", TEN)
        assert d["status"] == "success" and len(d["data"]["result"]) >= 3
        assert all(r["value"][1] == "1" for r in d["data"]["result"])
        d = ok_json(u + "/prometheus/api/v1/query?query=1%2B1", TEN)
        assert d["data"]["result"][0]["value"][1] == "2", d
        assert ok_json(u + "/prometheus/api/v1/rules", TEN)["data"]["groups"]
        al = ok_json(u + "/prometheus/api/v1/alerts", TEN)["data"]["alerts"]
        assert sum(a["state"] == "firing" for a in al) == 1, al
        m = ok_text(u + "/metrics", ctype=CT_METRICS)
        assert "cortex_build_info{" in m and 'cortex_distributor_received_samples_total{user="demo"}' in m
        ok_text(u + "/nope", NOT_FOUND, status=404)
    check("mimir endpoints", t_mimir)

    def t_tenant():
        u = U["mimir"]
        ok_text(u + "/prometheus/api/v1/query?query=up", NO_ORG_ID, status=401)
        d = ok_json(u + "/prometheus/api/v1/query?query=up", {"X-Scope-OrgID": "other"})
        assert d["data"]["result"] == []
        d = ok_json(u + "/prometheus/api/v1/query?query=up", {"X-Scope-OrgID": "x|demo"})
        assert d["data"]["result"]
        ok_text(U["loki"] + "/loki/api/v1/labels", NO_ORG_ID, status=401)
        ok_text(U["tempo"] + "/api/search", NO_ORG_ID, status=401)
        ok_text(U["loki"] + "/ready", "ready\n")
        ok_json(U["loki"] + "/loki/api/v1/status/buildinfo")
        # mimir2 has no tenant requirement
        assert ok_json(U["mimir2"] + "/prometheus/api/v1/query?query=up")["data"]["result"]
        st, _, _ = fetch(U["mimir"] + "/prometheus/api/v1/query", TEN, method="POST",
                         data=b"query=up", )
        assert st == 200
    check("tenant header", t_tenant)

    def t_loki():
        u = U["loki"]
        bi = ok_json(u + "/loki/api/v1/status/buildinfo")
        assert "status" not in bi and bi["version"]
        assert ok_json(u + "/loki/api/v1/labels", TEN)["data"] == ["foo", "bar", "baz"]
        m = ok_text(u + "/metrics", ctype=CT_METRICS)
        assert "loki_build_info{" in m and 'loki_distributor_lines_received_total{' in m
        assert 'tenant="demo"' in m and "loki_distributor_bytes_received_total{" in m
        st, _, _ = fetch(u + "/loki/api/v1/push", TEN, method="POST",
                         data=b'{"streams":[{"stream":{"a":"b"},"values":[["1","x"]]}]}')
        assert st == 204
    check("loki endpoints", t_loki)

    def spans(u):
        m = ok_text(u + "/metrics", ctype=CT_METRICS)
        for line in m.splitlines():
            if line.startswith("tempo_distributor_spans_received_total{"):
                return float(line.rsplit(" ", 1)[1])
        return None

    def t_tempo():
        u = U["tempo"]
        ok_text(u + "/ready", "ready\n")
        ok_text(u + "/api/echo", "echo\n")
        assert ok_json(u + "/api/status/buildinfo")["version"] == DEFAULT_TEMPO_VERSION
        m = ok_text(u + "/metrics", ctype=CT_METRICS)
        assert f'version="{DEFAULT_TEMPO_VERSION}"' in m
        a = spans(u)
        assert a is not None
        poll(lambda: spans(u) > a, what="the spans counter to grow")
        d = ok_json(u + "/api/search?limit=3", TEN)
        assert len(d["traces"]) == 3 and d["traces"][0]["spanSets"]
        assert ok_json(u + "/api/search/tag/service.name/values", TEN)["tagValues"]
        v2 = ok_json(u + "/api/v2/search/tag/resource.service.name/values", TEN)["tagValues"]
        assert v2 and v2[0]["type"] == "string"
    check("tempo endpoints", t_tempo)

    def t_otlp():
        o = stack.instances["tempo"].otlp
        http4 = f"http://127.0.0.1:{o.ports['http']}/v1/traces"
        st, _, b = fetch(http4, {**TEN, "Content-Type": "application/json"}, method="POST",
                         data=b'{"resourceSpans":[]}')
        assert st == 200 and json.loads(b) == {}, (st, b)
        assert fetch(http4, method="POST", data=b"{}")[0] == 401  # tenant required here too
        assert fetch(f"http://127.0.0.1:{o.ports['http']}/nope")[0] == 404
        socket.create_connection(("127.0.0.1", o.ports["grpc"]), timeout=2).close()
        y = stack.config_yaml()
        assert f'otlp_http: "{o.http_url}"' in y and f'otlp_grpc: "{o.grpc_endpoint}"' in y, y

        def refused(host, port):
            try:
                socket.create_connection((host, port), timeout=2).close()
            except ConnectionRefusedError:
                return True
            return False
        fault("tempo", "otlp_closed")
        assert all(refused(h, p) for h in o.hosts for p in o.ports.values())
        ok_text(U["tempo"] + "/ready", "ready\n")
        fault("tempo", "otlp_v4only")
        assert not refused("127.0.0.1", o.ports["grpc"]) and not refused("127.0.0.1", o.ports["http"])
        if "::1" in o.hosts:
            assert refused("::1", o.ports["grpc"]) and refused("::1", o.ports["http"])
        fault("tempo", "search_empty")
        assert ok_json(U["tempo"] + "/api/search", TEN)["traces"] == []
        assert spans(U["tempo"]) is not None
        fault("tempo", "none")
        assert not any(refused(h, p) for h in o.hosts for p in o.ports.values())
    check("tempo otlp receivers and faults", t_otlp)

    def t_grafana():
        u = U["grafana"]
        st, h, b = fetch(u + "/api/health")
        assert st == 200 and b"\n" in b and json.loads(b)["database"] == "ok"
        ok_json(u + "/api/datasources", status=401)
        dss = ok_json(u + "/api/datasources", GH)
        assert len(dss) == 4
        urls = {d["uid"]: d["url"] for d in dss}
        assert urls["prometheus"] == U["mimir"] + "/prometheus" and urls["loki"] == U["loki"], urls
        assert ok_json(u + "/api/datasources/uid/prometheus/health", GH)["status"] == "OK"
        assert ok_json(u + "/api/datasources/uid/loki/health", GH)["status"] == "OK"
        ok_json(u + "/api/datasources/uid/tempo/health", GH, status=404)
        ok_json(u + "/api/datasources/uid/nope/health", GH, status=404)
        s = ok_json(u + "/api/search?type=dash-db", GH)
        assert s and all(i["type"] == "dash-db" for i in s)
        for item in s:
            d = ok_json(u + "/api/dashboards/uid/" + item["uid"], GH)
            assert d["dashboard"]["uid"] == item["uid"] and "meta" in d
        st, _, b = fetch(u + "/api/datasources/proxy/uid/tempo/api/echo", GH)
        assert st == 200 and b == b"echo\n", (st, b)
    check("grafana endpoints", t_grafana)

    def t_grafana_findings():
        u = U["grafana"]
        # healthy: placeholders replaced as on import, library element, provisioning API
        d = ok_json(u + "/api/dashboards/uid/every-form", GH)["dashboard"]
        assert "__inputs" not in d and "${DS_PROMETHEUS}" not in json.dumps(d), d.get("__inputs")
        assert ok_json(u + "/api/library-elements/lib-latency", GH)["result"]["model"]["targets"]
        ok_json(u + "/api/library-elements/nope", GH, status=404)
        assert ok_json(u + "/api/v1/provisioning/policies", GH)["receiver"] == "grafana-default-email"
        assert len(ok_json(u + "/api/v1/provisioning/contact-points", GH)) == 2
        rules = ok_json(u + "/api/prometheus/grafana/api/v1/rules", GH)["data"]["groups"]
        assert all(r.get("health") != "error" for g in rules for r in g["rules"])
        st = ok_json(u + "/api/datasources/proxy/uid/alertmanager/alertmanager/api/v2/status", GH)
        assert "cluster" in st
        uids = {i["uid"] for i in ok_json(u + "/api/search?type=dash-db", GH)}
        assert {"every-form", "stack-clean"} <= uids and not {"svc-overview", "legacy-latency"} & uids, uids
        assert len(ok_json(u + "/api/search?type=dash-db&limit=2&page=2", GH)) == 2
        # faults
        fault("grafana", "ds_unhealthy,ds_internal,dash_missing_ds,dash_deprecated_ds,dash_inputs,"
                         "alerting_broken,no_policies")
        d = ok_json(u + "/api/datasources/uid/loki/health", GH, status=400)
        assert d["status"] == "ERROR" and "no such host" in d["message"]
        dss = {x["uid"]: x for x in ok_json(u + "/api/datasources", GH)}
        assert dss["prometheus_legacy"]["url"] == U["prometheus"] and dss["mimir_internal"]["url"].endswith("/prometheus")
        assert ok_json(u + "/api/datasources/uid/mimir_internal/health", GH)["status"] == "OK"
        try:
            fetch(dss["mimir_internal"]["url"] + "/api/v1/query?query=1%2B1", timeout=2)
            raise AssertionError("the internal datasource URL answered")
        except urllib.error.URLError as e:
            assert isinstance(e.reason, ConnectionRefusedError), e
        uids = {i["uid"] for i in ok_json(u + "/api/search?type=dash-db", GH)}
        assert {"svc-overview", "legacy-latency"} <= uids, uids
        assert "${DS_PROMETHEUS}" in json.dumps(ok_json(u + "/api/dashboards/uid/every-form", GH))
        ok_json(u + "/api/v1/provisioning/policies", GH, status=404)
        assert any(r["datasourceUid"] == "grafana_prometheus" for x in ok_json(u + "/api/v1/provisioning/alert-rules", GH)
                   for r in x["data"])
        assert any(g["name"] == "slo" for g in ok_json(u + "/api/prometheus/grafana/api/v1/rules", GH)["data"]["groups"])
        fault("grafana", "ds_hostile")
        names = [d["name"] for d in ok_json(u + "/api/datasources", GH)]
        assert HOSTILE_NAME in names, names
        assert "<script>" in ok_json(u + "/api/datasources/uid/hostile/health", GH, status=400)["message"]
        fault("grafana", "none")
    check("grafana findings", t_grafana_findings)

    def t_prom():
        u = U["prometheus"]
        ok_text(u + "/-/ready", "Prometheus Server is Ready.\n")
        ok_text(u + "/-/healthy", "Prometheus Server is Healthy.\n")
        assert ok_json(u + "/api/v1/status/buildinfo")["data"]["version"]
        t = ok_json(u + "/api/v1/targets")["data"]["activeTargets"]
        assert t and all(x["health"] == "up" for x in t)
        assert ok_json(u + "/api/v1/query?query=up")["data"]["result"]
        assert ok_json(u + "/api/v1/rules")["data"]["groups"]
        ok_json(u + "/api/v1/alerts")
    check("prometheus endpoints", t_prom)

    # ---- faults
    def t_refused():
        fault("tempo", "refused")
        try:
            fetch(U["tempo"] + "/ready", timeout=2)
            raise AssertionError("connection was not refused")
        except urllib.error.URLError as e:
            assert isinstance(e.reason, ConnectionRefusedError), e
        fault("tempo", "none")
        ok_text(U["tempo"] + "/ready", "ready\n")
    check("fault refused", t_refused)

    def t_hang():
        fault("tempo", "hang")
        t0 = time.monotonic()
        bg = {}

        def background():
            try:
                bg["r"] = fetch(U["tempo"] + "/ready", timeout=5)
            except Exception as e:  # noqa: BLE001
                bg["r"] = e
        th = threading.Thread(target=background, daemon=True)
        th.start()
        try:
            fetch(U["tempo"] + "/ready", timeout=1)
            raise AssertionError("hang answered")
        except (TimeoutError, socket.timeout):
            pass
        except urllib.error.URLError as e:
            assert isinstance(e.reason, (TimeoutError, socket.timeout)), e
        assert time.monotonic() - t0 < 2.5
        # other instances and the control server are not blocked
        t1 = time.monotonic()
        ok_text(U["loki"] + "/ready", "ready\n")
        assert fetch(ctl + "/state")[0] == 200
        assert time.monotonic() - t1 < 0.5
        fault("tempo", "none")
        th.join(3)
        assert not isinstance(bg.get("r"), Exception) and bg["r"][0] == 200, bg
        ok_text(U["tempo"] + "/ready", "ready\n")
    check("fault hang", t_hang)

    def times_out(url, headers=None):
        try:
            fetch(url, headers, timeout=0.5)
        except (TimeoutError, socket.timeout):
            return True
        except urllib.error.URLError as e:
            return isinstance(e.reason, (TimeoutError, socket.timeout))
        return False

    def t_query_hang():
        fault("loki", "query_hang")
        fault("tempo", "query_hang")
        try:
            ok_text(U["loki"] + "/ready", "ready\n")
            assert times_out(U["loki"] + "/loki/api/v1/labels"), "loki labels answered"
            assert times_out(U["tempo"] + "/api/search?limit=1"), "tempo search answered"
            assert fetch(U["tempo"] + "/metrics")[0] == 200
        finally:
            fault("loki", "none")
            fault("tempo", "none")
        assert fetch(U["loki"] + "/loki/api/v1/labels", TEN)[0] == 200
    check("fault query_hang", t_query_hang)

    def t_rules_faults():
        rules = U["grafana"] + GRAFANA_RULES_PATH
        fault("grafana", "rules_error")
        st, h, b = fetch(rules, GH)
        assert st == 502 and h.get("Content-Type") == "text/html", (st, h)
        fault("grafana", "rules_html")
        st, h, b = fetch(rules, GH)
        assert st == 200 and b.startswith(b"<!DOCTYPE html>"), (st, b[:40])
        fault("grafana", "rules_hang")
        assert times_out(rules, GH), "rules answered"
        assert fetch(U["grafana"] + "/api/health")[0] == 200
        fault("grafana", "none")
        assert fetch(rules, GH)[0] == 200
    check("fault rules_error/rules_html/rules_hang", t_rules_faults)

    def t_truncated():
        fault("mimir", "truncated")
        try:
            fetch(U["mimir"] + "/api/v1/status/buildinfo")
            raise AssertionError("no IncompleteRead")
        except http.client.IncompleteRead:
            pass
        fault("mimir", "none")
        ok_json(U["mimir"] + "/api/v1/status/buildinfo")
    check("fault truncated", t_truncated)

    def t_notready():
        fault("loki", "notready")
        ok_text(U["loki"] + "/ready", INGESTER_NOT_READY, status=503)
        ok_json(U["loki"] + "/loki/api/v1/status/buildinfo")
        fault("loki", "notready:Some services are not Running:\nStarting: 1")
        ok_text(U["loki"] + "/ready", "Some services are not Running:\nStarting: 1\n", status=503)
        fault("prometheus", "notready")
        ok_text(U["prometheus"] + "/-/ready", "Service Unavailable", status=503)
        fault("loki", "none")
        fault("prometheus", "none")
        ok_text(U["prometheus"] + "/-/ready", "Prometheus Server is Ready.\n")
    check("fault notready", t_notready)

    def t_slow():
        fault("prometheus", "slow:0.3")
        t0 = time.monotonic()
        ok_text(U["prometheus"] + "/-/healthy")
        assert time.monotonic() - t0 >= 0.3
        fault("prometheus", "none")
    check("fault slow", t_slow)

    def t_garbage():
        fault("grafana", "garbage")
        st, _, b = fetch(U["grafana"] + "/api/health")
        assert st == 200 and b"\x1b[" in b and b"\x00" in b
        try:
            json.loads(b)
            raise AssertionError("garbage parsed as JSON")
        except ValueError:
            pass
        fault("grafana", "none")
    check("fault garbage", t_garbage)

    def t_huge():
        fault("prometheus", "huge:1")
        st, h, b = fetch(U["prometheus"] + "/api/v1/targets", timeout=10)
        assert st == 200 and len(b) == 1024 * 1024 == int(h["Content-Length"])
        assert json.loads(b)["data"]["activeTargets"]
        st, h, b = fetch(U["prometheus"] + "/metrics", timeout=10)
        assert len(b) == 1024 * 1024 and b.startswith(b"# HELP prometheus_build_info")
        # a client that gives up early must not disturb the server
        conn = http.client.HTTPConnection("127.0.0.1", stack.instances["prometheus"].port, timeout=5)
        fault("prometheus", "huge")
        conn.request("GET", "/api/v1/rules")
        r = conn.getresponse()
        assert int(r.getheader("Content-Length")) == 20 * 1024 * 1024
        r.read(4096)
        conn.close()
        fault("prometheus", "none")
        ok_json(U["prometheus"] + "/api/v1/rules")
    check("fault huge", t_huge)

    def raw(comp, path, timeout=5.0):
        """One request on a connection of its own: status, headers, body (no redirects followed)."""
        conn = http.client.HTTPConnection("127.0.0.1", stack.instances[comp].port, timeout=timeout)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, r.headers, r.read()
        finally:
            conn.close()

    def t_hostile_faults():
        fault("mimir", "html500")
        st, _, b = fetch(U["mimir"] + "/ready")
        assert st == 502 and b"<title>502 Bad Gateway</title>" in b
        fault("mimir", "forbidden")
        assert fetch(U["mimir"] + "/prometheus/api/v1/rules")[0] == 403
        assert fetch(U["mimir"] + "/ready")[0] == 200
        for f, where in (("redirect_loop", "/ready"), ("redirect_file", "file:///etc/passwd"),
                         ("redirect_scheme", "ftp://127.0.0.1:21/pub")):
            fault("mimir", f)
            st, h, _ = raw("mimir", "/ready")
            assert st == 302 and h["Location"] == where, (f, st, h["Location"])
        fault("mimir", "not_http")
        with socket.create_connection(("127.0.0.1", stack.instances["mimir"].port), timeout=5) as s:
            s.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(100).startswith(b"SSH-2.0-")
        fault("mimir", "deep_json")
        b = fetch(U["mimir"] + "/api/v1/status/buildinfo")[2]
        assert b.startswith(b"[" * 1000) and len(b) == 200000
        fault("mimir", "login_page")
        st, h, b = fetch(U["mimir"] + "/api/v1/status/buildinfo")
        assert st == 200 and h["Content-Type"].startswith("text/html") and b"Sign in" in b
        fault("mimir", "wrong_ctype")
        st, h, b = fetch(U["mimir"] + "/api/v1/status/buildinfo")
        assert h["Content-Type"].startswith("text/html") and json.loads(b)
        fault("mimir", "big_header")
        with socket.create_connection(("127.0.0.1", stack.instances["mimir"].port), timeout=5) as s:
            s.sendall(b"GET /ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = s.recv(65536)
                assert chunk, "closed before the end of the headers"
                head += chunk
            assert re.search(rb"\r\nX-Padding: a{102416}\r\n", head)
        fault("mimir", "bad_counters:+Inf")
        b = fetch(U["mimir"] + "/metrics")[2]
        assert re.search(rb"^cortex_distributor_received_samples_total\S* \+Inf$", b, re.M)
        fault("mimir", "hostile")
        b = fetch(U["mimir"] + "/api/v1/status/buildinfo")[2]
        assert b"\x9b" in b and b"\\u001b]0;PWNED" in b and json.loads(b.decode("utf-8", "replace"))["status"]
        fault("mimir", "drip_body")
        t0 = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", stack.instances["mimir"].port, timeout=5)
        conn.request("GET", "/ready")
        r = conn.getresponse()
        assert r.status == 200 and r.read(1) and time.monotonic() - t0 < 3
        conn.close()
        fault("mimir", "endless")
        conn = http.client.HTTPConnection("127.0.0.1", stack.instances["mimir"].port, timeout=5)
        conn.request("GET", "/api/v1/status/buildinfo")
        r = conn.getresponse()
        assert r.getheader("Transfer-Encoding") == "chunked" and len(r.read(1 << 20)) == 1 << 20
        conn.close()
        fault("mimir", "none")
        ok_json(U["mimir"] + "/api/v1/status/buildinfo")
    check("hostile-server faults", t_hostile_faults)

    def t_unauth_500():
        fault("mimir2", "unauthorized")
        ok_text(U["mimir2"] + "/prometheus/api/v1/query?query=up", NO_ORG_ID, status=401)
        ok_text(U["mimir2"] + "/ready", "ready\n")
        ok_text(U["mimir2"] + "/metrics", ctype=CT_METRICS)
        fault("grafana", "unauthorized")
        assert ok_json(U["grafana"] + "/api/datasources", GH, status=401) == {"message": "Unauthorized"}
        fault("grafana", "none")
        fault("mimir2", "error500")
        ok_text(U["mimir2"] + "/ready", ERR500, status=500)
        fault("mimir2", "none")
        ok_text(U["mimir2"] + "/ready", "ready\n")
    check("fault unauthorized/error500", t_unauth_500)

    def t_nospans_combo():
        fault("tempo", "slow:0.2,nospans")
        t0 = time.monotonic()
        m = ok_text(U["tempo"] + "/metrics", ctype=CT_METRICS)
        assert time.monotonic() - t0 >= 0.2
        assert "tempo_distributor_spans_received_total" not in m
        assert "tempo_build_info{" in m and "tempo_distributor_bytes_received_total{" in m
        st = ok_json(ctl + "/state")
        assert st["faults"]["tempo"] == "slow:0.2,nospans", st
        fault("tempo", "none")
        assert spans(U["tempo"]) is not None
        fault("loki", "nospans")

        def lines():
            for ln in ok_text(U["loki"] + "/metrics", ctype=CT_METRICS).splitlines():
                if ln.startswith("loki_distributor_lines_received_total{"):
                    return ln.rsplit(" ", 1)[1]
        a = lines()
        t0 = spans(U["tempo"])
        poll(lambda: spans(U["tempo"]) > t0, what="time to pass (another counter grows)")
        assert lines() == a
        fault("loki", "none")
    check("fault nospans + combined", t_nospans_combo)

    def t_targets_db():
        fault("prometheus", "targets_down")
        t = ok_json(U["prometheus"] + "/api/v1/targets")["data"]["activeTargets"]
        down = [x for x in t if x["health"] == "down"]
        assert len(down) == 2 and len(t) == 3 and "connection refused" in down[0]["lastError"]
        fault("prometheus", "none")
        fault("grafana", "db_failing")
        st, _, b = fetch(U["grafana"] + "/api/health")
        assert st == 503 and json.loads(b)["database"] == "failing"
        fault("grafana", "none")
        fault("mimir", "refused")
        d = ok_json(U["grafana"] + "/api/datasources/uid/prometheus/health", GH, status=400)
        assert d["status"] == "ERROR" and "connection refused" in d["message"]
        fault("mimir", "none")
    check("fault targets_down/db_failing", t_targets_db)

    def t_control():
        fault("nope", "hang", expect=400)
        fault("tempo", "bogus", expect=400)
        fetch(ctl + "/requests", method="DELETE")
        fetch(U["grafana"] + "/api/datasources", {**GH, "User-Agent": "lgtmtop-test/1"})
        fetch(U["mimir"] + "/prometheus/api/v1/query?query=up", TEN)
        g = ok_json(ctl + "/requests?component=grafana")
        assert len(g) == 1 and g[0]["headers"]["authorization"] == "Bearer <redacted>"
        assert g[0]["headers"]["user-agent"] == "lgtmtop-test/1" and g[0]["path"] == "/api/datasources"
        m = ok_json(ctl + "/requests?component=mimir")
        assert m[-1]["headers"]["x-scope-orgid"] == "demo" and m[-1]["query"] == "query=up"
        ok_json(ctl + "/requests?component=nope", status=400)
        fetch(ctl + "/requests", method="DELETE")
        assert ok_json(ctl + "/requests?component=mimir") == []
    check("control API", t_control)

    def t_config():
        y = stack.config_yaml()
        assert y.startswith("interval: 2s\ntimeout: 3s\nstacks:\n  - name: demo\n    mimir:\n")
        assert f'url: "{U["mimir"]}"' in y and 'tenant: "demo"' in y and 'token: "glsa_test"' in y
        assert "  - name: mimir2\n    mimir:\n" in y
    check("config yaml", t_config)

    def t_canary_store():
        j = {"Content-Type": "application/json", **TEN}
        tid = "6553f1000102030405060708090a0b0c"
        span = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"scope": {}, "spans": [
            {"traceId": tid, "spanId": "0d0e0f1011121314", "name": "c", "kind": 1,
             "startTimeUnixNano": "1", "endTimeUnixNano": "2"}]}]}]}
        u = U["tempo"]
        st, _, _ = fetch(u + "/v1/traces", j, method="POST", data=json.dumps(span).encode())
        assert st == 200
        assert ok_json(u + f"/api/v2/traces/{tid}", TEN) == {"trace": {}, "metrics": {}}  # not yet
        doc = poll(lambda: ok_json(u + f"/api/v2/traces/{tid}", TEN)["trace"], what="the span to be readable")
        t = doc["resourceSpans"][0]["scopeSpans"][0]["spans"][0]
        assert t["traceId"] == "ZVPxAAECAwQFBgcICQoLDA==" and t["kind"] == "SPAN_KIND_INTERNAL", t
        assert ok_json(u + f"/api/traces/{tid}", TEN)["resourceSpans"]
        bad = json.loads(json.dumps(span))
        bad["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["kind"] = "SPAN_KIND_SERVER"
        assert fetch(u + "/v1/traces", j, method="POST", data=json.dumps(bad).encode())[0] == 400
        assert fetch(u + "/v1/traces", {**TEN, "Content-Type": "text/plain"}, method="POST",
                     data=b"{}")[0] == 415
        u = U["loki"]
        line = {"streams": [{"stream": {"job": "lgtmtop-canary"}, "values": [[str(time.time_ns()), "id=abc"]]}]}
        assert fetch(u + "/loki/api/v1/push", j, method="POST", data=json.dumps(line).encode())[0] == 204
        line["streams"][0]["values"][0][0] = 1
        assert fetch(u + "/loki/api/v1/push", j, method="POST", data=json.dumps(line).encode())[0] == 400
        q = urllib.parse.quote('{job="lgtmtop-canary"} |= "abc"')
        r = poll(lambda: ok_json(u + f"/loki/api/v1/query_range?query={q}", TEN)["data"]["result"],
                 what="the line to be readable")
        assert r and r[0]["values"][0][1] == "id=abc", r
        q = urllib.parse.quote('{job="lgtmtop-canary"} |= "zzz"')
        assert ok_json(u + f"/loki/api/v1/query_range?query={q}", TEN)["data"]["result"] == []
        u = U["mimir"]
        m = {"resourceMetrics": [{"resource": {"attributes": [{"key": "service.name", "value": {
            "stringValue": "lgtmtop-canary"}}]}, "scopeMetrics": [{"metrics": [{"name": "lgtmtop_canary", "gauge": {
                "dataPoints": [{"asDouble": 1, "timeUnixNano": "1", "attributes": [
                    {"key": "canary_id", "value": {"stringValue": "abc"}}]}]}}]}]}]}
        assert fetch(u + "/otlp/v1/metrics", {**TEN, "Content-Type": "application/json; charset=utf-8"},
                     method="POST", data=json.dumps(m).encode())[0] == 415
        assert fetch(u + "/otlp/v1/metrics", j, method="POST", data=json.dumps(m).encode())[0] == 200
        q = urllib.parse.quote('lgtmtop_canary{canary_id="abc"}')
        r = poll(lambda: ok_json(u + f"/prometheus/api/v1/query?query={q}", TEN)["data"]["result"],
                 what="the sample to be readable")
        assert r and r[0]["metric"]["job"] == "lgtmtop-canary", r
        q = urllib.parse.quote('lgtmtop_canary{canary_id="nope"}')
        assert ok_json(u + f"/prometheus/api/v1/query?query={q}", TEN)["data"]["result"] == []
        fault("mimir", "canary_never_readable")
        q = urllib.parse.quote('lgtmtop_canary{canary_id="abc"}')
        assert ok_json(u + f"/prometheus/api/v1/query?query={q}", TEN)["data"]["result"] == []
        fault("mimir", "canary_write_refused")
        assert fetch(u + "/otlp/v1/metrics", j, method="POST", data=json.dumps(m).encode())[0] == 415
        fault("mimir", "none")
    check("canary writes are stored and read back", t_canary_store)

    stack.stop()

    def t_old_tempo():
        s = Stack([("tempo", "tempo")], tempo_version="2.2.4")
        s.start()
        try:
            u = s.instances["tempo"].url
            ok_text(u + "/api/status/buildinfo", NOT_FOUND, status=404)
            assert 'version="2.2.4"' in ok_text(u + "/metrics", ctype=CT_METRICS)
        finally:
            s.stop()
    check("tempo < 2.3", t_old_tempo)

    def t_process():
        me = str(Path(__file__).resolve())
        with tempfile.TemporaryDirectory() as td:
            cfg = os.path.join(td, "c.yaml")
            # 1) stdin pipe EOF ends it
            p = subprocess.Popen([sys.executable, me, "--component", "m=mimir", "--config-out", cfg,
                                  "--fault", "m=notready"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            info = json.loads(p.stdout.readline())
            assert info["components"]["m"]["kind"] == "mimir" and info["control"].startswith("http://")
            assert os.path.exists(cfg)
            st, _, _ = fetch(info["components"]["m"]["url"] + "/ready")
            assert st == 503
            p.stdin.close()
            assert p.wait(5) == 0
            # 2) stdin /dev/null: keeps running, SIGTERM -> exit 0
            p = subprocess.Popen([sys.executable, me, "--component", "g=grafana"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
            info = json.loads(p.stdout.readline())
            # stdin is at EOF from the start: still serving after answering a request
            assert fetch(info["components"]["g"]["url"] + "/api/health")[0] == 200
            assert p.poll() is None, "exited with stdin=/dev/null"
            p.send_signal(signal.SIGTERM)
            assert p.wait(5) == 0
            # 3) POST /shutdown
            p = subprocess.Popen([sys.executable, me, "--component", "p=prometheus"],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
            info = json.loads(p.stdout.readline())
            fetch(info["control"] + "/shutdown", method="POST", data=b"")
            assert p.wait(5) == 0
    check("process lifecycle", t_process)

    print(f"{results['passed']} passed, {results['failed']} failed")
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
