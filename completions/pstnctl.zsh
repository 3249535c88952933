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
            'reload:Re-read the configuration: routes, trunk groups, IVR flows, ACD queues, agents and campaigns, as SIGHUP (admin).'
            'cdr:Call detail records, newest first.'
            'events:Watch the daemon'\''s events.'
            'top:A live view of spans, channels and calls, refreshed every second.'
            'metrics:Every figure in Prometheus text format.'
            'blocked:Blocked calling numbers: list, add, remove.'
            'recordings:Recordings: list, show, export, delete.'
            'voicemail:Voicemail: list, play, export, delete, mark-heard.'
            'prompt:IVR prompts.'
            'ivr:IVR reports.'
            'queues:ACD queues: callers waiting, agents logged in and ready.'
            'agents:ACD agents: state, time in state, station, calls answered.'
            'agent:An agent'\''s own commands: login, ready, pause, logout; and the agent log.'
            'supervise:Supervisor actions: listen, whisper, barge, take over an agent'\''s call; force an agent'\''s state.'
            'queue-log:The queue log, oldest first.'
            'surveys:Satisfaction scores (1-5) callers gave, oldest first.'
            'fax:Faxes: list, show, send, cancel, export.'
            'campaign:Outbound campaigns: list, start, pause, add and remove contacts, each contact'\''s outcome.'
            'whoami:Your user and role on this daemon.'
            'commands:The daemon'\''s protocol commands and the role each needs.'
            'request:Send any protocol command with JSON arguments; prints the result.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        status|spans|channels|calls|block|unblock|reset|maintenance|capture|reload|cdr|events|top|metrics|blocked|recordings|voicemail|prompt|ivr|queues|agents|agent|supervise|queue-log|surveys|fax|campaign|whoami|commands|request|help)
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
            'record:Start or stop recording a call in progress (supervisor).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|hangup|originate|record)
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

_pstnctl_calls_record() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':call:'
        '--stop[Stop recording it.]'
        '--mono[One channel with both sides mixed, not stereo.]'
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

