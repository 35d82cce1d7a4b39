#pragma once
// TLS over memory BIOs: OpenSSL never touches a socket, so the handshake and
// every record are driven by the same single-threaded loop as plain TCP, and
// a stalled or hostile peer can only ever cost its own connection.
#include <memory>
#include <string>
#include <string_view>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace parley {

// An SSL_CTX with Parley's settings: TLS 1.2 at least, 1.3 preferred.
class TlsContext {
public:
    // Throws std::runtime_error naming the file and OpenSSL's reason.
    static TlsContext server(const std::string& cert_file, const std::string& key_file);
    // Verifies the peer against `ca_file`, or the system store when empty,
    // unless `verify` is false.
    static TlsContext client(const std::string& ca_file, bool verify);

    SSL_CTX* get() const { return ctx_.get(); }

private:
    struct Free {
        void operator()(SSL_CTX* ctx) const;
    };
    explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx, Free{}) {}
    std::shared_ptr<SSL_CTX> ctx_;
};

class TlsChannel {
public:
    // `host` (client side only) is checked against the certificate and sent
    // as SNI.
    TlsChannel(const TlsContext& ctx, bool is_server, const std::string& host = {});
    ~TlsChannel();
    TlsChannel(const TlsChannel&) = delete;
    TlsChannel& operator=(const TlsChannel&) = delete;

    // Starts a client handshake (its first flight is then in take_output()).
    void start();

    // Ciphertext from the network. Decrypted bytes go to on_plain as they come.
    // Returns false on a fatal error; error() says why.
    template <class OnPlain>
    bool receive(std::string_view ciphertext, OnPlain&& on_plain);

    // Plaintext to send; held until the handshake is done.
    bool send(std::string_view plaintext);
    // Ciphertext waiting to go to the network, emptied by the call.
    std::string take_output();
    std::size_t output_pending() const;
    // Sends close_notify (into take_output()).
    void close();

    bool handshake_done() const { return handshake_done_; }
    bool peer_closed() const { return peer_closed_; }
    const std::string& error() const { return error_; }

private:
    bool write_in(std::string_view ciphertext);
    bool advance();  // handshake, then the held plaintext
    // Reads one chunk of plaintext into buf; returns its size, 0 when no more
    // is ready, -1 on a fatal error.
    long read_some(char* buf, int size);
    void fail(const char* what);

    SSL* ssl_ = nullptr;
    BIO* in_ = nullptr;   // network -> OpenSSL
    BIO* out_ = nullptr;  // OpenSSL -> network
    std::string held_;    // plaintext sent before the handshake finished
    std::string error_;
    bool handshake_done_ = false;
    bool peer_closed_ = false;
    bool closed_ = false;
};

template <class OnPlain>
bool TlsChannel::receive(std::string_view ciphertext, OnPlain&& on_plain) {
    if (!write_in(ciphertext) || !advance()) return false;
    if (!handshake_done_) return true;
    char buf[16 * 1024];
    for (;;) {
        long n = read_some(buf, sizeof buf);
        if (n < 0) return false;
        if (n == 0) return true;
        on_plain(std::string_view(buf, static_cast<std::size_t>(n)));
    }
}

}  // namespace parley
