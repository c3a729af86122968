# SPDX-License-Identifier: MIT
# handover_sessions: a hand-over list (daemon/core/handover.h), or a saved copy holding one,
# on stdin; on stdout each session as one line of version 1's form,
# "S<TAB>start<TAB>end<TAB>rid<TAB>zone<TAB>uid<TAB>summary", whichever version it came in.
handover_sessions() {
        awk -F'\t' -v OFS='\t' '
                $1 == "E" && NF == 4 { event[n++] = $2 OFS $3 OFS $4 }
                $1 == "R" && NF == 5 { print "S", $2, $3, $4, event[$5] }
                $1 == "S" { print }'
}
