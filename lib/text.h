/* text.h — UTF-8 text: validation, normalisation, folding for comparison,
 * and the words of the spec (yes/no in English and Vietnamese). */
#ifndef DTI_TEXT_H
#define DTI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t n);

/* What text_check lets through besides ordinary text. */
#define TEXT_LINE 0      /* one line: no control character at all */
#define TEXT_MULTILINE 1 /* a note: tab, line feed and carriage return allowed */

#define TEXT_MAX_LINK 2000 /* bytes in a proof link */
#define TEXT_MAX_NOTE 4000 /* bytes in a note or an appraisal reason */
#define TEXT_WHY 96        /* room for what text_check and friends say */

/* The one check of free text at input (names, notes, links, contacts,
 * reasons): s[0..n) is valid UTF-8 without a NUL, without a control
 * character (C0 — but tab, LF and CR under TEXT_MULTILINE —, DEL, C1) and
 * without a bidirectional embedding, override or isolate (U+202A–U+202E,
 * U+2066–U+2069), which would let a name or a note reorder what a reader
 * of the ranking sees.  On a problem writes what is wrong into why
 * ("contains a bidirectional control character (U+202E)"; the caller
 * names the field) and returns false. */
bool text_check(const char *s, size_t n, int flags, char why[TEXT_WHY]);

/* A proof link: http:// or https:// with a host, no spaces (Unicode and
 * zero-width ones too), quotes, < > \
 * or control characters, at most TEXT_MAX_LINK bytes, and text_check. */
bool text_link_ok(const char *s, char why[TEXT_WHY]);

/* A note: at most TEXT_MAX_NOTE bytes and text_check(TEXT_MULTILINE). */
bool text_note_ok(const char *s, char why[TEXT_WHY]);

/* Makes a message that quotes what others sent (a server's next link, a
 * sheet's header) safe to print and store, in place: every control
 * character but line feed (ESC, BEL, CR, tab — a tab becomes a space),
 * DEL, C1, bidirectional control (as text_check) and byte that is not
 * part of valid UTF-8 (a message cut in the middle of a character)
 * becomes '?'.  Returns s. */
char *text_printable(char *s);

/* NFC form of s; malloc'd, caller frees; NULL when s is not valid UTF-8. */
char *text_nfc(const char *s);

/* NFC + Unicode case folding, trimmed: for comparing answers such as
 * "CÓ" and "có".  malloc'd; NULL when s is not valid UTF-8. */
char *text_fold(const char *s);

/* Key for matching Vietnamese unit names: case and diacritics removed
 * (đ → d), any Unicode normalisation form accepted, administrative prefixes
 * ("Xã", "Thị trấn", "Phường", "TT.") dropped (without diacritics only in
 * a name written wholly without them: "Phương Nam" keeps its first word),
 * runs of spaces and
 * punctuation collapsed to one space.  "Thị trấn Như Quỳnh", "NHU QUYNH"
 * and "tt. Như Quỳnh" give the same key.  malloc'd; NULL on invalid UTF-8. */
char *text_name_key(const char *s);

/* Whether two unit names have the same text_name_key (false when either is
 * not valid UTF-8). */
bool text_same_name(const char *a, const char *b);

/* Parses a yes/no answer: yes/no, true/false, 1/0, có/không (any case,
 * any normalisation form, with or without diacritics).  Returns 1 for yes,
 * 0 for no, -1 when the word is not one of those. */
int text_yesno(const char *s);

/* Trims ASCII spaces in place at both ends; returns s. */
char *text_trim(char *s);

/* Edit distance of two words: insertions, deletions, substitutions and
 * swaps of two neighbouring bytes each count 1 ("scroe" is 1 from
 * "score").  Words longer than TEXT_WORD_MAX bytes are as far as their
 * lengths allow: SIZE_MAX. */
#define TEXT_WORD_MAX 64
size_t text_distance(const char *a, const char *b);

/* The word of choices[0 .. n) nearest to `word` when it is near enough to
 * be what was meant (one edit for a word of up to 4 bytes, two beyond,
 * and less than half the word), for "did you mean 'score'?"; NULL when
 * none is, or when word is one of them.  Points into choices. */
const char *text_nearest(const char *word, const char *const *choices, size_t n);

#endif
