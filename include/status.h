/*
 * status.h - `dsmirror status`: each repo's recorded state (run_read_state()
 * puts it in the result model), printed by the formats REPORT_STATUS and
 * REPORT_STATUS_JSON of report.h; no network and nothing written.
 */
#ifndef DSM_STATUS_H
#define DSM_STATUS_H

#include <stdio.h>
#include <time.h>

#include "error.h"
#include "result.h"

/* Writes an age like "3 h ago" into buf. */
const char *status_age(char *buf, size_t size, time_t then, time_t now);

#endif
