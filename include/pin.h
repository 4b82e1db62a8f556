/*
 * pin.h - record license fingerprints into mirrors.json.
 */
#ifndef DSM_PIN_H
#define DSM_PIN_H

#include <stdio.h>

#include "error.h"
#include "result.h"

/*
 * Returns whether a person may pin license file l as verified: it is
 * present and, when it names an spdx, still that license (ok, or only its
 * fingerprint changed, which is what pin is for), and it has a fingerprint
 * unless it had no pin either.
 */
int pin_allowed(const struct license_report *l);

/*
 * Sets "sha256" of every license entry of the verified results (n of them)
 * to the fingerprint just read, in the configuration file at path.  The file
 * keeps its key order, is written with 2-space indentation, and is replaced
 * atomically (temporary file, fsync, rename) only when something changes.
 * Prints one line per changed entry on out (NULL: nothing).  Sets *changed
 * to their number.
 */
struct dsm_error *pin_write(const char *path, const struct repo_result *results,
    size_t n, FILE *out, size_t *changed);

#endif
