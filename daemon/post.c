/*
 * post: one HTTP POST by libcurl (post.h), the transport the TSA and
 * witness clients share: the body sent as it is, the reply kept up to a
 * limit, the transfer cut short when the daemon stops.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "custos/err.h"
#include "post.h"

static size_t
on_data(char *buf, size_t size, size_t n, void *arg)
{
	struct post *p = arg;
	char *nb;

	n *= size;
	if (p->replylen + n > p->max) {
		p->toobig = 1;
		return 0;		/* aborts the transfer */
	}
	if ((nb = realloc(p->reply, p->replylen + n + 1)) == NULL)
		return 0;
	memcpy(nb + p->replylen, buf, n);
	p->reply = nb;
	p->replylen += n;
	p->reply[p->replylen] = '\0';
	return n;
}

/* Called by libcurl about once a second: lets the daemon's stop cut it. */
static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	struct post *p = arg;

	(void)dt;
	(void)dn;
	(void)ut;
	(void)un;
	return p->abort != NULL && atomic_load(p->abort) ? 1 : 0;
}

int
post_send(struct post *p)
{
	const char *const *hl;
	struct curl_slist *h = NULL, *nh;
	char cerr[CURL_ERROR_SIZE] = "";
	CURLcode cc;
	CURL *c;

	p->code = 0;
	p->toobig = 0;
	p->why[0] = '\0';
	if ((c = curl_easy_init()) == NULL) {
		snprintf(p->why, sizeof(p->why), "cannot start libcurl");
		return CUSTOS_ERR_NOMEM;
	}
	for (hl = p->headers; hl != NULL && *hl != NULL; hl++) {
		if ((nh = curl_slist_append(h, *hl)) == NULL) {
			curl_slist_free_all(h);
			curl_easy_cleanup(c);
			snprintf(p->why, sizeof(p->why), "out of memory");
			return CUSTOS_ERR_NOMEM;
		}
		h = nh;
	}
	curl_easy_setopt(c, CURLOPT_URL, p->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, p->timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, p->connect_timeout_s);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, p->body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)p->len);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE, (long)p->max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, p);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, cerr);
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &p->code);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	if (cc == CURLE_OK)
		return 0;
	if (p->toobig || cc == CURLE_FILESIZE_EXCEEDED) {
		p->toobig = 1;
		snprintf(p->why, sizeof(p->why), "reply larger than %zu KiB",
		    p->max / 1024);
		return CUSTOS_ERR_TOOBIG;
	}
	snprintf(p->why, sizeof(p->why), "%s", cerr[0] != '\0' ? cerr :
	    curl_easy_strerror(cc));
	return CUSTOS_ERR_SYSTEM;
}
