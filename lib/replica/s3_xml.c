/*
 * s3_xml: the S3 client's XML replies read with libxml2 (lib/replica/
 * s3_int.h).  A reply is parsed as a plain document: no network, no DTD
 * (a reply with a DOCTYPE is refused, so no entity of the server's can
 * expand), no error printing.  Elements are matched by local name, so the
 * S3 namespace a server adds or omits does not matter.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "custos/enc.h"
#include "custos/err.h"
#include "lib/replica/s3_int.h"

#define KEY_MAX		1024	/* bytes of an S3 key */

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
	xmlInitParser();
}

/* The document in buf when its root element is named root, else NULL. */
static xmlDocPtr
parse(const char *buf, size_t len, const char *root, xmlNodePtr *out)
{
	xmlDocPtr doc;
	xmlNodePtr r;

	if (len == 0 || len > S3_XML_MAX)
		return NULL;
	pthread_once(&xml_once, xml_init);
	doc = xmlReadMemory(buf, (int)len, "reply.xml", NULL, XML_PARSE_NONET |
	    XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (doc == NULL)
		return NULL;
	r = xmlDocGetRootElement(doc);
	if (doc->intSubset != NULL || doc->extSubset != NULL || r == NULL ||
	    xmlStrcmp(r->name, (const xmlChar *)root) != 0) {
		xmlFreeDoc(doc);
		return NULL;
	}
	*out = r;
	return doc;
}

/* The first child element of n named name, or NULL. */
static xmlNodePtr
child(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(c->name, (const xmlChar *)name) == 0)
			return c;
	return NULL;
}

/*
 * The text of n's child name, malloc()ed, at most max bytes: 0 and *out,
 * CUSTOS_ERR_FORMAT (no such child, or longer), CUSTOS_ERR_NOMEM.
 */
static int
text(xmlNodePtr n, const char *name, size_t max, char **out)
{
	xmlNodePtr c;
	xmlChar *t;
	int rc = 0;

	if ((c = child(n, name)) == NULL)
		return CUSTOS_ERR_FORMAT;
	if ((t = xmlNodeGetContent(c)) == NULL)
		return CUSTOS_ERR_NOMEM;
	if (strlen((const char *)t) > max)
		rc = CUSTOS_ERR_FORMAT;
	else if ((*out = strdup((const char *)t)) == NULL)
		rc = CUSTOS_ERR_NOMEM;
	xmlFree(t);
	return rc;
}

/*
 * Copies the text of n's child name into out (outsz bytes), cut at a
 * UTF-8 character boundary, control characters made '?'; "" without it.
 */
static void
copy_clean(xmlNodePtr n, const char *name, char *out, size_t outsz)
{
	char *t = NULL;
	size_t i, len;

	out[0] = '\0';
	if (text(n, name, S3_XML_MAX, &t) != 0)
		return;
	len = strlen(t);
	if (len >= outsz) {
		len = outsz - 1;
		while (len > 0 && ((unsigned char)t[len] & 0xc0) == 0x80)
			len--;
	}
	for (i = 0; i < len; i++)
		out[i] = (unsigned char)t[i] < 0x20 || t[i] == 0x7f ? '?' :
		    t[i];
	out[len] = '\0';
	free(t);
}

int
s3_xml_error(const char *buf, size_t len, char *code, size_t codesz,
    char *msg, size_t msgsz)
{
	xmlDocPtr doc;
	xmlNodePtr r;

	if ((doc = parse(buf, len, "Error", &r)) == NULL)
		return CUSTOS_ERR_FORMAT;
	copy_clean(r, "Code", code, codesz);
	copy_clean(r, "Message", msg, msgsz);
	xmlFreeDoc(doc);
	return 0;
}

int
s3_xml_upload_id(const char *buf, size_t len, char **id)
{
	xmlDocPtr doc;
	xmlNodePtr r;
	int rc;

	if ((doc = parse(buf, len, "InitiateMultipartUploadResult", &r)) ==
	    NULL)
		return CUSTOS_ERR_FORMAT;
	rc = text(r, "UploadId", S3_ID_MAX, id);
	if (rc == 0 && **id == '\0') {
		free(*id);
		*id = NULL;
		rc = CUSTOS_ERR_FORMAT;
	}
	xmlFreeDoc(doc);
	return rc;
}

int
s3_xml_complete(const char *buf, size_t len)
{
	xmlDocPtr doc;
	xmlNodePtr r;

	if ((doc = parse(buf, len, "CompleteMultipartUploadResult", &r)) ==
	    NULL)
		return CUSTOS_ERR_FORMAT;
	xmlFreeDoc(doc);
	return 0;
}

/* One <Contents> element appended to page. */
static int
list_item(xmlNodePtr c, struct s3_xml_page *page, size_t *cap)
{
	struct s3_xml_item *it;
	char *size = NULL, *key = NULL;
	uint64_t n;
	int rc;

	if ((rc = text(c, "Size", 20, &size)) != 0)
		return rc;
	rc = dec_decode(size, strlen(size), &n);
	free(size);
	if (rc != 0)
		return CUSTOS_ERR_FORMAT;
	if ((rc = text(c, "Key", KEY_MAX, &key)) != 0)
		return rc;
	if (*key == '\0') {
		free(key);
		return CUSTOS_ERR_FORMAT;
	}
	if (page->n == *cap) {
		*cap = *cap == 0 ? 64 : *cap * 2;
		it = reallocarray(page->items, *cap, sizeof(*it));
		if (it == NULL) {
			free(key);
			return CUSTOS_ERR_NOMEM;
		}
		page->items = it;
	}
	page->items[page->n].key = key;
	page->items[page->n].size = n;
	page->n++;
	return 0;
}

/* IsTruncated and NextContinuationToken into page. */
static int
list_more(xmlNodePtr r, struct s3_xml_page *page)
{
	char *t = NULL;
	int rc;

	if (child(r, "IsTruncated") == NULL)
		return 0;
	if ((rc = text(r, "IsTruncated", 5, &t)) != 0)
		return rc;
	page->truncated = strcmp(t, "true") == 0;
	rc = page->truncated || strcmp(t, "false") == 0 ? 0 :
	    CUSTOS_ERR_FORMAT;
	free(t);
	if (rc != 0 || !page->truncated)
		return rc;
	if ((rc = text(r, "NextContinuationToken", S3_ID_MAX, &page->next)) !=
	    0)
		return rc;
	return *page->next == '\0' ? CUSTOS_ERR_FORMAT : 0;
}

int
s3_xml_list(const char *buf, size_t len, struct s3_xml_page *page)
{
	xmlDocPtr doc;
	xmlNodePtr r, c;
	size_t cap = 0;
	int rc = 0;

	memset(page, 0, sizeof(*page));
	if ((doc = parse(buf, len, "ListBucketResult", &r)) == NULL)
		return CUSTOS_ERR_FORMAT;
	for (c = r->children; c != NULL && rc == 0; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    xmlStrcmp(c->name, (const xmlChar *)"Contents") == 0)
			rc = list_item(c, page, &cap);
	if (rc == 0)
		rc = list_more(r, page);
	xmlFreeDoc(doc);
	if (rc != 0)
		s3_xml_page_free(page);
	return rc;
}

void
s3_xml_page_free(struct s3_xml_page *page)
{
	size_t i;

	for (i = 0; i < page->n; i++)
		free(page->items[i].key);
	free(page->items);
	free(page->next);
	memset(page, 0, sizeof(*page));
}
