/* declare.h — a commune's declaration online (dti-web): for one commune
 * and year, the items it answers (form.h), each with its working answer
 * (a draft saved, or what was submitted), its state after appraisal and
 * the contact block; saving a draft with versions, so that a save made
 * from an older page is refused instead of silently overwriting; and
 * submitting, validated by the CSV form's rules (form_answer_check,
 * form_check_across, form_contact_check), all or nothing, into the same
 * store as 'dti form import' (source form:CODE, batch_store_with), so
 * scoring, appraisal and 'dti form status' see it.
 *
 * Versions: every save gives the rows it changes the declaration's
 * revision + 1; the revision is the largest version.  A page carries the
 * version of each item and the revision it was drawn at.  A save of an
 * item whose version moved on, to a value other than the one now there,
 * is refused naming who changed it, when, and to what; a submission from
 * a page older than the revision is refused naming the items changed
 * since.  Messages are Vietnamese, for the commune officer; the checks
 * shared with the CSV form keep their words ("Mục 1.1 (steering_head):
 * 'x' is not one of the answers allowed: …"). */
#ifndef DTI_DECLARE_H
#define DTI_DECLARE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "err.h"
#include "form.h"
#include "staging.h"

/* The commune's form source, as 'dti form import' names it: "form:CODE". */
void declare_source(const char *commune_code, char out[32]);

/* The round of a year: whether it has a deadline and whether it passed. */
typedef struct declare_round {
	int year;
	bool has_deadline;
	time_t deadline;
	char deadline_text[64]; /* as configured; "" when none */
	bool closed;            /* the deadline passed */
	const config *cfg;      /* set by declare_round_get: a save or submission
				 * reads the round again inside its transaction
				 * (an admin closing it meanwhile wins); NULL: the
				 * round as given */
} declare_round;

/* The round as forms obey it (appraisal_round_deadline: an admin's in the
 * database st, else the configuration's), closed as of `now`.  DTI_ECONFIG
 * when malformed. */
dti_err declare_round_get(staging *st, const config *c, int year, time_t now, declare_round *out,
			  dti_diag *d);

/* Where an item stands after its last submission. */
typedef enum {
	DECLARE_UNANSWERED, /* never submitted */
	DECLARE_AWAITING,   /* submitted, awaiting appraisal */
	DECLARE_VERIFIED,
	DECLARE_REJECTED, /* with a reason; may be answered again until the deadline */
	DECLARE_CORRECTED /* the appraiser set another value, with a reason */
} declare_state;

/* Vietnamese words of a state ("Chờ thẩm định"). */
const char *declare_state_label(declare_state s);

/* One item of the declaration.  Every text is owned, "" for none. */
typedef struct declare_item {
	const form_item *item; /* variable (question, type, choices, unit), indicator (proof) */
	/* The working answer: canonical (form_answer_label shows it), link, note. */
	char *answer, *proof_url, *note;
	int64_t version;  /* of its saved row; 0 when never saved online */
	bool unsubmitted; /* a draft saved since the last submission */
	char *saved_by, *saved_at;
	/* The last submitted answer and its appraisal. */
	declare_state state;
	int64_t observation_id;
	char *submitted, *submitted_link, *submitted_note; /* as the commune gave them */
	char *scored; /* what is scored: a correction's value */
	char *reason, *appraised_by, *appraised_at, *submitted_at;
} declare_item;

typedef struct declaration {
	char commune_code[16];
	int year;
	declare_item *items; /* like the form items, in framework order */
	size_t n;
	form_contact contacts[CONTACT_ROLES]; /* working contact block */
	int64_t contact_version[CONTACT_ROLES];
	bool contact_unsubmitted[CONTACT_ROLES];
	int64_t revision;
	char *last_by, *last_at; /* the latest online submission; NULL when none */
} declaration;

/* Loads the declaration of a commune for `year` from the database (the
 * items are the caller's and must outlive it).  The caller frees *out with
 * declare_free, also on error. */
dti_err declare_load(staging *st, const form_items *items, const char *commune_code, int year,
		     declaration *out, dti_diag *d);
void declare_free(declaration *dc);
/* The item of a variable, or NULL. */
const declare_item *declare_find(const declaration *dc, const char *variable);

/* One item as an officer edits it: answer, link and note as typed ("" for
 * none; the answer and link are trimmed here), and the version the page
 * showed. */
typedef struct declare_edit {
	const char *variable;
	const char *answer, *proof_url, *note;
	int64_t version;
} declare_edit;

/* One person of the contact block as edited: name, unit, position, phone,
 * email as typed; the version the page showed. */
typedef struct declare_contact_edit {
	int role; /* CONTACT_OFFICER, CONTACT_APPROVER */
	const char *fields[5];
	int64_t version;
} declare_contact_edit;

/* What a save or a submission did.  problems holds every reason it was
 * refused (Vietnamese), conflict says that someone else changed the
 * declaration meanwhile.  Free with declare_outcome_free. */
typedef struct declare_outcome {
	dti_problems problems;
	bool conflict;
	size_t saved;     /* rows a save changed */
	int64_t revision; /* the declaration's revision after it */
	int64_t run_id;   /* a submission's run */
	long stored, unchanged;
} declare_outcome;

void declare_outcome_free(declare_outcome *o);

/* Saves the edits and contact edits (either list may be empty) of account
 * for a commune's year as drafts, in one transaction: all or nothing.  An
 * edit equal to the working answer is left alone.  Each answer is checked
 * by form_answer_check (the checks across items wait for the submission).
 * DTI_EDEADLINE when the round is closed; DTI_EINVALID when refused (the
 * problems say why; conflict when someone else changed an item); DTI_EDB
 * on a database error (d). */
dti_err declare_save(staging *st, const form_items *items, const declare_round *round,
		     const char *commune_code, const char *account, const declare_edit *edits,
		     size_t n_edits, const declare_contact_edit *contacts, size_t n_contacts,
		     declare_outcome *out, dti_diag *d);

/* Submits the working declaration of a commune's year as account, drawn
 * at revision `revision`: every item answered is validated by the CSV
 * form's rules, with the contact block, and stored as a form import stores
 * it (batch_store_with, source form:CODE, program "dti-web"), with the
 * account as the run's user, in one transaction — or nothing.  A rejected
 * item answered again must differ from the answer rejected.
 * DTI_EDEADLINE when the round is closed; DTI_EINVALID when refused
 * (problems; conflict when the revision moved on); DTI_EDB (d). */
dti_err declare_submit(staging *st, const framework *fw, const form_items *items,
		       const declare_round *round, const char *commune_code, const char *account,
		       int64_t revision, declare_outcome *out, dti_diag *d);

#endif
