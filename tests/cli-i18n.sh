#!/bin/bash
# SPDX-License-Identifier: MIT
# `nudge check` speaks the person's language: German, French and Spanish from catalogues
# compiled from po/*.po into the build tree (NUDGE_LOCALEDIR), German also with no $LANG
# at all (as under some service managers), and English, cleanly, for a language nudge has
# no catalogue for. The expected sentences are read from the .po files, so the test holds
# for whatever the translators wrote, and fails when nudge prints English instead.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
cd "$T" || exit 1

MSGFMT=${MSGFMT:-msgfmt}
MSGUNFMT=${MSGUNFMT:-msgunfmt}
for tool in "$MSGFMT" "$MSGUNFMT"; do
        if ! command -v "$tool" >/dev/null; then
                [ "${CI:-}" = true ] && { echo "Bail out! $tool is missing (gettext)"; exit 1; }
                echo "1..0 # SKIP $tool is missing (gettext)"
                exit 0
        fi
done

# Where the catalogues are read from (a test of this script points it elsewhere).
PO_DIR=${PO_DIR:-$top_srcdir/po}
L=$(mktemp -d "$top_builddir/tests/cli-i18n.XXXXXX") || exit 1
trap 'rm -rf "$L"' EXIT
export NUDGE_LOCALEDIR=$L

# A schedule whose only session is over: check then prints two fixed sentences.
printf '[past]\ntitle = Therapy\nonce = 2020-01-07 14:00\n' >past.ini
chmod 600 past.ini
NONE_SESSION='Next session:  none to come.\n'
NONE_REMINDER='Next reminder: none to come.\n'

# msgstr LANG MSGID: the translation of MSGID (as written in a .po, escapes and all) in the
# compiled catalogue, so fuzzy entries count as untranslated, as at run time.
msgstr() {
        # Through the environment: awk -v would turn the escapes into bytes.
        "$MSGUNFMT" --no-wrap "$L/$1/LC_MESSAGES/nudge.mo" 2>/dev/null | ID="msgid \"$2\"" awk '
                $0 == ENVIRON["ID"] { getline; sub(/^msgstr "/, ""); sub(/"$/, ""); print; exit }'
}

# unescape TEXT: the C escapes of a .po string (\n, \t, \", \\) as the bytes they stand for.
unescape() {
        printf '%b' "$(printf '%s' "$1" | sed 's/\\"/"/g')"
}

for lang in de fr es; do
        if ! mkdir -p "$L/$lang/LC_MESSAGES" ||
                ! "$MSGFMT" -o "$L/$lang/LC_MESSAGES/nudge.mo" "$PO_DIR/$lang.po" 2>"$T/.msgfmt"; then
                not_ok "$lang: po/$lang.po compiles" "$(cat "$T/.msgfmt" 2>/dev/null)"
                continue
        fi
        ok "$lang: po/$lang.po compiles"
        s=$(msgstr "$lang" "$NONE_SESSION")
        r=$(msgstr "$lang" "$NONE_REMINDER")
        if [ -z "$s" ] || [ -z "$r" ]; then
                not_ok "$lang: po/$lang.po translates the two sentences of the test" \
                        "msgstr of \"$NONE_SESSION\": '$s'" "msgstr of \"$NONE_REMINDER\": '$r'"
                continue
        fi
        want=$(unescape "$s$r")
        run env LANGUAGE="$lang" LANG=en_US.UTF-8 "$NUDGE" check --config past.ini
        status "LANGUAGE=$lang nudge check exits 0" 0
        is "LANGUAGE=$lang nudge check speaks $lang" "$(printf '%s\n' "$out" | tail -n 2)" \
                "$want"
        is "LANGUAGE=$lang: nothing on stderr" "$err" ""
        if [ "$lang" = de ]; then
                # No $LANG, $LC_ALL or $LC_MESSAGES at all: i18n_init's C.UTF-8 fallback
                # is what lets $LANGUAGE choose.
                run env -u LANG -u LC_ALL -u LC_MESSAGES LANGUAGE=de "$NUDGE" check --config past.ini
                status "no LANG, LANGUAGE=de: exits 0" 0
                is "no LANG, LANGUAGE=de: German" "$(printf '%s\n' "$out" | tail -n 2)" \
                        "$want"
        fi
done

# Dates follow the locale (LC_TIME), whatever the messages' language: a German locale built
# into the scratch folder (LOCPATH), so that no locale need be installed. The expected
# weekday comes from the C library itself, through date(1).
if ! command -v localedef >/dev/null || [ ! -e /usr/share/i18n/locales/de_DE ]; then
        if [ "${CI:-}" = true ]; then
                not_ok "German weekdays in nudge list" "no localedef or no de_DE locale source"
        else
                skip "German weekdays in nudge list" "no localedef or no de_DE locale source"
        fi
elif mkdir -p "$L/locales" && localedef -c -i de_DE -f UTF-8 "$L/locales/de_DE.UTF-8" >"$T/.localedef" 2>&1 ||
        [ -e "$L/locales/de_DE.UTF-8/LC_TIME" ]; then
        printf '[w]\ntitle = Therapy\nweekly = Tue 14:00\n' >weekly.ini
        chmod 600 weekly.ini
        tue=$(LOCPATH=$L/locales LC_ALL=de_DE.UTF-8 date -d 2026-12-01 +%a)
        run env LOCPATH="$L/locales" LC_ALL=de_DE.UTF-8 LANGUAGE=en "$NUDGE" list \
                --config weekly.ini --days 7
        status "LC_ALL=de_DE.UTF-8 nudge list exits 0" 0
        like "LC_ALL=de_DE.UTF-8: the weekday in German ($tue)" "$out" \
                "^$tue 2026-12-01 14:00 CET"
else
        not_ok "a German locale builds with localedef" "$(cat "$T/.localedef")"
fi

# A language without a catalogue: English, word for word, and no complaint.
run env LANGUAGE=it LANG=it_IT.UTF-8 "$NUDGE" check --config past.ini
status "LANGUAGE=it: exits 0" 0
is "LANGUAGE=it: English" "$(printf '%s\n' "$out" | tail -n 2)" \
        "$(printf "$NONE_SESSION$NONE_REMINDER")"
is "LANGUAGE=it: nothing on stderr" "$err" ""

finish
