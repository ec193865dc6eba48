#!/usr/bin/env bash
# The review packet is complete (issue 18): after the manuscript, its reference list, the
# attachments the editor did not mark private (submission.yaml's `private:`), and from round 2
# the authors' response to reviewers; all blinded as the manuscript is. A declined or
# withdrawn reviewer gets no packet.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish
R1=asel-bekova
R2=dinara-ospanova

# Submission 10's manuscript with a reference list, a cover letter and a data file.
awk 'NR == 1 { print; next }
     /^---$/ && !done {
         print "references:"
         print "  - id: dunleavy2006"
         print "    type: article-journal"
         print "    author: [{family: Dunleavy, given: Patrick}, {family: Margetts, given: Helen}]"
         print "    title: New public management is dead"
         print "    container-title: Journal of Public Administration Research and Theory"
         print "    volume: 16"
         print "    page: 467-494"
         print "    issued: {date-parts: [[2006]]}"
         done = 1
     }
     { print }' "$J/submissions/10/manuscript.md" >paper.md
echo "Dear editor, please consider our paper." >cover-letter.txt
mkdir -p data
printf 'id,score\n1,3\n' >data/survey.csv
expect_exit 0 "submit with a reference list and two attachments" -- \
    "$JOURNAL" -C "$J" submit paper.md --file cover-letter.txt --file data/survey.csv
N=$(cat "$OUT")
ATT=$(cd "$J/submissions/$N/files" && find . -type f | sed 's|^\./||' | sort | tr '\n' ' ')
check_eq "the attachments are stored under files/" "cover-letter.txt data/survey.csv " "$ATT"
# The editor keeps the cover letter from the reviewers.
printf 'private: [cover-letter.txt]\n' >>"$J/submissions/$N/submission.yaml"
tgit -C "$J" commit -qam "Keep the cover letter private"
expect_exit 0 "doctor accepts the private list" -- "$JOURNAL" -C "$J" doctor
expect_exit 0 "assign $R1" -- "$JOURNAL" -C "$J" assign "$N" --reviewer $R1
check "the record keeps the private list through an action" -- \
    grep -qx -- "- cover-letter.txt" "$J/submissions/$N/submission.yaml"
expect_exit 0 "packet -o FILE --files DIR" -- \
    "$JOURNAL" -C "$J" packet "$N" --reviewer $R1 -o p1.md --files p1-files
expect_stdout_match "^1 attachment for the reviewer written to p1-files, 1 kept private\.$" \
    "packet says how many attachments went out and how many were kept private"
check "the packet has the reference list, in APA" -- \
    sh -c "grep -qx '## References' p1.md && grep -q '^- Dunleavy, P\., & Margetts, H\. (2006)\. New public management is dead' p1.md"
check "the packet lists the attachment for the reviewer" -- \
    sh -c "grep -qx '## Attachments' p1.md && grep -qx -- '- \`data/survey.csv\`' p1.md"
check_eq "... not the private one" "" "$(grep cover-letter p1.md)"
check_eq "--files wrote the attachment for the reviewer, byte for byte, and no other" \
    "data/survey.csv $(sha256sum <data/survey.csv)" \
    "$(cd p1-files && find . -type f | sed 's|^\./||') $(sha256sum <p1-files/data/survey.csv)"
check_eq "round 1 has no response to reviewers" "" "$(grep -i 'response to reviewers' p1.md)"

# Round 2: the authors' response, blinded like the manuscript.
echo "Useful." >c.md
expect_exit 0 "review" -- "$JOURNAL" -C "$J" review "$N" --verdict minor-revision --comments c.md --as $R1
expect_exit 0 "decide revise" -- "$JOURNAL" -C "$J" decide "$N" revise
cat >response.md <<'MD'
We thank the reviewers. RESPONSE-POINT-1: the sample is now described.

## Acknowledgements

We thank the Karaganda team.
MD
echo "A revised paragraph." >>paper.md
expect_exit 0 "revise with a response" -- "$JOURNAL" -C "$J" revise "$N" paper.md --response response.md
expect_exit 0 "assign $R2 in round 2" -- "$JOURNAL" -C "$J" assign "$N" --reviewer $R2
expect_exit 0 "packet in round 2 --json" -- "$JOURNAL" -C "$J" packet "$N" --reviewer $R2 --json
check "the round-2 packet carries the authors' response, blinded (its acknowledgements removed)" -- \
    /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = d["packet"]
assert d["response"] is True and d["attachments"] == ["data/survey.csv"] and d["private"] == 1, d
assert "## The authors'"'"' response to reviewers (round 2)" in p, p[-800:]
assert "RESPONSE-POINT-1" in p and "Karaganda" not in p, p[-800:]
assert p.index("## References") < p.index("response to reviewers") < p.index("## Attachments"), p[-800:]
' "$OUT"

# A misspelt private path would keep nothing back: doctor says so.
S=$TEST_TMP/typo
cp -a "$J" "$S"
sed -i 's|^- cover-letter.txt$|- cover-leter.txt|' "$S/submissions/$N/submission.yaml"
tgit -C "$S" commit -qam "A misspelt private path"
expect_exit 1 "doctor reports a private path that is no attachment" -- "$JOURNAL" -C "$S" doctor
expect_stdout_match "submission $N marks cover-leter.txt private, but has no such attachment" \
    "... naming the submission and the path"

# A declined reviewer gets no packet; a bad private list is refused where it is.
expect_exit 0 "assign a third reviewer and record the decline" -- \
    sh -c "'$JOURNAL' -C '$J' assign $N --reviewer aliya-temirkhanova && '$JOURNAL' -C '$J' assign $N --decline aliya-temirkhanova"
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 1 "no packet for a reviewer who declined" -- \
    "$JOURNAL" -C "$J" packet "$N" --reviewer aliya-temirkhanova
expect_stderr_match "aliya-temirkhanova's invitation to review submission $N \(round 2\) was declined" \
    "the refusal says why"
expect_unchanged "$before" "$J" "the refusal changed nothing"
sed -i 's|^- cover-letter.txt$|- ../outside.txt|' "$J/submissions/$N/submission.yaml"
tgit -C "$J" commit -qam "A bad private path"
expect_exit 1 "a private path outside files/ is refused" -- "$JOURNAL" -C "$J" packet "$N" --reviewer $R2
expect_stderr_match "submission.yaml:[0-9]+:[0-9]+: each entry of 'private' must be the path of an attachment" \
    "with the file, line and what is expected"

finish
