#include "cmd/commands.h"

#include "util/alloc.h"
#include "util/error.h"
#include "model/issue.h"
#include "store/index.h"
#include "store/repo.h"
#include "util/unicode.h"
#include "workflow/notify.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct command commands[] = {
    {"init", cmd_init, "create a new journal repository",
     "usage: journal init [DIR] [--title TITLE] [--base-url URL]\n"
     "\n"
     "Create a journal in DIR (default: the current folder): a git repository with\n"
     "journal.yaml (title, ISSN, publisher, base URL, languages, review mode, DOI\n"
     "prefix), an empty reviewers.yaml, submissions/, issues/, the default theme in\n"
     "themes/default/, and an initial commit. Refuses a folder that already holds a\n"
     "journal.\n"
     "base_url is the address where the site will be published (--base-url, e.g.\n"
     "https://journal.university.edu/); without it journal.yaml gets the placeholder\n"
     "https://journal.example.org/, and until it is replaced build-site makes only\n"
     "drafts (--draft), deposit and export refuse, and doctor reports it.\n"},
    {"submit", cmd_submit, "validate a manuscript and record it as a new submission",
     "usage: journal submit MANUSCRIPT.md [--file FILE ...]\n"
     "       journal submit DOCUMENT.docx|.odt --metadata META.yaml [--accept-changes]\n"
     "                      [--file FILE ...]\n"
     "\n"
     "Validate the manuscript (Markdown with YAML front matter: docs/authors.md) and\n"
     "store it as the next submission, submissions/<number>/manuscript.md, with each\n"
     "--file under submissions/<number>/files/, in one commit. Prints the number.\n"
     "Attachments are named by relative paths that stay inside the submission folder;\n"
     "absolute paths, '..' and symbolic links are refused. Numbers are allocated under\n"
     "the repository lock, so concurrent submitters never share one.\n"
     "A manuscript may give its title, abstract and keywords in the journal's other\n"
     "languages (translations: {en: {title, abstract, keywords}}); journal.yaml's\n"
     "require_translations: [en] refuses one in another language without them.\n"
     "In-text citations ([@key, p. 12], @key) must name ids of the references; a\n"
     "bibliography: FILE (.bib, .bibtex, CSL .json) is converted with Pandoc (Debian's\n"
     "pandoc; JOURNAL_PANDOC names another) and stored as references: in the front\n"
     "matter.\n"
     "\n"
     "A Word (.docx) or OpenDocument (.odt) file is converted with Pandoc as journal\n"
     "convert does; its front matter comes from META.yaml (the same fields, checked\n"
     "the same way, problems named by META.yaml's lines; its bibliography: FILE is\n"
     "relative to META.yaml), its pictures are stored\n"
     "under files/ and linked, and the document itself is kept as\n"
     "files/original.docx (or .odt). Tracked changes are refused unless\n"
     "--accept-changes; macros (.docm) are refused.\n"
     "\n"
     "With desk_url and mail set, the acknowledgement to the corresponding author\n"
     "carries a private status link to the front desk (only its hash is kept:\n"
     "status_link in submission.yaml).\n"
     "\n"
     "  --file FILE        attach a figure or data file (repeatable)\n"
     "  --metadata FILE    the front matter of a Word or OpenDocument manuscript\n"
     "  --accept-changes   take a document's tracked changes as accepted\n"
     "  --json             print {number, commit, title} as JSON\n"},
    {"convert", cmd_convert, "convert a Word or OpenDocument file to the manuscript's Markdown",
     "usage: journal convert DOCUMENT.docx|.odt [-o MANUSCRIPT.md] [--accept-changes]\n"
     "\n"
     "Convert the document's body with Pandoc (Debian's package pandoc; JOURNAL_PANDOC\n"
     "names another program) into the Markdown journal renders: headings, emphasis,\n"
     "lists, pipe tables, footnotes, links, images, TeX math where Pandoc gives it,\n"
     "every script as it is. Pictures go to files/ beside the output, where the\n"
     "Markdown links them (as journal submit keeps them). Without -o the Markdown goes\n"
     "to standard output and the pictures to files/ in the current folder. Nothing of\n"
     "the document's own metadata (author, last modified by, company) is kept;\n"
     "comments are dropped with a warning. Refused, with nothing written: a file that\n"
     "is not what its name says, a corrupt or macro-enabled (.docm) one, one over\n"
     "max_manuscript_size (of the journal in the current folder, else 2 MiB), and\n"
     "one with tracked changes unless --accept-changes.\n"
     "Add the front matter (docs/authors.md) and submit the result, or submit the\n"
     "document itself with journal submit DOCUMENT.docx --metadata META.yaml.\n"
     "\n"
     "  -o, --output FILE  where to write the Markdown (- for standard output)\n"
     "  --accept-changes   take tracked changes as accepted\n"
     "  --json             with -o, print {source, output, media} as JSON\n"},
    {"list", cmd_list, "list submissions and where each stands",
     "usage: journal list [--state STATE] [--json]\n"
     "\n"
     "List the journal's submissions with number, state, date received, language,\n"
     "type, first author and title. STATE is one of submitted, desk-rejected,\n"
     "under-review, revision-requested, accepted, rejected, scheduled, published,\n"
     "withdrawn.\n"},
    {"show", cmd_show, "show one submission in full, with its history",
     "usage: journal show NUMBER [--role editor|author] [--json]\n"
     "\n"
     "Show a submission: state, dates, title, authors with affiliations, countries\n"
     "and ORCID iDs, keywords, abstract, attached files, each round's reviewers and\n"
     "verdicts, and its timeline (when, who, what). --role author leaves out every\n"
     "reviewer's identity, for what is shown or sent to authors.\n"},
    {"reindex", cmd_reindex, "rebuild the index (.journal/index.db) from git",
     "usage: journal reindex [--json]\n"
     "\n"
     "Delete the SQLite index and rebuild it from the committed tree. The index is\n"
     "only a cache, made from git: every other command brings it up to date by\n"
     "itself. Rebuild it when journal doctor says so, or to start afresh.\n"},
    {"build-site", cmd_build_site, "render the public site",
     "usage: journal build-site [-o DIR] [-j N] [--force] [--draft] [--no-pdf] [--verbose]\n"
     "                         [--json]\n"
     "\n"
     "Render the journal's public site from the last commit into DIR (default: _site/\n"
     "in the journal), with the templates of the theme that journal.yaml names\n"
     "(themes/<theme>/):\n"
     "  - the home page (about, call for papers, latest issue, aims and scope), a page\n"
     "    per issue and one per published article (with its citation in APA, and\n"
     "    BibTeX, RIS, CSL-JSON and JATS XML files beside it), the archive, author and\n"
     "    keyword indexes, the editorial board, per-country statistics with a map, and\n"
     "    the journal's pages/*.md;\n"
     "  - with base_url set in journal.yaml, for machines: feed.xml (Atom, the 50\n"
     "    newest articles; ru/feed.xml likewise), sitemap.xml and robots.txt, and, when\n"
     "    journal.yaml has contact_email (or mail_reply_to, mail_from_address), the\n"
     "    OAI-PMH static repository oai/static-repository.xml (Dublin Core of every\n"
     "    article; harvesters reach it through an OAI static repository gateway:\n"
     "    set oai_gateway_url in journal.yaml to the gateway's URL and the file names\n"
     "    itself as the gateway serves it);\n"
     "  - a full-text search index (pagefind/, made by Pagefind in shards of up to\n"
     "    250 articles, each made again only when one of its pages changed) with a\n"
     "    search page in each language (search/index.html); search: false in\n"
     "    journal.yaml turns it off. build-site runs JOURNAL_PAGEFIND, else the\n"
     "    Pagefind pinned in\n"
     "    tools/pagefind/node_modules (of the journal, or of journal's source folder,\n"
     "    where scripts/install-deps installs it), else pagefind on PATH. Search\n"
     "    works only when the site is served over HTTP.\n"
     "  - a PDF galley of every article (articles/N/article.pdf), typeset by\n"
     "    WeasyPrint (Debian's weasyprint) from the theme's article-pdf.mustache:\n"
     "    A4, a masthead on the first page, running heads, page numbers, fonts\n"
     "    embedded; the article's page links it and the sitemap lists it.\n"
     "    JOURNAL_PDF_ENGINE names another weasyprint (a Python script) or a Python\n"
     "    that imports weasyprint; pdf: false in journal.yaml turns the galleys off.\n"
     "    The images the text shows from files/ (PNG, JPEG, GIF, WebP; not those\n"
     "    marked private) are published beside the page and printed in the PDF.\n"
     "  - a PDF of every issue (issues/ID/issue.pdf): a cover and a table of contents\n"
     "    (the theme's issue-pdf.mustache, else the default theme's) and then every\n"
     "    galley of the issue, joined by qpdf (Debian's qpdf, or JOURNAL_QPDF) with a\n"
     "    bookmark per article; the issue page links it and the sitemap lists it.\n"
     "The first of journal.yaml's languages is at the top of the site, each other one\n"
     "in a folder of its own (ru/); each article appears once, with the interface of\n"
     "its own language. Only articles published in an issue whose date has come are\n"
     "shown. Pages link to each other by relative links, so the folder works from disk\n"
     "or on any web server.\n"
     "\n"
     "Only the pages whose sources changed since the last build are made again, and the\n"
     "new site replaces the old one only once the whole build has succeeded: a failed\n"
     "or interrupted build leaves the site as it was. Files the site no longer has are\n"
     "removed. DIR must be new, empty or an earlier build-site output. A warning says\n"
     "when files of the journal have uncommitted changes (the site shows the last\n"
     "commit).\n"
     "\n"
     "  -o DIR      the output folder (default: _site/ in the journal)\n"
     "  -j N        render on N threads at once (default: one per core)\n"
     "  --force     render every page again, and remove every file in DIR that\n"
     "              build-site did not make\n"
     "  --draft     build a preview although base_url is still a placeholder\n"
     "              (journal init writes https://journal.example.org/; example.org,\n"
     "              .com and .net, .test, .example, .invalid, localhost), with a\n"
     "              warning; without it such a site is refused\n"
     "  --no-pdf    no PDF galleys or issue PDFs this build (a quick draft); the\n"
     "              site then has none, and the next build without it takes the\n"
     "              galleys from the galley cache (.journal/galleys: each galley\n"
     "              typeset once, under the hash of its print HTML, figures, engine and\n"
     "              fonts) and makes the issue PDFs again\n"
     "  --verbose   print each step of the build with its time\n"
     "  --json      print {output, pages, rendered, files, removed, issues, articles,\n"
     "              assets, pdfs, typeset, typeset_pages, reused, issue_pdfs,\n"
     "              issue_pdfs_made} as JSON (pdfs: the galleys of the site; typeset:\n"
     "              typeset by this build, with typeset_pages pages; reused: taken from\n"
     "              the galley cache; issue_pdfs: the issue PDFs, of which this build\n"
     "              made issue_pdfs_made)\n"
     "On a terminal, a progress bar shows builds that take more than a second.\n"},
    {"import", cmd_import, "import a past issue (the back catalogue)",
     "usage: journal import DIR [--dry-run] [--json]\n"
     "\n"
     "Bring in an issue published before the journal used journal (the back\n"
     "catalogue), as published, without review, in one commit. DIR holds issue.yaml\n"
     "and the articles' Markdown files (the manuscript format of journal submit).\n"
     "issue.yaml: volume, number, year (default: the date's), date, title, special,\n"
     "guest_editors (names or {name, affiliation}),\n"
     "optional id (default: the next free issue id), and articles, in table-of-\n"
     "contents order, each {file: NAME.md, doi: 10.NNNN/suffix, pages: \"1-14\"} with\n"
     "an optional published: date (default: the issue's). Each article becomes the\n"
     "next submission, published in the issue with its DOI and date, its history\n"
     "saying it was imported; issues/ID.yaml lists them. Everything is checked\n"
     "first: the manifest, every article's front matter, DOIs (well formed, unique in\n"
     "the folder and the journal), the issue id and its volume and number (not\n"
     "already used), file names (inside DIR, no symbolic links). Every problem of\n"
     "every file is reported at once, each with file and line, and nothing is\n"
     "written. Import the issues one folder at a time. --dry-run checks and prints\n"
     "without writing.\n"},
    {"build-issue", cmd_build_issue, "assemble and publish an issue from accepted submissions",
     "usage: journal build-issue ID [--title T] [--special T] [--title-LANG T]\n"
     "                          [--special-LANG T] [--number N|SN]\n"
     "                          [--guest-editor \"NAME, AFF\" ...] [--supplementary N:PATH ...]\n"
     "                          [--add N ...] [--date YYYY-MM-DD] [--dry-run] [--correct NOTE]\n"
     "                          [--json]\n"
     "\n"
     "Publish issue ID (issues/ID.yaml) from accepted submissions: those named with\n"
     "--add, or else every accepted submission not yet in an issue. The table of\n"
     "contents is grouped by article type (editorial first); page ranges continue\n"
     "through the volume (special editions included), counted in the articles' PDF\n"
     "galleys, which build-issue lays out as build-site will typeset them\n"
     "(pagination: typeset in\n"
     "the manifest); with pdf: false they are estimated from the text's length\n"
     "(pagination: estimated) and Crossref and DOAJ get none. Each article gets a DOI\n"
     "from doi_prefix and doi_pattern in journal.yaml (default\n"
     "{prefix}/{journal}.{year}.{volume}.{number}.{article}) and moves to published,\n"
     "all in one commit. Volume and number continue from the latest issue (a new\n"
     "year starts a new volume). An unknown, unaccepted, already published or twice\n"
     "named submission refuses the issue and nothing is written. Re-running on an\n"
     "issue adds articles; a published issue changes only with --correct NOTE, which\n"
     "is recorded in the manifest. An issue dated (--date) in the future is\n"
     "scheduled instead: its articles wait as scheduled, off the site, and the issue\n"
     "can be rebuilt freely; building it again once the date has come publishes it.\n"
     "--special \"TITLE\" makes a special edition. Special editions are numbered in\n"
     "their own series within the volume (Special Issue 1, 2...; number: S1, S2 in\n"
     "the manifest), so the regular issues keep their numbers; --number gives the\n"
     "issue a number of your choice instead: 3, or S2 in the special series (it must\n"
     "be free in the volume; a published issue keeps its number). --guest-editor\n"
     "(once per editor, \"Name\" or \"Name, Affiliation\") replaces a special\n"
     "edition's guest editors. --title and --special give the journal's main\n"
     "language's text; --title-ru T and --special-ru T (any of journal.yaml's\n"
     "languages) the text in that language, shown on that language's site (the\n"
     "manifest then holds title: {en: ..., ru: ...}).\n"
     "Attachments (the files sent with journal submit --file) stay private unless\n"
     "published as supplementary material: --supplementary N:PATH (once per file;\n"
     "PATH as journal show N lists it) publishes that attachment of submission N with\n"
     "the article, linked on its page with its size and type and listed in its JATS.\n"
     "The manifest keeps the list (supplementary: [PATH, ...] in the article's entry,\n"
     "which may be edited by hand before publishing); web pages, SVG, XML and scripts\n"
     "are refused, as they would run on the site (publish them in a ZIP archive).\n"
     "--dry-run prints the table of contents only (laying the galleys out to number\n"
     "the pages; the counts are kept for the build-issue that follows).\n"},
    {"enrich", cmd_enrich, "check ORCID iDs and affiliations against ORCID and ROR",
     "usage: journal enrich [N ...] [--refresh] [--json]\n"
     "\n"
     "Check the identifiers in the manuscripts of submissions N (default: all) against\n"
     "their registries and propose corrections; nothing is changed. For each author\n"
     "with an ORCID iD, the name on the ORCID record (pub.orcid.org); for each\n"
     "affiliation with a ROR id (ror: in the front matter), the organisation's names,\n"
     "country and status on ROR (api.ror.org), and for one without, the organisation\n"
     "ROR matches to its name, proposed as its ror:. What agrees is counted, what\n"
     "differs is printed with the manuscript's file and line and the change proposed.\n"
     "Answers are kept in the index, so each question is asked once; --refresh asks\n"
     "again. A registry that cannot be reached is reported and the exit status is 1.\n"
     "JOURNAL_ORCID_API and JOURNAL_ROR_API change the services' addresses.\n"},
    {"deposit", cmd_deposit, "register an issue's DOIs with Crossref",
     "usage: journal deposit ISSUE [--test] [--dry-run] [-o FILE] [--schema DIR] [--json]\n"
     "       journal deposit --status [ISSUE] [--json]\n"
     "\n"
     "Write issue ISSUE's Crossref deposit (schema 5.3.1: the journal with its ISSN,\n"
     "the issue's volume, number and date, and each article's titles, authors with\n"
     "ORCID iDs and affiliations with ROR ids, JATS abstract, publication date, pages,\n"
     "licence, DOI, page URL and references) and POST it to Crossref's deposit\n"
     "endpoint: crossref_endpoint in journal.yaml, by default\n"
     "  https://doi.crossref.org/servlet/deposit\n"
     "or with --test crossref_test_endpoint, by default\n"
     "  https://test.crossref.org/servlet/deposit\n"
     "Everything is checked first and every problem reported:\n"
     "doi_prefix, issn, base_url (not a placeholder such as example.org) and\n"
     "crossref_depositor_email in journal.yaml, a\n"
     "known licence, each article published with a DOI and a publication date, and\n"
     "the login in the environment variables that crossref_login_env and\n"
     "crossref_password_env name (default CROSSREF_LOGIN_ID, CROSSREF_PASSWORD);\n"
     "then nothing is sent or recorded. Every deposit is validated against\n"
     "Crossref's schema 5.3.1, which is built into journal (no download, no\n"
     "setting); a deposit that is not valid is never sent, and each problem is\n"
     "reported with its line in the deposit (deposit.xml:LINE).\n"
     "To validate against another copy of the schema instead, name a folder laid\n"
     "out as schemas/crossref in journal's source (catalog.xml and schemas/):\n"
     "--schema DIR, JOURNAL_CROSSREF_SCHEMA_DIR or crossref_schema_dir. Each attempt\n"
     "has a new doi_batch_id and is recorded in deposits/<batch>.yaml in one commit,\n"
     "submitted (Crossref acknowledged receipt) or failed (no answer, an HTTP error,\n"
     "or an answer that is not an acknowledgement: exit status 1). Run it again to\n"
     "retry: the same DOIs are sent in a new batch and Crossref updates them.\n"
     "Crossref mails the result of processing each batch to the depositor.\n"
     "\n"
     "  --dry-run     print the XML (or write it to -o FILE); nothing sent or recorded\n"
     "  --schema DIR  validate against the Crossref schema in DIR, not the built-in one\n"
     "  --status      what was deposited: each DOI's latest submitted batch, per\n"
     "                issue and endpoint, and the DOIs whose every attempt failed\n"},
    {"stats", cmd_stats,
     "per-country author statistics of the published articles; --editorial: the editorial "
     "process in numbers",
     "usage: journal stats [--json | --csv [--bom]] [--lang en|ru]\n"
     "       journal stats --editorial [--year Y] [--json | --csv [--bom]] [--lang en|ru]\n"
     "\n"
     "Published articles by country: for each country the articles with at least one\n"
     "author affiliated there (an article with authors from two countries counts once\n"
     "for each), the distinct authors (by ORCID iD, else by name), and a fractional\n"
     "count (each article counts 1, split equally among its authors and each author's\n"
     "share among their affiliations). International organisations are counted apart,\n"
     "never as a country. Totals, then the same by year and by issue. As on the site,\n"
     "only issues whose date has come count.\n"
     "\n"
     "  --lang ru   everything in Russian (headline, headings, notes, issue labels,\n"
     "              country names); rows with equal figures in Russian order\n"
     "  --bom       with --csv: begin with a UTF-8 byte-order mark, so that\n"
     "              spreadsheet programs read the names as UTF-8\n"
     "\n"
     "--editorial: the editorial process in numbers, overall and by year received\n"
     "(--year Y: that year only): submissions received, desk-rejected (rejected with\n"
     "no reviewer ever assigned), sent to review, accepted, rejected, withdrawn, still\n"
     "open; the acceptance rate = accepted / (accepted + rejected + desk-rejected) over\n"
     "the submissions with a final decision; days from submission to first decision,\n"
     "to acceptance and to publication, and from acceptance to publication (median and\n"
     "90th percentile, nearest-rank); review invitations sent, accepted, declined,\n"
     "expired (no answer within invitation_days, default 14) and the days to a review;\n"
     "reviews per decided manuscript, rounds per accepted one; submissions and\n"
     "acceptance rate by country (whole counting) and language; the reviewers who\n"
     "sent a review, by country, and their load. No name appears.\n"},
    {"export", cmd_export, "the journal's metadata for indexers (DOAJ)",
     "usage: journal export FORMAT ...\n"
     "       journal export doaj ISSUE [-o FILE]\n"
     "\n"
     "Write a published issue's metadata in a format an indexer takes, to standard\n"
     "output or, with -o, to FILE (written whole or not at all). Formats:\n"
     "\n"
     "  doaj   DOAJ article XML (doajArticles.xsd), one record per article: title,\n"
     "         authors with their ORCID iDs and affiliations, abstract, keywords,\n"
     "         DOI, the article page, publication date, volume, issue, pages, ISSN\n"
     "         (as eISSN), publisher, language (ISO 639-2/B) and the kind of\n"
     "         document (article, editorial, interview, review, ...).\n"
     "\n"
     "An unknown issue, a scheduled one (dated in the future), one that lists an\n"
     "unpublished submission, and a journal without issn or base_url, or whose\n"
     "base_url is a placeholder (example.org, .test, localhost, ...), are refused\n"
     "(exit 1) and nothing is written. The site carries the other machine-readable\n"
     "files (feed.xml, sitemap.xml, robots.txt, oai/static-repository.xml): see\n"
     "journal help build-site.\n"},
    {"reviewers", cmd_reviewers, "list the reviewer roster with each reviewer's load",
     "usage: journal reviewers [--json]\n"
     "\n"
     "List reviewers.yaml: id, name, country, languages, open reviews against\n"
     "capacity, expertise. A roster entry with a problem stops the listing with\n"
     "its file, line and column.\n"},
    {"assign", cmd_assign, "invite a reviewer for the current round",
     "usage: journal assign NUMBER --reviewer ID [--due 21d|3w|YYYY-MM-DD]\n"
     "                             [--override-conflict JUSTIFICATION] [--reinvite]\n"
     "       journal assign --auto [NUMBER ...] [-k K] [--due ...] [--explain] [--dry-run]\n"
     "       journal assign NUMBER --accept ID\n"
     "       journal assign NUMBER --decline ID [--reason TEXT] [--suggest TEXT]\n"
     "       journal assign NUMBER --withdraw ID [--reason TEXT]\n"
     "\n"
     "Assign a reviewer from reviewers.yaml to a submission's current round (the\n"
     "submission moves to under-review), due in review_due_days unless --due says.\n"
     "Refused, with the rule, when the reviewer does not review in the manuscript's\n"
     "language, has no capacity left, is an author, shares an institution with an\n"
     "author, declared a conflict with one, co-authored an article in this journal\n"
     "with one, or (with conflict_same_country: true) comes from an author's country;\n"
     "--override-conflict assigns anyway and records the justification.\n"
     "\n"
     "--auto gives every waiting submission (or those named) K reviewers at once\n"
     "(K: reviews_per_submission), choosing the plan with the greatest total\n"
     "affinity over all of them jointly (an exact optimisation, not a greedy pass)\n"
     "under each reviewer's remaining capacity and the rules above. Affinity is the\n"
     "TF-IDF cosine of the manuscript's title, abstract and keywords against the\n"
     "reviewer's keywords and profile, with English and Russian stemming. The plan\n"
     "is one commit. --explain shows each pair's score and matched terms and the\n"
     "rule that excluded each other reviewer; --dry-run shows the plan only.\n"
     "Submissions that cannot get K reviewers are reported with the reason.\n"
     "\n"
     "An invitation is invited until the reviewer answers; unanswered for more than\n"
     "invitation_days (journal.yaml, 14) it has expired. --accept and --decline record\n"
     "an answer given by email (--reason: why; --suggest: a colleague the reviewer\n"
     "suggests); --withdraw withdraws an invitation not yet reviewed and mails the\n"
     "reviewer (mail/withdrawn.<lang>.mustache; the reason stays in the record). Each\n"
     "is one commit. A declined, withdrawn or expired invitation takes no capacity\n"
     "and leaves its place to fill. --auto never proposes a reviewer who declined the\n"
     "submission; naming one by hand needs --reinvite (a later round only: a\n"
     "reviewer is invited once a round).\n"},
    {"review", cmd_review, "record a reviewer's verdict for the current round",
     "usage: journal review NUMBER --verdict accept|minor-revision|major-revision|reject\n"
     "                      --comments FILE [--confidential FILE] [--file FILE]\n"
     "                      [--as REVIEWER] [--amend] [--sign]\n"
     "\n"
     "Record the verdict of an assigned reviewer (--as, or JOURNAL_REVIEWER): comments\n"
     "to the author, and confidential comments to the editor that never leave the\n"
     "office. --file adds the reviewer's file (PDF, Word, OpenDocument, text,\n"
     "Markdown, CSV, XLS(X), ODS, PNG, JPEG or ZIP; at most max_attachment_size),\n"
     "kept beside the review for the editor and the author. A second verdict in the\n"
     "same round is refused unless --amend, which replaces it (and its file, when a new\n"
     "one is given) until the editor decides; the reviewers' link of `journal serve`\n"
     "records and amends reviews the same way. Under\n"
     "open review, --sign records that the reviewer agrees to publish the review,\n"
     "signed, with the article once it is published (confidential comments never are).\n"},
    {"decide", cmd_decide, "accept, ask for a revision, or reject",
     "usage: journal decide NUMBER accept|revise|reject [--letter FILE] [--without ID ...]\n"
     "\n"
     "The editor's decision on the current round (at least one verdict must be in).\n"
     "While a review is outstanding (a reviewer invited or accepted, the review not\n"
     "in) the decision is refused; --without ID (repeated, or ID,ID) decides without\n"
     "those reviews: their invitations are withdrawn and the reviewers mailed\n"
     "(mail/withdrawn.<lang>.mustache), in the decision's commit.\n"
     "reject on a submission not yet sent to review is a desk rejection. Without\n"
     "--letter, the letter is made from themes/<theme>/letters/decision.<lang>.mustache\n"
     "in the manuscript's language (else the journal's main language, else\n"
     "decision.mustache), and the mail goes in that language too: it\n"
     "quotes each reviewer's comments to the author as Reviewer 1, Reviewer 2, ...,\n"
     "never a name, an email or a confidential comment. It is stored as\n"
     "submissions/<n>/letters/round-<r>-decision.md. Under single- or double-blind\n"
     "review a letter (made or given) that names a reviewer of the submission, by\n"
     "full name or email, is refused with the line (a reviewer who signed the\n"
     "comments to the author amends the review).\n"},
    {"withdraw", cmd_withdraw, "withdraw a submission at its authors' request",
     "usage: journal withdraw NUMBER [--reason TEXT | --reason-file FILE] [--json]\n"
     "\n"
     "Record that the authors withdrew their submission, in one commit: the state\n"
     "becomes withdrawn, submission.yaml gets withdrawn: DATE and a timeline event\n"
     "with the reason (--reason: one line; --reason-file: a paragraph, at most 4000\n"
     "bytes). The reason is the office's: the author's view (show --role author) says\n"
     "that the submission was withdrawn and when, not why, and no mail quotes it.\n"
     "Allowed from submitted, under-review, revision-requested and accepted. Every\n"
     "invitation of the current round still outstanding (invited, or accepted with\n"
     "the review not in) is withdrawn with it and the reviewer mailed\n"
     "(mail/withdrawn.<lang>.mustache); the corresponding author gets an\n"
     "acknowledgement in the manuscript's language\n"
     "(mail/submission-withdrawn.<lang>.mustache).\n"
     "Refused, with nothing changed: a scheduled or published article (it is\n"
     "retracted, not withdrawn), a rejected or desk-rejected submission (its review is\n"
     "over), one already withdrawn. A withdrawn submission is never published and\n"
     "counts as withdrawn, not decided, in stats --editorial.\n"
     "\n"
     "  --reason TEXT       why, on one line\n"
     "  --reason-file FILE  why, from a UTF-8 file\n"
     "  --json              print {number, state, withdrawn, invitations_withdrawn,\n"
     "                      commit} as JSON\n"},
    {"revise", cmd_revise, "record the author's revision and open the next round",
     "usage: journal revise NUMBER MANUSCRIPT.md [--response FILE]\n"
     "       journal revise NUMBER DOCUMENT.docx|.odt --metadata META.yaml\n"
     "                      [--accept-changes] [--response FILE]\n"
     "\n"
     "Validate the revised manuscript, store it (earlier versions stay in git and in\n"
     "submission.yaml's versions), keep the response to reviewers as\n"
     "submissions/<n>/responses/round-<r>.md, and open round r under review.\n"
     "A Word or OpenDocument revision is converted as journal submit converts one:\n"
     "its pictures go to files/ and the document to files/original.docx (or .odt),\n"
     "replacing the earlier round's (which stay in git).\n"
     "A bibliography: FILE is converted into references: as by journal submit.\n"},
    {"diff", cmd_diff, "show what changed in a manuscript between rounds",
     "usage: journal diff NUMBER [ROUND]\n"
     "\n"
     "A unified diff of the manuscript between round ROUND-1 and ROUND (default: the\n"
     "current round).\n"},
    {"queue", cmd_queue, "what waits on whom: assignments, reviews, decisions",
     "usage: journal queue [--json]\n"
     "\n"
     "Submissions waiting for reviewers (fewer invited or accepted than\n"
     "reviews_per_submission), invitations not answered yet, expired (no answer in\n"
     "invitation_days) and declined (with the reason and suggested colleague),\n"
     "overdue reviews, reviews in progress, decisions due and revisions awaited.\n"},
    {"packet", cmd_packet, "write a reviewer's copy of a manuscript",
     "usage: journal packet NUMBER --reviewer ID [-o FILE] [--files DIR] [--json]\n"
     "\n"
     "The manuscript as the assigned reviewer ID should see it (to stdout, or FILE),\n"
     "followed by its reference list, from round 2 the authors' response to\n"
     "reviewers, and the list of the attachments not marked private (private: in\n"
     "submission.yaml); --files DIR writes those attachments. No packet for a\n"
     "reviewer who declined or was withdrawn.\n"
     "Under double-blind review (review_mode in journal.yaml) it has no authors,\n"
     "affiliations, ORCID iDs or emails, and sections that identify people\n"
     "(acknowledgements, funding, author contributions, conflicts of interest) are\n"
     "removed; every line that still names an author is reported as a warning.\n"},
    {"remind", cmd_remind, "mail every reviewer whose review is overdue",
     "usage: journal remind [--dry-run] [--json]\n"
     "\n"
     "Queue a reminder (themes/<theme>/mail/reminder.<lang>.mustache, in the\n"
     "manuscript's language if the reviewer reviews in it, else the reviewer's first)\n"
     "to each reviewer whose review is past due, at most one a day per review, and\n"
     "send the outbox. Never to a reviewer who declined or was withdrawn; an expired\n"
     "invitation is still reminded (it may yet be answered).\n"
     "Each review is listed as reminded (the server took the mail), queued (it waits\n"
     "in the outbox: no smtp_host in journal.yaml, or the server did not take it) or\n"
     "skipped (already reminded today).\n"
     "--dry-run lists the overdue reviews without mailing.\n"},
    {"outbox", cmd_outbox, "list, send or retry the mail waiting to go out",
     "usage: journal outbox [list [--state STATE]] [--json]\n"
     "       journal outbox flush\n"
     "       journal outbox retry ID\n"
     "       journal outbox release ID | drop ID\n"
     "\n"
     "Every message (submission acknowledgements, invitations, decision letters,\n"
     "reminders) is written to .journal/outbox.db before its action's commit and\n"
     "sent after it; when the server is down the action still succeeds and the\n"
     "message waits here. flush sends what is queued (nothing is sent twice); retry\n"
     "queues a failed message again. list shows each message's subject decoded;\n"
     "--state takes pending, queued, sending, sent or failed.\n"
     "Unlike the index, the outbox is not a cache:\n"
     "do not delete it. SMTP settings: smtp_host, smtp_port, smtp_tls (starttls, tls,\n"
     "none), smtp_user_env and smtp_password_env (names of environment variables\n"
     "holding the credentials), mail_from_address, mail_from_name, mail_reply_to.\n"
     "If a command is killed between its commit and its mail, the next command that\n"
     "opens the outbox sends the mail when the commit was made and drops it when not.\n"
     "A message held before journal recorded the action (journal doctor says it\n"
     "\"records no action\") cannot be settled so: release ID queues it (the action\n"
     "was made), drop ID keeps it unsent as failed, with who dropped it and when.\n"},
    {"doctor", cmd_doctor, "check the repository, the index and the outbox against each other",
     "usage: journal doctor [--fix] [--site DIR] [--json]\n"
     "\n"
     "Check the committed journal and what lies beside it, and report each problem\n"
     "with its file (and line) and how to fix it:\n"
     "  config    journal.yaml's base_url is a placeholder (example.org, .test,\n"
     "            localhost, ...), as journal init writes it\n"
     "  record    a submission's record or manuscript does not parse, is missing, or\n"
     "            names a manuscript version that is not in the repository\n"
     "  state     a state its timeline or files contradict: accepted or published\n"
     "            without a decision to accept, a decision without reviews in its\n"
     "            round, published without an issue or not listed by it\n"
     "  review    a review that belongs to no assignment of its round\n"
     "  issue     an issue manifest that does not parse or lists an article that does\n"
     "            not exist or is not published/scheduled in that issue\n"
     "  index     .journal/index.db out of step with git (fix: journal reindex); an\n"
     "            index merely behind HEAD is not a problem (the next command refreshes it)\n"
     "  temp      temporary files of a killed journal process in the work tree or the\n"
     "            site (DIR, default _site/), build-site staging folders, git's lock files\n"
     "  worktree  the work tree left behind HEAD by a command killed after its commit\n"
     "  mail      held messages whose process died before releasing them\n"
     "After a crash the next journal command finishes the work tree, and the next one\n"
     "that opens the outbox settles held mail, without being asked.\n"
     "It also notes settings that work but may not be what you want (no\n"
     "oai_gateway_url for the OAI static repository); notes are not problems.\n"
     "\n"
     "  --fix        make the safe, lossless repairs: rebuild the index, remove a killed\n"
     "               process's temporary files and staging folders, finish the work tree,\n"
     "               release or drop held mail; what remains must be fixed by hand\n"
     "               (held mail that records no action: journal outbox release or drop)\n"
     "  --site DIR   the site folder to check (default: _site/ in the journal)\n"
     "  --json       print {ok, submissions, issues, reviews, index_compared, problems:\n"
     "               [{kind, file, line, message, fix, fixed}], notes: [text]}\n"
     "\n"
     "Exit status: 0 when all is well (or every problem was fixed), 1 when problems\n"
     "remain, 3 when the journal could not be read.\n"},
    {"serve", cmd_serve,
     "run the front desk: authors submit and reviewers answer invitations in a browser",
     "usage: journal serve [--listen ADDR:PORT]\n"
     "\n"
     "An HTTP server for the reviewers' personal links (desk_url in journal.yaml is\n"
     "its public address, which invitations link to). A reviewer opens the link from\n"
     "the invitation, reads the title, abstract and due date, accepts or declines\n"
     "(with a reason and a suggested colleague) and, once accepted, downloads the\n"
     "packet, blinded as 'journal packet' makes it. Each answer is one commit, as\n"
     "'journal assign N --accept ID' makes it. A wrong or revoked link, or one whose\n"
     "invitation was withdrawn, is a plain 404.\n"
     "\n"
     "The corresponding author's status link (mailed by 'journal submit' with desk_url\n"
     "set; 'journal token new N --author' re-issues it) shows the submission's state,\n"
     "dates, timeline (no reviewer named) and decision letters and, while a revision\n"
     "is requested, takes the revision as 'journal revise' does (one commit).\n"
     "Authors submit at /submit (?lang=ru in Russian): the form is checked as 'journal\n"
     "submit' checks a manuscript, and a valid submission waits in .journal/desk/waiting\n"
     "until its corresponding author confirms it from a mailed link; the confirmation\n"
     "commits it as 'journal submit' does. Unconfirmed ones are deleted after\n"
     "desk_confirm_hours (72). The form offers journal.yaml's open calls and asks for\n"
     "its desk_declarations (docs/authors.md#submitting-on-the-front-desk).\n"
     "\n"
     "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080; port 0: any free\n"
     "                       port, printed on start). Put a reverse proxy with TLS in\n"
     "                       front of it (docs/operating.md#the-front-desk).\n"
     "\n"
     "JOURNAL_DESK_SECRET (at least 32 bytes) signs the forms' CSRF tokens; without it a\n"
     "secret is drawn at start, and a form opened before a restart must be reloaded.\n"
     "Limits (journal.yaml): desk_threads (requests at once; one per core, at least 2),\n"
     "desk_connections (256), desk_timeout (30 s for a silent client),\n"
     "desk_submissions_per_hour (10 per client address: 429 beyond), and the manuscript\n"
     "and attachment sizes (413 beyond).\n"
     "SIGTERM or SIGINT: stop accepting, finish the requests in flight, exit 0.\n"},
    {"token", cmd_token, "revoke or re-issue a front-desk link",
     "usage: journal token revoke NUMBER --reviewer ID\n"
     "       journal token revoke NUMBER --author\n"
     "       journal token new NUMBER --author\n"
     "\n"
     "--reviewer: the reviewer's links to submission NUMBER (from 'journal assign' with\n"
     "desk_url set) stop working at once: the hash kept in submission.yaml is removed\n"
     "and link_revoked records the date, in one commit with a timeline event.\n"
     "\n"
     "--author: the corresponding author's status link (mailed by 'journal submit'\n"
     "with desk_url set). revoke removes its hash (status_link_revoked records the\n"
     "date); new mails the author a new link (needs desk_url and mail), for a\n"
     "submission made before links existed or after a revocation; an earlier link\n"
     "stops working. One commit each, with a timeline event.\n"},
    {"help", cmd_help, "show help for journal or one command", "usage: journal help [COMMAND]\n"},
    {NULL, NULL, NULL, NULL},
};

