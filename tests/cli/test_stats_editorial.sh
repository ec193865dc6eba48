#!/usr/bin/env bash
# journal stats --editorial (issue 19): a journal history scripted day by day (JOURNAL_TODAY),
# with submissions, a desk rejection, reviews, an invitation left unanswered until it
# expires, two rounds, acceptances, a rejection and publication; every figure is checked
# against the value worked out by hand below. Invitations end every way the workflow records:
# reviewed, declined, withdrawn (decide --without), expired, still waiting. One submission is
# withdrawn after its acceptance (journal withdraw): withdrawn, neither accepted nor decided.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
J=$TEST_TMP/j
W=$TEST_TMP/work
sample_journal "$J" || finish
mkdir -p "$W"
cd "$W" || finish
# The sample's roster and theme, none of its submissions or issues.
tgit -C "$J" rm -rq submissions issues && tgit -C "$J" commit -qm "An empty journal" ||
    fail "remove the sample's submissions"

# on DATE CMD...: run journal on DATE.
on() {
    local day=$1
    shift
    JOURNAL_TODAY=$day expect_exit 0 "$day: journal $*" -- "$JOURNAL" -C "$J" "$@"
}

# manuscript FILE TAG LANG COUNTRY...: one author per country.
manuscript() {
    local file=$1 tag=$2 lang=$3 i=0
    shift 3
    {
        printf -- '---\ntitle: "Manuscript %s on civil service careers"\nlang: %s\n' "$tag" "$lang"
        printf 'type: research-article\nabstract: "Careers of officials in %s."\n' "$tag"
        printf 'keywords: [careers, %s]\nauthors:\n' "$tag"
        for c in "$@"; do
            i=$((i + 1))
            printf '  - name: "Author%s Number%s"\n' "$tag" "$i"
            [ $i -eq 1 ] && printf '    email: a%s@authors.example.com\n    corresponding: true\n' "$tag"
            printf '    affiliations:\n      - name: "Institute %s %s"\n        country: %s\n' \
                "$tag" "$i" "$c"
        done
        printf -- '---\n\n## Introduction\n\nText of %s.\n' "$tag"
    } >"$file"
}

# submit DATE TAG LANG COUNTRY...: sets N.
submit() {
    local day=$1 tag=$2
    shift 2
    manuscript "$W/$tag.md" "$tag" "$@"
    if JOURNAL_TODAY=$day "$JOURNAL" -C "$J" submit "$W/$tag.md" >"$OUT" 2>"$ERR"; then
        N=$(grep -oE '[0-9]+' "$OUT" | head -1)
        pass "$day: submit $tag"
    else
        N=
        fail "$day: submit $tag" "$(show_output)"
    fi
}

review() { # DATE N REVIEWER VERDICT
    printf 'Comments of %s.\n' "$3" >"$W/c-$2-$3.md"
    on "$1" review "$2" --verdict "$4" --comments "$W/c-$2-$3.md" --as "$3"
}

KZ=asel-bekova       # reviewers' countries in the sample roster
UZ1=dilnoza-yusupova
UZ2=malika-tursunova
KG=cholpon-asanova

