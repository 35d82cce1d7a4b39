#pragma once
// How a Client's bytes leave: implemented by the TCP session in the server and
// by in-memory doubles in tests.
#include <string_view>

#include "parley/error_code.hpp"
#include "parley/event.hpp"

namespace parley {

class Transport {
public:
    virtual ~Transport() = default;
    // Queues complete lines. The frame is shared: keep the pointer, never copy.
    virtual void send(SharedFrame frame) = 0;
    // Queues complete lines meant for this connection only (replies); the
    // bytes are copied, so the caller may reuse its buffer.
    virtual void send_copy(std::string_view bytes) = 0;
    // quit: flush what is queued, then close with FIN.
    virtual void close_after_flush() = 0;
    // A per-connection limit refused a frame (rate_limited, frame_too_large),
    // for the log; the client has already been told.
    virtual void limit_hit(ErrorCode) {}
    // Input piles up while a reply is awaited from the backend: stop reading
    // until resume_reading(), so the pile stays bounded.
    virtual void pause_reading() {}
    virtual void resume_reading() {}
    // So much of this connection's output waits unsent that running more of
    // its requests would only pile up more: the client stops until it drains.
    virtual bool output_backlogged() const { return false; }
    // The client stopped running frames (its turn's budget is spent, or its
    // output is backlogged). Returns true if the transport will call
    // Client::continue_input() on a later loop turn (once the output drained,
    // if that was why); false means carry on now.
    virtual bool input_yielded() { return false; }
};

}  // namespace parley
