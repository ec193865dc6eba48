#!/usr/bin/python3
"""Generate a synthetic published journal for the site benchmark (bench/site.sh).

Usage: gen_site_journal.py OUT N [--seed S] [--repo ROOT] [--journal-only]

Writes, deterministically for a given N and seed (standard library only):
  OUT/journal/   a valid journal, a git repository with one commit: the repository's
                 journal.yaml (languages en and ru, as the sample journal), themes/ and
                 pages/, N published submissions (manuscript.md of about 50 KB of Markdown
                 with front matter, headings, lists, 1-3 GFM tables and 5-20 footnotes; 55 MB for N = 1000;
                 submission.yaml) and issues/K.yaml (3-5 articles each, one a month going
                 back from 2026-10 (past 2,400 issues several a month, from 1826 on),
                 every tenth a special edition with guest editors);
  OUT/hugo/content/  the same Markdown bodies with Hugo front matter, one section per issue;
  OUT/bodies/    the same bodies without front matter (for the cmark-gfm floor).
With --journal-only, OUT/hugo/ and OUT/bodies/ are not written (bench/scale.sh).

The journal's files are streamed into `git fast-import` as they are generated (one commit,
one pack) and then checked out: at N = 100,000 (5.5 GB of Markdown) writing them first and
running `git add` would take far longer and leave gigabytes of loose objects. The commit
is the same, byte for byte, as `git add -A && git commit` of the same files would make.
"""

import argparse
import calendar
import datetime
import os
import random
import shutil
import subprocess
import sys

EN_WORDS = """
administration agency appointment assessment audit budget bureaucracy cabinet candidate
capacity career central citizen civil code commission competence competition compliance
coordination corruption council decentralisation decision delivery department development
digital discretion efficiency election employee ethics evaluation evidence examination
executive framework function governance government human incentive indicator institution
integrity interview investment judgement law leadership legislation local management
manager merit ministry modernisation monitoring municipal network objective office officer
official oversight partnership pay performance personnel planning policy portal post
practice principle procedure process professional programme promotion public quality
recruitment reform region regulation remuneration report requirement resource
responsibility review salary sector selection service skill staff standard state strategy
structure system testing training transparency trust unit vacancy value workforce
""".split()
EN_GLUE = """the of and to in a for that is on with as by this from are was be at an not
which their it or has more than its have were also been between these they""".split()
RU_WORDS = """
администрация агентство назначение оценка аудит бюджет бюрократия кабинет кандидат
потенциал карьера центральный гражданин служба кодекс комиссия компетенция конкурс
соответствие координация коррупция совет децентрализация решение предоставление
департамент развитие цифровой усмотрение эффективность сотрудник этика экзамен
исполнительный рамки функция управление правительство стимул показатель институт
добросовестность собеседование закон руководство законодательство местный менеджмент
заслуги министерство модернизация мониторинг муниципальный сеть цель ведомство
должностное лицо надзор партнёрство оплата результативность кадры планирование политика
портал должность практика принцип процедура процесс профессиональный программа
продвижение публичный качество найм реформа регион регулирование вознаграждение доклад
требование ресурс ответственность обзор зарплата сектор отбор навык персонал стандарт
государство стратегия структура система тестирование обучение прозрачность доверие
""".split()
RU_GLUE = "и в на с по для что как это от из не к о при же также между или".split()

