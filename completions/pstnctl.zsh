#compdef pstnctl

__pstnctl_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__pstnctl_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __pstnctl_complete "${completions[@]:0:-1}"
    fi
}

__pstnctl_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_pstnctl() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'status:The daemon: version, uptime, trunks, calls, media.'
            'spans:DAHDI spans with their alarms and the trunks on them.'
            'channels:Every channel'\''s state and call.'
            'calls:Calls in progress: list, show, hang up, originate.'
            'block:Block channels or CICs: no call is offered on them (admin).'
            'unblock:Unblock channels or CICs (admin).'
            'reset:Reset channels (RESTART, RSC/GRS), clearing their calls (admin).'
            'maintenance:Put a span in a maintenance mode (admin).'
            'capture:Write a trunk'\''s signalling to a pcap file that tshark and Wireshark decode (admin).'
            'reload:Re-read routes and trunk groups, as SIGHUP (admin).'
            'cdr:Call detail records, newest first.'
            'events:Watch the daemon'\''s events.'
            'top:A live view of spans, channels and calls, refreshed every second.'
            'metrics:Every figure in Prometheus text format.'
            'whoami:Your user and role on this daemon.'
            'commands:The daemon'\''s protocol commands and the role each needs.'
            'request:Send any protocol command with JSON arguments; prints the result.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        status|spans|channels|calls|block|unblock|reset|maintenance|capture|reload|cdr|events|top|metrics|whoami|commands|request|help)
            "_pstnctl_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_spans() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_channels() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--trunk[Only this trunk'\''s channels.]:trunk:'
        '--busy[Only channels that are not idle.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_calls() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'list:The calls in progress.'
            'show:One call, in progress or from its CDR.'
            'hangup:Release a call with a Q.850 cause (admin).'
            'originate:Place a call on a trunk group (admin).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|hangup|originate)
            "_pstnctl_calls_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_calls_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_calls_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':call:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_calls_hangup() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':call:'
        '--cause[The Q.850 cause (16\: normal clearing).]:cause:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_calls_originate() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--trunk-group[Where the call leaves.]:trunk-group:'
        '--to[The called number.]:to:'
        '--from[The calling number.]:from:'
        '--hangup-after[Release it this many seconds after answer.]:hangup-after:'
        '--channel[Seize exactly this DAHDI channel.]:channel:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_block() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':trunk:'
        '--channels[DAHDI channels, such as 1-5,7.]:channels:'
        '--cics[ISUP circuit identification codes, such as 1-15 (SS7 linksets).]:cics:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_unblock() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':trunk:'
        '--channels[DAHDI channels, such as 1-5,7.]:channels:'
        '--cics[ISUP circuit identification codes, such as 1-15 (SS7 linksets).]:cics:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_reset() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':trunk:'
        '--channels[DAHDI channels, such as 1-5,7.]:channels:'
        '--cics[ISUP circuit identification codes, such as 1-15 (SS7 linksets).]:cics:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_maintenance() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':span:'
        ':mode:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_capture() {
    local -i ret=1
    local -ar arg_specs=(
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'start:Start capturing (PRI: LAPD/Q.931, SS7: MTP2).'
            'stop:Stop capturing and close the file.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        start|stop)
            "_pstnctl_capture_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_capture_start() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':trunk:'
        ':path:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_capture_stop() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':trunk:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_reload() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_cdr() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--from[Calls offered from this time (ISO 8601, or a date).]:from:'
        '--to[Calls offered before this time.]:to:'
        '--number[Calling or called number starting with these digits.]:number:'
        '--cause[Ended with this Q.850 cause.]:cause:'
        '--state[open, closed or interrupted.]:state:'
        '--limit[At most this many.]:limit:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_events() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--follow[Keep streaming until interrupted.]'
        '*--kind[Only these kinds (call.offered; call. for every call event).]:kind:'
        '*--span[Only events of these trunks.]:span:'
        '--count[Without --follow\: stop after this many events.]:count:'
        '--timeout[Without --follow\: stop after this many seconds.]:timeout:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_top() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--interval[Seconds between refreshes.]:interval:'
        '--iterations[Stop after this many refreshes (0\: until interrupted).]:iterations:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_metrics() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_whoami() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_commands() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_request() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':command:'
        ':arguments:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _pstnctl ]]; then
    _pstnctl "${@}"
else
    compdef _pstnctl pstnctl
fi
