# install.sed: "make install" turns conf/custos.conf (relative paths, for
# "make run") into the example it installs in SYSCONFDIR/custos: the
# header is replaced and the paths become those custosd.service provides
# (StateDirectory=, RuntimeDirectory=, the tmpfiles.d dock root).  The
# install test checks every one of them, so a key renamed in custos.conf
# cannot slip through unchanged.
1,/^$/c\
; custos.conf: the configuration of custosd and the custos tool.\
;\
; Installed by "make install" as an example that runs as is with the\
; shipped custosd.service: the state in /var/lib/custos (the unit's\
; StateDirectory=), the control socket in /run/custos (RuntimeDirectory=),\
; docked cameras under /srv/custos/dock (custos.tmpfiles).  Choose the\
; station's name before the first start: the log and the key are bound\
; to it.  Relative paths are taken relative to this file's directory.\
; The commented [roles] below names the groups custos.sysusers creates,\
; one per role (custos-operator, custos-reviewer, custos-auditor,\
; custos-admin, custos-metrics): uncomment it and add users to them.\

s|^name = .*|name = custos.example/station|
s|^state_dir = .*|state_dir = /var/lib/custos|
s|^root = .*|root = /srv/custos/dock|
s|^socket = .*|socket = /run/custos/control.sock|
# The roles' groups: those custos.sysusers creates, one per role.
s#^;\(operator\|reviewer\|auditor\|admin\|metrics\) = [^;]*;#;\1 = custos-\1 ;#
