#!/usr/bin/env bash
# Confidentiality (issue 7): a journal with submissions in every state, reviews with
# confidential comments and a roster of reviewers with distinctive names is built
# into a site and every public export; no output file may contain a reviewer's
# identity, a confidential comment, a comment to authors, a decision letter, a
# response to reviewers or anything of an unpublished manuscript (title, abstract,
# author, attachment). The search decodes HTML entities, JSON \u escapes, percent
# escapes and gzip, folds case and strips accents, so escaping cannot hide a leak;
# positive controls prove it finds what is published. Under double-blind review no
# reviewer packet or invitation names an author, and no author-facing letter, mail
# or `show --role author` names a reviewer (under single-blind review either); under
# open review only signed reviews are published, and only while the journal says so.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
J=$TEST_TMP/j
W=$TEST_TMP/work
sample_journal "$J" || finish
mkdir -p "$W"
cd "$W" || finish
# A future date for the scheduled issue, relative to JOURNAL_TODAY (2026-01-15).
FUTURE=2026-09-30

# ---- the secrets ----

# orcid SEED: a valid ORCID iD (ISO 7064 MOD 11-2 check digit) made from a seed.
orcid() {
    "$PY" - "$1" <<'PY'
import sys, hashlib
digits = str(int(hashlib.sha256(sys.argv[1].encode()).hexdigest(), 16))[:15]
total = 0
for d in digits:
    total = (total + int(d)) * 2
check = (12 - total % 11) % 11
c = "X" if check == 10 else str(check)
s = digits + c
print("-".join(s[i:i + 4] for i in range(0, 16, 4)))
PY
}

SECRETS=$TEST_TMP/secrets.txt   # one per line: must appear in no public output
PUBLIC=$TEST_TMP/public.txt     # one per line: must appear (positive controls)
: >"$SECRETS"
: >"$PUBLIC"
secret() { printf '%s\n' "$@" >>"$SECRETS"; }
public() { printf '%s\n' "$@" >>"$PUBLIC"; }

# Five reviewers with distinctive names (one with accents, one in Cyrillic, one Korean with
# the family name first), emails, ORCID iDs and institutions, added to the sample roster.
RV_IDS="rv-quillon rv-elodie rv-vsevolod rv-hortensia rv-jiho"
declare -A RV_NAME RV_EMAIL RV_ORCID RV_AFF
RV_NAME[rv-quillon]="Quillon Zarathustrova"
RV_NAME[rv-elodie]="Élodie Vrąbelczyk-Ñuñez"
RV_NAME[rv-vsevolod]="Всеволод Пржемысловцев"
RV_NAME[rv-hortensia]="Hortensia Blumwaldt-Okonkwo"
RV_NAME[rv-jiho]="Yoonqwan Ji-ho"
secret Yoonqwan
for id in $RV_IDS; do
    RV_EMAIL[$id]="$id.k7f3a@reviewers-7f3a.example.net"
    RV_ORCID[$id]=$(orcid "$id")
    RV_AFF[$id]="Xandermoor Institute 7f3a ${id#rv-}"
    secret "${RV_NAME[$id]}" "${RV_EMAIL[$id]}" "${RV_ORCID[$id]}" "${RV_AFF[$id]}"
    # The family name alone must not appear either.
    secret "${RV_NAME[$id]##* }"
    cat >>"$J/reviewers.yaml" <<YAML
  - id: $id
    name: "${RV_NAME[$id]}"
    email: ${RV_EMAIL[$id]}
    orcid: ${RV_ORCID[$id]}
    affiliation:
      name: "${RV_AFF[$id]}"
      country: FR
    languages: [en, ru]
    keywords: [patronage, civil service, recruitment]
    profile: |
      ROSTER-PROFILE-7f3a-$id studies things.
    capacity: 20
YAML
    secret "ROSTER-PROFILE-7f3a-$id"
done
# Mail on (no server: messages wait in the outbox, where the test reads them).
cat >>"$J/journal.yaml" <<'YAML'
mail_from_address: office@journal.example.org
mail_from_name: "Editorial Office"
publish_editorial_stats: true
YAML
tgit -C "$J" commit -qam "Roster with distinctive reviewers; mail on; Peer review in numbers" ||
    fail "commit the roster"

# manuscript FILE TAG: a manuscript whose every identifying field carries TAG.
# Authors have names made of TAG so that each submission's authors are unique.
manuscript() {
    local file=$1 tag=$2
    local a1="Ulrich Nopub${tag}son" a2="Ксения Непубл${tag}ова" a3="Kwon${tag}dong Min-jun"
    local o1 o2
    o1=$(orcid "a1$tag")
    o2=$(orcid "a2$tag")
    cat >"$file" <<MD
---
title: "TITLE-$tag on informal networks"
lang: en
type: research-article
abstract: |
  ABSTRACT-$tag: we study promotion rules in the civil service.
keywords: [KEYWORD-$tag, promotion]
authors:
  - name: "$a1"
    email: author1.$tag@authors-7f3a.example.com
    orcid: $o1
    corresponding: true
    affiliations:
      - name: "AFFIL-$tag University"
        department: "DEPT-$tag"
        country: Kazakhstan
  - name: "$a2"
    email: author2.$tag@authors-7f3a.example.com
    orcid: $o2
    affiliations:
      - name: "AFFIL2-$tag Academy"
        country: UZ
  - name: "$a3"
    affiliations:
      - name: "AFFIL3-$tag Institute"
        country: KR
---

## Introduction

BODY-$tag: promotion in regional administrations follows networks.

## Method

We compare careers.
MD
    AUTHOR_IDS=("$a1" "$a2" "$a3" "Nopub${tag}son" "Непубл${tag}ова" "Kwon${tag}dong"
        "author1.$tag@authors-7f3a.example.com" "author2.$tag@authors-7f3a.example.com" "$o1" "$o2"
        "AFFIL-$tag University" "DEPT-$tag" "AFFIL2-$tag Academy" "AFFIL3-$tag Institute")
}

