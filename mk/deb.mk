# deb.mk - make deb: the Debian package, built with debhelper (debian/).
#
#   make deb [DEB_JOBS=2] [DEB_OUT=.]
#
# Copies the tracked files into build-deb/popstat/ (a clean tree: nothing
# from build/ or bin/), runs dpkg-buildpackage -b there, and leaves
# popstat_VERSION_ARCH.deb in DEB_OUT (the top directory); lintian checks it when
# installed (make deb fails on a lintian error).  Needs debhelper and
# dpkg-dev (and lintian): apt-get install debhelper dpkg-dev lintian.
# Install with: apt-get install ./popstat_*.deb

DEB_WORK ?= build-deb
DEB_JOBS ?= 2
DEB_OUT  ?= .

.PHONY: deb

deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
	  { echo "make deb needs debhelper and dpkg-dev:" \
	    "apt-get install debhelper dpkg-dev lintian"; exit 1; }
	rm -rf $(DEB_WORK)
	mkdir -p $(DEB_WORK)/popstat
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z --cached --others --exclude-standard | \
	    tar --null -T - -cf - | tar -xf - -C $(DEB_WORK)/popstat; \
	else \
	  tar --exclude=./build --exclude=./build-asan --exclude=./bin \
	    --exclude=./bin-asan --exclude=./$(DEB_WORK) -cf - . | \
	    tar -xf - -C $(DEB_WORK)/popstat; \
	fi
	cd $(DEB_WORK)/popstat && dpkg-buildpackage -b -us -uc -j$(DEB_JOBS)
	rm -f $(DEB_OUT)/popstat_*.deb
	cp $(DEB_WORK)/popstat_*.deb $(DEB_OUT)/
	@if command -v lintian >/dev/null; then \
	  echo "lintian $(DEB_WORK)/popstat_*.changes"; \
	  lintian --fail-on error $(DEB_WORK)/popstat_*.changes; \
	else echo "deb: lintian not installed: not checked"; fi
	@ls $(DEB_OUT)/popstat_*.deb
