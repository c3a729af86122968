#!/bin/bash
# SPDX-License-Identifier: MIT
# `nudge note`: the next session's notes file, created from the template, lines added under
# the right heading, --path, --edit (no shell), --session, and the errors.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1

# NUDGE_NOW is Wednesday 2026-11-25 09:00 in Berlin: the next Tuesday session is 1 December.
printf '%s\n' "[therapy]" "title = Therapy with Dr. Rivera" "weekly = Tue 14:00" \
        "[group]" "weekly = Thu 18:00" "notes = ~/session-notes" >s.ini
chmod 600 s.ini
notes=$XDG_DATA_HOME/nudge/notes/2026-12-01-therapy.md

run "$NUDGE" note --config s.ini --path --session therapy
status "--path exits 0" 0
is "--path prints the file of the next session (date and id)" "$out" "$notes"
[ -e "$notes" ] && not_ok "--path does not create the file" || ok "--path does not create the file"

run "$NUDGE" note --config s.ini --path
is "without --session: the next session of all, in its own notes folder" "$out" \
        "$HOME/session-notes/2026-11-26-group.md"

run "$NUDGE" note -c s.ini -s therapy I felt rushed at the end last time
status "a thought is added" 0
is "it says where" "$out" "Added to $notes"
is "the file is created 0600 in a 0700 folder" \
        "$(stat -c %a "$notes") $(stat -c %a "$(dirname "$notes")")" "600 700"
run "$NUDGE" note -c s.ini -s therapy --question "Who sees what I say here?"
status "a question is added" 0
run "$NUDGE" note -c s.ini -s therapy "a second thought"
want="# Therapy with Dr. Rivera

Tuesday, 1 December 2026, 14:00

A private place to get ready: write as much or as little as you like.
Nobody reads this unless you choose to share it.

## Thoughts
- 2026-11-25 09:00 I felt rushed at the end last time
- 2026-11-25 09:00 a second thought

## Questions to ask
- [ ] Who sees what I say here?

## After the session"
is "template with dated lines under their headings" "$(cat "$notes")" "$want"

# --edit: the editor from $EDITOR, split into words but run without a shell.
cat >"$T/fake-editor" <<EOF
#!/bin/sh
printf '%s|' "\$@" >'$T/editor-args'
EOF
chmod +x "$T/fake-editor"
EDITOR="$T/fake-editor --flag 'two words'" run "$NUDGE" note -c s.ini -s therapy --edit
status "--edit exits with the editor's status" 0
is "--edit runs \$EDITOR with its words and the file" "$(cat "$T/editor-args")" \
        "--flag|two words|$notes|"
VISUAL="$T/fake-editor --visual" EDITOR=false run "$NUDGE" note -c s.ini -s therapy --edit
is "\$VISUAL comes before \$EDITOR" "$(cat "$T/editor-args")" "--visual|$notes|"
before=$(cat "$notes")
rm -f "$T/editor-args"
EDITOR="$T/fake-editor" run "$NUDGE" note -c s.ini --session group --edit
is "--edit creates a missing file from the template first" \
        "$(head -n 1 "$HOME/session-notes/2026-11-26-group.md")" "# group"
is "an existing file is never rewritten by --edit" "$(cat "$notes")" "$before"

run "$NUDGE" note -c s.ini
status "no text and no option: usage error" 64
run "$NUDGE" note -c s.ini --path --edit
status "--path with --edit: usage error" 64
run "$NUDGE" note -c s.ini --question
status "--question without text: usage error" 64
run "$NUDGE" note -c s.ini -s nosuch hello
status "an unknown session: error" 1
like "it says so" "$err" "no session 'nosuch'"
printf '%s\n' "[old]" "once = 2020-01-01 10:00" >past.ini
chmod 600 past.ini
run "$NUDGE" note -c past.ini hello
status "no session to come: error" 1
run "$NUDGE" note -c missing.ini hello
status "a missing schedule: EX_CONFIG" 78

# A link planted where the notes file goes is not followed.
rm -f "$HOME/session-notes/2026-11-26-group.md"
echo "not notes" >"$T/elsewhere"
ln -s "$T/elsewhere" "$HOME/session-notes/2026-11-26-group.md"
run "$NUDGE" note -c s.ini -s group hello
status "a symbolic link in place of the notes file is refused" 1
is "and its target is untouched" "$(cat "$T/elsewhere")" "not notes"

# Notes are trusted only in a folder and file that others cannot change.
rm -f "$HOME/session-notes/2026-11-26-group.md"
chmod 0777 "$HOME/session-notes"
run "$NUDGE" note -c s.ini -s group hello
status "a notes folder others can write to is refused" 1
like "with a way to fix it" "$err" "chmod 700"
is "and nothing is written there" "$(ls "$HOME/session-notes" | grep -c 2026-11-26-group)" "0"
chmod 0700 "$HOME/session-notes"
run "$NUDGE" note -c s.ini -s group hello
status "a private notes folder is used again" 0
chmod 0666 "$HOME/session-notes/2026-11-26-group.md"
run "$NUDGE" note -c s.ini -s group again
status "a notes file others can write to is refused" 1
is "and it is left as it was" "$(grep -c again "$HOME/session-notes/2026-11-26-group.md")" "0"

# --help: what each option does, on stdout, exit 0.
run "$NUDGE" note --help
status "note --help exits 0" 0
like "note --help explains the options" "$(printf '%s\n' "$out" | tr '\n' ' ')" \
        "--config.*--session.*--question.*--edit.*--path"
like "note --help says where a line goes" "$out" "[Tt]houghts of the next session"

# No shell: a notes folder whose name a shell would act on is used exactly as written.
odd="$HOME/-odd; \$(touch pwned1) \`touch pwned2\` & two  spaces"
printf '%s\n' "[odd]" "weekly = Thu 18:00" "notes = \"$odd\"" >odd.ini
chmod 600 odd.ini
run "$NUDGE" note -c odd.ini --path
is "--path: the folder exactly as written" "$out" "$odd/2026-11-26-odd.md"
run "$NUDGE" note -c odd.ini "in the odd folder"
status "a line goes into the odd folder" 0
is "the file is there, and only there" "$(grep -c 'in the odd folder' "$odd/2026-11-26-odd.md" 2>&1)" 1
EDITOR="$T/fake-editor" run "$NUDGE" note -c odd.ini --edit
is "--edit gives the editor exactly that path, as one argument" "$(cat "$T/editor-args")" \
        "$odd/2026-11-26-odd.md|"
pwned=$(find "$T" / -maxdepth 1 -name 'pwned*' 2>/dev/null)
is "nothing ran the folder's name as a command" "$pwned" ""

# The notes' words went to the notes file, never to any command's output.
unlike "no note text in any command's output (stdout or stderr, every run)" "$(cat "$T/.all")" \
        "rushed|Who sees|a second thought|odd folder"

finish
