# install.mk - make install / make uninstall.
#
#   make install [PREFIX=/usr/local] [DESTDIR=] [BINDIR=...] [MANDIR=...]
#                [SYSCONFDIR=/etc] [UNITDIR=...] [COMPLETIONDIR=...]
#                [SYSUSERSDIR=...]
#   make uninstall   (the same variables)
#
# Installs, under $(DESTDIR):
#   $(BINDIR)/popstatd, $(BINDIR)/popstat
#   $(MANDIR)/man1/popstat.1, $(MANDIR)/man8/popstatd.8
#   $(SYSCONFDIR)/popstat/popstatd.conf.example, and popstatd.conf made from
#       it only when there is none (an existing configuration is never
#       overwritten)
#   $(UNITDIR)/popstatd.service (ExecStart and --config rewritten to
#       $(BINDIR) and $(SYSCONFDIR))
#   $(SYSUSERSDIR)/popstat.conf (the system user "popstat", for
#       systemd-sysusers)
#   $(COMPLETIONDIR)/popstat and popstatd (bash completion)
#
# SYSCONFDIR stays /etc whatever PREFIX is: popstatd looks for
# /etc/popstat/popstatd.conf by default.  Nothing here creates users,
# starts services or reloads systemd: see doc/operating.md ("Installing as a service").
# uninstall removes what install put there, except a popstatd.conf that
# differs from the example (local settings are kept).

PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
MANDIR        ?= $(PREFIX)/share/man
SYSCONFDIR    ?= /etc
UNITDIR       ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
SYSUSERSDIR   ?= $(PREFIX)/lib/sysusers.d
INSTALL       ?= install

POPSTAT_CONFDIR = $(DESTDIR)$(SYSCONFDIR)/popstat

.PHONY: install uninstall

install: all
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man8 $(POPSTAT_CONFDIR) $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(SYSUSERSDIR)
	$(INSTALL) -m 0755 $(BIN)/popstatd $(BIN)/popstat $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 doc/popstat.1 $(DESTDIR)$(MANDIR)/man1/popstat.1
	$(INSTALL) -m 0644 doc/popstatd.8 $(DESTDIR)$(MANDIR)/man8/popstatd.8
	$(INSTALL) -m 0644 etc/popstatd.conf.example \
	    $(POPSTAT_CONFDIR)/popstatd.conf.example
	@if [ -e $(POPSTAT_CONFDIR)/popstatd.conf ]; then \
	  echo "install: keeping the existing $(POPSTAT_CONFDIR)/popstatd.conf"; \
	else \
	  echo "$(INSTALL) -m 0644 etc/popstatd.conf.example $(POPSTAT_CONFDIR)/popstatd.conf"; \
	  $(INSTALL) -m 0644 etc/popstatd.conf.example $(POPSTAT_CONFDIR)/popstatd.conf; \
	fi
	sed -e 's|/usr/local/bin/|$(BINDIR)/|g' \
	    -e 's|/etc/popstat/|$(SYSCONFDIR)/popstat/|g' \
	    etc/popstatd.service > $(DESTDIR)$(UNITDIR)/popstatd.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/popstatd.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/popstatd.service.tmp \
	    $(DESTDIR)$(UNITDIR)/popstatd.service
	$(INSTALL) -m 0644 etc/popstat.sysusers $(DESTDIR)$(SYSUSERSDIR)/popstat.conf
	$(INSTALL) -m 0644 etc/popstat.bash-completion $(DESTDIR)$(COMPLETIONDIR)/popstat
	ln -sf popstat $(DESTDIR)$(COMPLETIONDIR)/popstatd

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/popstatd $(DESTDIR)$(BINDIR)/popstat \
	    $(DESTDIR)$(MANDIR)/man1/popstat.1 $(DESTDIR)$(MANDIR)/man8/popstatd.8 \
	    $(DESTDIR)$(UNITDIR)/popstatd.service \
	    $(DESTDIR)$(SYSUSERSDIR)/popstat.conf \
	    $(DESTDIR)$(COMPLETIONDIR)/popstat $(DESTDIR)$(COMPLETIONDIR)/popstatd
	@conf=$(POPSTAT_CONFDIR)/popstatd.conf; ex=$$conf.example; \
	if [ -e "$$conf" ] && [ -e "$$ex" ] && cmp -s "$$conf" "$$ex"; then \
	  echo "rm -f $$conf"; rm -f "$$conf"; \
	elif [ -e "$$conf" ]; then \
	  echo "uninstall: keeping $$conf (it has local changes)"; \
	fi; \
	rm -f "$$ex"; rmdir "$(POPSTAT_CONFDIR)" 2>/dev/null || true
