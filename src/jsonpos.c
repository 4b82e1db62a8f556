/*
 * jsonpos.c - find a value's line and column in a valid JSON text.
 *
 * The text has already been accepted by jansson, so the scanner below only
 * needs to skip values, not to validate them.  Keys are decoded by jansson
 * itself, so escapes in keys compare the way the parser saw them.
 */
#include <string.h>

#include <jansson.h>

#include "jsonpos.h"

struct scan {
	const char *p;
	const char *end;
};

static void
skip_ws(struct scan *s)
{
	while (s->p < s->end && strchr(" \t\r\n", *s->p) != NULL)
		s->p++;
}

/* Skips a string starting at its opening quote. */
static void
skip_string(struct scan *s)
{
	for (s->p++; s->p < s->end; s->p++) {
		if (*s->p == '\\')
			s->p++;
		else if (*s->p == '"') {
			s->p++;
			return;
		}
	}
}

static void
skip_value(struct scan *s)
{
	int depth = 0;

	skip_ws(s);
	do {
		if (s->p >= s->end)
			return;
		switch (*s->p) {
		case '"':
			skip_string(s);
			continue;
		case '{':
		case '[':
			depth++;
			break;
		case '}':
		case ']':
			depth--;
			break;
		default:
			if (depth == 0) {
				/* A number or literal at the top level. */
				while (s->p < s->end &&
				    strchr(",}] \t\r\n", *s->p) == NULL)
					s->p++;
				return;
			}
		}
		s->p++;
	} while (depth > 0);
}

/* Returns whether the string token at s->p decodes to key. */
static int
key_equals(const struct scan *s, const char *key)
{
	struct scan tok = *s;
	json_error_t error;
	json_t *str;
	int same;

	skip_string(&tok);
	str = json_loadb(s->p, (size_t)(tok.p - s->p), JSON_DECODE_ANY, &error);
	same = json_is_string(str) && strcmp(json_string_value(str), key) == 0;
	json_decref(str);
	return same;
}

/* Moves s to the value of key in the object at s->p; at_key: to the key. */
static int
enter_key(struct scan *s, const char *key, int at_key)
{
	if (s->p >= s->end || *s->p != '{')
		return -1;
	s->p++;
	for (;;) {
		skip_ws(s);
		if (s->p >= s->end || *s->p != '"')
			return -1;
		const char *keypos = s->p;
		int found = key_equals(s, key);
		skip_string(s);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ':')
			return -1;
		s->p++;
		skip_ws(s);
		if (found) {
			if (at_key)
				s->p = keypos;
			return 0;
		}
		skip_value(s);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ',')
			return -1;
		s->p++;
	}
}

static int
enter_index(struct scan *s, size_t index)
{
	if (s->p >= s->end || *s->p != '[')
		return -1;
	s->p++;
	for (size_t i = 0; ; i++) {
		skip_ws(s);
		if (s->p >= s->end || *s->p == ']')
			return -1;
		if (i == index)
			return 0;
		skip_value(s);
		skip_ws(s);
		if (s->p >= s->end || *s->p != ',')
			return -1;
		s->p++;
	}
}

int
jsonpos_find(const char *text, size_t len, const struct jsonpos_seg *path,
    size_t depth, int at_key, int *line, int *col)
{
	struct scan s = { text, text + len };
	const char *q;

	skip_ws(&s);
	for (size_t i = 0; i < depth; i++) {
		int last = i + 1 == depth;
		int rc = path[i].key != NULL ?
		    enter_key(&s, path[i].key, last && at_key) :
		    enter_index(&s, path[i].index);
		if (rc == -1)
			return -1;
	}
	*line = 1;
	*col = 1;
	for (q = text; q < s.p; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)*q & 0xc0) != 0x80) {
			(*col)++;
		}
	}
	return 0;
}
