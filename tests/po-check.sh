#!/bin/bash
# SPDX-License-Identifier: MIT
# The catalogues are complete: the .pot is built afresh from the sources (xgettext with
# po/Makevars' options over po/POTFILES.in, into the build tree, since the source tree may
# be read-only), and each of de, fr and es has every one of its messages, translated, none
# fuzzy, with format strings that match (msgfmt -c). Every source file that marks a string
# is listed in po/POTFILES.in, or its strings would silently stay English.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

XGETTEXT=${XGETTEXT:-xgettext}
MSGFMT=${MSGFMT:-msgfmt}
MSGCMP=${MSGCMP:-msgcmp}
MSGATTRIB=${MSGATTRIB:-msgattrib}
# Where the catalogues are read from (a test of this script points it elsewhere).
PO_DIR=${PO_DIR:-$top_srcdir/po}
LANGS="de fr es"

for tool in "$XGETTEXT" "$MSGFMT" "$MSGCMP" "$MSGATTRIB"; do
        if ! command -v "$tool" >/dev/null; then
                [ "${CI:-}" = true ] && { echo "Bail out! $tool is missing (gettext)"; exit 1; }
                echo "1..0 # SKIP $tool is missing (gettext)"
                exit 0
        fi
done

W=$(mktemp -d "$top_builddir/tests/po-check.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT

# ---- the .pot, with the options the catalogues are updated with -------------------------
read -r -a options <<<"$(sed -n 's/^XGETTEXT_OPTIONS *= *//p' "$top_srcdir/po/Makevars")"
if "$XGETTEXT" --default-domain=nudge --directory="$top_srcdir" \
        --files-from="$top_srcdir/po/POTFILES.in" "${options[@]}" \
        --msgid-bugs-address= -o "$W/nudge.pot" 2>"$W/xgettext.err" && [ -s "$W/nudge.pot" ]; then
        ok "xgettext builds nudge.pot from po/POTFILES.in"
else
        not_ok "xgettext builds nudge.pot from po/POTFILES.in" "$(cat "$W/xgettext.err")"
fi
diag "nudge.pot: $(grep -c '^msgid ' "$W/nudge.pot" 2>/dev/null) msgids (the header included)"

# ---- POTFILES.in lists every file that marks a string ----------------------------------
# A marking is _( N_( C_( NC_( or ngettext( followed by a string, or at the end of the line
# (the string on the next): "_()" in a comment is not one.
listed=$(grep -v '^#' "$top_srcdir/po/POTFILES.in" | sed '/^[[:space:]]*$/d' | sort)
marking=$(cd "$top_srcdir" && grep -rlE --include='*.c' --include='*.h' \
        '(^|[^A-Za-z0-9_])(_|N_|C_|NC_|ngettext)\([[:space:]]*("|$)' daemon | sort)
unlisted=$(comm -13 <(printf '%s\n' "$listed") <(printf '%s\n' "$marking"))
is "every source file that marks a string is in po/POTFILES.in" "$unlisted" ""
missing=$(cd "$top_srcdir" && for f in $listed; do [ -f "$f" ] || echo "$f"; done)
is "every file in po/POTFILES.in exists" "$missing" ""

# ---- each catalogue against it ---------------------------------------------------------
# The msgids of a catalogue's entries that msgattrib selects, but for the header.
entries() {
        "$MSGATTRIB" --no-obsolete --no-wrap "$@" 2>/dev/null | grep '^msgid ' | grep -vx 'msgid ""'
}

"$MSGATTRIB" --no-wrap "$W/nudge.pot" 2>/dev/null | grep '^msgid ' | grep -vx 'msgid ""' \
        >"$W/pot.ids"

for lang in $LANGS; do
        po=$PO_DIR/$lang.po
        if [ ! -f "$po" ]; then
                not_ok "$lang.po exists" "no $po: make -C po update-po, then translate it"
                continue
        fi
        ok "$lang.po exists"
        if "$MSGFMT" -c --check-format -o /dev/null "$po" 2>"$W/msgfmt.err"; then
                ok "$lang.po: msgfmt -c --check-format is clean"
        else
                not_ok "$lang.po: msgfmt -c --check-format is clean" "$(cat "$W/msgfmt.err")"
        fi
        # Untranslated and fuzzy count as present here: they are told apart below.
        if "$MSGCMP" --use-fuzzy --use-untranslated "$po" "$W/nudge.pot" 2>"$W/msgcmp.err"; then
                ok "$lang.po has every msgid of nudge.pot"
        else
                not_ok "$lang.po has every msgid of nudge.pot" \
                        "$(grep -c 'this message is used but not defined' "$W/msgcmp.err") missing;" \
                        "$(head -n 5 "$W/msgcmp.err")"
        fi
        # Only the messages the sources still use count: an entry that is no longer in the
        # .pot does no harm.
        for what in untranslated fuzzy; do
                flag=--untranslated
                [ "$what" = fuzzy ] && flag=--only-fuzzy
                found=$(entries "$flag" "$po" | grep -xFf "$W/pot.ids")
                n=$(printf '%s' "$found" | grep -c '^msgid ')
                if [ "$n" = 0 ]; then
                        ok "$lang.po: no message is $what"
                else
                        not_ok "$lang.po: no message is $what" "$n $what, such as:" \
                                "$(printf '%s\n' "$found" | head -n 5)"
                fi
        done
done

finish