# submit TAG [--file ...]: submit a tagged manuscript; sets N to its number.
submit() {
    local tag=$1
    shift
    manuscript "$W/$tag.md" "$tag"
    if "$JOURNAL" -C "$J" submit "$W/$tag.md" "$@" >"$OUT" 2>"$ERR"; then
        N=$(grep -oE '[0-9]+' "$OUT" | head -1)
    else
        N=
        fail "submit $tag" "$(show_output)"
    fi
}

# comments FILE TEXT: a review comments file.
comments() { printf '%s\n' "$2" >"$1"; }

NREVIEWS=0
# review N ID VERDICT TAG: a verdict with distinctive comments to the author and to the editor.
review() {
    local n=$1 id=$2 verdict=$3 tag=$4
    NREVIEWS=$((NREVIEWS + 1))
    # Comments to the authors reach the author (in the letter), never the public.
    comments "$W/c-$tag-$id.md" "TO-AUTHORS-$tag-$NREVIEWS: the argument needs more data."
    comments "$W/x-$tag-$id.md" "CONFIDENTIAL-MARKER-7f3a-$tag-$NREVIEWS: I know who wrote this."
    secret "CONFIDENTIAL-MARKER-7f3a-$tag-$NREVIEWS" "TO-AUTHORS-$tag-$NREVIEWS"
    expect_exit 0 "review $n by $id ($verdict)" -- "$JOURNAL" -C "$J" review "$n" \
        --verdict "$verdict" --comments "$W/c-$tag-$id.md" --confidential "$W/x-$tag-$id.md" \
        --as "$id"
}

assign() {
    expect_exit 0 "assign $2 to $1" -- "$JOURNAL" -C "$J" assign "$1" --reviewer "$2"
}

# unpublished TAG: everything of the tagged manuscript is secret.
unpublished() {
    secret "TITLE-$1" "ABSTRACT-$1" "KEYWORD-$1" "BODY-$1" "${AUTHOR_IDS[@]}"
}

# ---- submissions in every state ----

echo "ATTACHMENT-CONTENT-7f3a" >"$W/data-ATTACHNAME-7f3a.csv"
submit SUBMITTEDq --file data-ATTACHNAME-7f3a.csv
S_SUB=$N
unpublished SUBMITTEDq
secret ATTACHMENT-CONTENT-7f3a ATTACHNAME-7f3a

submit UNDERREVIEWq
S_UR=$N
unpublished UNDERREVIEWq
assign "$S_UR" rv-quillon
assign "$S_UR" rv-elodie
review "$S_UR" rv-quillon major-revision UNDERREVIEWq

submit REVISIONq
S_REV=$N
unpublished REVISIONq
assign "$S_REV" rv-elodie
review "$S_REV" rv-elodie major-revision REVISIONq
expect_exit 0 "decide $S_REV revise" -- "$JOURNAL" -C "$J" decide "$S_REV" revise

submit REJECTEDq
S_REJ=$N
unpublished REJECTEDq
assign "$S_REJ" rv-vsevolod
review "$S_REJ" rv-vsevolod reject REJECTEDq
expect_exit 0 "decide $S_REJ reject" -- "$JOURNAL" -C "$J" decide "$S_REJ" reject

submit DESKq
S_DESK=$N
unpublished DESKq
expect_exit 0 "decide $S_DESK reject (desk)" -- "$JOURNAL" -C "$J" decide "$S_DESK" reject

submit ACCEPTEDq
S_ACC=$N
unpublished ACCEPTEDq
assign "$S_ACC" rv-hortensia
review "$S_ACC" rv-hortensia accept ACCEPTEDq

# Published after a revision: the first version's title and abstract, the response to
# the reviewers and every review stay private; the final version is public.
# Two attachments: the editor publishes one as supplementary material, the other stays private.
# Three pictures, each a PNG carrying a marker in a text chunk: the final text shows two, of
# which the editor keeps one private; only the other one is published (as a figure).
echo "SUPPLEMENT-CONTENT-7f3a" >"$W/supp-SUPPNAME-7f3a.csv"
echo "PRIVATE-ATTACHMENT-7f3a" >"$W/private-PRIVNAME-7f3a.csv"
png() {
    "$PY" -c '
import struct, sys, zlib
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
raw = b"".join(b"\0" + b"\xff\x00\x00" * 4 for _ in range(4))
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n"
    + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
    + chunk(b"tEXt", b"Comment\0" + sys.argv[2].encode())
    + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))' "$1" "$2"
}
png "$W/fig-public.png" "FIGURE-PUBLIC-7f3a"
png "$W/fig-private.png" "FIGURE-PRIVATE-7f3a"
png "$W/fig-UNSHOWN-7f3a.png" "FIGURE-UNSHOWN-7f3a"
submit PUBFIRSTq --file supp-SUPPNAME-7f3a.csv --file private-PRIVNAME-7f3a.csv \
    --file fig-public.png --file fig-private.png --file fig-UNSHOWN-7f3a.png