GIVEN = """Aigerim Dana Yerzhan Giorgi Olena Anna Farrukh Ion Margaret Timur Nino Aliya Bakhyt
Dmitri Elena Gulnara Irina Javid Kamila Laura Marat Nargiza Oksana Pavel Rustam Saule Tamar
Ulugbek Vera Zarina Ahmed Maria John Li Wei Sofia Lukas Emma Mehmet Ayse Andrei Natalia""".split()
FAMILY = """Nurlanova Seitkali Kuanyshev Beridze Kovalenko Petrosyan Tashkentov Rusu Holloway Aliev
Abdullaev Bekova Chkheidze Darbinyan Ermekov Gasimov Hakobyan Ismailova Jumabaeva Karimov
Lomidze Mammadov Nazarova Omarov Popescu Rahimov Sargsyan Tursunov Usmonov Volkova Wang Zhang
Schmidt Dubois Smith Yilmaz Novak Ivanova Horvat Kowalski""".split()
INSTITUTIONS = [
    "Academy of Public Administration", "State University", "Institute of Public Policy",
    "Centre for Governance Studies", "School of Public Administration",
    "Ministry of Labour and Social Protection", "Agency for Civil Service Affairs",
    "National Institute of Statistics", "Higher School of Economics", "Policy Research Centre",
]
INTERNATIONAL = ["UNDP", "OECD", "World Bank", "Asian Development Bank", "OSCE"]
# ISO 3166-1 alpha-2 codes (all real; Debian's iso-codes knows them).
COUNTRIES = """KZ UZ KG TJ TM AZ AM GE MD UA BY MN TR CN IN PK AF IR DE FR GB US CA PL LT LV EE
RO BG RS HR SI SK CZ HU AT CH NL BE SE NO FI DK IT ES PT GR IE JP KR SG MY ID AU NZ BR
MX AR CL ZA KE NG EG MA""".split()
TYPES = ["research-article"] * 7 + ["case-study", "case-study", "review", "practice"]


def orcid(rng):
    """A random ORCID iD with a valid ISO 7064 MOD 11-2 check digit."""
    digits = [rng.randrange(10) for _ in range(15)]
    total = 0
    for d in digits:
        total = (total + d) * 2
    check = (12 - total % 11) % 11
    s = "".join(map(str, digits)) + ("X" if check == 10 else str(check))
    return "-".join(s[i:i + 4] for i in range(0, 16, 4))


