/*
 * config_witness: the [witness NAME] sections of custos.conf: the
 * tlog-witnesses (c2sp.org/tlog-witness) that cosign the station's
 * checkpoints.  NAME is the witness key's name, so it follows the key-name
 * rules of signed notes; url is the witness's submission prefix; key is
 * the file of its cosignature/v1 verifier key, whose content the daemon
 * checks when it starts (parsing a key is lib/log's, which this lower
 * module does not use).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/config.h"
#include "custos/err.h"
#include "custos/utf8.h"
#include "config_int.h"

#define WITNESS_NAME_MAX	255
#define URL_MAX			2048

static int	 set_url(struct parse *, const char *);
static int	 set_key_path(struct parse *, const char *);

static const struct keydef witness_keys[NWITNESSKEYS] = {
	[W_URL] = { "witness", "url", set_url, 0 },
	[W_KEY] = { "witness", "key", set_key_path, 0 },
};

/*
 * A signed-note key name: UTF-8, no control characters, no white space
 * (ASCII; the rarer Unicode spaces are refused by the key parser, which
 * must then find the same name in the key file), no '+'.
 */
static int
key_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > WITNESS_NAME_MAX || !utf8_valid(s, n))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f ||
		    s[i] == '+' || s[i] == ']')
			return 0;
	return 1;
}

int
config_witness_section(struct parse *p, const char *s, size_t len)
{
	struct config_witness *nw, *w;
	char q[ESCAPED_MAX];
	const char *name = s + 8;
	size_t n = len - 8, i;

	if (!key_name(name, n))
		return config_fail(p, CUSTOS_ERR_CONFIG, p->line, "[%s]: "
		    "witness name must be a key name (1-%d bytes of UTF-8, "
		    "no spaces, no '+')", config_escape(s, len, q, sizeof(q)),
		    WITNESS_NAME_MAX);
	for (i = 0; i < p->c->nwitness; i++)
		if (strlen(p->c->witness[i].name) == n &&
		    memcmp(p->c->witness[i].name, name, n) == 0)
			return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
			    "[%s]: duplicate section (first on line %d)",
			    config_escape(s, len, q, sizeof(q)),
			    p->c->witness[i].line);
	if (p->c->nwitness == WITNESS_MAX)
		return config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "more than %d [witness] sections", WITNESS_MAX);
	if ((nw = realloc(p->c->witness, (p->c->nwitness + 1) *
	    sizeof(*nw))) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	p->c->witness = nw;
	w = &nw[p->c->nwitness];
	memset(w, 0, sizeof(*w));
	if ((w->name = strndup(name, n)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	w->line = p->line;
	p->witness = (int)p->c->nwitness++;
	return 0;
}

static struct config_witness *
cur(struct parse *p)
{
	return &p->c->witness[p->witness];
}

/* http:// or https://, printable ASCII without spaces; no trailing '/'
 * (the path "/add-checkpoint" is appended), no query or fragment. */
static int
set_url(struct parse *p, const char *v)
{
	char q[ESCAPED_MAX];
	size_t n = strlen(v), i;

	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f)
			break;
	if (i < n || n > URL_MAX || (strncmp(v, "http://", 7) != 0 &&
	    strncmp(v, "https://", 8) != 0) || strcspn(v, "?#") < n ||
	    n <= (size_t)(v[4] == 's' ? 8 : 7))
		return config_bad(p, "expected an http:// or https:// URL "
		    "without query, got \"%s\"", config_escape(v, n, q,
		    sizeof(q)));
	while (n > 0 && v[n - 1] == '/')
		n--;
	free(cur(p)->url);
	if ((cur(p)->url = strndup(v, n)) == NULL)
		return config_fail(p, CUSTOS_ERR_NOMEM, 0, "out of memory");
	return 0;
}

static int
set_key_path(struct parse *p, const char *v)
{
	return config_set_path(p, v, &cur(p)->key);
}

int
config_witness_set(struct parse *p, const char *section, const char *name,
    const char *value)
{
	char q[ESCAPED_MAX];
	int k;

	for (k = 0; k < NWITNESSKEYS; k++)
		if (strcmp(witness_keys[k].key, name) == 0)
			break;
	if (k == NWITNESSKEYS) {
		config_fail(p, CUSTOS_ERR_CONFIG, p->line,
		    "[%s] %s: unknown key", section,
		    config_escape(name, strlen(name), q, sizeof(q)));
		return 0;
	}
	p->key = &witness_keys[k];
	p->live_key = 0;
	p->witness_key = 1;
	return config_set_key(p, &p->wseen[p->witness][k], value, 1);
}

int
config_witness_check(struct parse *p)
{
	const struct config_witness *w;
	size_t i;

	p->witness_key = 0;
	for (i = 0; i < p->c->nwitness; i++) {
		w = &p->c->witness[i];
		if (w->url == NULL)
			return config_fail(p, CUSTOS_ERR_CONFIG, w->line,
			    "[witness %s] url: required", w->name);
		if (w->key == NULL)
			return config_fail(p, CUSTOS_ERR_CONFIG, w->line,
			    "[witness %s] key: required", w->name);
	}
	return 0;
}

void
config_witness_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nwitness; i++) {
		free(c->witness[i].name);
		free(c->witness[i].url);
		free(c->witness[i].key);
	}
	free(c->witness);
}