S_PUB=$N
public SUPPLEMENT-CONTENT-7f3a SUPPNAME-7f3a FIGURE-PUBLIC-7f3a
secret PRIVATE-ATTACHMENT-7f3a PRIVNAME-7f3a FIGURE-PRIVATE-7f3a FIGURE-UNSHOWN-7f3a UNSHOWN-7f3a
printf 'private: [fig-private.png]\n' >>"$J/submissions/$S_PUB/submission.yaml"
tgit -C "$J" commit -qam "Keep a figure private"
secret "TITLE-PUBFIRSTq" "ABSTRACT-PUBFIRSTq" "BODY-PUBFIRSTq"
assign "$S_PUB" rv-quillon
assign "$S_PUB" rv-vsevolod
review "$S_PUB" rv-quillon minor-revision PUBFIRSTq
review "$S_PUB" rv-vsevolod minor-revision PUBFIRSTq
expect_exit 0 "decide $S_PUB revise" -- "$JOURNAL" -C "$J" decide "$S_PUB" revise
manuscript "$W/PUBFINALq.md" PUBFINALq
# The revision keeps the authors of the first version.
sed -i 's/PUBFINALq/PUBFIRSTq/g; s/TITLE-PUBFIRSTq/TITLE-PUBFINALq/; s/ABSTRACT-PUBFIRSTq/ABSTRACT-PUBFINALq/; s/BODY-PUBFIRSTq/BODY-PUBFINALq/' \
    "$W/PUBFINALq.md"
printf '\n![A figure](files/fig-public.png)\n\n![Another](files/fig-private.png)\n' >>"$W/PUBFINALq.md"
echo "RESPONSE-MARKER-7f3a: we added the data." >"$W/response.md"
secret RESPONSE-MARKER-7f3a
expect_exit 0 "revise $S_PUB" -- "$JOURNAL" -C "$J" revise "$S_PUB" "$W/PUBFINALq.md" \
    --response "$W/response.md"
assign "$S_PUB" rv-quillon
review "$S_PUB" rv-quillon accept PUBFINALq
expect_exit 0 "decide $S_PUB accept" -- "$JOURNAL" -C "$J" decide "$S_PUB" accept
public "TITLE-PUBFINALq" "ABSTRACT-PUBFINALq" "BODY-PUBFINALq" "Nopubpubfirstqson"
expect_exit 0 "build-issue 3 publishes $S_PUB with one attachment as supplementary material" -- \
    "$JOURNAL" -C "$J" build-issue 3 --add "$S_PUB" --supplementary "$S_PUB:supp-SUPPNAME-7f3a.csv"

submit SCHEDULEDq
S_SCH=$N
unpublished SCHEDULEDq
assign "$S_SCH" rv-hortensia
review "$S_SCH" rv-hortensia accept SCHEDULEDq
expect_exit 0 "decide $S_SCH accept" -- "$JOURNAL" -C "$J" decide "$S_SCH" accept
expect_exit 0 "build-issue 4 --date $FUTURE schedules $S_SCH" -- \
    "$JOURNAL" -C "$J" build-issue 4 --add "$S_SCH" --date "$FUTURE" --title "SCHEDULED-ISSUE-7f3a"
secret SCHEDULED-ISSUE-7f3a
# The decision on S_ACC comes last so that it waits, accepted, outside any issue.
expect_exit 0 "decide $S_ACC accept" -- "$JOURNAL" -C "$J" decide "$S_ACC" accept

# Withdrawn at its authors' request while under review (journal withdraw): never on the site;
# the reason is the office's, in no public output and nothing an author or reviewer reads.
submit WITHDRAWNq
S_WD=$N
unpublished WITHDRAWNq
assign "$S_WD" rv-quillon
assign "$S_WD" rv-hortensia
review "$S_WD" rv-quillon minor-revision WITHDRAWNq
expect_exit 0 "withdraw $S_WD, rv-hortensia's invitation with it" -- "$JOURNAL" -C "$J" \
    withdraw "$S_WD" --reason "WITHDRAWAL-REASON-7f3a: sent to another journal"
secret WITHDRAWAL-REASON-7f3a

# The sample's two manuscripts under consideration (10 and 11) are unpublished too.
for n in 10 11; do
    "$PY" - "$J/submissions/$n/manuscript.md" >>"$SECRETS" <<'PY'
import sys, yaml
fm = yaml.safe_load(open(sys.argv[1], encoding="utf-8").read().split("---")[1])
print(fm["title"])
for a in fm["authors"]:
    print(a["name"])
PY
done

states=$(for n in $S_SUB $S_UR $S_REV $S_REJ $S_DESK $S_ACC $S_SCH $S_PUB $S_WD; do
    "$JOURNAL" -C "$J" show "$n" --json | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["state"])'
done | tr '\n' ' ')
check_eq "the journal has a submission in every state" \
    "submitted under-review revision-requested rejected desk-rejected accepted scheduled published withdrawn " \
    "$states"
