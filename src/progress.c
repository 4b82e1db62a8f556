/*
 * progress.c - the live per-repo progress lines.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "progress.h"
#include "util.h"

#define PROGRESS_INTERVAL	0.1	/* seconds between redraws */
#define PROGRESS_MAX_WIDTH	400

struct line {
	int active;
	struct fetch_progress p;
	double started;			/* when bytes first arrived */
};

struct progress {
	FILE *out;
	const struct repo_result *results;
	size_t n;
	struct line *lines;
	size_t drawn;			/* lines on screen now */
	int dirty;
	double last_draw;
	int name_width;
};

struct progress *
progress_new(FILE *out, const struct repo_result *results, size_t n,
    int enabled)
{
	struct progress *pr;

	if (!enabled)
		return NULL;
	pr = calloc(1, sizeof(*pr));
	if (pr == NULL)
		return NULL;
	pr->lines = calloc(n + 1, sizeof(*pr->lines));
	if (pr->lines == NULL) {
		free(pr);
		return NULL;
	}
	pr->out = out;
	pr->results = results;
	pr->n = n;
	pr->name_width = result_name_width(results, n, pr->name_width);
	return pr;
}

void
progress_update(struct progress *pr, size_t index,
    const struct fetch_progress *p)
{
	struct line *l;

	if (pr == NULL || index >= pr->n)
		return;
	l = &pr->lines[index];
	if (!l->active) {
		l->active = 1;
		l->started = 0;
	}
	if (l->started == 0 && p->received_bytes > 0)
		l->started = util_now();
	l->p = *p;
	pr->dirty = 1;
}

void
progress_done(struct progress *pr, size_t index)
{
	if (pr == NULL || index >= pr->n)
		return;
	pr->lines[index].active = 0;
	pr->dirty = 1;
}

static void
describe(const struct line *l, char *buf, size_t size)
{
	const struct fetch_progress *p = &l->p;
	char bytes[32], rate[32];
	double secs = l->started > 0 ? util_now() - l->started : 0;

	switch (p->phase) {
	case PHASE_CONNECTING:
		snprintf(buf, size, "connecting");
		break;
	case PHASE_COUNTING:
		snprintf(buf, size, "server is preparing the pack");
		break;
	case PHASE_RECEIVING:
		util_human_bytes(bytes, sizeof(bytes), (double)p->received_bytes);
		util_human_bytes(rate, sizeof(rate), secs > 0.2 ?
		    (double)p->received_bytes / secs : 0);
		snprintf(buf, size, "receiving %3u%% (%u/%u objects), %s, %s/s",
		    p->total_objects ? p->received_objects * 100u /
		    p->total_objects : 0, p->received_objects, p->total_objects,
		    bytes, rate);
		break;
	case PHASE_RESOLVING:
		snprintf(buf, size, "resolving deltas %3u%% (%u/%u)",
		    p->total_deltas ? p->indexed_deltas * 100u /
		    p->total_deltas : 0, p->indexed_deltas, p->total_deltas);
		break;
	case PHASE_UPDATING:
		snprintf(buf, size, "updating refs");
		break;
	case PHASE_MAINTAINING:
		snprintf(buf, size, "packing refs and packs");
		break;
	case PHASE_CHECKING:
		snprintf(buf, size, "checking objects (%u read)",
		    p->received_objects);
		break;
	}
}

static size_t
terminal_width(FILE *out)
{
	struct winsize ws;

	if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col < PROGRESS_MAX_WIDTH ? ws.ws_col :
		    PROGRESS_MAX_WIDTH;
	return 80;
}

static void
erase(struct progress *pr)
{
	if (pr->drawn > 0)
		fprintf(pr->out, "\r\033[%zuA\033[J", pr->drawn);
	pr->drawn = 0;
}

static void
draw(struct progress *pr)
{
	size_t width = terminal_width(pr->out);
	char what[200], line[PROGRESS_MAX_WIDTH + 1], name[64];

	erase(pr);
	for (size_t i = 0; i < pr->n; i++) {
		if (!pr->lines[i].active)
			continue;
		describe(&pr->lines[i], what, sizeof(what));
		util_sanitize(name, sizeof(name), pr->results[i].spec->name);
		snprintf(line, sizeof(line), "%-*s  %s", pr->name_width, name,
		    what);
		/* A wrapped line would break the cursor arithmetic. */
		if (strlen(line) >= width)
			line[width - 1] = '\0';
		fprintf(pr->out, "%s\n", line);
		pr->drawn++;
	}
	fflush(pr->out);
	pr->dirty = 0;
	pr->last_draw = util_now();
}

void
progress_tick(struct progress *pr)
{
	if (pr == NULL || !pr->dirty ||
	    util_now() - pr->last_draw < PROGRESS_INTERVAL)
		return;
	draw(pr);
}

void
progress_finish(struct progress *pr)
{
	if (pr == NULL)
		return;
	erase(pr);
	fflush(pr->out);
	free(pr->lines);
	free(pr);
}
