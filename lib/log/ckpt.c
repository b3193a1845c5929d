/*
 * ckpt: C2SP tlog-checkpoint bodies (https://c2sp.org/tlog-checkpoint).
 *
 * The body is the origin line, the tree size in decimal, the base64 root
 * hash and optional extension lines, each line ending in a newline.  The
 * parser accepts exactly one spelling of each value (no leading zeros,
 * canonical base64), so a signed checkpoint has one meaning.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "custos/ckpt.h"
#include "custos/enc.h"
#include "custos/err.h"

#define SIZE_MAXDIGITS	20	/* UINT64_MAX is 18446744073709551615 */

static int
parse_root(const char *s, size_t len, uint8_t root[DIGEST_LEN])
{
	uint8_t	 buf[DIGEST_LEN + 3];
	size_t	 n;

	if (b64_decode(s, len, buf, sizeof(buf), &n) != 0 || n != DIGEST_LEN)
		return CUSTOS_ERR_FORMAT;
	memcpy(root, buf, DIGEST_LEN);
	return 0;
}

/*
 * Returns the next line of [*p, end) without its newline and moves *p
 * past it, or NULL at the end.  The caller has checked that the text ends
 * in a newline.
 */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char	*line = *p, *nl;

	if (line == end)
		return NULL;
	nl = memchr(line, '\n', (size_t)(end - line));
	*len = (size_t)(nl - line);
	*p = nl + 1;
	return line;
}

int
ckpt_parse(const char *text, size_t len, struct checkpoint **out)
{
	struct checkpoint	*c;
	const char		*p = text, *end = text + len, *line;
	size_t			 i, n;
	int			 rc = CUSTOS_ERR_FORMAT;

	*out = NULL;
	if (text == NULL || len == 0 || len > NOTE_MAX_SIZE ||
	    text[len - 1] != '\n')
		return CUSTOS_ERR_FORMAT;
	/*
	 * A note's text has no control characters but newline; checking
	 * here too keeps NUL bytes out of the C strings we return.
	 */
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 && text[i] != '\n')
			return CUSTOS_ERR_FORMAT;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CUSTOS_ERR_NOMEM;

	if ((line = next_line(&p, end, &n)) == NULL || n == 0)
		goto fail;
	if ((c->origin = strndup(line, n)) == NULL) {
		rc = CUSTOS_ERR_NOMEM;
		goto fail;
	}
	if ((line = next_line(&p, end, &n)) == NULL ||
	    dec_decode(line, n, &c->size) != 0)
		goto fail;
	if ((line = next_line(&p, end, &n)) == NULL ||
	    parse_root(line, n, c->root) != 0)
		goto fail;
	while ((line = next_line(&p, end, &n)) != NULL) {
		if (n == 0 || c->next == CKPT_MAX_EXT)
			goto fail;
		if ((c->ext[c->next] = strndup(line, n)) == NULL) {
			rc = CUSTOS_ERR_NOMEM;
			goto fail;
		}
		c->next++;
	}
	*out = c;
	return 0;
fail:
	ckpt_free(c);
	return rc;
}

/* A line is non-empty and free of newlines and other control bytes. */
static int
line_valid(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20)
			return 0;
	return 1;
}

int
ckpt_format(const char *origin, uint64_t size,
    const uint8_t root[DIGEST_LEN], char *const *ext, size_t next,
    char **out, size_t *outlen)
{
	char	 b64[B64_ENCLEN(DIGEST_LEN)], num[SIZE_MAXDIGITS + 1], *s, *p;
	size_t	 i, total, n;

	*out = NULL;
	if (!line_valid(origin) || next > CKPT_MAX_EXT ||
	    (next > 0 && ext == NULL))
		return CUSTOS_ERR_INVALID;
	for (i = 0; i < next; i++)
		if (!line_valid(ext[i]))
			return CUSTOS_ERR_INVALID;
	b64_encode(root, DIGEST_LEN, b64);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)size);

	total = strlen(origin) + 1 + strlen(num) + 1 + strlen(b64) + 1;
	for (i = 0; i < next; i++)
		total += strlen(ext[i]) + 1;
	if ((s = malloc(total + 1)) == NULL)
		return CUSTOS_ERR_NOMEM;
	p = s;
	n = (size_t)snprintf(p, total + 1, "%s\n%s\n%s\n", origin, num, b64);
	p += n;
	for (i = 0; i < next; i++) {
		n = strlen(ext[i]);
		memcpy(p, ext[i], n);
		p += n;
		*p++ = '\n';
	}
	*p = '\0';
	*out = s;
	*outlen = total;
	return 0;
}

int
ckpt_open(const char *msg, size_t len, const struct note_verifier *v,
    struct checkpoint **out)
{
	struct note		*n;
	struct checkpoint	*c;
	const char		*text;
	size_t			 tlen;
	int			 rc;

	*out = NULL;
	if ((rc = note_parse(msg, len, &n)) != 0)
		return rc;
	/* Only authenticated text is parsed any further. */
	if ((rc = note_verify(n, v)) != 0) {
		note_free(n);
		return rc;
	}
	text = note_text(n, &tlen);
	rc = ckpt_parse(text, tlen, &c);
	note_free(n);
	if (rc != 0)
		return rc;
	/*
	 * The key names the log: a checkpoint that this key signed for
	 * another origin is not a checkpoint of the log we were asked about.
	 */
	if (strcmp(c->origin, note_verifier_name(v)) != 0) {
		ckpt_free(c);
		return CUSTOS_ERR_VERIFY;
	}
	*out = c;
	return 0;
}

void
ckpt_free(struct checkpoint *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->next; i++)
		free(c->ext[i]);
	free(c->origin);
	free(c);
}