const struct command *command_find(const char *name)
{
    for (const struct command *c = commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

const char *command_suggest(const char *name)
{
    size_t n = 0;
    while (commands[n].name)
        n++;
    const char **names = xcalloc(n + 1, sizeof(*names));
    for (size_t i = 0; i < n; i++)
        names[i] = commands[i].name;
    const char *near = text_suggest(name, names);
    free(names);
    return near;
}

/* The page of the manual (docs/ in journal's source) where each command is described, by
   topic; its help ends with it. tests/cli/test_docs.sh checks that every page and section
   named here exists, and that every command has one. */
static const struct {
    const char *command;
    const char *page;
} command_docs[] = {
    {"init", "docs/operating.md#the-repository"},
    {"submit", "docs/authors.md"},
    {"convert", "docs/authors.md#word-and-opendocument"},
    {"list", "docs/editors.md#commands"},
    {"show", "docs/editors.md#commands"},
    {"reindex", "docs/operating.md#backups"},
    {"build-site", "docs/site.md"},
    {"import", "docs/editors.md#the-back-catalogue"},
    {"build-issue", "docs/editors.md#issues"},
    {"enrich", "docs/editors.md#identifiers"},
    {"deposit", "docs/editors.md#crossref-deposits"},
    {"stats", "docs/editors.md#statistics"},
    {"export", "docs/editors.md#the-doaj-export"},
    {"reviewers", "docs/reviewers.md#the-roster"},
    {"assign", "docs/editors.md#peer-review"},
    {"review", "docs/reviewers.md#the-review"},
    {"decide", "docs/editors.md#decisions-and-letters"},
    {"revise", "docs/editors.md#decisions-and-letters"},
    {"diff", "docs/editors.md#decisions-and-letters"},
    {"withdraw", "docs/editors.md#withdrawal"},
    {"queue", "docs/editors.md#peer-review"},
    {"packet", "docs/reviewers.md#the-packet"},
    {"remind", "docs/operating.md#mail"},
    {"outbox", "docs/operating.md#mail"},
    {"doctor", "docs/operating.md#crashes-and-journal-doctor"},
    {"serve", "docs/operating.md#the-front-desk"},
    {"token", "docs/reviewers.md#the-front-desk"},
    {"help", "docs/README.md"},
};

void command_print_usage(const struct command *c)
{
    fputs(c->usage, stdout);
    for (size_t i = 0; i < sizeof(command_docs) / sizeof(command_docs[0]); i++)
        if (!strcmp(command_docs[i].command, c->name))
            printf("\nManual: %s (in journal's source)\n", command_docs[i].page);
}

int cli_common_option(const char *arg, struct cli *cli)
{
    if (!strcmp(arg, "--json")) {
        cli->json = true;
        return 1;
    }
    return 0;
}

void cli_print_json(json_t *value)
{
    char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (text)
        puts(text);
    free(text);
    json_decref(value);
}

int cli_parse_number(const char *arg, unsigned long *out)
{
    if (arg[0] == '#')
        arg++;
    /* Digits only, no sign or leading zero, and at most nine of them: submission folders and
       issue files are named so (repo_entry_number), and a number is never more than a name. */
    size_t len = strspn(arg, "0123456789");
    if (arg[0] < '1' || arg[0] > '9' || arg[len])
        return error_usage("'%s' is not a submission number", arg);
    if (len > 9)
        return error_usage("'%s' is not a submission number (they go up to 999999999)", arg);
    *out = strtoul(arg, NULL, 10);
    return 0;
}

int cli_option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n))
        return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n])
        return 0;
    if (*i + 1 >= argc)
        return error_usage("%s needs a value", name);
    *value = argv[++*i];
    return 1;
}