check_eq "the work tree is clean" "" "$(git -C "$J" status --porcelain)"

# ---- every public output ----

PUB=$TEST_TMP/public
mkdir -p "$PUB"
expect_exit 0 "build-site" -- "$JOURNAL" -C "$J" build-site -o "$PUB/site"
expect_exit 0 "export doaj 3" -- "$JOURNAL" -C "$J" export doaj 3 -o "$PUB/doaj-3.xml"
expect_exit 0 "export doaj 1" -- "$JOURNAL" -C "$J" export doaj 1 -o "$PUB/doaj-1.xml"
expect_exit 1 "export doaj of the scheduled issue is refused" -- \
    "$JOURNAL" -C "$J" export doaj 4 -o "$PUB/doaj-4.xml"
expect_exit 0 "deposit 3 --dry-run" -- "$JOURNAL" -C "$J" deposit 3 --dry-run -o "$PUB/deposit-3.xml"
"$JOURNAL" -C "$J" deposit 4 --dry-run -o "$PUB/deposit-4.xml" >"$OUT" 2>"$ERR"
check_eq "the scheduled issue's deposit is refused (its articles are not published)" 1 "$?"
"$JOURNAL" -C "$J" stats --json >"$PUB/stats.json" 2>"$ERR" || fail "stats --json" "$(cat "$ERR")"
"$JOURNAL" -C "$J" stats --csv >"$PUB/stats.csv" 2>"$ERR" || fail "stats --csv" "$(cat "$ERR")"
"$JOURNAL" -C "$J" stats --lang ru >"$PUB/stats-ru.txt" 2>"$ERR" || fail "stats --lang ru" "$(cat "$ERR")"
# The editorial statistics (issue 19): aggregates only, for the office and for funders.
for f in "--json" "--csv" "--lang ru"; do
    # shellcheck disable=SC2086
    "$JOURNAL" -C "$J" stats --editorial $f >"$PUB/stats-editorial${f// /}.out" 2>"$ERR" ||
        fail "stats --editorial $f" "$(cat "$ERR")"
done
# A gzip copy of the site's feed: the scanner must look inside compressed files too.
gzip -c "$PUB/site/feed.xml" >"$PUB/feed.xml.gz"

# scan DESC DIR SECRETS PUBLIC: every file under DIR, decoded every way a leak could
# hide, must contain none of SECRETS' lines and (if given) every line of PUBLIC.
scan() {
    local desc=$1 dir=$2 secrets=$3 public=${4:-}
    if "$PY" - "$dir" "$secrets" "$public" >"$TEST_TMP/.scan" 2>&1 <<'PY'; then
import gzip, html, json, os, re, sys, unicodedata, urllib.parse, zlib

root, secrets_file, public_file = sys.argv[1], sys.argv[2], sys.argv[3]

def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    # Dashes, soft hyphens and zero-width characters could split a name.
    s = re.sub("[\u00ad\u200b\u200c\u200d\u2060\ufeff]", "", s)
    s = re.sub("[\u2010-\u2015\u2212]", "-", s)
    s = s.replace("ł", "l").replace("ø", "o").replace("đ", "d")
    return re.sub(r"\s+", " ", s).casefold()

def unescape_json(s):
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), s)

def variants(data):
    out = []
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    elif data[:1] == b"\x78":
        try:
            data = zlib.decompress(data)
        except zlib.error:
            pass
    text = data.decode("utf-8", errors="replace")
    for _ in range(2):
        out.append(text)
        text = html.unescape(unescape_json(urllib.parse.unquote(text)))
    out.append(text)
    # Line-wrapped or tag-split text (<span>Qu</span>illon): strip markup too.
    out.append(re.sub(r"<[^>]*>", "", text))
    return [fold(v) for v in out]

secrets = [l for l in open(secrets_file, encoding="utf-8").read().split("\n") if l.strip()]
publics = [l for l in open(public_file, encoding="utf-8").read().split("\n") if l.strip()] if public_file else []
folded = [(s, fold(s)) for s in secrets]
found_public = {p: False for p in publics}
leaks, nfiles = [], 0
for dirpath, dirnames, filenames in os.walk(root):
    for name in dirnames + filenames:
        for s, f in folded:
            if f in fold(name):
                leaks.append(f"{os.path.join(dirpath, name)}: the file name contains '{s}'")
    for name in filenames:
        path = os.path.join(dirpath, name)
        if os.path.islink(path):
            leaks.append(f"{path}: a symbolic link in the output")
            continue
        nfiles += 1
        vs = variants(open(path, "rb").read())
        for s, f in folded:
            if any(f in v for v in vs):
                leaks.append(f"{path}: contains '{s}'")
        for p in publics:
            if any(fold(p) in v for v in vs):
                found_public[p] = True
missing = [p for p, ok in found_public.items() if not ok]
print(f"{nfiles} files, {len(secrets)} secrets")
for l in leaks[:40]:
    print(l)
for p in missing:
    print(f"published text '{p}' not found anywhere (the search is broken)")
sys.exit(1 if leaks or missing or nfiles == 0 else 0)
PY
        pass "$desc ($(head -1 "$TEST_TMP/.scan"))"
    else
        fail "$desc" "$(head -c 4000 "$TEST_TMP/.scan")"
    fi
}

