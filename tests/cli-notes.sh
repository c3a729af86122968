#!/bin/bash
# SPDX-License-Identifier: MIT
# Notes around the session: --question as a task item, --after to the last session's notes,
# carry-forward into the next notes, `nudge notes`, and appends that never lose a line to
# concurrent writers or an editor saving at the same moment.
# The scratch folder in the build tree: other test runs on this machine clean up /tmp.
export TMPDIR="${top_builddir:-$(cd "$(dirname "$0")/.." && pwd)}/tests"
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1

# NUDGE_NOW is Wednesday 2026-11-25 09:00 in Berlin: the last Tuesday session was
# 24 November, the next is 1 December.
printf '%s\n' "[therapy]" "title = Therapy with Dr. Rivera" "weekly = Tue 14:00" \
        "[group]" "weekly = Thu 18:00" >s.ini
chmod 600 s.ini
dir=$XDG_DATA_HOME/nudge/notes
last=$dir/2026-11-24-therapy.md
next=$dir/2026-12-01-therapy.md

# ---- --after and --question ---------------------------------------------------------------
run "$NUDGE" note -c s.ini -s therapy --after "I did not feel heard about work."
status "--after: exit 0" 0
is "--after: to the last session's notes" "$out" "Added to $last"
run "$NUDGE" note -c s.ini -s therapy --after --path
is "--after --path: the last session's file" "$out" "$last"
like "--after: under After the session, dated" "$(cat "$last")" \
        '^## After the session$'
like "--after: the dated line" "$(sed -n '/^## After the session$/,$p' "$last")" \
        '^- 2026-11-25 09:00 I did not feel heard about work\.$'
NUDGE_NOW=2026-11-24T14:00:00+01:00 run "$NUDGE" note -c s.ini -s therapy --after --path
is "--after at the very start: that session has started" "$out" "$last"
NUDGE_NOW=2026-11-24T13:59:00+01:00 run "$NUDGE" note -c s.ini -s therapy --after --path
is "--after a minute before: the one before" "$out" "$dir/2026-11-17-therapy.md"
run "$NUDGE" note -c s.ini -s therapy --question --after text
status "--question with --after: usage error" 64

# A question of the 24th that was asked, and one that was not.
run "$NUDGE" note -c s.ini -s therapy --after --path
sed -i 's/^## Questions to ask$/## Questions to ask\n- [x] the fee\n- [ ] the letter/' "$last"

# ---- carry-forward: the next notes, first created by nudge note --question ------------------
run "$NUDGE" note -c s.ini -s therapy --question "Who sees what I say here?"
status "--question: exit 0" 0
want="# Therapy with Dr. Rivera

Tuesday, 1 December 2026, 14:00

A private place to get ready: write as much or as little as you like.
Nobody reads this unless you choose to share it.

## Still to ask (from 2026-11-24)

- [ ] the letter

## After the session of 2026-11-24

- 2026-11-25 09:00 I did not feel heard about work.

## Thoughts

## Questions to ask
- [ ] Who sees what I say here?

## After the session"
is "carry-forward: open questions and after, dated, then the new parts" "$(cat "$next")" "$want"
run "$NUDGE" note -c s.ini -s therapy "a thought"
is "carry-forward happens once, when the file is first created" \
        "$(grep -c 'Still to ask' "$next")" "1"
is "nothing is copied to the other series" "$(cat "$dir"/*-group.md 2>/dev/null | grep -c letter)" "0"

# ---- nudge notes ---------------------------------------------------------------------------------
run "$NUDGE" note -c s.ini -s group --question "Can I bring a friend?"
run "$NUDGE" notes -c s.ini
status "notes: exit 0" 0
is "notes: newest first, titles shown, open questions counted" "$out" \
"DATE        SESSION                  OPEN QUESTIONS
2026-12-01  Therapy with Dr. Rivera  2
2026-11-26  group                    1
2026-11-24  Therapy with Dr. Rivera  1"
run "$NUDGE" notes -c s.ini --paths
like "notes --paths: where each file is" "$out" "  $next\$"
run "$NUDGE" notes --help
like "notes --help" "$out" "newest first"
run "$NUDGE" note --help
like "note --help names --after" "$out" "--after"
XDG_DATA_HOME=$T/empty run "$NUDGE" notes -c s.ini
is "notes: none yet" "$out" "No notes yet. Add a line with: nudge note TEXT"

# ---- appends never lose a line ---------------------------------------------------------------
race=$dir/2026-11-26-group.md
pids=()
for i in $(seq 1 50); do
        "$NUDGE" note -c s.ini -s group "line $i" >/dev/null 2>"$T/race-$i.err" &
        pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
is "50 concurrent nudge note: all succeed" "$fails" "0"
is "50 concurrent nudge note: every line kept" \
        "$(grep -cE '^- 2026-11-25 09:00 line [0-9]+$' "$race")" "50"
is "and the question before them" "$(grep -c 'Can I bring a friend' "$race")" "1"

# An "editor" that saves while appends run: in place, and by rename (as vim and gedit do).
editor() {
        for k in $(seq 1 40); do
                if [ $((k % 2)) = 0 ]; then
                        { cat "$race"; echo "editor in place $k"; } >"$race.new"
                        cp "$race.new" "$race" # in place: truncate and write in one go
                else
                        { cat "$race"; echo "editor by rename $k"; } >"$race.swp"
                        chmod 600 "$race.swp"
                        mv "$race.swp" "$race"
                fi
        done
}
editor &
epid=$!
pids=()
for i in $(seq 1 30); do
        "$NUDGE" note -c s.ini -s group "during edit $i" >/dev/null 2>>"$T/edit.err" &
        pids+=($!)
done
fails=0
for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
wait "$epid"
rm -f "$race.new"
is "appends during an editor's saves: all succeed" "$fails" "0"
# nudge never undoes a save: every line the editor wrote is there. (The editor itself
# re-reads just before each save but takes no lock, so it may undo an append: its own race.)
is "appends during an editor's saves: no editor save undone" \
        "$(grep -c '^editor' "$race")" "40"
diag "appended lines kept: $(grep -c 'during edit' "$race") of 30"
is "and the 50 lines from before" "$(grep -cE 'line [0-9]+$' "$race")" "50"
is "no temporary file left" "$(ls -A "$dir" | grep -c '^\.2026')" "0"

finish