int cli_reviewer_identity(const char *as, const char **out)
{
    *out = as ? as : getenv("JOURNAL_REVIEWER");
    if (!*out || !**out)
        return error_usage("which reviewer? give --as REVIEWER-ID (or set JOURNAL_REVIEWER)");
    return 0;
}

bool cli_send_mail(struct notifier *n, const char *command)
{
    size_t sent = 0;
    bool delivered = false;
    if (notifier_flush(n, &sent))
        fprintf(stderr,
                "journal %s: warning: mail not sent: %s (it waits in the outbox: "
                "journal outbox flush)\n",
                command, error_message());
    else if ((delivered = n->enabled && n->repo->config.smtp_host) && sent)
        fprintf(stderr, "journal %s: sent %zu message%s\n", command, sent, sent == 1 ? "" : "s");
    error_clear();
    return delivered;
}

void cli_print_cell(const char *s, size_t width)
{
    struct strbuf cell = STRBUF_INIT;
    text_add_padded(&cell, s, width);
    fwrite(cell.buf, 1, cell.len, stdout);
    strbuf_release(&cell);
}

int cli_parse(int argc, char **argv, struct cli *cli, const struct cli_option *options,
              const char **positional, size_t npositional)
{
    size_t npos = 0;
    for (size_t k = 0; k < npositional; k++)
        positional[k] = NULL;
    /* A value given twice would silently lose the first ("assign 3 --reviewer a
       --reviewer b" assigned only b): refused instead. */
    uint64_t given = 0;
    for (int i = 1; i < argc; i++) {
        if (cli_common_option(argv[i], cli))
            continue;
        bool matched = false;
        size_t k = 0;
        for (const struct cli_option *o = options; o && o->name && !matched; o++, k++) {
            if (o->flag) {
                if (!strcmp(argv[i], o->name))
                    *o->flag = matched = true;
                continue;
            }
            int rc = cli_option_value(argc, argv, &i, o->name, o->value);
            if (rc < 0)
                return rc;
            matched = rc == 1;
            if (matched && k < 64 && (given & (UINT64_C(1) << k)))
                return error_usage("%s given twice; it takes one value (run the command once "
                                   "for each)",
                                   o->name);
            if (matched && k < 64)
                given |= UINT64_C(1) << k;
        }
        if (matched)
            continue;
        if (argv[i][0] == '-' && argv[i][1])
            return error_usage("unknown option '%s'", argv[i]);
        if (npos == npositional)
            return error_usage("unexpected argument '%s'", argv[i]);
        positional[npos++] = argv[i];
    }
    return 0;
}

