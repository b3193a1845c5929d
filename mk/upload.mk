# HTTPS upload with camera certificates (docs/upload.md): the listener
# (libuv, OpenSSL memory BIOs) and its request parsing, which the fuzz
# target drives without sockets.  FZ_ uses "=" because this file is read
# before the variables it refers to.
DAEMON_SRCS += daemon/upload.c daemon/upload_file.c daemon/upload_req.c
LIBS_DAEMON += -lssl
FZ_upload = $(call L,err enc utf8 util calendar rfc3339) daemon/upload_req.c
# The upload benchmark is a script, installed beside the compiled ones.
bench: $(B)/bench/bench_upload
