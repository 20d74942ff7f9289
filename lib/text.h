/* text.h — UTF-8 text: validation, normalisation, folding for comparison,
 * and the words of the spec (yes/no in English and Vietnamese). */
#ifndef DTI_TEXT_H
#define DTI_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t n);

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

/* Parses a yes/no answer: yes/no, true/false, 1/0, có/không (any case,
 * any normalisation form, with or without diacritics).  Returns 1 for yes,
 * 0 for no, -1 when the word is not one of those. */
int text_yesno(const char *s);

/* Trims ASCII spaces in place at both ends; returns s. */
char *text_trim(char *s);

#endif