int cli_open_journal(struct cli *cli, struct journal_repo **repo, struct notifier *n)
{
    memset(n, 0, sizeof(*n));
    int rc = repo_open(repo, cli->dir);
    if (!rc)
        rc = notifier_open(n, *repo);
    return rc;
}

void cli_close_journal(struct journal_repo *repo, struct notifier *n, int rc, const char *command)
{
    if (!rc)
        cli_send_mail(n, command);
    notifier_close(n);
    repo_free(repo);
}

void cli_refresh_index(struct journal_repo *repo, const char *command)
{
    struct journal_index *ix = NULL;
    if (index_open(&ix, repo))
        fprintf(stderr, "journal %s: warning: the index was not updated: %s\n", command,
                error_message());
    index_close(ix);
    error_clear();
}

json_t *cli_issue_json(const struct issue_manifest *is, bool dry_run, const char *commit,
                       json_t *articles)
{
    json_t *editors = json_array();
    for (size_t i = 0; i < is->nguest_editors; i++)
        json_array_append_new(editors, json_pack("{s:s, s:s?}", "name", is->guest_editors[i].name,
                                                 "affiliation", is->guest_editors[i].affiliation));
    json_t *o = json_pack("{s:I, s:I, s:I, s:b, s:I, s:s, s:s?, s:s?, s:o, s:b, s:s, s:o}", "issue",
                          (json_int_t)is->id, "volume", (json_int_t)is->volume, "number",
                          (json_int_t)is->number, "special_series", is->special_series, "year",
                          (json_int_t)is->year, "date", is->date, "title", is->title, "special",
                          is->special, "guest_editors", editors, "dry_run", dry_run, "commit",
                          commit, "articles", articles);
    /* title and special are the main language's; the texts per language as given, if so. */
    const struct localised_text *texts[] = {&is->titles, &is->specials};
    const char *keys[] = {"titles", "specials"};
    for (size_t k = 0; k < 2; k++) {
        if (!texts[k]->n || !texts[k]->lang[0])
            continue;
        json_t *by_lang = json_object();
        for (size_t i = 0; i < texts[k]->n; i++)
            json_object_set_new(by_lang, texts[k]->lang[i], json_string(texts[k]->text[i]));
        json_object_set_new(o, keys[k], by_lang);
    }
    return o;
}
