// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET.
#pragma once
#include <cstddef>

namespace vg {

// Result of a notify attempt. `kNoSocket` is not an error: the daemon is not under systemd.
enum class NotifyResult { kSent = 0, kNoSocket = 1, kBadPath = 2, kSocketError = 3, kSendError = 4 };

// Sends `state` (e.g. "READY=1\nSTATUS=...") to the unix datagram socket named by `socket_path`:
// a filesystem path, or an abstract socket when it starts with '@' (systemd's convention).
// `err` receives errno on kSocketError/kSendError.
NotifyResult SdNotify(const char* socket_path, const char* state, size_t state_len, int* err);

}  // namespace vg
