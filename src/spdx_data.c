/*
 * spdx_data.c - data/spdx-licenses.json (derived from SPDX's
 * license-list-XML by tools/spdx_data.py; its version is in the file),
 * compiled into the binary as one NUL-terminated string, spdx_json.
 */
#include "license_int.h"

__asm__(
    "	.section .rodata\n"
    "	.global dsm_spdx_json\n"
    "	.type dsm_spdx_json, @object\n"
    "dsm_spdx_json:\n"
    "	.incbin \"data/spdx-licenses.json\"\n"
    "	.byte 0\n"
    "	.size dsm_spdx_json, . - dsm_spdx_json\n"
    "	.previous\n");