_pstnctl_blocked() {
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
            'list:The blocked numbers.'
            'add:Block a calling number (supervisor).'
            'remove:Unblock a calling number (supervisor).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|add|remove)
            "_pstnctl_blocked_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_blocked_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_blocked_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':number:'
        '--action[reject (cause 21, never answered) or message (told, then released).]:action:'
        '--note[Why, for the other operators.]:note:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_blocked_remove() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':number:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_recordings() {
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
            'list:Recordings, oldest first.'
            'show:One recording.'
            'export:Copy a recording'\''s file.'
            'delete:Delete a recording and its file (admin).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|export|delete)
            "_pstnctl_recordings_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_recordings_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--from[Started from this time (ISO 8601, or a date).]:from:'
        '--to[Started before this time.]:to:'
        '--number[Calling or called number starting with these digits.]:number:'
        '--kind[call, voicemail or message.]:kind:'
        '--call[The CDR'\''s id.]:call:'
        '--limit[At most this many.]:limit:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_recordings_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_recordings_export() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        ':file:'
        '--force[Replace the file if it exists.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_recordings_delete() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_voicemail() {
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
            'list:Messages, oldest first.'
            'play:Play a message into an answered call (an agent'\''s, a supervisor'\''s).'
            'export:Copy a message'\''s audio file.'
            'delete:Delete a message and its file (supervisor).'
            'mark-heard:Mark a message heard (or --new again).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|play|export|delete|mark-heard)
            "_pstnctl_voicemail_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_voicemail_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--box[Only this box.]:box:'
        '--new[Only messages not yet heard.]'
        '--limit[At most this many.]:limit:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_voicemail_play() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        '--call[The call to play it to.]:call:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_voicemail_export() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        ':file:'
        '--force[Replace the file if it exists.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_voicemail_delete() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_voicemail_mark-heard() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        '--new[Mark it new again.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_prompt() {
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
            'add:Add or replace a prompt from a WAV, FLAC, MP3 or other audio file of any rate (admin).'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        add)
            "_pstnctl_prompt_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_prompt_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':name:'
        ':file:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_ivr() {
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
            'report:How often each node was reached, with each input.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        report)
            "_pstnctl_ivr_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_ivr_report() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--flow[Only this flow.]:flow:'
        '--from[From this time (ISO 8601, or a date).]:from:'
        '--to[Before this time.]:to:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_queues() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agents() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent() {
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
            'login:Log an agent in at an FXS station or an external number.'
            'ready:Make an agent ready for calls.'
            'pause:Make an agent not ready, with a reason.'
            'logout:Log an agent out.'
            'dial:Click-to-dial: ring the agent'\''s phone, then call another agent or a number.'
            'hold:Put the agent'\''s caller on hold with music.'
            'retrieve:Take the agent'\''s caller off hold.'
            'transfer:Blind-transfer the agent'\''s caller to a queue, another agent, an IVR flow or an external number.'
            'consult:Hold the agent'\''s caller and ring another agent to consult.'
            'complete:Complete the attended transfer to the agent consulted.'
            'cancel-consult:End the consultation; the caller stays on hold.'
            'conference:Bring the held caller into the consultation (a three-way call).'
            'log:The agent state log, oldest first.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        login|ready|pause|logout|dial|hold|retrieve|transfer|consult|complete|cancel-consult|conference|log)
            "_pstnctl_agent_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_agent_login() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--station[The FXS port'\''s number (default\: the agent'\''s configured station).]:station:'
        '--number[An external number (remote agent), with --trunk-group.]:number:'
        '--trunk-group[Where the external number is called.]:trunk-group:'
        '--not-ready[Log in not ready.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_ready() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_pause() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--reason[Why (lunch, training...).]:reason:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_logout() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_dial() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--to[Another agent (an internal call).]:to:'
        '--number[A number to call out, with --trunk-group.]:number:'
        '--trunk-group[Where the number is called.]:trunk-group:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_hold() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_retrieve() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_transfer() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--queue[A queue.]:queue:'
        '--to[Another agent (the caller hears music until they answer).]:to:'
        '--flow[An IVR flow.]:flow:'
        '--number[An external number, with --trunk-group.]:number:'
        '--trunk-group[Where the external number is called.]:trunk-group:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_consult() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--to[The agent to consult.]:to:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_complete() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_cancel-consult() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_conference() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_agent_log() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--agent[Only this agent.]:agent:'
        '--from[From this time (ISO 8601, or a date).]:from:'
        '--limit[At most this many.]:limit:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_supervise() {
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
            'listen:Hear the agent'\''s call; neither party hears the supervisor.'
            'whisper:Speak to the agent only; the caller does not hear.'
            'barge:Join the call; both parties hear the supervisor.'
            'takeover:Take the call: the agent leaves, the caller stays with the supervisor.'
            'force:Set an agent ready, not ready or logged out.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        listen|whisper|barge|takeover|force)
            "_pstnctl_supervise_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_supervise_listen() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--supervisor[The supervisor'\''s id.]:supervisor:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_supervise_whisper() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--supervisor[The supervisor'\''s id.]:supervisor:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_supervise_barge() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--supervisor[The supervisor'\''s id.]:supervisor:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_supervise_takeover() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        '--supervisor[The supervisor'\''s id.]:supervisor:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_supervise_force() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':agent:'
        ':state:'
        '--supervisor[The supervisor'\''s id.]:supervisor:'
        '--reason[The not-ready reason.]:reason:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_queue-log() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--queue[Only this queue.]:queue:'
        '--agent[Only this agent.]:agent:'
        '--from[From this time (ISO 8601, or a date).]:from:'
        '--to[Before this time.]:to:'
        '--limit[At most this many.]:limit:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_surveys() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--agent[Only this agent.]:agent:'
        '--queue[Only this queue.]:queue:'
        '--limit[At most this many.]:limit:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_fax() {
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
            'list:Faxes received and jobs, newest first.'
            'show:One fax or job, with its files and T.30'\''s figures.'
            'send:Queue a fax job: a PDF, PostScript or fax TIFF document to a number.'
            'cancel:Cancel a fax job that has not ended.'
            'export:Copy a fax'\''s pages as PDF or TIFF.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|show|send|cancel|export)
            "_pstnctl_fax_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_fax_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '--direction[inbound or outbound.]:direction:'
        '--state[receiving, received, partial, failed, queued, sending, sent or cancelled.]:state:'
        '--limit[At most this many.]:limit:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_fax_show() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_fax_send() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':document:'
        '--to[The number to fax.]:to:'
        '--trunk-group[The trunk group to dial on.]:trunk-group:'
        '--at[Not before this time (ISO 8601).]:at:'
        '--attempts[Attempts before giving up (the configured number by default).]:attempts:'
        '--cover[Put a cover page first, with this note (UTF-8; Chinese prints).]:cover:'
        '--time-zone[Read the send window in this time zone, the recipient'\''s (IANA, such as America/Los_Angeles).]:time-zone:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_fax_cancel() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_fax_export() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':id:'
        ':file:'
        '--tiff[The TIFF pages instead of the PDF.]'
        '--force[Replace the file if it exists.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_campaign() {
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
            'list:Each campaign: running, in its window, contacts by state.'
            'start:Start giving a campaign'\''s contacts to its agents.'
            'pause:Pause a campaign; the calls under way finish.'
            'add:Add contacts to a campaign: numbers given here, or a CSV file of number[,reference] lines.'
            'remove:Stop calling one number of a campaign.'
            'contacts:A campaign'\''s contacts: attempts, last outcome and cause, agent.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        list|start|pause|add|remove|contacts)
            "_pstnctl_campaign_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_pstnctl_campaign_list() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_campaign_start() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':campaign:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_campaign_pause() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':campaign:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_campaign_add() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':campaign:'
        '*:numbers:'
        '--file[A CSV file\: one contact a line, number\[,reference\]; a header line and # comments are skipped.]:file:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_campaign_remove() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':campaign:'
        ':number:'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_pstnctl_campaign_contacts() {
    local -i ret=1
    local -ar arg_specs=(
        '--socket[The daemon'\''s control socket (default\: $PSTN_SOCKET or /run/pstnd/control.sock).]:socket:'
        '--json[Print the daemon'\''s JSON instead of tables.]'
        ':campaign:'
        '--state[pending, dialling, done, failed or removed.]:state:'
        '--limit[At most this many (up to 5000).]:limit:'
        '--after[Those added after the contact with this id (the next page).]:after:'
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
