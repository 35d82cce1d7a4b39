#pragma once

// Exit statuses of `parley`, documented in docs/CLIENT.md. Scripts branch on
// these, so they never change meaning.
namespace parley::client {

enum ExitStatus : int {
    kExitOk = 0,
    kExitUnreachable = 1,  // server could not be reached (TCP or UDP), or the connection was lost
    kExitUsage = 2,        // bad flags or arguments
    kExitRefused = 3,      // the server answered with an error
};

}  // namespace parley::client
