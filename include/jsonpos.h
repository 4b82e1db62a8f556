/*
 * jsonpos.h - where a value sits in a JSON text.
 *
 * jansson reports the line and column of syntax errors but keeps no positions
 * for a document it parsed.  When the configuration is well-formed JSON but
 * a value in it is wrong, this module finds that value again in the text so
 * that the error can name its line and column.
 */
#ifndef DSM_JSONPOS_H
#define DSM_JSONPOS_H

#include <stddef.h>

/* One step of a path: an object key, or (key == NULL) an array index. */
struct jsonpos_seg {
	const char *key;
	size_t index;
};

/*
 * Finds the value reached by following path (depth steps) from the top of
 * text, which must be valid JSON (len bytes, need not be NUL-terminated).
 * With at_key and a last step that is a key, finds that key instead.
 * Returns 0 and sets *line and *col (both from 1, col in characters), or -1
 * when the path is not in the text.
 */
int jsonpos_find(const char *text, size_t len, const struct jsonpos_seg *path,
    size_t depth, int at_key, int *line, int *col);

#endif
