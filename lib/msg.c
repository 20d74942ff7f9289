#include "msg.h"

#include <stdio.h>
#include <string.h>

static const char *const texts[MSG_COUNT][LANG_COUNT] = {
#define MSG_TEXTS(id, vi, en) {vi, en},
	MSG_TABLE(MSG_TEXTS)
#undef MSG_TEXTS
};

static const char *const names[MSG_COUNT] = {
#define MSG_NAMES(id, vi, en) #id,
	MSG_TABLE(MSG_NAMES)
#undef MSG_NAMES
};

const char *msg_text(msg_id id, msg_lang lang)
{
	if ((unsigned)id >= MSG_COUNT)
		return "?";
	return texts[id][(unsigned)lang < LANG_COUNT ? lang : LANG_VI];
}

const char *msg_name(msg_id id)
{
	return (unsigned)id < MSG_COUNT ? names[id] : "?";
}

bool msg_lang_parse(const char *word, msg_lang *out)
{
	if (word && strcmp(word, "vi") == 0)
		*out = LANG_VI;
	else if (word && strcmp(word, "en") == 0)
		*out = LANG_EN;
	else
		return false;
	return true;
}

/* What lib/text.c writes into its why buffers, and the Vietnamese of it:
 * the English as a scanf pattern of up to two unsigned numbers (ending in
 * %n, to know it matched whole), the Vietnamese as the printf format of
 * those numbers. */
static const struct why_text {
	const char *en;
	const char *vi;
	int numbers;
} why_texts[] = {
	{"contains a NUL byte%n", "chứa byte NUL", 0},
	{"is not valid UTF-8%n", "không phải UTF-8 hợp lệ", 0},
	{"contains a bidirectional control character (U+%X)%n",
	 "chứa ký tự đảo chiều văn bản (U+%04X): xoá ký tự này", 1},
	{"contains a control character (U+%X)%n", "chứa ký tự điều khiển (U+%04X): xoá ký tự này",
	 1},
	{"is longer than %u bytes%n", "dài quá %u byte: hãy rút gọn", 1},
	{"is not an http:// or https:// link%n",
	 "không bắt đầu bằng http:// hoặc https://: ghi dạng https://…", 0},
	{"has no host%n", "thiếu tên trang web: ghi dạng https://xa.example.vn/…", 0},
	{"contains a space, a quote, < > or a backslash%n",
	 "chứa dấu cách, dấu nháy, < > hoặc \\: xoá các ký tự đó (dấu cách viết là %%20)", 0},
	{"contains a space or an invisible character (U+%X)%n",
	 "chứa dấu cách hoặc ký tự ẩn (U+%04X): xoá ký tự này", 1},
	{"is %u bytes long; at most %u are kept (shorten it)%n",
	 "dài %u byte; chỉ giữ tối đa %u byte: hãy rút gọn", 2},
};

void msg_why(const char *why, msg_lang lang, char out[TEXT_WHY * 2])
{
	if (lang == LANG_VI) {
		for (size_t i = 0; i < sizeof why_texts / sizeof why_texts[0]; i++) {
			const struct why_text *w = &why_texts[i];
			unsigned a = 0, b = 0;
			int end = -1;
			if (w->numbers == 0)
				sscanf(why, w->en, &end);
			else if (w->numbers == 1)
				sscanf(why, w->en, &a, &end);
			else
				sscanf(why, w->en, &a, &b, &end);
			if (end < 0 || why[end] != '\0')
				continue;
			snprintf(out, TEXT_WHY * 2, w->vi, a, b);
			return;
		}
	}
	snprintf(out, TEXT_WHY * 2, "%s", why);
}
