#include "parley/tls_channel.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdexcept>

namespace parley {

namespace {

std::string openssl_errors() {
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out.empty() ? "unknown error" : out;
}

SSL_CTX* new_context(const SSL_METHOD* method) {
    SSL_CTX* ctx = SSL_CTX_new(method);
    if (ctx == nullptr) throw std::runtime_error("cannot create a TLS context: " + openssl_errors());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    // Memory BIOs never block, so partial writes would only add bookkeeping.
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

}  // namespace

void TlsContext::Free::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

TlsContext TlsContext::server(const std::string& cert_file, const std::string& key_file) {
    SSL_CTX* ctx = new_context(TLS_server_method());
    TlsContext out(ctx);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert_file.c_str()) != 1)
        throw std::runtime_error("cannot load certificate " + cert_file + ": " + openssl_errors());
    if (SSL_CTX_use_PrivateKey_file(ctx, key_file.c_str(), SSL_FILETYPE_PEM) != 1)
        throw std::runtime_error("cannot load private key " + key_file + ": " + openssl_errors());
    if (SSL_CTX_check_private_key(ctx) != 1)
        throw std::runtime_error("the key " + key_file + " does not match the certificate " + cert_file);
    return out;
}

TlsContext TlsContext::client(const std::string& ca_file, bool verify) {
    SSL_CTX* ctx = new_context(TLS_client_method());
    TlsContext out(ctx);
    if (verify) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        int ok = ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                 : SSL_CTX_load_verify_locations(ctx, ca_file.c_str(), nullptr);
        if (ok != 1) throw std::runtime_error("cannot load CA file " + ca_file + ": " + openssl_errors());
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    return out;
}

TlsChannel::TlsChannel(const TlsContext& ctx, bool is_server, const std::string& host) {
    ssl_ = SSL_new(ctx.get());
    in_ = BIO_new(BIO_s_mem());
    out_ = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(in_, -1);  // "no data yet", not end of stream
    SSL_set_bio(ssl_, in_, out_);     // the SSL now owns both
    if (is_server) {
        SSL_set_accept_state(ssl_);
    } else {
        SSL_set_connect_state(ssl_);
        if (!host.empty()) {
            SSL_set_tlsext_host_name(ssl_, host.c_str());
            X509_VERIFY_PARAM* param = SSL_get0_param(ssl_);
            // An IP literal is checked as an IP address, anything else as a name.
            if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) != 1) SSL_set1_host(ssl_, host.c_str());
        }
    }
}

TlsChannel::~TlsChannel() { SSL_free(ssl_); }

void TlsChannel::start() { advance(); }

bool TlsChannel::write_in(std::string_view ciphertext) {
    while (!ciphertext.empty()) {
        int n = BIO_write(in_, ciphertext.data(), static_cast<int>(ciphertext.size()));
        if (n <= 0) {
            fail("buffering TLS input");
            return false;
        }
        ciphertext.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool TlsChannel::advance() {
    if (!error_.empty()) return false;
    if (!handshake_done_) {
        ERR_clear_error();
        int rc = SSL_do_handshake(ssl_);
        if (rc != 1) {
            int err = SSL_get_error(ssl_, rc);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return true;
            fail("TLS handshake failed");
            return false;
        }
        handshake_done_ = true;
    }
    if (!held_.empty()) {
        std::string pending;
        pending.swap(held_);
        return send(pending);
    }
    return true;
}

long TlsChannel::read_some(char* buf, int size) {
    ERR_clear_error();
    int n = SSL_read(ssl_, buf, size);
    if (n > 0) return n;
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return 0;
    if (err == SSL_ERROR_ZERO_RETURN) {
        peer_closed_ = true;
        return 0;
    }
    fail("TLS read failed");
    return -1;
}

bool TlsChannel::send(std::string_view plaintext) {
    if (!error_.empty()) return false;
    if (!handshake_done_) {
        held_.append(plaintext);
        return true;
    }
    while (!plaintext.empty()) {
        ERR_clear_error();
        int n = SSL_write(ssl_, plaintext.data(), static_cast<int>(plaintext.size()));
        if (n <= 0) {
            fail("TLS write failed");
            return false;
        }
        plaintext.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string TlsChannel::take_output() {
    std::string out;
    std::size_t pending = BIO_ctrl_pending(out_);
    if (pending == 0) return out;
    out.resize(pending);
    int n = BIO_read(out_, out.data(), static_cast<int>(pending));
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
}

std::size_t TlsChannel::output_pending() const { return BIO_ctrl_pending(out_); }

void TlsChannel::close() {
    if (closed_) return;
    closed_ = true;
    if (handshake_done_ && error_.empty()) SSL_shutdown(ssl_);
}

void TlsChannel::fail(const char* what) {
    error_ = std::string(what) + ": " + openssl_errors();
    if (long v = SSL_get_verify_result(ssl_); v != X509_V_OK && !handshake_done_)
        error_ += " (certificate: " + std::string(X509_verify_cert_error_string(v)) + ")";
}

}  // namespace parley