# The search itself: each way of hiding a name in a file must be caught.
SELF=$TEST_TMP/scan-self
printf '%s\n' "Élodie Vrąbelczyk-Ñuñez" "Всеволод Пржемысловцев" >"$TEST_TMP/scan-secrets.txt"
hide() { mkdir -p "$SELF/$1" && printf '%s' "$2" >"$SELF/$1/f"; }
hide entities '<p>&#201;lodie Vr&#x105;belczyk-&Ntilde;u&ntilde;ez</p>'
hide json '{"n": "\u00c9lodie Vr\u0105belczyk-\u00d1u\u00f1ez"}'
hide accents 'by Elodie Vrabelczyk-Nunez.'
hide upper 'ВСЕВОЛОД ПРЖЕМЫСЛОВЦЕВ'
hide percent 'mailto:x?subject=%D0%92%D1%81%D0%B5%D0%B2%D0%BE%D0%BB%D0%BE%D0%B4%20%D0%9F%D1%80%D0%B6%D0%B5%D0%BC%D1%8B%D1%81%D0%BB%D0%BE%D0%B2%D1%86%D0%B5%D0%B2'
hide wrapped '<dc:creator>Всеволод
      Пржемысловцев</dc:creator>'
hide markup '<span>Всеволод</span> <b>Пржемысловцев</b>'
mkdir -p "$SELF/gzip" && printf 'Всеволод Пржемысловцев' | gzip -c >"$SELF/gzip/f.gz"
mkdir -p "$SELF/name" && : >"$SELF/name/Всеволод Пржемысловцев.txt"
caught=0
for d in "$SELF"/*/; do
    # In a subshell: the deliberate failure must not count as this script's.
    (scan "self-test" "$d" "$TEST_TMP/scan-secrets.txt" >/dev/null)
    if grep -q "contains 'Élodie\|contains 'Всеволод\|file name contains" "$TEST_TMP/.scan"; then
        caught=$((caught + 1))
    else
        fail "the search finds a name hidden as ${d%/}" "$(cat "$TEST_TMP/.scan")"
    fi
done
check_eq "the search finds every hidden name (entities, JSON, accents, case, percent, wrapping, markup, gzip, file name)" \
    9 "$caught"

scan "no secret in the site, the exports, the deposit or the statistics (double-blind)" \
    "$PUB" "$SECRETS" "$PUBLIC"

# Peer review in numbers (publish_editorial_stats: true) on the statistics page of each
# language: there, and in `stats --editorial`, no reviewer id either, and on the page no count
# under 5: it reads "fewer than 5" ("менее 5"), a rate or median resting on fewer "—".
check "Peer review in numbers: on the page in each language, no reviewer id, no count under 5" -- \
    "$PY" - "$PUB" $RV_IDS <<'PY'
import glob, html, os, re, sys
pub, ids = sys.argv[1], sys.argv[2:]
pages = [os.path.join(pub, "site/statistics/index.html"), os.path.join(pub, "site/ru/statistics/index.html")]
for path in pages + glob.glob(os.path.join(pub, "stats-editorial*")):
    text = open(path, encoding="utf-8").read()
    for i in ids:
        assert i not in text, f"{path}: names the reviewer {i}"
for path in pages:
    page = open(path, encoding="utf-8").read()
    # The counts: submissions received and reviewers (the editorial table's 1st and 5th data
    # cells), reviewers per country (the only data cell); the others are a rate and medians.
    cells = []
    for table, columns in (("editorial", (0, 4)), ("reviewer-countries", (0,))):
        m = re.search(r'<table id="stats-%s".*?<tbody>(.*?)</tbody>' % table, page, re.S)
        assert m, f"{path}: no table {table}"
        for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
            tds = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                   for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
            cells += [tds[k] for k in columns]
    small = [c for c in cells if not (c in ("fewer than 5", "менее 5") or (c.isdigit() and int(c) >= 5))]
    assert not small, f"{path}: a count under 5 shown: {small}"
    assert any(c in ("fewer than 5", "менее 5") for c in cells), f"{path}: nothing suppressed? {cells}"
PY

# Nothing of the journal's own state (.journal/, .git/, the roster, records, letters,
# reviews) is copied into the site.
leaked_files=$(cd "$PUB/site" && find . \( -name '*.db' -o -name '.git' -o -name '.journal' \
    -o -name 'lock' -o -name 'submission.yaml' -o -name 'reviewers.yaml' -o -name 'journal.yaml' \
    -o -path '*/reviews/*' -o -path '*/letters/*' -o -path '*/responses/*' -o -path '*/files/*' \) -print |
    grep -vxF "./articles/$S_PUB/files/fig-public.png")
check_eq "no index, outbox, lock, git data, record, review, letter or attachment in the site (but the figure its text shows)" "" \
    "$leaked_files"
check "the figure the published text shows is beside its page" -- \
    cmp "$PUB/site/articles/$S_PUB/files/fig-public.png" "$W/fig-public.png"
check_eq "no SQLite database or git object inside any site file" "" \
    "$(grep -rlaE 'SQLite format 3|^ref: refs/' "$PUB/site" | head -5)"

# ---- author-facing text: letters, mail, show --role author ----

# The identities that must never reach an author: every reviewer's id, name, family
# name, email, ORCID iD and institution.
REVIEWERS=$TEST_TMP/reviewers.txt
for id in $RV_IDS; do
    printf '%s\n' "$id" "${RV_NAME[$id]}" "${RV_NAME[$id]##* }" "${RV_EMAIL[$id]}" \
        "${RV_ORCID[$id]}" "${RV_AFF[$id]}"
done >"$REVIEWERS"
grep -h CONFIDENTIAL-MARKER "$SECRETS" >>"$REVIEWERS"

AUTHOR_VIEW=$TEST_TMP/author-view
rm -rf "$AUTHOR_VIEW"
mkdir -p "$AUTHOR_VIEW"
cp -R "$J/submissions/." "$AUTHOR_VIEW/"
# Decision letters as committed.
find "$AUTHOR_VIEW" -type f ! -path '*/letters/*' -delete
for n in $S_SUB $S_UR $S_REV $S_REJ $S_DESK $S_ACC $S_SCH $S_PUB $S_WD; do
    "$JOURNAL" -C "$J" show "$n" --role author >"$AUTHOR_VIEW/show-$n.txt" 2>"$ERR" ||
        fail "show $n --role author" "$(cat "$ERR")"
    "$JOURNAL" -C "$J" show "$n" --role author --json >"$AUTHOR_VIEW/show-$n.json" 2>"$ERR" ||
        fail "show $n --role author --json" "$(cat "$ERR")"
done
# A submission whose record has no history (made before journal kept one, like the
# sample's 10): show --role author falls back to the commits, whose messages name
# reviewers; a review committed by hand must not show through, whatever its case.
mkdir -p "$J/submissions/10/reviews/round-1"
printf 'reviewer: rv-quillon\n' >"$J/submissions/10/reviews/round-1/rv-quillon.yaml"
tgit -C "$J" add -A && tgit -C "$J" commit -qm "Review #10 by rv-quillon (Quillon Zarathustrova)"
"$JOURNAL" -C "$J" show 10 --role author >"$AUTHOR_VIEW/show-10.txt" 2>&1
"$JOURNAL" -C "$J" show 10 --role author --json >"$AUTHOR_VIEW/show-10.json" 2>&1
check "show 10 --role author still lists the sample's own commits" -- \
    grep -q "Sample journal" "$AUTHOR_VIEW/show-10.txt"
tgit -C "$J" reset -q --hard HEAD~1
check "decision letters were written for the decided submissions" -- \
    test "$(find "$AUTHOR_VIEW" -path '*/letters/*' -type f | wc -l)" -ge 6

# outbox_dump DIR PURPOSE...: each queued message of those purposes, decoded (MIME
# headers, quoted-printable and base64 bodies), one file each.
outbox_dump() {
    local dir=$1
    shift
    "$PY" - "$J/.journal/outbox.db" "$dir" "$@" <<'PY'
import email, email.policy, sqlite3, sys
db, out, purposes = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = sqlite3.connect(db).execute(
    "SELECT id, purpose, recipients, message FROM messages").fetchall()
n = 0
for id, purpose, recipients, message in rows:
    if purpose not in purposes:
        continue
    msg = email.message_from_bytes(bytes(message), policy=email.policy.default)
    parts = [str(msg.get(h, "")) for h in ("From", "To", "Cc", "Reply-To", "Subject")]
    for part in msg.walk():
        if not part.is_multipart():
            parts.append(part.get_content() if part.get_content_maintype() == "text"
                         else repr(part.get_payload(decode=True)))
    with open(f"{out}/mail-{id}-{purpose}.txt", "w", encoding="utf-8") as f:
        f.write("\n".join(parts) + "\n")
        f.write(bytes(message).decode("utf-8", "replace"))
    n += 1
print(n)
PY
}

n_author_mail=$(outbox_dump "$AUTHOR_VIEW" acknowledgement decision submission-withdrawn)
check "the outbox holds acknowledgements and decisions for the authors" -- test "${n_author_mail:-0}" -ge 14
check "... and the acknowledgement of the withdrawal" -- \
    sh -c "ls '$AUTHOR_VIEW' | grep -q -- '-submission-withdrawn\.txt\$'"
scan "no reviewer identity or confidential comment in any letter, author mail or show --role author" \
    "$AUTHOR_VIEW" "$REVIEWERS"
check "the author sees the withdrawal, not its reason" -- sh -c \
    "grep -q '\"what\": \"withdrawn\"' '$AUTHOR_VIEW/show-$S_WD.json' && ! grep -rq WITHDRAWAL-REASON-7f3a '$AUTHOR_VIEW'"
check "the author sees the comments to authors (the letter is not empty)" -- \
    grep -rq "TO-AUTHORS-REJECTEDq-" "$AUTHOR_VIEW"

# ---- reviewer-facing text under double-blind review: packets and invitations ----

REVIEWER_VIEW=$TEST_TMP/reviewer-view
mkdir -p "$REVIEWER_VIEW"
n_inv=$(outbox_dump "$REVIEWER_VIEW" invitation withdrawal)
check "the outbox holds the invitations" -- test "${n_inv:-0}" -ge 9
check "... and the withdrawal of rv-hortensia's (no reason quoted)" -- sh -c \
    "grep -q 'Invitation withdrawn: review of submission $S_WD\$' \"$REVIEWER_VIEW\"/*-withdrawal.txt && ! grep -rq WITHDRAWAL-REASON-7f3a '$REVIEWER_VIEW'"
AUTHORS_UR=$TEST_TMP/authors-ur.txt
: >"$AUTHORS_UR"
for tag in UNDERREVIEWq; do
    manuscript "$W/tmp.md" "$tag"
    printf '%s\n' "${AUTHOR_IDS[@]}" >>"$AUTHORS_UR"
done
for id in rv-quillon rv-elodie; do
    expect_exit 0 "packet $S_UR for $id" -- \
        "$JOURNAL" -C "$J" packet "$S_UR" --reviewer "$id" -o "$REVIEWER_VIEW/packet-$id.md"
done
check "the packet holds the manuscript" -- grep -q "BODY-UNDERREVIEWq" "$REVIEWER_VIEW/packet-rv-quillon.md"
# Every author of every manuscript, for the invitations.
ALL_AUTHORS=$TEST_TMP/all-authors.txt
for tag in SUBMITTEDq UNDERREVIEWq REVISIONq REJECTEDq DESKq ACCEPTEDq PUBFIRSTq SCHEDULEDq WITHDRAWNq; do
    manuscript "$W/tmp.md" "$tag"
    printf '%s\n' "${AUTHOR_IDS[@]}"
done >"$ALL_AUTHORS"
scan "double-blind: no author's name, email, ORCID iD or affiliation in packets or invitations" \
    "$REVIEWER_VIEW" "$ALL_AUTHORS"

# An author named in the abstract or title is reported, like one named in the body.
manuscript "$W/self.md" SELFq
sed -i 's/^  ABSTRACT-SELFq: /  ABSTRACT-SELFq: as Nopubselfqson showed, /' "$W/self.md"
submit_self() { "$JOURNAL" -C "$J" submit "$W/self.md"; }
S_SELF=$(submit_self 2>/dev/null | grep -oE '[0-9]+' | head -1)
assign "$S_SELF" rv-hortensia
expect_exit 0 "packet of a manuscript whose abstract names its author" -- \
    "$JOURNAL" -C "$J" packet "$S_SELF" --reviewer rv-hortensia -o "$REVIEWER_VIEW/self.md"
expect_stderr_match "warning: .*self\.md:[0-9]+: names the author Ulrich NopubSELFqson" \
    "the packet warns about the author named in the abstract"
# Authors named in another case, order or script than the front matter's are reported too.
cat >>"$W/self.md" <<'MD'

Как показано НепублSELFqовой ранее, сети важны.

As Min-jun KwonSELFqdong found, they are.

Ulrich НопубSELFqсон disagrees.
MD
S_SELF2=$(submit_self 2>/dev/null | grep -oE '[0-9]+' | head -1)
assign "$S_SELF2" rv-hortensia
expect_exit 0 "packet of a manuscript naming its authors in other forms" -- \
    "$JOURNAL" -C "$J" packet "$S_SELF2" --reviewer rv-hortensia -o "$REVIEWER_VIEW/self2.md"
expect_stderr_match "names the author Ксения НепублSELFqова: Как показано НепублSELFqовой" \
    "the packet warns about the Cyrillic author named in the instrumental case"
expect_stderr_match "names the author KwonSELFqdong Min-jun: As Min-jun KwonSELFqdong found" \
    "the packet warns about the Korean author named in the other order"
expect_stderr_match "names the author Ulrich NopubSELFqson: Ulrich НопубSELFqсон disagrees" \
    "the packet warns about the Latin author written in Cyrillic"

# A reviewer who signs in another order or script is caught in the author's letter.
submit SIGNEDq
S_SIGNED=$N
assign "$S_SIGNED" rv-jiho
printf 'TO-AUTHORS-SIGNEDq: fine work.\n\nJi-ho Yoonqwan\n' >"$W/signed-jiho.md"
printf 'CONFIDENTIAL-MARKER-7f3a-SIGNEDq\n' >"$W/x-signed.md"
printf 'TO-AUTHORS-SIGNEDq: fine work.\n' >"$W/c-SIGNEDq.md"
expect_exit 0 "review $S_SIGNED by rv-jiho, signed in the other order" -- "$JOURNAL" -C "$J" \
    review "$S_SIGNED" --verdict accept --comments "$W/signed-jiho.md" \
    --confidential "$W/x-signed.md" --as rv-jiho
expect_exit 1 "decide refuses the letter signed 'Ji-ho Yoonqwan' for 'Yoonqwan Ji-ho'" -- \
    "$JOURNAL" -C "$J" decide "$S_SIGNED" accept
expect_stderr_match "names the reviewer rv-jiho \(\"Yoonqwan Ji-ho\"\)" "the refusal names the reviewer"
assign "$S_SIGNED" rv-vsevolod
printf 'TO-AUTHORS-SIGNEDq: fine work.\n\nВ. Пржемысловцев\n' >"$W/signed-vsevolod.md"
expect_exit 0 "rv-jiho amends the review without the signature" -- "$JOURNAL" -C "$J" \
    review "$S_SIGNED" --verdict accept --comments "$W/c-SIGNEDq.md" \
    --confidential "$W/x-signed.md" --as rv-jiho --amend
expect_exit 0 "review $S_SIGNED by rv-vsevolod, signed with an initial" -- "$JOURNAL" -C "$J" \
    review "$S_SIGNED" --verdict accept --comments "$W/signed-vsevolod.md" \
    --confidential "$W/x-signed.md" --as rv-vsevolod
expect_exit 1 "decide refuses the letter signed 'В. Пржемысловцев' for 'Всеволод Пржемысловцев'" -- \
    "$JOURNAL" -C "$J" decide "$S_SIGNED" accept
expect_stderr_match "names the reviewer rv-vsevolod" "the refusal names the Cyrillic reviewer"

# ---- single-blind: authors still never see reviewers; reviewers see authors ----

sed -i 's/^review_mode: .*/review_mode: single-blind/' "$J/journal.yaml"
tgit -C "$J" commit -qam "single-blind" || fail "commit single-blind"
submit SINGLEq
S_SINGLE=$N
assign "$S_SINGLE" rv-quillon
review "$S_SINGLE" rv-quillon reject SINGLEq
expect_exit 0 "decide $S_SINGLE reject" -- "$JOURNAL" -C "$J" decide "$S_SINGLE" reject
expect_exit 0 "single-blind packet" -- "$JOURNAL" -C "$J" packet "$S_SELF" --reviewer rv-hortensia
expect_stdout_match "Nopubselfqson" "single-blind: the packet names the authors"
SINGLE_VIEW=$TEST_TMP/single-view
mkdir -p "$SINGLE_VIEW"
cp -R "$J/submissions/$S_SINGLE/letters" "$SINGLE_VIEW/"
"$JOURNAL" -C "$J" show "$S_SINGLE" --role author >"$SINGLE_VIEW/show.txt" 2>&1
"$JOURNAL" -C "$J" show "$S_SINGLE" --role author --json >"$SINGLE_VIEW/show.json" 2>&1
outbox_dump "$SINGLE_VIEW" acknowledgement decision >/dev/null
check "single-blind: the letter is there" -- grep -rq "TO-AUTHORS-SINGLEq-" "$SINGLE_VIEW"
scan "single-blind: no reviewer identity in letters, mail or show --role author" \
    "$SINGLE_VIEW" "$REVIEWERS"