# S1: two rounds, accepted, published.
submit 2025-01-10 S1 en KZ UZ
S1=$N
on 2025-01-12 assign "$S1" --reviewer "$KZ"
on 2025-01-12 assign "$S1" --reviewer "$UZ1"
review 2025-01-20 "$S1" "$KZ" minor-revision
review 2025-01-25 "$S1" "$UZ1" major-revision
on 2025-02-01 decide "$S1" revise
manuscript "$W/S1b.md" S1 en KZ UZ
on 2025-02-20 revise "$S1" "$W/S1b.md"
on 2025-02-21 assign "$S1" --reviewer "$KZ"
on 2025-02-21 assign "$S1" --reviewer "$UZ1"
review 2025-03-01 "$S1" "$KZ" accept
on 2025-03-05 decide "$S1" accept --without "$UZ1"
# S2: in Russian, desk-rejected.
submit 2025-01-15 S2 ru KZ
S2=$N
on 2025-01-18 decide "$S2" reject
# S3: rejected after one review; the other invitation was never answered (17 days: expired).
submit 2025-02-01 S3 en KG
S3=$N
on 2025-02-03 assign "$S3" --reviewer "$KG"
on 2025-02-03 assign "$S3" --reviewer "$UZ2"
review 2025-02-13 "$S3" "$KG" reject
on 2025-02-20 decide "$S3" reject
# S4: two reviewers invited, one declines, accepted, published.
submit 2025-03-01 S4 en UZ
S4=$N
on 2025-03-02 assign "$S4" --reviewer "$UZ2"
on 2025-03-02 assign "$S4" --reviewer "$KG"
on 2025-03-04 assign "$S4" --decline "$KG" --reason "Travelling"
review 2025-03-12 "$S4" "$UZ2" accept
on 2025-03-15 decide "$S4" accept
on 2025-04-01 build-issue 1 --add "$S1" --add "$S4"
# 2026: S5 under review (its invitation still waiting), S6 just submitted.
submit 2026-01-05 S5 en KZ
S5=$N
on 2026-01-06 assign "$S5" --reviewer "$UZ1"
submit 2026-01-08 S6 en KG KZ
S6=$N
# S8 (received in 2025, numbered after S6): reviewed, accepted, then withdrawn by its authors.
submit 2025-03-10 S8 en KG
S8=$N
on 2025-03-11 assign "$S8" --reviewer "$KZ"
review 2025-03-18 "$S8" "$KZ" accept
on 2025-03-20 decide "$S8" accept
on 2025-03-25 withdraw "$S8" --reason "Published elsewhere"
check_eq "seven submissions, numbered from 1" "1 2 3 4 5 6 7" "$S1 $S2 $S3 $S4 $S5 $S6 $S8"

export JOURNAL_TODAY=2026-01-15
expect_exit 0 "stats --editorial --json" -- "$JOURNAL" -C "$J" stats --editorial --json
cp "$OUT" editorial.json
check "every figure as worked out by hand" -- "$PY" - editorial.json <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
def same(got, want, what):
    assert got == want, f"{what}: {got!r}, expected {want!r}"
y = {e["year"]: e for e in s["by_year"]}
same(sorted(y), [2025, 2026], "years")
a, b = y[2025], y[2026]
# 2025: S1 accepted, S2 desk-rejected, S3 rejected, S4 accepted, S8 withdrawn (after its
# acceptance: withdrawn, not accepted); sent to review S1 S3 S4 S8.
for k, v in dict(received=5, desk_rejected=1, sent_to_review=4, accepted=2, rejected=1,
                 withdrawn=1, open=0).items():
    same(a[k], v, "2025 " + k)
