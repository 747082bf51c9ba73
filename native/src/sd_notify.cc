#include "sd_notify.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace vg {

NotifyResult SdNotify(const char* socket_path, const char* state, size_t state_len, int* err) {
  *err = 0;
  if (socket_path == nullptr || socket_path[0] == '\0') return NotifyResult::kNoSocket;
  size_t path_len = strlen(socket_path);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof(addr));
  addr.sun_family = AF_UNIX;
  // Abstract sockets have no terminating NUL; filesystem paths need room for one.
  bool abstract = socket_path[0] == '@';
  if (path_len < 2 && abstract) return NotifyResult::kBadPath;
  if (path_len >= sizeof(addr.sun_path) + (abstract ? 1 : 0)) return NotifyResult::kBadPath;
  if (!abstract && socket_path[0] != '/') return NotifyResult::kBadPath;
  memcpy(addr.sun_path, socket_path, path_len);
  if (abstract) addr.sun_path[0] = '\0';
  socklen_t addr_len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + path_len + (abstract ? 0 : 1));

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *err = errno;
    return NotifyResult::kSocketError;
  }
  // MSG_DONTWAIT: the event loop must never block on a full notify queue; systemd drains it.
  ssize_t n;
  do {
    n = sendto(fd, state, state_len, MSG_NOSIGNAL | MSG_DONTWAIT, reinterpret_cast<struct sockaddr*>(&addr), addr_len);
  } while (n < 0 && errno == EINTR);
  int send_errno = errno;
  close(fd);
  if (n < 0) {
    *err = send_errno;
    return NotifyResult::kSendError;
  }
  return NotifyResult::kSent;
}

}  // namespace vg
