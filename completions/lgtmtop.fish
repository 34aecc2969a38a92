# fish completion for lgtmtop: subcommands, their options, --only components, --stack names
# (read from the config via `lgtmtop config check`).

function __lgtmtop_stacks
    set -l tokens (commandline -opc)
    set -l cfg
    for i in (seq (count $tokens))
        if contains -- $tokens[$i] -c --config
            set cfg -c $tokens[(math $i + 1)]
        end
    end
    lgtmtop config check $cfg 2>/dev/null | sed -n 's/^  - name: "\(.*\)"$/\1/p'
end

set -l cmds tui check serve init config lint dashboards help
set -l run "not __fish_seen_subcommand_from init config lint dashboards help"
complete -c lgtmtop -f
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a tui -d 'live view'
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a check -d 'one sweep, exit code'
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a serve -d 'exporter, status page, JSON'
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a init -d 'write a config from Grafana'
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a config -d 'config check'
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a lint -d 'offline: a provisioning repo'
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a dashboards -d 'dashboards lint'
complete -c lgtmtop -n "not __fish_seen_subcommand_from $cmds" -a help -d 'help of a command'
complete -c lgtmtop -n "__fish_seen_subcommand_from config; and not __fish_seen_subcommand_from check" -a check
complete -c lgtmtop -n "__fish_seen_subcommand_from dashboards; and not __fish_seen_subcommand_from lint" -a lint
set -l lint "__fish_seen_subcommand_from lint"
complete -c lgtmtop -n "$lint" -F
complete -c lgtmtop -n "$lint" -s d -l datasources -r -F -d 'datasource provisioning outside the paths'
complete -c lgtmtop -n "$lint" -s u -l uid -x -d 'a datasource uid that exists'
complete -c lgtmtop -n "$lint" -l deprecated -x -d 'OLD=NEW: a uid to migrate away from'
complete -c lgtmtop -n "$lint" -l env-file -r -F -d 'NAME=VALUE lines for ${VAR}'
complete -c lgtmtop -n "$lint" -l env -d 'the environment too'
complete -c lgtmtop -n "$lint" -l json -d 'one JSON document'
complete -c lgtmtop -n "$lint" -l format -x -a 'text json github' -d 'output format'
complete -c lgtmtop -n "$lint" -l no-promtool -d 'do not run promtool check rules'

complete -c lgtmtop -s V -l version -d 'print the version and the linked libraries'
complete -c lgtmtop -s h -l help -d 'help of the command'
complete -c lgtmtop -n "$run; or __fish_seen_subcommand_from config" -s c -l config -r -F -d 'config file'
complete -c lgtmtop -n "$run; or __fish_seen_subcommand_from config" -l stack -x -a '(__lgtmtop_stacks)' -d 'only this stack'
complete -c lgtmtop -n "$run" -l mimir -x -d 'override the Mimir URL'
complete -c lgtmtop -n "$run" -l loki -x -d 'override the Loki URL'
complete -c lgtmtop -n "$run" -l tempo -x -d 'override the Tempo URL'
complete -c lgtmtop -n "$run; or __fish_seen_subcommand_from init" -l grafana -x -d 'Grafana URL'
complete -c lgtmtop -n "$run" -l prometheus -x -d 'override the Prometheus URL'
complete -c lgtmtop -n "$run" -l from-grafana -x -d 'discover the stack from this Grafana'
complete -c lgtmtop -n "$run; or __fish_seen_subcommand_from init" -l grafana-token-file -r -F -d 'Grafana token file'
complete -c lgtmtop -n "$run; or __fish_seen_subcommand_from init" -l grafana-token -x -d 'Grafana token (shows in ps)'
complete -c lgtmtop -n "$run" -l only -x -a 'mimir loki tempo grafana prometheus checks' -d 'only these components'
complete -c lgtmtop -n "$run" -s i -l interval -x -d 'sweep interval'
complete -c lgtmtop -n "$run; or __fish_seen_subcommand_from init" -s t -l timeout -x -d 'per-request timeout'
complete -c lgtmtop -n "$run; and not __fish_seen_subcommand_from serve" -l no-color -d 'no colors'
complete -c lgtmtop -n "$run" -l canary -d 'write and read back test data'
complete -c lgtmtop -n "not __fish_seen_subcommand_from tui serve init config dashboards help" -l json -d 'JSON document'
complete -c lgtmtop -n "not __fish_seen_subcommand_from tui serve init config dashboards help" -l wait -x -d 'repeat until OK or DUR'
complete -c lgtmtop -n "not __fish_seen_subcommand_from tui serve init config dashboards help" -l sample -x -d 'counter sampling window'
complete -c lgtmtop -n "not __fish_seen_subcommand_from check serve init config dashboards help" -l ascii -d 'no Unicode drawing'
complete -c lgtmtop -n "__fish_seen_subcommand_from init" -s o -l output -r -F -d 'write the config to FILE'
complete -c lgtmtop -n "__fish_seen_subcommand_from init" -l force -d 'overwrite the -o FILE'
complete -c lgtmtop -n "__fish_seen_subcommand_from config" -l strict -d 'warnings fail too'
complete -c lgtmtop -n "__fish_seen_subcommand_from serve" -l listen -x -d 'where to serve HTTP (ADDR:PORT)'
complete -c lgtmtop -n "__fish_seen_subcommand_from serve" -l web.config.file -r -F -d 'exporter web config (basic auth, TLS)'