# acceptance rate = 2 / (2 + 1 + 1) = 0.5: S8 is in neither part (counted as accepted it
# would be 3 / 5 = 0.6; in the denominator alone, 2 / 5 = 0.4).
same(a["acceptance_rate"], 0.5, "2025 acceptance_rate")
# First decisions: S2 01-15 -> 01-18 = 3; S8 03-10 -> 03-20 (accept, before its withdrawal)
# = 10; S4 03-01 -> 03-15 = 14; S3 02-01 -> 02-20 = 19; S1 01-10 -> 02-01 (revise) = 22.
# Sorted [3, 10, 14, 19, 22]: median rank ceil(0.5*5) = 3 -> 14, p90 rank ceil(0.9*5) = 5 -> 22.
same(a["days_to_first_decision"], {"median": 14, "p90": 22}, "2025 days_to_first_decision")
# Acceptance, of the accepted only (not S8): S4 14; S1 01-10 -> 03-05 = 21 + 28 + 5 = 54.
# [14, 54]: rank 1 -> 14, rank 2 -> 54.
same(a["days_to_acceptance"], {"median": 14, "p90": 54}, "2025 days_to_acceptance")
# Accepted -> published 04-01: S4 03-15 = 17, S1 03-05 = 27.
same(a["days_acceptance_to_publication"], {"median": 17, "p90": 27}, "2025 days_acceptance_to_publication")
# Received -> published: S4 03-01 -> 04-01 = 31, S1 01-10 -> 04-01 = 21 + 28 + 31 + 1 = 81.
same(a["days_to_publication"], {"median": 31, "p90": 81}, "2025 days_to_publication")
# Invitations: S1 4 (three reviewed; UZ1's of round 2 withdrawn by decide --without), S3 2
# (one reviewed; UZ2's sent 02-03 and never answered: expired), S4 2 (one reviewed, one
# declined), S8 1 (reviewed: its withdrawal had no open invitation to withdraw).
same(a["invitations"], dict(sent=9, accepted=6, declined=1, expired=1, withdrawn=1, waiting=0),
     "2025 invitations")
# Invitation -> review: S1 01-12 -> 01-20 = 8, 01-12 -> 01-25 = 13, 02-21 -> 03-01 = 8;
# S3 02-03 -> 02-13 = 10; S4 03-02 -> 03-12 = 10; S8 03-11 -> 03-18 = 7.
# [7, 8, 8, 10, 10, 13]: median rank ceil(0.5*6) = 3 -> 8, p90 rank ceil(0.9*6) = 6 -> 13.
same(a["days_to_review"], {"median": 8, "p90": 13}, "2025 days_to_review")
# Reviews of the decided S1 3 + S2 0 + S3 1 + S4 1 = 5 (S8's is of no decided manuscript),
# over 4: 1.25. Rounds S1 2 + S4 1 over 2.
same(a["reviews_per_decided_manuscript"], 1.25, "2025 reviews_per_decided_manuscript")
same(a["rounds_per_accepted_manuscript"], 1.5, "2025 rounds_per_accepted_manuscript")
# Whole counting: KZ S1 S2 (1 accepted of 2 decided), UZ S1 S4 (2 of 2), KG S3 S8 (0 of 1:
# S8 received, not decided).
bc = {r["code"]: (r["received"], r["accepted"], r["acceptance_rate"]) for r in a["by_country"]}
same(bc, {"KZ": (2, 1, 0.5), "UZ": (2, 2, 1.0), "KG": (2, 0, 0.0)}, "2025 by_country")
# en: S1 S3 S4 S8, 2 accepted of 3 decided = 0.6667; ru: S2, desk-rejected.
bl = {r["code"]: (r["received"], r["accepted"], r["acceptance_rate"]) for r in a["by_language"]}
same(bl, {"en": (4, 2, 0.6667), "ru": (1, 0, 0.0)}, "2025 by_language")
# Who reviewed: asel-bekova (KZ) three times (S1 twice, S8), dilnoza-yusupova (UZ),
# malika-tursunova (UZ), cholpon-asanova (KG) once each: 4 reviewers, loads [1, 1, 1, 3]:
# median rank 2 -> 1, max 3.
rc = {r["code"]: r["reviewers"] for r in a["reviewer_countries"]}
same(rc, {"UZ": 2, "KZ": 1, "KG": 1}, "2025 reviewer_countries")
same(a["reviewers"], {"active": 4, "without_country": 0,
                      "reviews_per_reviewer": {"median": 1, "max": 3}}, "2025 reviewers")
# 2026: S5 under review (its invitation of 01-06 is 9 days old: waiting), S6 submitted.
for k, v in dict(received=2, desk_rejected=0, sent_to_review=1, accepted=0, rejected=0,
                 withdrawn=0, open=2).items():
    same(b[k], v, "2026 " + k)
