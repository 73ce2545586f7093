/*
 * net.c - the client's side of the wire: connect, frame, call.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "addr.h"
#include "client.h"
#include "frame.h"
#include "sbuf.h"

/* Seconds to wait for a reply before giving up on the server. */
#define CALL_TIMEOUT 120

static int
connect_to(const char *server, char *err, size_t errlen)
{
	struct addrinfo hints, *res, *ai;
	char host[256], port[32];
	int fd = -1, rc;
	struct timeval tv = { CALL_TIMEOUT, 0 };

	if (addr_split(server, host, sizeof host, port, sizeof port) < 0) {
		xsnprintf(err, errlen, "server '%s': expected HOST:PORT",
		    server);
		return -1;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		xsnprintf(err, errlen, "%s: %s", server, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		xsnprintf(err, errlen, "%s: %s", server, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	return fd;
}

static int
write_all(struct client *c, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w;

		if (c->ssl) {
			int k = SSL_write(c->ssl, p,
			    n > INT_MAX ? INT_MAX : (int)n);

			if (k <= 0) {
				errno = EPIPE;
				return -1;
			}
			w = k;
		} else
			w = send(c->fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
read_all(struct client *c, uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t r;

		if (c->ssl) {
			int k =
			    SSL_read(c->ssl, p, n > INT_MAX ? INT_MAX : (int)n);

			if (k <= 0) {
				int e = SSL_get_error(c->ssl, k);

				errno = e == SSL_ERROR_ZERO_RETURN ?
				    ECONNRESET :
				    e == SSL_ERROR_SYSCALL && errno ? errno :
								      EPROTO;
				return -1;
			}
			r = k;
		} else
			r = recv(c->fd, p, n, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = ECONNRESET;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/*
 * Whether the server at opt.server completes a TLS handshake (any
 * certificate): asked after a plain connection was dropped unanswered, to
 * tell the user the port speaks TLS.  Only a finished handshake counts.
 */
static int
port_speaks_tls(void)
{
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	char err[256];
	int fd, ok = 0;

	if ((fd = connect_to(opt.server, err, sizeof err)) < 0)
		return 0;
	if ((ctx = SSL_CTX_new(TLS_client_method())) != NULL &&
	    (ssl = SSL_new(ctx)) != NULL && SSL_set_fd(ssl, fd) == 1) {
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
		ok = SSL_connect(ssl) == 1;
		if (ok)
			SSL_shutdown(ssl);
	}
	ERR_clear_error();
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return ok;
}

/* Set when the port answered in another protocol (HTTP, TLS). */
static int wrong_protocol;

/*
 * A plain client's first call was not answered with a frame: say what the
 * port speaks when that can be told.  Returns 1 after printing it.
 */
static int
explain_port(struct client *c, const uint8_t *hdr, int got_hdr)
{
	if (c->ssl != NULL || c->next_id != 1)
		return 0;
	if (got_hdr && memcmp(hdr, "HTTP", 4) == 0) {
		fprintf(stderr,
		    "popstat: %s answered in HTTP: that is the"
		    " dashboard port (popstatd --http); give the protocol"
		    " port (popstatd --listen) with --server\n",
		    opt.server);
		wrong_protocol = 1;
		return 1;
	}
	if ((got_hdr && hdr[0] == 0x15 && hdr[1] == 0x03) ||
	    (!got_hdr && port_speaks_tls())) {
		fprintf(stderr,
		    "popstat: %s speaks TLS (popstatd --tls-cert):"
		    " connect with --ca FILE, --pin SHA256 or --tls (also"
		    " POPSTAT_CA, POPSTAT_PIN, or ca = / pin = in the "
		    "config)\n",
		    opt.server);
		wrong_protocol = 1;
		return 1;
	}
	return 0;
}

Popstat__Envelope *
client_call(struct client *c, Popstat__Request *rq)
{
	Popstat__Envelope env = POPSTAT__ENVELOPE__INIT, *reply;
	uint8_t hdr[FRAME_HEADER], *buf;
	uint32_t len;
	size_t n;

	env.version = PROTOCOL_VERSION;
	env.request_id = ++c->next_id;
	env.msg_case = POPSTAT__ENVELOPE__MSG_REQUEST;
	env.request = rq;
	n = popstat__envelope__get_packed_size(&env);
	buf = xmalloc(n + FRAME_HEADER);
	frame_put_len(buf, (uint32_t)n);
	popstat__envelope__pack(&env, buf + FRAME_HEADER);
	if (write_all(c, buf, n + FRAME_HEADER) < 0) {
		free(buf);
		fprintf(stderr, "popstat: sending to %s: %s\n", opt.server,
		    strerror(errno));
		return NULL;
	}
	free(buf);
	if (read_all(c, hdr, sizeof hdr) < 0) {
		int e = errno;

		if (e != EAGAIN && explain_port(c, hdr, 0))
			return NULL;
		fprintf(stderr, "popstat: no reply from %s: %s\n", opt.server,
		    e == EAGAIN ? "timed out" : strerror(e));
		return NULL;
	}
	/* Replies can be large (rankings of a province): allow 256 MiB. */
	if (frame_get_len(hdr, 256u << 20, &len) != FRAME_OK) {
		if (!explain_port(c, hdr, 1))
			fprintf(stderr, "popstat: bad frame from %s\n",
			    opt.server);
		return NULL;
	}
	buf = xmalloc(len);
	if (read_all(c, buf, len) < 0) {
		free(buf);
		fprintf(stderr, "popstat: reply from %s cut short: %s\n",
		    opt.server, strerror(errno));
		return NULL;
	}
	reply = popstat__envelope__unpack(NULL, len, buf);
	free(buf);
	if (reply == NULL ||
	    reply->msg_case != POPSTAT__ENVELOPE__MSG_RESPONSE) {
		fprintf(stderr, "popstat: unreadable reply from %s\n",
		    opt.server);
		if (reply)
			popstat__envelope__free_unpacked(reply, NULL);
		return NULL;
	}
	if (reply->request_id != env.request_id) {
		/* An error about the connection itself carries id 0. */
		if (reply->request_id != 0 ||
		    reply->response->body_case !=
			POPSTAT__RESPONSE__BODY_ERROR) {
			fprintf(stderr, "popstat: reply out of order from %s\n",
			    opt.server);
			popstat__envelope__free_unpacked(reply, NULL);
			return NULL;
		}
	}
	return reply;
}

int
client_error(const Popstat__Response *resp, const char *what)
{
	const Popstat__Error *e;

	if (resp->body_case != POPSTAT__RESPONSE__BODY_ERROR)
		return 0;
	e = resp->error;
	fprintf(stderr, "popstat: %s: %s\n", what, tx(e->message));
	switch (e->code) {
	case POPSTAT__ERROR_CODE__ERR_UNAUTHENTICATED:
	case POPSTAT__ERROR_CODE__ERR_FORBIDDEN:
	case POPSTAT__ERROR_CODE__ERR_VERSION: return EXIT_NOCONN;
	default: return EXIT_REJECTED;
	}
}

int client_net_error;

void (*client_on_open)(struct client *c);

int
client_open(struct client *c)
{
	int rc = client_open_noflush(c);

	if (rc == 0 && client_on_open != NULL)
		client_on_open(c);
	return rc;
}

/* Lower-case hex of a pin, without colons; -1 unless 64 hex digits. */
static int
normalise_pin(const char *pin, char out[65])
{
	size_t n = 0;

	for (; *pin; pin++) {
		if (*pin == ':' || *pin == ' ')
			continue;
		if (!isxdigit((unsigned char)*pin) || n == 64)
			return -1;
		out[n++] = (char)tolower((unsigned char)*pin);
	}
	out[n] = '\0';
	return n == 64 ? 0 : -1;
}

/*
 * TLS over the connected socket when --ca, --pin or --tls is set.  With a
 * pin, the server's certificate must have exactly that SHA-256
 * fingerprint; with a CA file, it must chain to it and name the host.
 * Returns 0, or -1 after printing why.
 */
static int
tls_start(struct client *c, const char *host)
{
	char pin[65], got[65];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	X509 *cert;

	if (opt.pin && normalise_pin(opt.pin, pin) < 0) {
		fprintf(stderr,
		    "popstat: --pin must be the certificate's SHA-256"
		    " fingerprint: 64 hex digits (colons allowed)\n");
		return -1;
	}
	c->ctx = SSL_CTX_new(TLS_client_method());
	if (c->ctx == NULL ||
	    SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION) != 1)
		goto tls_error;
	if (opt.pin) {
		/* The pin is the trust anchor: chain checks do not apply. */
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	} else {
		if (opt.ca) {
			if (SSL_CTX_load_verify_locations(c->ctx, opt.ca,
				NULL) != 1) {
				fprintf(stderr,
				    "popstat: --ca %s: cannot load it\n",
				    opt.ca);
				return -1;
			}
		} else if (SSL_CTX_set_default_verify_paths(c->ctx) != 1)
			goto tls_error;
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	}
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1)
		goto tls_error;
	if (!opt.pin) {
		X509_VERIFY_PARAM *vp = SSL_get0_param(c->ssl);
		struct in6_addr a6;
		struct in_addr a4;

		if (inet_pton(AF_INET, host, &a4) == 1 ||
		    inet_pton(AF_INET6, host, &a6) == 1)
			X509_VERIFY_PARAM_set1_ip_asc(vp, host);
		else {
			X509_VERIFY_PARAM_set1_host(vp, host, 0);
			SSL_set_tlsext_host_name(c->ssl, host);
		}
	}
	if (SSL_connect(c->ssl) != 1) {
		long v = SSL_get_verify_result(c->ssl);

		if (v != X509_V_OK)
			fprintf(stderr,
			    "popstat: %s: server certificate not trusted:"
			    " %s\n",
			    opt.server, X509_verify_cert_error_string(v));
		else
			goto tls_error;
		return -1;
	}
	if (opt.pin) {
		cert = SSL_get1_peer_certificate(c->ssl);
		if (cert == NULL ||
		    X509_digest(cert, EVP_sha256(), md, &mdlen) != 1) {
			X509_free(cert);
			fprintf(stderr, "popstat: %s: no server certificate\n",
			    opt.server);
			return -1;
		}
		X509_free(cert);
		for (i = 0; i < mdlen && i < 32; i++)
			snprintf(got + 2 * i, 3, "%02x", md[i]);
		got[64] = '\0';
		if (strcmp(got, pin) != 0) {
			fprintf(stderr,
			    "popstat: %s: certificate fingerprint %s does"
			    " not match the pinned %s; refusing to talk to "
			    "it\n",
			    opt.server, got, pin);
			return -1;
		}
	}
	return 0;
tls_error : {
	char e[256];

	ERR_error_string_n(ERR_get_error(), e, sizeof e);
	fprintf(stderr, "popstat: %s: TLS failed: %s\n", opt.server, e);
}
	return -1;
}

int
client_open_noflush(struct client *c)
{
	Popstat__Request rq = POPSTAT__REQUEST__INIT;
	Popstat__Hello h = POPSTAT__HELLO__INIT;
	Popstat__Envelope *reply;
	char err[512];
	int rc;

	memset(c, 0, sizeof *c);
	c->fd = -1;
	client_net_error = 0;
	if (opt.token == NULL || *opt.token == '\0') {
		fprintf(stderr,
		    "popstat: no token: use --token, POPSTAT_TOKEN or"
		    " 'token = ...' in the config file\n");
		return EXIT_NOCONN;
	}
	c->fd = connect_to(opt.server, err, sizeof err);
	if (c->fd < 0) {
		fprintf(stderr, "popstat: cannot connect to %s\n", err);
		client_net_error = 1;
		return EXIT_NOCONN;
	}
	if (opt.tls || opt.ca || opt.pin) {
		char host[256], port[32];

		if (addr_split(opt.server, host, sizeof host, port,
			sizeof port) < 0)
			xsnprintf(host, sizeof host, "%s", opt.server);
		/* A refused certificate is not a network failure: no outbox. */
		if (tls_start(c, host) < 0) {
			client_close(c);
			return EXIT_NOCONN;
		}
	}
	h.token = (char *)opt.token;
	h.client = "popstat";
	rq.body_case = POPSTAT__REQUEST__BODY_HELLO;
	rq.hello = &h;
	wrong_protocol = 0;
	if ((reply = client_call(c, &rq)) == NULL) {
		client_close(c);
		/* A wrong port is no network failure: nothing for the outbox.
		 */
		client_net_error = !wrong_protocol;
		return EXIT_NOCONN;
	}
	if ((rc = client_error(reply->response, "not authorised")) != 0) {
		popstat__envelope__free_unpacked(reply, NULL);
		client_close(c);
		return EXIT_NOCONN;
	}
	if (reply->response->body_case == POPSTAT__RESPONSE__BODY_HELLO) {
		Popstat__HelloOk *ok = reply->response->hello;

		xsnprintf(c->user, sizeof c->user, "%s", ok->user);
		xsnprintf(c->role, sizeof c->role, "%s", ok->role);
		xsnprintf(c->unit, sizeof c->unit, "%s",
		    ok->unit ? ok->unit : "");
		xsnprintf(c->today, sizeof c->today, "%s", ok->server_today);
	}
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}

void
client_close(struct client *c)
{
	if (c->ssl) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	if (c->ctx)
		SSL_CTX_free(c->ctx);
	c->ssl = NULL;
	c->ctx = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/*
 * Connect, send one request, check the reply.  On success returns 0 and
 * *out (free with popstat__envelope__free_unpacked); else an exit status.
 */
int
client_simple(Popstat__Request *rq, const char *what, Popstat__Envelope **out)
{
	struct client c;
	Popstat__Envelope *reply;
	int rc;

	*out = NULL;
	if ((rc = client_open(&c)) != 0)
		return rc;
	reply = client_call(&c, rq);
	client_close(&c);
	if (reply == NULL)
		return EXIT_NOCONN;
	if ((rc = client_error(reply->response, what)) != 0) {
		popstat__envelope__free_unpacked(reply, NULL);
		return rc;
	}
	*out = reply;
	return 0;
}

/*
 * Send one request whose answer is an Ack and print its message (unless
 * --quiet).  Returns 0 or an exit status.
 */
int
client_ack(Popstat__Request *rq, const char *what)
{
	Popstat__Envelope *reply;
	int rc;

	if ((rc = client_simple(rq, what, &reply)) != 0)
		return rc;
	if (!opt.quiet &&
	    reply->response->body_case == POPSTAT__RESPONSE__BODY_ACK &&
	    reply->response->ack->message)
		printf("%s\n", reply->response->ack->message);
	popstat__envelope__free_unpacked(reply, NULL);
	return 0;
}