# ---- open review: a signed review is published, the rest is not ----

sed -i 's/^review_mode: .*/review_mode: open/' "$J/journal.yaml"
tgit -C "$J" commit -qam "open review" || fail "commit open review"
submit OPENq
S_OPEN=$N
assign "$S_OPEN" rv-hortensia
assign "$S_OPEN" rv-elodie
comments "$W/signed.md" "SIGNED-REVIEW-7f3a: a careful study."
comments "$W/signed-x.md" "CONFIDENTIAL-MARKER-7f3a-signed: between us, it is borderline."
comments "$W/unsigned.md" "UNSIGNED-REVIEW-7f3a: fine."
expect_exit 0 "a signed review under open review" -- "$JOURNAL" -C "$J" review "$S_OPEN" \
    --verdict accept --comments "$W/signed.md" --confidential "$W/signed-x.md" --as rv-hortensia --sign
expect_exit 0 "an unsigned review" -- "$JOURNAL" -C "$J" review "$S_OPEN" --verdict accept \
    --comments "$W/unsigned.md" --as rv-elodie
expect_exit 0 "decide $S_OPEN accept" -- "$JOURNAL" -C "$J" decide "$S_OPEN" accept
expect_exit 0 "build-issue 5 publishes $S_OPEN" -- "$JOURNAL" -C "$J" build-issue 5 --add "$S_OPEN"
OPEN_SECRETS=$TEST_TMP/open-secrets.txt
# The signer's name and institution are published with the review, by design.
grep -vxF -e "Hortensia Blumwaldt-Okonkwo" -e "Blumwaldt-Okonkwo" -e "${RV_AFF[rv-hortensia]}" "$SECRETS" >"$OPEN_SECRETS"
printf '%s\n' CONFIDENTIAL-MARKER-7f3a-signed UNSIGNED-REVIEW-7f3a >>"$OPEN_SECRETS"
rm -rf "$PUB/site"
expect_exit 0 "build-site under open review" -- "$JOURNAL" -C "$J" build-site -o "$PUB/site"
: >"$TEST_TMP/open-public.txt"
printf '%s\n' "SIGNED-REVIEW-7f3a" "Hortensia Blumwaldt-Okonkwo" "TITLE-OPENq" >"$TEST_TMP/open-public.txt"
scan "open review: the signed review and its signer are published, nothing else is" \
    "$PUB/site" "$OPEN_SECRETS" "$TEST_TMP/open-public.txt"

# Back to double-blind: the journal no longer publishes reviews, signed or not.
sed -i 's/^review_mode: .*/review_mode: double-blind/' "$J/journal.yaml"
tgit -C "$J" commit -qam "double-blind again" || fail "commit double-blind"
printf '%s\n' SIGNED-REVIEW-7f3a "Hortensia Blumwaldt-Okonkwo" "${RV_AFF[rv-hortensia]}" >>"$OPEN_SECRETS"
expect_exit 0 "build-site under double-blind review again" -- "$JOURNAL" -C "$J" build-site -o "$PUB/site"
printf '%s\n' "TITLE-OPENq" >"$TEST_TMP/open-public.txt"
scan "double-blind again: signed reviews are no longer on the site" \
    "$PUB/site" "$OPEN_SECRETS" "$TEST_TMP/open-public.txt"

finish