same(b["acceptance_rate"], None, "2026 acceptance_rate (nothing decided)")
same(b["days_to_first_decision"], {"median": None, "p90": None}, "2026 days_to_first_decision")
same(b["invitations"], dict(sent=1, accepted=0, declined=0, expired=0, withdrawn=0, waiting=1),
     "2026 invitations")
bc = {r["code"]: r["received"] for r in b["by_country"]}
same(bc, {"KZ": 2, "KG": 1}, "2026 by_country")
same(b["reviewers"]["active"], 0, "2026 reviewers")
# All years: the sums, and the figures over every submission.
for k, v in dict(received=7, desk_rejected=1, sent_to_review=5, accepted=2, rejected=1,
                 withdrawn=1, open=2).items():
    same(s[k], v, "all " + k)
same(s["acceptance_rate"], 0.5, "all acceptance_rate")
same(s["days_to_first_decision"], {"median": 14, "p90": 22}, "all days_to_first_decision")
same(s["invitations"], dict(sent=10, accepted=6, declined=1, expired=1, withdrawn=1, waiting=1),
     "all invitations")
# KZ: S1 S2 S5 S6 (1 accepted of 2 decided); KG: S3 S6 S8 (0 of 1); UZ: S1 S4.
bc = {r["code"]: (r["received"], r["accepted"], r["acceptance_rate"]) for r in s["by_country"]}
same(bc, {"KZ": (4, 1, 0.5), "UZ": (2, 2, 1.0), "KG": (3, 0, 0.0)}, "all by_country")
same([r["code"] for r in s["by_country"]], ["KZ", "KG", "UZ"], "by_country: most first, then code")
for key in ("received", "desk_rejected", "sent_to_review", "accepted", "rejected", "withdrawn",
            "open", "acceptance_rate", "days_to_first_decision", "days_to_acceptance",
            "days_acceptance_to_publication", "invitations", "days_to_review", "by_country",
            "by_language", "reviewer_countries", "by_year"):
    assert key in s, f"the JSON has no {key}"
assert "Desk-rejected: rejected with no reviewer ever assigned." in s["definitions"], s["definitions"]
PY

# Expiry by date: on 2026-01-20 the invitation of 2026-01-06 is 14 days old and still waits;
# on 2026-01-21 the invitation of 2026-01-06 is 15 days old (> 14).
JOURNAL_TODAY=2026-01-20 expect_exit 0 "stats --editorial --json, five days later" -- \
    "$JOURNAL" -C "$J" stats --editorial --json
check "an invitation unanswered for exactly invitation_days (14) still waits" -- "$PY" -c '
import json, sys
s = json.load(sys.stdin)
assert s["invitations"]["expired"] == 1 and s["invitations"]["waiting"] == 1, s["invitations"]' <"$OUT"
JOURNAL_TODAY=2026-01-21 expect_exit 0 "stats --editorial --json, six days later" -- \
    "$JOURNAL" -C "$J" stats --editorial --json
check "an invitation unanswered for more than invitation_days (14) has expired" -- "$PY" -c '
import json, sys
s = json.load(sys.stdin)
assert s["invitations"]["expired"] == 2 and s["invitations"]["waiting"] == 0, s["invitations"]' <"$OUT"
# invitation_days: 20 in journal.yaml: on 2026-01-21 the same invitation still waits.
echo "invitation_days: 20" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "Invitations expire after 20 days"
JOURNAL_TODAY=2026-01-21 expect_exit 0 "stats --editorial --json, invitation_days 20" -- \
    "$JOURNAL" -C "$J" stats --editorial --json
check "journal.yaml's invitation_days sets when an invitation expires" -- "$PY" -c '
import json, sys
s = json.load(sys.stdin)
assert s["invitations"]["expired"] == 1 and s["invitations"]["waiting"] == 1, s["invitations"]' <"$OUT"

