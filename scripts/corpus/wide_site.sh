# SPDX-License-Identifier: BSD-2-Clause
# shellcheck shell=bash disable=SC2034,SC2154
#
# Builds what the clients of record.sh's "wide" profile need, sourced by
# record.sh after the shop is generated: the social and files sites
# (gensite_wide.py), a tiny apt repository and a git repository served
# from the files site, the Go crawler (scripts/corpus/crawl.go, standard
# library only, built offline with a private cache), curl's URL list and
# the burst aria2 list. Everything goes under $WORK.

SOCIALROOT="$WORK/social" FILESROOT="$WORK/files"
NAMES="$HOST $SOCIAL $FILES"
$PY "$HERE/gensite_wide.py" "$SOCIALROOT" "$FILESROOT" --seed "$SITE_SEED"
mkdir -p "$WORK/cli/wget2" "$WORK/cli/aria2burst" "$WORK/cli/axel" \
	"$WORK/cli/apt" "$WORK/cli/git" "$WORK/bin"

# apt: a flat repository of 12 small packages, unsigned (the client's
# sources line says trusted=yes), with Packages, Packages.gz and Release.
(
	set -e
	deb="$WORK/debs" repo="$FILESROOT/debian"
	mkdir -p "$deb" "$repo"
	for i in $(seq 1 12); do
		p=corpus-tool$i
		mkdir -p "$deb/$p/DEBIAN" "$deb/$p/usr/share/$p"
		printf 'Package: %s\nVersion: 1.%d\nArchitecture: all\nMaintainer: corpus <corpus@corpus.test>\nDescription: corpus test package %d\n' \
			"$p" "$i" "$i" >"$deb/$p/DEBIAN/control"
		$PY -c 'import random, sys
sys.stdout.buffer.write(random.Random(int(sys.argv[1])).randbytes(int(sys.argv[2])))' \
			"$((SITE_SEED * 100 + i))" "$(rnd "apt.size$i" 20000 300000)" \
			>"$deb/$p/usr/share/$p/data"
		dpkg-deb -Znone --root-owner-group --build "$deb/$p" \
			"$repo/${p}_1.${i}_all.deb" >/dev/null
	done
	cd "$repo"
	dpkg-scanpackages -m . /dev/null >Packages 2>/dev/null
	gzip -9nk Packages
	{
		echo "Origin: corpus"
		echo "Label: corpus"
		echo "Suite: corpus"
		echo "Codename: corpus"
		echo "Date: $(date -u -R)"
		echo "Architectures: all amd64"
		echo "SHA256:"
		for f in Packages Packages.gz; do
			echo " $(sha256sum "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"
		done
	} >Release
)

# git: a repository of a few hundred files in four commits; the first
# three packed, the last one loose, served as static files (dumb HTTP).
(
	set -e
	src="$WORK/gitsrc" bare="$FILESROOT/git/project.git"
	export GIT_AUTHOR_NAME=corpus GIT_AUTHOR_EMAIL=corpus@corpus.test
	export GIT_COMMITTER_NAME=corpus GIT_COMMITTER_EMAIL=corpus@corpus.test
	export GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z
	git init -q -b main "$src"
	for c in 0 1 2; do
		mkdir -p "$src/doc$c"
		cp "$DOCROOT"/catalogue/product-0$c*.html "$src/doc$c/"
		git -C "$src" add -A
		git -C "$src" commit -q -m "import part $c"
	done
	git clone -q --bare --no-local "$src" "$bare"
	git -C "$bare" gc -q
	cp "$HERE/gensite.py" "$src/gensite.py"
	git -C "$src" add -A
	git -C "$src" commit -q -m "add the generator"
	git -C "$src" push -q "$bare" main
	git -C "$bare" update-server-info
)

# The Go crawler, built offline with a private cache.
(
	cd "$WORK/bin"
	env HOME="$WORK/home" GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" \
		GOPROXY=off GOFLAGS=-mod=mod GO111MODULE=auto GOTOOLCHAIN=local \
		go build -o crawl "$HERE/crawl.go"
)

# curl --parallel: every product page and image of the shop, seeded order.
(
	cd "$DOCROOT"
	ls catalogue/product-*.html static/img/*.jpg
) | awk -v s="$((SEED + 7))" -v base="https://$HOST/" \
	'BEGIN { srand(s) } { printf "%.6f %s%s\n", rand(), base, $0 }' |
	sort -n | cut -d' ' -f2 |
	awk '{ printf "url = \"%s\"\noutput = \"/dev/null\"\n", $0 }' >"$WORK/curlh2.cfg"
# The aria2 burst: 300 files of the archive, seeded order.
(
	cd "$FILESROOT"
	find archive -type f ! -name index.html | sort
) | awk -v s="$((SEED + 11))" -v base="https://$FILES/" \
	'BEGIN { srand(s) } { printf "%.6f %s%s\n", rand(), base, $0 }' |
	sort -n | head -n 300 | cut -d' ' -f2 >"$WORK/aria2burst.list"
chmod -R a+rX "$SOCIALROOT" "$FILESROOT"
