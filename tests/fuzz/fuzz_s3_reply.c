/*
 * libFuzzer target for the S3 client's reply parsers (lib/replica/
 * s3_int.h): every input goes through each of them, as any reply body
 * may reach any of them.
 *
 * The seeds in corpus/s3_reply/ are replies of a real radosgw (Ceph 16,
 * tests/tools/s3server.sh) captured with the curl CLI: an <Error> for a
 * wrong signature and for a missing bucket, the initiation and completion
 * of a multipart upload, a truncated and a last ListObjectsV2 page; and
 * two made by hand: a document with a DOCTYPE and entities (refused), a
 * document cut short.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "custos/err.h"
#include "lib/replica/s3_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct s3_xml_page page;
	char code[64], msg[256], *id = NULL;

	(void)s3_xml_error(buf, size, code, sizeof(code), msg, sizeof(msg));
	if (s3_xml_upload_id(buf, size, &id) == 0)
		free(id);
	(void)s3_xml_complete(buf, size);
	if (s3_xml_list(buf, size, &page) == 0)
		s3_xml_page_free(&page);
	return 0;
}
