function __pstnctl_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pstnctl_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __pstnctl_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __pstnctl_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __pstnctl_parse_tokens -S
    set -l unparsed_tokens (__pstnctl_tokens -pc)
    switch $unparsed_tokens[1]
    case 'pstnctl'
        __pstnctl_parse_subcommand 0 'h/help'
        switch $unparsed_tokens[1]
        case 'status'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'spans'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'channels'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'trunk=' 'busy' 'h/help'
        case 'calls'
            __pstnctl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __pstnctl_parse_subcommand 0 'socket=' 'json' 'h/help'
            case 'show'
                __pstnctl_parse_subcommand 1 'socket=' 'json' 'h/help'
            case 'hangup'
                __pstnctl_parse_subcommand 1 'socket=' 'json' 'cause=' 'h/help'
            case 'originate'
                __pstnctl_parse_subcommand 0 'socket=' 'json' 'trunk-group=' 'to=' 'from=' 'hangup-after=' 'channel=' 'h/help'
            end
        case 'block'
            __pstnctl_parse_subcommand 1 'socket=' 'json' 'channels=' 'cics=' 'h/help'
        case 'unblock'
            __pstnctl_parse_subcommand 1 'socket=' 'json' 'channels=' 'cics=' 'h/help'
        case 'reset'
            __pstnctl_parse_subcommand 1 'socket=' 'json' 'channels=' 'cics=' 'h/help'
        case 'maintenance'
            __pstnctl_parse_subcommand 2 'socket=' 'json' 'h/help'
        case 'capture'
            __pstnctl_parse_subcommand 0 'h/help'
            switch $unparsed_tokens[1]
            case 'start'
                __pstnctl_parse_subcommand 2 'socket=' 'json' 'h/help'
            case 'stop'
                __pstnctl_parse_subcommand 1 'socket=' 'json' 'h/help'
            end
        case 'reload'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'cdr'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'from=' 'to=' 'number=' 'cause=' 'state=' 'limit=' 'h/help'
        case 'events'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'follow' 'kind=+' 'span=+' 'count=' 'timeout=' 'h/help'
        case 'top'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'interval=' 'iterations=' 'h/help'
        case 'metrics'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'whoami'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'commands'
            __pstnctl_parse_subcommand 0 'socket=' 'json' 'h/help'
        case 'request'
            __pstnctl_parse_subcommand 2 'socket=' 'json' 'h/help'
        case 'help'
            __pstnctl_parse_subcommand -r 1 
        end
    end
end

function __pstnctl_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __pstnctl_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __pstnctl_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __pstnctl_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__pstnctl_tokens -p)
    if test -z "$(__pstnctl_tokens -t)"
        set -l index (count (__pstnctl_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'pstnctl' -f
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'status' -d 'The daemon: version, uptime, trunks, calls, media.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'spans' -d 'DAHDI spans with their alarms and the trunks on them.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'channels' -d 'Every channel\'s state and call.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'calls' -d 'Calls in progress: list, show, hang up, originate.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'block' -d 'Block channels or CICs: no call is offered on them (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'unblock' -d 'Unblock channels or CICs (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'reset' -d 'Reset channels (RESTART, RSC/GRS), clearing their calls (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'maintenance' -d 'Put a span in a maintenance mode (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'capture' -d 'Write a trunk\'s signalling to a pcap file that tshark and Wireshark decode (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'reload' -d 'Re-read routes and trunk groups, as SIGHUP (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'cdr' -d 'Call detail records, newest first.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'events' -d 'Watch the daemon\'s events.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'top' -d 'A live view of spans, channels and calls, refreshed every second.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'metrics' -d 'Every figure in Prometheus text format.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'whoami' -d 'Your user and role on this daemon.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'commands' -d 'The daemon\'s protocol commands and the role each needs.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'request' -d 'Send any protocol command with JSON arguments; prints the result.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl status" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl status" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl spans" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl spans" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl spans" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl channels" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl channels" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl channels" trunk' -l 'trunk' -d 'Only this trunk\'s channels.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl channels" busy' -l 'busy' -d 'Only channels that are not idle.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl channels" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl calls" -eq 1' -fa 'list' -d 'The calls in progress.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl calls" -eq 1' -fa 'show' -d 'One call, in progress or from its CDR.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl calls" -eq 1' -fa 'hangup' -d 'Release a call with a Q.850 cause (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl calls" -eq 1' -fa 'originate' -d 'Place a call on a trunk group (admin).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls list" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls list" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls show" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls show" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls hangup" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls hangup" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls hangup" cause' -l 'cause' -d 'The Q.850 cause (16: normal clearing).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls hangup" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" trunk-group' -l 'trunk-group' -d 'Where the call leaves.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" to' -l 'to' -d 'The called number.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" from' -l 'from' -d 'The calling number.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" hangup-after' -l 'hangup-after' -d 'Release it this many seconds after answer.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" channel' -l 'channel' -d 'Seize exactly this DAHDI channel.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl calls originate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl block" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl block" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl block" channels' -l 'channels' -d 'DAHDI channels, such as 1-5,7.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl block" cics' -l 'cics' -d 'ISUP circuit identification codes, such as 1-15 (SS7 linksets).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl block" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl unblock" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl unblock" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl unblock" channels' -l 'channels' -d 'DAHDI channels, such as 1-5,7.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl unblock" cics' -l 'cics' -d 'ISUP circuit identification codes, such as 1-15 (SS7 linksets).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl unblock" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reset" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reset" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reset" channels' -l 'channels' -d 'DAHDI channels, such as 1-5,7.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reset" cics' -l 'cics' -d 'ISUP circuit identification codes, such as 1-15 (SS7 linksets).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reset" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl maintenance" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl maintenance" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl maintenance" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl capture" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl capture" -eq 1' -fa 'start' -d 'Start capturing (PRI: LAPD/Q.931, SS7: MTP2).'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_positional "pstnctl capture" -eq 1' -fa 'stop' -d 'Stop capturing and close the file.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl capture start" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl capture start" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl capture start" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl capture stop" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl capture stop" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl capture stop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reload" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reload" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl reload" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" from' -l 'from' -d 'Calls offered from this time (ISO 8601, or a date).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" to' -l 'to' -d 'Calls offered before this time.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" number' -l 'number' -d 'Calling or called number starting with these digits.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" cause' -l 'cause' -d 'Ended with this Q.850 cause.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" state' -l 'state' -d 'open, closed or interrupted.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" limit' -l 'limit' -d 'At most this many.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl cdr" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events" follow' -l 'follow' -d 'Keep streaming until interrupted.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events"' -l 'kind' -d 'Only these kinds (call.offered; call. for every call event).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events"' -l 'span' -d 'Only events of these trunks.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events" count' -l 'count' -d 'Without --follow: stop after this many events.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events" timeout' -l 'timeout' -d 'Without --follow: stop after this many seconds.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl events" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl top" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl top" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl top" interval' -l 'interval' -d 'Seconds between refreshes.' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl top" iterations' -l 'iterations' -d 'Stop after this many refreshes (0: until interrupted).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl top" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl metrics" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl metrics" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl metrics" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl whoami" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl whoami" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl whoami" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl commands" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl commands" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl commands" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl request" socket' -l 'socket' -d 'The daemon\'s control socket (default: $PSTN_SOCKET or /run/pstnd/control.sock).' -rfka ''
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl request" json' -l 'json' -d 'Print the daemon\'s JSON instead of tables.'
complete -c 'pstnctl' -n '__pstnctl_should_offer_completions_for_flags_or_options "pstnctl request" h help' -s 'h' -l 'help' -d 'Show help information.'
