/* SPDX-License-Identifier: MIT */
/* The built-in preparation prompts: the one place where their words live. Included by
 * prompts.c only.
 *
 * To change what reminders say, edit the sentences below and rebuild. Keep each prompt to
 * one or two warm sentences of plain text (no markup: it is escaped where needed). The
 * order matters little: reminders walk through a list one prompt at a time, so two
 * reminders in a row never show the same one as long as a list has two or more entries.
 * A person can also replace all of them for a session with `prompt = …` in the schedule
 * file.
 *
 * A prompt prepares; it never diagnoses or advises beyond that, and it never scolds a
 * person for ignoring an earlier reminder.
 *
 * Each sentence is marked with N_() for translation and translated where it is picked
 * (prompts_get), so the tables stay constant. */
#pragma once

#include "i18n.h"

/* For the earlier reminders (typically a day before): an invitation to reflect and write.
 * Themes: writing thoughts down, questions to ask (approach, confidentiality, goals),
 * saying hesitation out loud, starting small, looking back on trust, noticing what did not
 * feel right, giving trust time. */
static const char *const prompts_table_reflect[] = {
        N_("Before your session, set aside five quiet minutes to write down what has been on "
        "your mind since last time."),

        N_("Is something about how your therapist works still unclear to you? Note the "
        "question down: asking is part of the work, not a detour from it."),

        N_("Feeling unsure or nervous about therapy is something you can say out loud in the "
        "session. Your therapist can work with that, at your pace."),

        N_("You do not have to share everything at once. Choose one small thing to bring, and "
        "notice how it is received."),

        N_("How did the last session leave you? If anything felt judging, dismissive or "
        "unsafe, write it down: it deserves to be raised."),

        N_("What would you like to talk about first? A few words on paper now make it easier "
        "to begin when you are in the room."),

        N_("Wondering what stays between you and your therapist, and what might not? That is a "
        "fair question to bring to your session."),

        N_("Think back on moments when trusting someone came easily, or did not. Is any of "
        "that worth bringing into the room?"),

        N_("Trust usually grows over several sessions. There is no need to hurry it: bring "
        "what feels possible this time."),

        N_("What do you hope these sessions will change? If the goals feel fuzzy, you can ask "
        "to go through them together."),

        N_("Has something from last time stayed with you since? A short note about it now "
        "will help you find the words later."),

        N_("Therapists are people too, and sometimes miss the mark. If something did not sit "
        "right, saying so honestly can help put it right."),

        N_("If part of you would rather skip this session, jot down why. That reluctance can "
        "be a good place to start."),
};

/* For the last reminder, shortly before the session: short and practical. */
static const char *const prompts_table_last[] = {
        N_("Take a minute to look over your notes."),
        N_("A good moment to glance at your notes and questions."),
        N_("One thing you want to say today? Jot it down now."),
        N_("Find a quiet spot and have your notes at hand."),
        N_("A quick look at your questions, and you are ready."),
};

/* For the check-in after a session (`checkin =`): one gentle question on how it went. Themes:
 * what stayed with you; whether you felt heard and talked about what mattered; whether the
 * way of working suited you; anything that did not feel right, worth raising next time. */
static const char *const prompts_table_checkin[] = {
        N_("What stayed with you from today? A line or two is plenty."),

        N_("Did you feel heard today, and did you get to talk about what mattered to you?"),

        N_("Did the way you worked together today suit you? It is worth a note either way."),

        N_("If anything today did not feel right, write it down: it is worth raising next "
        "time."),

        N_("Was there something you meant to say and did not get to? Note it for next time."),

        N_("How are you feeling now that the session is over? No need to sort it out, just "
        "note it."),
};
