#!/usr/bin/env bash
# Grafana at scale: one Grafana with D datasources (Prometheus type, each also probed directly)
# and B dashboards, every answer after 50 ms (nginx, echo_sleep). The floor is two dependent
# rounds: the lists (/api/datasources, /api/search), then every dashboard and health check at
# once (0.1 s). Measured side by side (hyperfine, best of RUNS): lgtmtop check of that Grafana,
# and curl --parallel fetching the same URLs in two rounds; then the requests lgtmtop sent per
# path (from nginx's log): /api/datasources once a sweep.
# Usage: bench/grafana.sh [build dir] [datasources] [dashboards]   (default: build-rel 100 500)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-rel}
nds=${2:-100}
ndash=${3:-500}
bin=$dir/lgtmtop
[[ -x $bin ]] || { echo "build first: cmake -S . -B $dir -DCMAKE_BUILD_TYPE=Release && cmake --build $dir" >&2; exit 1; }
DELAY=${DELAY:-0.05}
RUNS=${RUNS:-5}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
tmp=$(mktemp -d)
trap '[[ -s $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null; rm -rf "$tmp"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
mkdir -p "$tmp/static/dash"
python3 - "$tmp/static" "$base" "$nds" "$ndash" <<'PY'
import json, os, sys
out, base, nds, ndash = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
ds = [{"id": i + 1, "uid": f"ds{i}", "orgId": 1, "name": f"Prometheus {i}", "type": "prometheus",
       "access": "proxy", "url": f"{base}/ds/{i}", "isDefault": i == 0, "jsonData": {}, "readOnly": True}
      for i in range(nds)]
json.dump(ds, open(f"{out}/datasources.json", "w"))
search = [{"id": i + 1, "uid": f"d{i}", "title": f"Dashboard {i}", "url": f"/d/d{i}/dashboard-{i}",
           "type": "dash-db", "tags": [], "isStarred": False, "uri": f"db/dashboard-{i}"} for i in range(ndash)]
json.dump(search, open(f"{out}/search.json", "w"))
for i in range(ndash):
    panels = [{"id": p + 1, "type": "timeseries", "title": f"panel {p}",
               "datasource": {"type": "prometheus", "uid": f"ds{(i + p) % nds}"},
               "targets": [{"refId": "A", "expr": "up", "datasource": {"type": "prometheus", "uid": f"ds{(i + p) % nds}"}}]}
              for p in range(4)]
    doc = {"dashboard": {"uid": f"d{i}", "title": f"Dashboard {i}", "version": 3, "panels": panels,
                         "schemaVersion": 39},
           "meta": {"folderTitle": "General", "version": 3, "url": f"/d/d{i}/dashboard-{i}"}}
    json.dump(doc, open(f"{out}/dash/d{i}.json", "w"))
with open(f"{out}/urls1.txt", "w") as f:
    for p in ("/api/health", "/api/datasources", "/api/search?type=dash-db&limit=5000&page=1",
              "/api/prometheus/grafana/api/v1/rules", "/api/v1/provisioning/alert-rules",
              "/api/v1/provisioning/policies", "/api/v1/provisioning/contact-points"):
        f.write(f'url = "{base}{p}"\noutput = /dev/null\n')
with open(f"{out}/urls2.txt", "w") as f:
    for i in range(nds):
        f.write(f'url = "{base}/api/datasources/uid/ds{i}/health"\noutput = /dev/null\n')
        f.write(f'url = "{base}/ds/{i}/api/v1/query?query=1%2B1"\noutput = /dev/null\n')
    for i in range(ndash):
        f.write(f'url = "{base}/api/dashboards/uid/d{i}"\noutput = /dev/null\n')