# --year: that year only.
expect_exit 0 "stats --editorial --year 2025 --json" -- "$JOURNAL" -C "$J" stats --editorial --year 2025 --json
check "--year 2025: the figures of 2025 only" -- "$PY" -c '
import json, sys
s = json.load(sys.stdin)
assert (s["year"], s["received"], s["accepted"], s["withdrawn"], s["acceptance_rate"], s["by_year"]) == (2025, 5, 2, 1, 0.5, []), s' <"$OUT"

# Text: the figures with their definitions.
expect_exit 0 "stats --editorial" -- "$JOURNAL" -C "$J" stats --editorial
expect_stdout_match "^  7 submissions received$" "text: seven submissions received"
expect_stdout_match "^  Withdrawn: 1$" "text: one withdrawn"
expect_stdout_match "^  Acceptance rate: 2/4 = 50\.0% \(accepted / \(accepted \+ rejected \+ desk-rejected\)\)$" \
    "text: the acceptance rate with its definition"
expect_stdout_match "^  Days from submission to first decision: median 14, 90th percentile 22 \(n = 5\)$" \
    "text: days to first decision, median and 90th percentile"
expect_stdout_match "^  Review invitations: 10 sent, 6 accepted, 1 declined, 1 expired, 1 withdrawn, 1 waiting$" \
    "text: the invitations"
expect_stdout_match "Desk-rejected: rejected with no reviewer ever assigned\." "text: desk rejection defined"
expect_stdout_match "nearest-rank" "text: the percentile method named"
expect_stdout_match "^  Kazakhstan \(KZ\) +4 +1 +50\.0%$" "text: Kazakhstan by whole counting"
expect_stdout_no_match "asel-bekova|Author|Manuscript S" "text: no reviewer, author or title"

expect_exit 0 "stats --editorial --lang ru" -- "$JOURNAL" -C "$J" stats --editorial --lang ru
expect_stdout_match "^  7 рукописей поступило$" "ru: 7 рукописей (plural form many)"
expect_stdout_match "^  2 рукописи поступило$" "ru: 2 рукописи (plural form few, 2026)"
expect_stdout_match "^  Доля принятых: 2/4 = 50,0 % " "ru: the rate with a decimal comma"
expect_stdout_match "^  Казахстан \(KZ\) +4 +1 +50,0 %$" "ru: country names in Russian"
expect_stdout_match "ближайшему рангу" "ru: the percentile method named"
expect_stdout_no_match "Acceptance|Desk-rejected|received" "ru: no English left"

expect_exit 0 "stats --editorial --csv --bom" -- "$JOURNAL" -C "$J" stats --editorial --csv --bom
check_eq "csv: a UTF-8 byte-order mark, then the header" \
    "$(printf '\xef\xbb\xbfscope,year,figure,code,name,value\r')" "$(head -1 "$OUT")"
check "csv: the same figures as the JSON" -- "$PY" - "$OUT" editorial.json <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
s = json.load(open(sys.argv[2]))
v = {(r["scope"], r["year"], r["figure"], r["code"]): r["value"] for r in rows}
assert v[("all", "", "received", "")] == "7"
assert v[("all", "", "withdrawn", "")] == "1"
assert v[("year", "2025", "acceptance_rate", "")] == "0.5000"
assert v[("year", "2025", "days_to_first_decision.p90", "")] == "22"
assert v[("all", "", "by_country.received", "KZ")] == "4"
assert v[("year", "2025", "reviewer_countries.reviewers", "UZ")] == "2"
assert v[("year", "2026", "acceptance_rate", "")] == ""
PY

