# journal's WeasyPrint driver (src/site/pdf.c): one Python process typesets many PDF galleys,
# so that Python and WeasyPrint start once per build thread instead of once per article (4.3 s
# of a short article's 4.4 s was that start; docs/performance.md has the figures). journal runs
# it as `PYTHON -c SOURCE`, with PYTHON the interpreter that imports weasyprint, and writes one
# job a line on its stdin, a JSON object:
#   {"html": the print HTML, "base_url": the article's address on the site,
#    "local": the article's folder in the staging site, "pdf": the file to write,
#    "tagged": false for an untagged PDF (an issue's cover and contents), else PDF/UA-1}
# ("pdf" left out: the document is laid out and its pages counted, no PDF written, for
# build-issue's numbering) and reads one answer a line on its stdout: "ok PAGES" or
# "error MESSAGE". Nothing else is
# written to stdout (WeasyPrint's warnings go to stderr), and it ends at the end of its stdin.
# Time and memory bounds are journal's: it stops this process when a job takes too long.
#
# Resources are read from the local disk only: an address under base_url (a figure published
# beside the article) from the same place under "local"; data: URLs as they are; anything
# else (another site, file:, a path of the building machine) is refused, so a build never
# reads the network or this machine's folders for a galley.
import json
import os
import sys
import urllib.parse

answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
os.dup2(2, 1)  # whatever prints goes to stderr, never into the answers

try:
    import logging
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import default_url_fetcher
except Exception as e:  # noqa: BLE001 - any failure to start is reported the same way
    print("journal's PDF driver cannot import weasyprint: %s" % e, file=sys.stderr)
    sys.exit(3)

logging.getLogger("weasyprint").setLevel(logging.ERROR)


def fetcher_for(base_url, local):
    root = os.path.realpath(local)

    def fetch(url, timeout=10, ssl_context=None):
        if url.startswith("data:"):
            return default_url_fetcher(url, timeout, ssl_context)
        if base_url and url.startswith(base_url):
            rel = urllib.parse.unquote(urllib.parse.urlsplit(url[len(base_url):]).path)
            path = os.path.realpath(os.path.join(root, rel))
            if path.startswith(root + os.sep) and os.path.isfile(path):
                return {"filename": path, "file_obj": open(path, "rb")}
        raise ValueError("not published beside the article: %s" % url)

    return fetch


# One font configuration for every galley this process typesets. WeasyPrint makes a new one
# for each document unless it is given one: Fontconfig's configuration and font list loaded
# again, and a new Pango font map whose fonts and shaping caches start empty: 4 to 9 % of a
# long article's CPU time in the profile, 3 to 4 % of a build of the benchmark corpus
# (docs/performance.md); tests/cli/test_pdf.sh holds the galleys' text, fonts and metadata.
# A document with @font-face rules adds its fonts to the configuration it is given, so it gets
# one of its own: those fonts never reach another galley.
fonts = FontConfiguration()

for line in sys.stdin:
    try:
        job = json.loads(line)
        document = weasyprint.HTML(
            string=job["html"], base_url=job["base_url"],
            url_fetcher=fetcher_for(job["base_url"], job["local"])).render(
                font_config=None if "@font-face" in job["html"] else fonts)
        if job.get("pdf") and job.get("tagged", True):
            document.write_pdf(job["pdf"], variant="pdf/ua-1")
        elif job.get("pdf"):
            document.write_pdf(job["pdf"])
        answer = "ok %d" % len(document.pages)
    except Exception as e:  # noqa: BLE001 - reported to journal, which fails the build
        answer = "error " + ("%s: %s" % (type(e).__name__, e)).replace("\n", " ")
    answers.write(answer + "\n")
    answers.flush()