PY
mod=$(ls /usr/lib/nginx/modules/ngx_http_echo_module.so 2>/dev/null || true)
cat >"$tmp/nginx.conf" <<CONF
${mod:+load_module $mod;}
worker_processes 2;
worker_rlimit_nofile 20000;
pid $tmp/nginx.pid;
error_log $tmp/error.log crit;
events { worker_connections 16000; multi_accept on; }
http {
    log_format paths '\$uri';
    access_log $tmp/access.log paths;
    client_body_temp_path $tmp;
    keepalive_requests 100000;
    default_type application/json;
    server {
        listen 127.0.0.1:$port backlog=4096;
        root $tmp/static;
        location /static/ { internal; alias $tmp/static/; }
        location = /api/health { echo_sleep $DELAY; echo '{"commit":"abc","database":"ok","version":"11.3.0"}'; }
        location = /api/datasources { echo_sleep $DELAY; echo_location /static/datasources.json; }
        location = /api/search { echo_sleep $DELAY; echo_location /static/search.json; }
        location ~ ^/api/dashboards/uid/([^/]+)\$ { echo_sleep $DELAY; echo_location /static/dash/\$1.json; }
        location ~ ^/api/datasources/uid/[^/]+/health\$ { echo_sleep $DELAY; echo '{"status":"OK","message":"Successfully queried the Prometheus API."}'; }
        location ~ ^/ds/ { echo_sleep $DELAY; echo '{"status":"success","data":{"resultType":"scalar","result":[0,"2"]}}'; }
        location = /api/prometheus/grafana/api/v1/rules { echo_sleep $DELAY; echo '{"status":"success","data":{"groups":[]}}'; }
        location = /api/v1/provisioning/alert-rules { echo_sleep $DELAY; echo '[]'; }
        location = /api/v1/provisioning/policies { echo_sleep $DELAY; echo '{"receiver":"grafana-default-email"}'; }
        location = /api/v1/provisioning/contact-points { echo_sleep $DELAY; echo '[{"uid":"c1","name":"grafana-default-email","type":"email","settings":{}}]'; }
        location / { echo_sleep $DELAY; echo '{}'; }
    }
}
CONF
nginx -c "$tmp/nginx.conf" -p "$tmp" 2>"$tmp/nginx.err" || { cat "$tmp/nginx.err" >&2; exit 1; }
for _ in $(seq 50); do curl -sf -o /dev/null "$base/api/health" && break; sleep 0.1; done
cat >"$tmp/lgtmtop.yaml" <<YAML
stacks:
  - name: big
    grafana: { url: "$base", token: bench-token }
YAML
# Every check once: one sweep.
"$bin" check --json --sample 0 -t 30s -c "$tmp/lgtmtop.yaml" >"$tmp/one.json" 2>/dev/null || true
python3 - "$tmp/one.json" >"$tmp/checks.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for c in d["stacks"][0]["components"]:
    for k in c["checks"]:
        print(f'{k["name"]}: {k["status"]} {k["message"][:90]}')
PY
counts=$(sed 's/\?.*//' "$tmp/access.log" | sed -E 's#^/api/dashboards/uid/.*#/api/dashboards/uid/*#; s#^/api/datasources/uid/.*#/api/datasources/uid/*/health#; s#^/api/datasources/proxy/.*#/api/datasources/proxy/uid/*/...#; s#^/ds/.*#(direct probes)#' | sort | uniq -c | sort -rn)
hyperfine -N -i -w 1 -r "$RUNS" --export-json "$tmp/h.json" \
    "$bin check --sample 0 -t 30s -c $tmp/lgtmtop.yaml" \
    "bash -c 'curl -s --parallel --parallel-max 300 -K $tmp/static/urls1.txt && curl -s --parallel --parallel-max 300 -K $tmp/static/urls2.txt'" >/dev/null 2>&1
best() { python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["min"])' "$tmp/h.json" "$1"; }
lg=$(best 0) cu=$(best 1)
floor=$(python3 -c "print(2 * $DELAY)")
echo "# Grafana at scale: $nds datasources, $ndash dashboards, every answer after $(python3 -c "print(int($DELAY*1000))") ms"
echo
echo "machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg); best of $RUNS (hyperfine)"
echo
echo "| run | wall time | vs the floor (two rounds, $floor s) |"
echo "|---|---|---|"
printf '| lgtmtop check (health, datasources, dashboards, alerting) | %s s | **%.2fx** |\n' "$lg" "$(echo "$lg / $floor" | bc -l)"
printf '| curl --parallel (max 300), the same URLs in two rounds | %s s | %.2fx |\n' "$cu" "$(echo "$cu / $floor" | bc -l)"
echo
echo "Requests lgtmtop sent in one sweep, by path:"
echo
echo '```'
echo "$counts"
echo '```'
echo
echo "Checks:"
echo
echo '```'
cat "$tmp/checks.txt"
echo '```'
