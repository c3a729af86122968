#!/bin/bash
# SPDX-License-Identifier: MIT
# The bash completion of nudge, driven as bash drives it (COMP_WORDS, COMP_CWORD, then
# COMPREPLY): subcommands, each one's options, and the schedule's session ids.
set -uo pipefail
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

. "$top_srcdir/conf/nudge.bash-completion"

# complete WORD...: the candidates for the last word, sorted, on one line.
complete_words() {
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMPREPLY=()
        _nudge
        printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

is "the subcommands" "$(complete_words nudge '')" "check edit list note notes password"
is "a subcommand's options" "$(complete_words nudge list --)" "--config --days --from --help --json"
is "note's options" "$(complete_words nudge note --q)" "--question"
printf '[defaults]\nremind = 1d\n\n[Therapy]\nweekly = Tue 14:00\n[group-2]\nonce = 2030-01-01 10:00\n' >"$T/s.ini"
is "the session ids of --config's schedule, for --session (not [defaults])" \
        "$(complete_words nudge note --config "$T/s.ini" --session '')" "group-2 therapy"
is "... narrowed by what is typed" "$(complete_words nudge note -c "$T/s.ini" -s th)" "therapy"
mkdir -p "$T/home/.config/nudge" && cp "$T/s.ini" "$T/home/.config/nudge/schedule.ini"
is "... of the default schedule without --config" \
        "$(HOME=$T/home XDG_CONFIG_HOME= complete_words nudge note --session g)" "group-2"
finish
