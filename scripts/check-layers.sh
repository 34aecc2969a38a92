#!/usr/bin/env bash
# Fails when an include points up the layers (see docs/HACKING.md):
#   main -> {tui, serve, report, lint} -> sweep -> {checks, state, engine} -> {config, obs} -> util
#   serve -> {metrics, page, report}: what it serves is rendered from the state by pure modules
set -euo pipefail
cd "$(dirname "$0")/.."

# files ; includes they must not have (extended regex on the quoted name) ; why
rules=(
  'src/checks/*.[ch];lgtmtop/(state|sweep|verdict|diagnose|report|tui|layout|lint|cli)\.h;a check module knows a server API, not the state model or what shows it'
  'src/state.c include/lgtmtop/state.h;checks/|lgtmtop/(canary|custom|multi|sweep|diagnose|report|tui)\.h;the state model includes no check module: the check list is passed in'
  'src/engine.c src/request.c src/http.c include/lgtmtop/engine.h include/lgtmtop/http.h;checks/|lgtmtop/(state|sweep|probe|multi|config|diagnose|report|tui)\.h;the engine moves bytes: it knows no check, state or config'
  'src/config.c src/config_yaml.c src/custom_cfg.c src/config_dump.c src/init.c src/webconfig.c include/lgtmtop/webconfig.h src/util.c src/text.c src/yaml_depth.c include/lgtmtop/yaml_depth.h src/status.c include/lgtmtop/text.h include/lgtmtop/config.h include/lgtmtop/custom_cfg.h include/lgtmtop/config_dump.h include/lgtmtop/init.h include/lgtmtop/util.h include/lgtmtop/status.h;checks/|lgtmtop/(state|sweep|probe|multi|engine|canary|custom|diagnose|report|tui)\.h;config and util are the bottom layers'
  'src/diagnose.c src/verdict.c src/report.c src/metrics.c src/page.c include/lgtmtop/metrics.h include/lgtmtop/page.h;checks/|lgtmtop/(sweep|tui|engine|serve)\.h;findings and reports read the state, they do not run checks'
  'src/serve.c include/lgtmtop/serve.h;checks/|lgtmtop/(tui|lint|commands)\.h;serve is a face beside the live view: it reads the state through sweep and the renderers'
  'src/lint.c src/lint_*.c src/lint_impl.h include/lgtmtop/lint.h;checks/|lgtmtop/(state|sweep|engine|multi|probe|canary|custom|diagnose|verdict|report|tui|config)\.h;lint is offline: files in, findings out (the dashboard walker is shared with the live check, nothing else)'
  'src/dashboards.c include/lgtmtop/dashboards.h;checks/|lint|lgtmtop/(state|sweep|engine|multi|probe|config|report|tui)\.h;the dashboard walker is pure: lint and the live check both call it'
)

fail=0
for rule in "${rules[@]}"; do
    IFS=';' read -r files pattern why <<<"$rule"
    for f in $files; do
        [[ -f "$f" ]] || continue
        while IFS= read -r inc; do
            if [[ "$inc" =~ ^(${pattern}) ]]; then
                echo "layers: $f includes \"$inc\": $why" >&2
                fail=1
            fi
        done < <(sed -nE 's/^#include "([^"]+)".*/\1/p' "$f")
    done
done
[[ $fail -eq 0 ]] || exit 1
echo "layers: includes point down"
