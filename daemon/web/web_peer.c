/*
 * web_peer: who is at the other end of a console connection (web_core.h).
 *
 * Without TLS the listener is on loopback and the peer is a process of
 * this machine: the kernel's socket table names the uid owning the
 * client's socket.  The lookup is NETLINK_SOCK_DIAG's exact one
 * (SOCK_DIAG_BY_FAMILY without NLM_F_DUMP, every field of the 4-tuple
 * given), so it finds that one socket or nothing; a process cannot
 * claim another owner, and a socket gone meanwhile is "no such socket".
 * With TLS the verified client certificate's subject CN is a user name.
 */
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "custos/err.h"
#include "web_core.h"

static void
fill_addr(const struct sockaddr *sa, __be16 *port, __be32 addr[4])
{
	const struct sockaddr_in *in;
	const struct sockaddr_in6 *in6;

	if (sa->sa_family == AF_INET) {
		in = (const struct sockaddr_in *)(const void *)sa;
		*port = in->sin_port;
		memcpy(addr, &in->sin_addr, 4);
	} else {
		in6 = (const struct sockaddr_in6 *)(const void *)sa;
		*port = in6->sin6_port;
		memcpy(addr, &in6->sin6_addr, 16);
	}
}

/* Reads the answer to the request sent on fd. */
static int
diag_answer(int fd, const struct inet_diag_req_v2 *q, uid_t *uid)
{
	union {
		struct nlmsghdr	 h;
		char		 b[8192];
	} buf;
	const struct nlmsghdr *h;
	const struct inet_diag_msg *m;
	const struct nlmsgerr *e;
	ssize_t n;
	int len;

	if ((n = recv(fd, &buf, sizeof(buf), 0)) < 0)
		return CUSTOS_ERR_SYSTEM;
	len = (int)n;
	for (h = &buf.h; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
		if (h->nlmsg_type == NLMSG_ERROR) {
			e = NLMSG_DATA(h);
			if (e->error == -ENOENT)
				return CUSTOS_ERR_NOTFOUND;
			errno = -e->error;
			return CUSTOS_ERR_SYSTEM;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
		    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
			continue;
		m = NLMSG_DATA(h);
		if (m->id.idiag_sport != q->id.idiag_sport ||
		    m->id.idiag_dport != q->id.idiag_dport ||
		    memcmp(m->id.idiag_src, q->id.idiag_src,
		    sizeof(m->id.idiag_src)) != 0 ||
		    memcmp(m->id.idiag_dst, q->id.idiag_dst,
		    sizeof(m->id.idiag_dst)) != 0)
			continue;
		*uid = m->idiag_uid;
		return 0;
	}
	return CUSTOS_ERR_NOTFOUND;
}

int
web_peer_uid(const struct sockaddr *local, const struct sockaddr *peer,
    uid_t *uid)
{
	struct {
		struct nlmsghdr		 h;
		struct inet_diag_req_v2	 r;
	} q;
	struct sockaddr_nl nl;
	int fd, rc, saved;

	if (peer->sa_family != local->sa_family ||
	    (peer->sa_family != AF_INET && peer->sa_family != AF_INET6))
		return CUSTOS_ERR_NOTFOUND;
	memset(&q, 0, sizeof(q));
	q.h.nlmsg_len = sizeof(q);
	q.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	q.h.nlmsg_flags = NLM_F_REQUEST;
	q.h.nlmsg_seq = 1;
	q.r.sdiag_family = (__u8)peer->sa_family;
	q.r.sdiag_protocol = IPPROTO_TCP;
	q.r.idiag_states = ~0u;
	/* The client's socket: its source is our peer. */
	fill_addr(peer, &q.r.id.idiag_sport, q.r.id.idiag_src);
	fill_addr(local, &q.r.id.idiag_dport, q.r.id.idiag_dst);
	q.r.id.idiag_cookie[0] = q.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if ((fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return CUSTOS_ERR_SYSTEM;
	memset(&nl, 0, sizeof(nl));
	nl.nl_family = AF_NETLINK;
	if (sendto(fd, &q, sizeof(q), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) != (ssize_t)sizeof(q))
		rc = CUSTOS_ERR_SYSTEM;
	else
		rc = diag_answer(fd, &q.r, uid);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int
web_peer_loopback(const struct sockaddr *sa)
{
	const struct sockaddr_in *in;
	const struct sockaddr_in6 *in6;
	const uint8_t *a;

	if (sa->sa_family == AF_INET) {
		in = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family != AF_INET6)
		return 0;
	in6 = (const struct sockaddr_in6 *)(const void *)sa;
	a = in6->sin6_addr.s6_addr;
	if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
		return 1;
	return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && a[12] == 127;
}

/* The user of uid from the password database. */
static void
ident_uid(struct web_ident *id, uid_t uid)
{
	struct passwd pw, *pwp = NULL;
	char buf[1024];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) != 0 ||
	    pwp == NULL || strlen(pw.pw_name) >= sizeof(id->user)) {
		snprintf(id->why, sizeof(id->why), "uid %ld names no user "
		    "of this station", (long)uid);
		return;
	}
	snprintf(id->user, sizeof(id->user), "%s", pw.pw_name);
	id->uid = uid;
	id->known = 1;
}

/* The subject CN of the verified client certificate. */
static void
ident_cert(struct web_ident *id, SSL *ssl)
{
	struct passwd pw, *pwp = NULL;
	X509 *x = SSL_get0_peer_certificate(ssl);
	X509_NAME *sn;
	unsigned char *utf = NULL;
	char buf[1024], cn[WEB_USER_MAX];
	int i, len;

	if (x == NULL || SSL_get_verify_result(ssl) != X509_V_OK) {
		snprintf(id->why, sizeof(id->why), "no verified client "
		    "certificate");
		return;
	}
	sn = X509_get_subject_name(x);
	if ((i = X509_NAME_get_index_by_NID(sn, NID_commonName, -1)) < 0 ||
	    (len = ASN1_STRING_to_UTF8(&utf, X509_NAME_ENTRY_get_data(
	    X509_NAME_get_entry(sn, i)))) <= 0) {
		OPENSSL_free(utf);
		snprintf(id->why, sizeof(id->why), "the client certificate "
		    "has no subject CN");
		return;
	}
	snprintf(cn, sizeof(cn), "%.*s", len, utf);
	if ((size_t)len >= sizeof(cn) || memchr(utf, '\0', (size_t)len) !=
	    NULL || getpwnam_r(cn, &pw, buf, sizeof(buf), &pwp) != 0 ||
	    pwp == NULL) {
		snprintf(id->why, sizeof(id->why), "certificate CN %s names "
		    "no user of this station", cn);
		OPENSSL_free(utf);
		return;
	}
	OPENSSL_free(utf);
	snprintf(id->user, sizeof(id->user), "%s", pw.pw_name);
	id->uid = pw.pw_uid;
	id->known = 1;
}

void
web_peer_identify(struct web_ident *id, SSL *ssl,
    const struct sockaddr *local, const struct sockaddr *peer)
{
	uid_t uid;
	int rc;

	memset(id, 0, sizeof(*id));
	if (ssl != NULL) {
		ident_cert(id, ssl);
		return;
	}
	if (!web_peer_loopback(peer)) {
		snprintf(id->why, sizeof(id->why), "a peer off this machine "
		    "needs TLS with a client certificate");
		return;
	}
	if ((rc = web_peer_uid(local, peer, &uid)) != 0) {
		snprintf(id->why, sizeof(id->why), "the owner of the "
		    "connecting socket is unknown: %s", rc == CUSTOS_ERR_SYSTEM ?
		    strerror(errno) : "no such socket");
		return;
	}
	ident_uid(id, uid);
}

void
web_peer_csrf(const uint8_t secret[32], const char *user,
    char out[WEB_CSRF_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	static const char tag[] = "custos-csrf";	/* and its NUL */
	unsigned char msg[sizeof(tag) + WEB_USER_MAX], mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	size_t n = strlen(user), i;

	if (n >= WEB_USER_MAX)
		n = WEB_USER_MAX - 1;
	memcpy(msg, tag, sizeof(tag));
	memcpy(msg + sizeof(tag), user, n);
	if (HMAC(EVP_sha256(), secret, 32, msg, sizeof(tag) + n, mac,
	    &maclen) == NULL || maclen < WEB_CSRF_LEN / 2) {
		/* No token can match: every POST is refused. */
		memset(out, 'x', WEB_CSRF_LEN);
		out[WEB_CSRF_LEN] = '\0';
		return;
	}
	for (i = 0; i < WEB_CSRF_LEN / 2; i++) {
		out[2 * i] = hex[mac[i] >> 4];
		out[2 * i + 1] = hex[mac[i] & 15];
	}
	out[WEB_CSRF_LEN] = '\0';
}