# Bad input: a clear error, exit 2.
expect_exit 2 "--year 25 is refused" -- "$JOURNAL" -C "$J" stats --editorial --year 25
expect_stderr_match "--year 25: expected a year of four digits" "--year: what was expected"
expect_exit 2 "--year abcd is refused" -- "$JOURNAL" -C "$J" stats --editorial --year abcd
expect_exit 2 "--editorial --lang xx is refused" -- "$JOURNAL" -C "$J" stats --editorial --lang xx
expect_stderr_match "--lang xx: statistics are available in en and ru" "--lang: the languages there are"
expect_exit 2 "--year without --editorial is refused" -- "$JOURNAL" -C "$J" stats --year 2025
expect_exit 2 "--editorial --csv --json is refused" -- "$JOURNAL" -C "$J" stats --editorial --csv --json
check_eq "the work tree is clean" "" "$(git -C "$J" status --porcelain)"

# ---- the site: Peer review in numbers ----

# One more desk rejection, so that 2025 has 5 decisions: S7 2025-05-01 -> 2025-05-03 (2 days).
submit 2025-05-01 S7 en KZ
on 2025-05-03 decide "$N" reject
echo "search: false" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "No search index in this test"
expect_exit 0 "build-site without publish_editorial_stats" -- "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site0"
check "off by default: no Peer review in numbers" -- \
    sh -c "! grep -q 'stats-editorial' '$TEST_TMP/site0/statistics/index.html'"
echo "publish_editorial_stats: true" >>"$J/journal.yaml"
tgit -C "$J" commit -qam "Publish the editorial statistics"
expect_exit 0 "build-site with publish_editorial_stats: true" -- \
    "$JOURNAL" -C "$J" build-site -o "$TEST_TMP/site"
check "the statistics page in each language: every cell as worked out by hand" -- \
    "$PY" - "$TEST_TMP/site/statistics/index.html" "$TEST_TMP/site/ru/statistics/index.html" <<'PY'
import html, re, sys
def rows(path):
    page = open(path, encoding="utf-8").read()
    m = re.search(r'<table id="stats-editorial".*?<tbody>(.*?)</tbody>', page, re.S)
    assert m, f"{path}: no Peer review in numbers table"
    out = []
    for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S):
        out.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                    for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)])
    return page, out
page, en = rows(sys.argv[1])
assert "Peer review in numbers" in page
# All years: 8 received; decided S1 S4 (accepted), S3 (rejected), S2 S7 (desk): 2/5 = 40%
# (S8, withdrawn, in neither part); first decisions [2, 3, 10, 14, 19, 22] (S8's acceptance
# was a decision): median rank ceil(0.5*6) = 3 -> 10; only 2 published: "—";
# 4 reviewers: fewer than 5; their countries by most reviewers (UZ 2), then code (KG, KZ).
assert en[0] == ["All years", "8", "40%", "10", "—", "fewer than 5",
                 "Uzbekistan, Kyrgyzstan, Kazakhstan"], en[0]
# 2025: S1-S4, S7 and S8: 6 received, the same decisions; 2026: 2 received, nothing decided.
assert en[1] == ["2025", "6", "40%", "10", "—", "fewer than 5",
                 "Uzbekistan, Kyrgyzstan, Kazakhstan"], en[1]
assert en[2] == ["2026", "fewer than 5", "—", "—", "—", "fewer than 5", ""], en[2]
countries = re.search(r'<table id="stats-reviewer-countries".*?</table>', page, re.S).group(0)
assert "Uzbekistan" in countries and "fewer than 5" in countries and not re.search(r">\s*[1-4]\s*<", countries)
page, ru = rows(sys.argv[2])
assert "Рецензирование в цифрах" in page
assert ru[0] == ["Все годы", "8", "40 %", "10", "—", "менее 5", "Узбекистан, Кыргызстан, Казахстан"], ru[0]
assert ru[2][1] == "менее 5", ru[2]
PY
check "no reviewer, unpublished author or title, or reviewer id on the statistics pages" -- \
    sh -c "! grep -rqiE 'asel|bekova|dilnoza|yusupova|malika|tursunova|cholpon|asanova|AuthorS[235678]|S[235678] on civil|Institute S[235678]' \
        '$TEST_TMP/site/statistics/index.html' '$TEST_TMP/site/ru/statistics/index.html'"

finish