def yq(s):
    """A double-quoted YAML scalar."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Text:
    def __init__(self, rng, lang):
        self.rng = rng
        self.words = RU_WORDS if lang == "ru" else EN_WORDS
        self.glue = RU_GLUE if lang == "ru" else EN_GLUE

    def word(self):
        r = self.rng
        return r.choice(self.glue) if r.random() < 0.4 else r.choice(self.words)

    def phrase(self, lo, hi):
        return " ".join(self.word() for _ in range(self.rng.randint(lo, hi)))

    def sentence(self):
        r = self.rng
        # word() inlined, the same draws in the same order: most of the generator's time at
        # N = 100,000 is spent here.
        random, choice, glue, vocabulary = r.random, r.choice, self.glue, self.words
        words = [choice(glue) if random() < 0.4 else choice(vocabulary)
                 for _ in range(r.randint(8, 24))]
        if r.random() < 0.15:
            i = r.randrange(len(words))
            words[i] = "**" + words[i] + "**"
        if r.random() < 0.15:
            i = r.randrange(len(words))
            words[i] = "*" + words[i] + "*"
        if r.random() < 0.05:
            i = r.randrange(len(words))
            words[i] = "[" + words[i] + "](https://example.org/" + str(r.randrange(1000)) + ")"
        if r.random() < 0.1:
            words.insert(r.randrange(len(words)), str(r.randint(2, 2400)))
        s = " ".join(words)
        return s[0].upper() + s[1:] + r.choice([".", ".", ".", ";", "?"]).replace(";", ".")

    def title(self, lo=4, hi=10):
        s = self.phrase(lo, hi)
        return s[0].upper() + s[1:]

    def paragraph(self, lo=3, hi=8):
        return " ".join(self.sentence() for _ in range(self.rng.randint(lo, hi)))


def table(t, rng):
    cols = rng.randint(3, 6)
    rows = rng.randint(4, 15)
    head = [t.title(1, 3) for _ in range(cols)]
    align = [rng.choice(["---", ":---", "---:", ":---:"]) for _ in range(cols)]
    lines = ["Table: " + t.title(3, 8), "",
             "| " + " | ".join(head) + " |", "| " + " | ".join(align) + " |"]
    for _ in range(rows):
        cells = [t.phrase(1, 3) if c == 0 else
                 (str(rng.randint(0, 9999)) if rng.random() < 0.6 else t.phrase(1, 2))
                 for c in range(cols)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def body(rng, lang, target):
    """About `target` bytes of Markdown: sections, paragraphs, lists, tables, footnotes."""
    t = Text(rng, lang)
    nfoot = rng.randint(5, 20)
    ntables = rng.randint(1, 3)
    blocks = []
    size = 0
    section = 0
    # Decide where tables and footnote references go once the body is long enough.
    table_at = sorted(rng.uniform(0.1, 0.9) * target for _ in range(ntables))
    foot_at = sorted(rng.uniform(0.05, 0.95) * target for _ in range(nfoot))
    footnotes_used = 0
    while size < target:
        if not blocks or rng.random() < 0.12:
            section += 1
            blocks.append("## " + t.title(2, 6))
        elif rng.random() < 0.08:
            blocks.append("### " + t.title(2, 6))
        if table_at and size >= table_at[0]:
            table_at.pop(0)
            blocks.append(table(t, rng))
        r = rng.random()
        if r < 0.1:
            marker = rng.choice(["-", "*", "1."])
            items = [marker + " " + t.sentence() for _ in range(rng.randint(3, 7))]
            blocks.append("\n".join(items))
        elif r < 0.13:
            blocks.append("> " + t.paragraph(1, 3))
        else:
            p = t.paragraph()
            while foot_at and size >= foot_at[0]:
                foot_at.pop(0)
                footnotes_used += 1
                p += "[^%d]" % footnotes_used
            blocks.append(p)
        size += len(blocks[-1].encode()) + 2
    # Footnotes the loop did not place go in the last paragraph.
    while footnotes_used < nfoot:
        footnotes_used += 1
        blocks.append(t.sentence() + "[^%d]" % footnotes_used)
    for tb in table_at:
        blocks.append(table(t, rng))
    for i in range(1, footnotes_used + 1):
        blocks.append("[^%d]: %s" % (i, t.paragraph(1, 2)))
    return "\n\n".join(blocks) + "\n"


def authors(rng, lang):
    out = []
    for i in range(rng.randint(1, 5)):
        a = {"name": rng.choice(GIVEN) + " " + rng.choice(FAMILY)}
        if rng.random() < 0.8:
            a["orcid"] = orcid(rng)
        affs = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            if rng.random() < 0.08:
                affs.append({"name": rng.choice(INTERNATIONAL), "international": True})
            else:
                affs.append({"name": rng.choice(INSTITUTIONS), "country": rng.choice(COUNTRIES)})
        a["affiliations"] = affs
        if i == 0:
            a["email"] = "author%d@example.org" % rng.randrange(10**6)
            a["corresponding"] = True
        out.append(a)
    return out


def front_matter(meta):
    lines = ["---", "title: " + yq(meta["title"]), "lang: " + meta["lang"],
             "type: " + meta["type"], "abstract: |"]
    lines += ["  " + l for l in meta["abstract"].split("\n")]
    lines.append("keywords: [" + ", ".join(meta["keywords"]) + "]")
    lines.append("authors:")
    for a in meta["authors"]:
        lines.append("  - name: " + yq(a["name"]))
        if "email" in a:
            lines.append("    email: " + a["email"])
        if "orcid" in a:
            lines.append("    orcid: " + a["orcid"])
        if a.get("corresponding"):
            lines.append("    corresponding: true")
        lines.append("    affiliations:")
        for f in a["affiliations"]:
            lines.append("      - name: " + yq(f["name"]))
            if f.get("international"):
                lines.append("        international: true")
            else:
                lines.append("        country: " + f["country"])
    lines.append("---")
    return "\n".join(lines) + "\n"


def hugo_front_matter(meta, issue, date, weight):
    lines = ["---", "title: " + yq(meta["title"]), "date: " + date, "weight: %d" % weight,
             "lang: " + meta["lang"], "issue: %d" % issue,
             "authors: [" + ", ".join(yq(a["name"]) for a in meta["authors"]) + "]",
             "keywords: [" + ", ".join(yq(k) for k in meta["keywords"]) + "]",
             "abstract: " + yq(meta["abstract"]), "---"]
    return "\n".join(lines) + "\n"


def add_days(date, days):
    d = datetime.date.fromisoformat(date) + datetime.timedelta(days=days)
    return d.isoformat()


MAX_MONTHS = 2400
BENCH_ID = "Bench <bench@example.org>"
BENCH_DATE = "2026-11-01T12:00:00Z"


class FastImport:
    """One commit on refs/heads/main, its files streamed to `git fast-import` as inline data.

    Paths are plain (digits, letters, '/', '.', '-', '_'), so they need no quoting; a path
    that does is refused rather than quoted, since the stream is only ever fed our own names.
    """

    def __init__(self, gitdir, message):
        when = calendar.timegm(datetime.datetime.strptime(BENCH_DATE, "%Y-%m-%dT%H:%M:%SZ")
                               .timetuple())
        # fast-import, not Python, was the bottleneck: no delta search (manuscripts are not
        # versions of one another) and zlib's fastest level make it 4 times faster for a
        # pack 20% larger. The objects, hence the commit, are the same.
        self.proc = subprocess.Popen(["git", "--git-dir", gitdir, "-c", "core.bigFileThreshold=1k",
                                      "-c", "core.compression=1", "fast-import", "--quiet"],
                                     stdin=subprocess.PIPE)
        self.out = self.proc.stdin
        # `git commit -m` ends the message with a newline; the same bytes give the same commit.
        msg = (message + "\n").encode()
        self.out.write(b"commit refs/heads/main\n")
        for role in ("author", "committer"):
            self.out.write(("%s %s %d +0000\n" % (role, BENCH_ID, when)).encode())
        self.out.write(b"data %d\n" % len(msg) + msg)

    def add(self, path, data, mode=0o100644):
        if isinstance(data, str):
            data = data.encode()
        if any(c in path for c in ' "\n\\') or path.startswith("/"):
            raise ValueError("fast-import path needs quoting: %r" % path)
        self.out.write(b"M %o inline %s\ndata %d\n" % (mode, path.encode(), len(data)))
        self.out.write(data)
        self.out.write(b"\n")

    def add_tree(self, src, prefix):
        """Every file under src, as `git add -A` would record it (regular files; the x bit)."""
        for dirpath, dirnames, filenames in os.walk(src):
            dirnames.sort()
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, src).replace(os.sep, "/")
                mode = 0o100755 if os.stat(full).st_mode & 0o100 else 0o100644
                with open(full, "rb") as f:
                    self.add(prefix + "/" + rel, f.read(), mode)

    def finish(self):
        self.out.write(b"\ndone\n")
        self.out.close()
        if self.proc.wait() != 0:
            raise SystemExit("gen_site_journal: git fast-import failed")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--repo", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    ap.add_argument("--size", type=int, default=55000, help="mean manuscript size in bytes (about)")
    ap.add_argument("--journal-only", action="store_true",
                    help="write only OUT/journal (no Hugo content, no bare bodies)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = os.path.abspath(args.out)
    if os.path.exists(out):
        shutil.rmtree(out)
    jdir = os.path.join(out, "journal")
    hdir = os.path.join(out, "hugo", "content")
    bdir = os.path.join(out, "bodies")
    copies = not args.journal_only
    os.makedirs(jdir)
    if copies:
        os.makedirs(hdir)
        os.makedirs(bdir)
    repo = os.path.abspath(args.repo)

    # Issues: 3-5 articles each, one a month going back from October 2026. Known before any
    # file is written, since the commit message (which fast-import needs first) counts them.
    sizes = []
    left = args.n
    while left > 0:
        k = min(left, rng.randint(3, 5))
        sizes.append(k)
        left -= k
    nissues = len(sizes)

    env = dict(os.environ, GIT_AUTHOR_NAME="Bench", GIT_AUTHOR_EMAIL="bench@example.org",
               GIT_COMMITTER_NAME="Bench", GIT_COMMITTER_EMAIL="bench@example.org",
               GIT_AUTHOR_DATE=BENCH_DATE, GIT_COMMITTER_DATE=BENCH_DATE)
    git = ["git", "-C", jdir, "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], check=True, env=env)
    tree = FastImport(os.path.join(jdir, ".git"),
                      "Synthetic journal: %d articles, %d issues (seed %d)"
                      % (args.n, nissues, args.seed))
    with open(os.path.join(repo, "journal.yaml"), "rb") as f:
        tree.add("journal.yaml", f.read())
    tree.add_tree(os.path.join(repo, "themes"), "themes")
    tree.add_tree(os.path.join(repo, "pages"), "pages")
    tree.add("reviewers.yaml", "reviewers: []\n")
    tree.add(".gitignore", "/.journal/\n/_site/\n")

    # One a month going back from October 2026; past MAX_MONTHS issues (N over about 9,600)
    # several share a month, so that dates stay within two centuries (one a month, N = 100,000
    # would go back to the year -61).
    months = []
    for j in range(nissues):
        back = j if nissues <= MAX_MONTHS else j * MAX_MONTHS // nissues
        y, m = divmod(2026 * 12 + 10 - 1 - back, 12)
        months.append((y, m + 1))
    months.reverse()
    first_year = months[0][0]
    number = 1
    per_year = {}
    for issue, ((y, m), k) in enumerate(zip(months, sizes), start=1):
        per_year[y] = per_year.get(y, 0) + 1
        volume = y - first_year + 1
        inum = per_year[y]
        date = "%04d-%02d-15" % (y, m)
        special = issue % 10 == 0
        t = Text(rng, "en")
        ititle = t.title(3, 7)
        page = 1
        arts = []
        hsec = os.path.join(hdir, "i%d" % issue)
        if copies:
            os.makedirs(hsec)
            with open(os.path.join(hsec, "_index.md"), "w") as f:
                f.write("---\ntitle: %s\ndate: %s\nweight: %d\nvolume: %d\nnumber: %d\n---\n"
                        % (yq(ititle), date, issue, volume, inum))
        for a in range(k):
            lang = "ru" if rng.random() < 0.15 else "en"
            tt = Text(rng, lang)
            meta = {
                "title": tt.title(5, 14), "lang": lang, "type": rng.choice(TYPES),
                "abstract": "\n".join(tt.paragraph(2, 4) for _ in range(rng.randint(1, 2))),
                "keywords": sorted({" ".join(rng.choice(tt.words) for _ in range(rng.randint(1, 3)))
                                     for _ in range(rng.randint(3, 6))}),
                "authors": authors(rng, lang),
            }
            # The loop stops past the target and the footnotes and tables come after: aim lower.
            target = int(args.size * 0.87 * rng.uniform(0.9, 1.1))
            text = body(rng, lang, target)
            sub = "submissions/%d/" % number
            tree.add(sub + "manuscript.md", front_matter(meta) + "\n" + text)
            submitted = add_days(date, -rng.randint(120, 400))
            accepted = add_days(date, -rng.randint(20, 100))
            doi = "10.99999/jcsrp.%d.%d.%d.%d" % (y, volume, inum, a + 1)
            tree.add(sub + "submission.yaml",
                     "number: %d\nstate: published\nsubmitted: %s\naccepted: %s\n"
                     "published: %s\nissue: %d\ndoi: %s\n"
                     % (number, submitted, accepted, date, issue, doi))
            npages = max(1, len(text) // 3000)
            arts.append((number, "%d-%d" % (page, page + npages - 1)))
            page += npages
            if copies:
                with open(os.path.join(hsec, "%d.md" % number), "w") as f:
                    f.write(hugo_front_matter(meta, issue, date, a + 1) + "\n" + text)
                with open(os.path.join(bdir, "%d.md" % number), "w") as f:
                    f.write(text)
            number += 1
        manifest = ("volume: %d\nnumber: %d\nyear: %d\ndate: %s\ntitle: %s\n"
                    % (volume, inum, y, date, yq(ititle)))
        if special:
            manifest += "special: %s\nguest_editors:\n" % yq("Special edition: " + t.title(2, 5))
            for _ in range(rng.randint(1, 2)):
                manifest += ("  - name: %s\n    affiliation: %s\n"
                             % (yq(rng.choice(GIVEN) + " " + rng.choice(FAMILY)),
                                yq(rng.choice(INSTITUTIONS))))
        manifest += "articles:\n"
        for s, p in arts:
            manifest += "  - {submission: %d, pages: \"%s\"}\n" % (s, p)
        tree.add("issues/%d.yaml" % issue, manifest)
    tree.finish()

    # The work tree and git's index, as a journal's editors have them (and as site.sh's
    # edits need); parallel checkout writes the 100,000 files of a large N on every core.
    subprocess.run(git + ["-c", "checkout.workers=0", "reset", "-q", "--hard"], check=True,
                   env=env)
    print("gen_site_journal: %d articles in %d issues (%d-%d) in %s"
          % (args.n, nissues, months[0][0], months[-1][0], out), file=sys.stderr)


if __name__ == "__main__":
    main()
