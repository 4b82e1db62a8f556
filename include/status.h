/*
 * status.h - `dsmirror status`: each repo's recorded state (state.h,
 * record.h), no network and nothing written.
 */
#ifndef DSM_STATUS_H
#define DSM_STATUS_H

#include <stdio.h>
#include <time.h>

#include "error.h"
#include "result.h"

/*
 * Prints the status of the n repos under root on out: a line or two each,
 * or with json one object {"repos": [...], "exit": N}.  Sets *status to
 * the exit status the recorded results describe (SPEC.md's rules: 1 for a
 * recorded license failure, 3 for a failed last fetch or release check).
 */
struct dsm_error *status_print(FILE *out, const char *root,
    const struct repo_result *results, size_t n, int json, time_t now,
    int *status);

/* Writes an age like "3 h ago" into buf. */
const char *status_age(char *buf, size_t size, time_t then, time_t now);

#endif
