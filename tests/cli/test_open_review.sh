#!/usr/bin/env bash
# Open review: a reviewer who signs (--sign) has the review published with the
# article; unsigned reviews and confidential comments never reach the site, and
# signing is refused under blind review.
. "$(dirname "$0")/lib.sh"

J=$TEST_TMP/sample
sample_journal "$J" || finish
cd "$TEST_TMP" || finish
echo "The argument is clear and the pilot is well designed." >signed.md
echo "UNSIGNED-REVIEW-TEXT should stay in the office." >unsigned.md
echo "CONFIDENTIAL-NOTE-FOR-THE-EDITOR" >confidential.md

# Under double-blind review --sign is refused and nothing changes.
expect_exit 0 "assign asel-bekova to 10" -- "$JOURNAL" -C "$J" assign 10 --reviewer asel-bekova
before=$TEST_TMP/.before
snapshot "$J" >"$before"
expect_exit 1 "--sign under double-blind review is refused" -- \
    "$JOURNAL" -C "$J" review 10 --verdict accept --comments signed.md --as asel-bekova --sign
expect_stderr_match "signed reviews are published only under open review" "the refusal says why"
expect_unchanged "$before" "$J" "the refused review left the journal unchanged"

sed -i 's/^review_mode: .*/review_mode: open/' "$J/journal.yaml"
tgit -C "$J" commit -qam "Open review"
expect_exit 0 "assign a second reviewer" -- "$JOURNAL" -C "$J" assign 10 --reviewer aliya-temirkhanova
expect_exit 0 "a signed review" -- "$JOURNAL" -C "$J" review 10 --verdict accept \
    --comments signed.md --confidential confidential.md --as asel-bekova --sign
expect_exit 0 "an unsigned review" -- "$JOURNAL" -C "$J" review 10 --verdict minor-revision \
    --comments unsigned.md --as aliya-temirkhanova
check "the signed review file says signed: true" -- \
    grep -q "^signed: true" "$J/submissions/10/reviews/round-1/asel-bekova.yaml"
expect_exit 0 "decide accept" -- "$JOURNAL" -C "$J" decide 10 accept

# Publish by hand (issue assembly is a later command): state and issue 2's list.
sed -i 's/^state: accepted/state: published/' "$J/submissions/10/submission.yaml"
sed -i 's/^articles: \[6, 7, 8, 9\]/articles: [6, 7, 8, 9, 10]/' "$J/issues/2.yaml"
tgit -C "$J" commit -qam "Publish 10"
expect_exit 0 "build-site" -- "$JOURNAL" -C "$J" build-site
PAGE=$J/_site/articles/10/index.html
check "the article page has an open peer review section" -- grep -q "Open peer review" "$PAGE"
check "the signed review is on the page with the reviewer's name" -- \
    grep -q "The argument is clear and the pilot is well designed." "$PAGE"
check "the reviewer is named" -- grep -q "Asel Bekova" "$PAGE"
for secret in UNSIGNED-REVIEW-TEXT CONFIDENTIAL-NOTE-FOR-THE-EDITOR "Aliya Temirkhanova"; do
    if grep -rq "$secret" "$J/_site"; then
        fail "'$secret' is nowhere on the site" "$(grep -rl "$secret" "$J/_site")"
    else
        pass "'$secret' is nowhere on the site"
    fi
done
finish
