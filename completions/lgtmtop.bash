# bash completion for lgtmtop                                   -*- shell-script -*-
# Subcommands, each subcommand's options (read from `lgtmtop CMD --help`, so they never drift),
# component names for --only, and stack names for --stack (from the config the command line
# names, via `lgtmtop config check`).

_lgtmtop_stacks()
{
    local prog=$1; shift
    "$prog" config check "$@" 2>/dev/null | sed -n 's/^  - name: "\(.*\)"$/\1/p'
}

_lgtmtop()
{
    local cur prev prog cmd i cfg=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    prog=${COMP_WORDS[0]}
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            -c | --config) cfg=(-c "${COMP_WORDS[i+1]}"); ((i++)) ;;
            --config=*) cfg=(-c "${COMP_WORDS[i]#--config=}") ;;
            --stack | --mimir | --loki | --tempo | --grafana | --prometheus | --from-grafana | \
            --grafana-token-file | --grafana-token | -o | --output | --only | -i | --interval | \
            -t | --timeout | --wait | --sample | --listen | --web.config.file) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $cmd ]]; then
                    cmd=${COMP_WORDS[i]}
                elif [[ $cmd == config || $cmd == dashboards || $cmd == help ]] && [[ $cmd != *" "* ]]; then
                    cmd="$cmd ${COMP_WORDS[i]}"
                fi
                ;;
        esac
    done

    case $prev in
        -c | --config | -o | --output | --grafana-token-file | --datasources | --web.config.file)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return
            ;;
        --stack)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(_lgtmtop_stacks "$prog" "${cfg[@]}")" -- "$cur"))
            return
            ;;
        --only)
            local pre=${cur%,*} last=${cur##*,}
            [[ $cur == *,* ]] && pre="$pre," || pre=
            COMPREPLY=($(compgen -P "$pre" -W "mimir loki tempo grafana prometheus checks" -- "$last"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        --mimir | --loki | --tempo | --grafana | --prometheus | --from-grafana)
            COMPREPLY=($(compgen -W "http:// https://" -- "$cur"))
            compopt -o nospace 2>/dev/null
            return
            ;;
        --grafana-token | -i | --interval | -t | --timeout | --wait | --sample | --listen)
            return
            ;;
    esac

    case $cmd in
        "")
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$("$prog" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "tui check serve init config lint dashboards help" -- "$cur"))
            fi
            ;;
        config) COMPREPLY=($(compgen -W "check" -- "$cur")) ;;
        dashboards) COMPREPLY=($(compgen -W "lint" -- "$cur")) ;;
        help) COMPREPLY=($(compgen -W "tui check serve init config" -- "$cur")) ;;
        lint | "dashboards lint")
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$("$prog" lint --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u)" -- "$cur"))
            else
                COMPREPLY=($(compgen -f -- "$cur"))
                compopt -o filenames 2>/dev/null
            fi
            ;;
        tui | check | serve | init | "config check")
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$("$prog" $cmd --help 2>/dev/null | grep -o -- '--[a-z][a-z.-]*[a-z]' | sort -u)" -- "$cur"))
            fi
            ;;
    esac
}
complete -F _lgtmtop lgtmtop
