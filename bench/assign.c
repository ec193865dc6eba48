/*
 * Benchmark for reviewer assignment: a synthetic journal with 5,000 reviewers and
 * 2,000 waiting submissions, scored with the affinity module and assigned with
 * assign_solve (k = 3, capacity 3). Usage: assign [reviewers submissions k capacity seed]
 *
 * The instance imitates a public-administration journal: 20 topics, each with
 * English keywords (heads and modified heads) and Russian ones; submissions are
 * 70% English, 30% Russian; 40% of reviewers read both; authors and reviewers
 * come from 30 countries and may not review their own country's work; every
 * reviewer has a few random conflicts of interest.
 *
 * Names and institutions are checked as journal's conflict rules check them
 * (model/namematch.h): reviewers and authors carry Russian, Kazakh and Korean names in
 * Cyrillic or Latin letters, in either order, sometimes with an initial (one in eight a
 * Korean or Chinese name in Hangul, Han characters or Latin letters), a declared
 * conflict with a person, and an institution named in English or Russian. Every pair the
 * language and country rules allow is compared (the author, declared-person and
 * institution rules), on forms made once per person, past the gates of the groups and
 * with the memo of institution pairs as workflow/eligibility.c has them. MATCH=0 in the
 * environment leaves that out, for the figures before it.
 */
#define _POSIX_C_SOURCE 200809L

#include "model/affinity.h"
#include "model/namematch.h"
#include "util/alloc.h"
#include "util/assign.h"
#include "util/error.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct topic {
    const char *name_en, *name_ru;
    const char *heads[5];
    const char *mods[3];
    const char *ru[6];
};

static const struct topic topics[] = {
    {"civil service",
     "государственная служба",
     {"recruitment", "civil service", "promotion", "public sector pay", "bureaucracy"},
     {"merit-based", "politicised", "senior"},
     {"государственная служба", "кадровый резерв", "оценка служащих", "меритократия",
      "карьера чиновников", "конкурсный отбор"}},
    {"public budgeting",
     "бюджетный процесс",
     {"budget", "public expenditure", "fiscal transparency", "public debt", "revenue"},
     {"participatory", "performance-based", "medium-term"},
     {"бюджетный процесс", "инициативное бюджетирование", "государственный долг",
      "бюджетная прозрачность", "межбюджетные трансферты", "расходы бюджета"}},
    {"local government",
     "местное самоуправление",
     {"municipality", "local government", "mayor", "city council", "local elections"},
     {"rural", "metropolitan", "small"},
     {"местное самоуправление", "муниципалитет", "глава муниципалитета", "городская дума",
      "муниципальные выборы", "сельские поселения"}},
    {"e-government",
     "электронное правительство",
     {"e-government", "digital services", "open data", "digital identity", "online portal"},
     {"mobile", "citizen-centred", "interoperable"},
     {"электронное правительство", "цифровизация", "открытые данные", "госуслуги",
      "цифровая трансформация", "цифровые платформы"}},
    {"public procurement",
     "государственные закупки",
     {"procurement", "tender", "contract management", "supplier", "competition"},
     {"electronic", "green", "centralised"},
     {"государственные закупки", "электронные аукционы", "контрактная система",
      "конкуренция поставщиков", "закупки", "госконтракт"}},
    {"corruption",
     "коррупция",
     {"corruption", "integrity", "whistleblowing", "bribery", "anti-corruption agency"},
     {"petty", "grand", "institutional"},
     {"коррупция", "противодействие коррупции", "взяточничество", "конфликт интересов",
      "антикоррупционная экспертиза", "честность"}},
    {"health policy",
     "политика здравоохранения",
     {"health policy", "hospital", "primary care", "health insurance", "pandemic"},
     {"universal", "regional", "emergency"},
     {"здравоохранение", "обязательное медицинское страхование", "первичная помощь", "больницы",
      "пандемия", "доступность медицины"}},
    {"education policy",
     "образовательная политика",
     {"school", "higher education", "university", "teacher", "education funding"},
     {"inclusive", "vocational", "public"},
     {"образовательная политика", "высшее образование", "школы", "финансирование образования",
      "учителя", "университеты"}},
    {"regulation",
     "регулирование",
     {"regulation", "regulatory impact assessment", "red tape", "compliance", "inspection"},
     {"risk-based", "smart", "independent"},
     {"регуляторная политика", "оценка регулирующего воздействия",
      "контрольно-надзорная "
      "деятельность",
      "административные барьеры", "проверки", "регулирование"}},
    {"decentralisation",
     "децентрализация",
     {"decentralisation", "federalism", "regional government", "fiscal federalism",
      "intergovernmental relations"},
     {"asymmetric", "fiscal", "administrative"},
     {"децентрализация", "федерализм", "региональная власть", "бюджетный федерализм",
      "разграничение полномочий", "регионы"}},
    {"performance management",
     "управление результативностью",
     {"performance management", "key performance indicators", "benchmarking", "evaluation",
      "accountability"},
     {"outcome-based", "strategic", "organisational"},
     {"управление по результатам", "показатели эффективности", "оценка эффективности",
      "подотчетность", "мониторинг", "результативность"}},
    {"public-private partnership",
     "государственно-частное партнерство",
     {"public-private partnership", "concession", "infrastructure", "outsourcing", "privatisation"},
     {"transport", "social", "long-term"},
     {"государственно-частное партнерство", "концессии", "инфраструктура", "аутсорсинг",
      "приватизация", "инвестиционные проекты"}},
    {"citizen participation",
     "участие граждан",
     {"citizen participation", "deliberation", "consultation", "co-production", "civic engagement"},
     {"online", "local", "deliberative"},
     {"участие граждан", "общественные слушания", "гражданское общество", "общественный контроль",
      "соучастие", "общественные советы"}},
    {"environmental policy",
     "экологическая политика",
     {"climate policy", "environmental regulation", "sustainability", "energy transition",
      "waste management"},
     {"urban", "national", "low-carbon"},
     {"экологическая политика", "изменение климата", "устойчивое развитие", "обращение с отходами",
      "энергетический переход", "охрана природы"}},
    {"social policy",
     "социальная политика",
     {"social policy", "welfare state", "pension", "poverty", "social assistance"},
     {"targeted", "conditional", "universal"},
     {"социальная политика", "пенсионная система", "бедность", "социальная помощь",
      "социальные услуги", "государство благосостояния"}},
    {"policy analysis",
     "анализ политики",
     {"policy analysis", "policy design", "agenda setting", "policy transfer", "implementation"},
     {"comparative", "evidence-based", "multi-level"},
     {"анализ государственной политики", "реализация политики", "повестка дня",
      "заимствование политики", "доказательная политика", "проектирование политики"}},
    {"public management reform",
     "административная реформа",
     {"new public management", "administrative reform", "agencification", "modernisation",
      "public value"},
     {"post-Soviet", "managerial", "incremental"},
     {"административная реформа", "новый государственный менеджмент", "модернизация",
      "реформа управления", "публичная ценность", "агентства"}},
    {"trust in government",
     "доверие к власти",
     {"trust", "legitimacy", "public opinion", "satisfaction", "transparency"},
     {"political", "institutional", "social"},
     {"доверие к власти", "легитимность", "общественное мнение", "удовлетворенность граждан",
      "открытость власти", "прозрачность"}},
    {"leadership",
     "лидерство",
     {"leadership", "motivation", "public service motivation", "organisational culture",
      "human resource management"},
     {"transformational", "ethical", "distributed"},
     {"лидерство", "мотивация служащих", "организационная культура", "управление персоналом",
      "мотивация", "руководители"}},
    {"security and migration",
     "миграционная политика",
     {"migration", "border control", "integration", "asylum", "public safety"},
     {"irregular", "labour", "humanitarian"},
     {"миграционная политика", "трудовая миграция", "интеграция мигрантов", "пограничный контроль",
      "общественная безопасность", "беженцы"}},
};
#define NTOPICS (sizeof(topics) / sizeof(*topics))

static const char *const countries[] = {"RU", "KZ", "BY", "UA", "AM", "GE", "AZ", "UZ", "KG", "TJ",
                                        "MD", "EE", "LV", "LT", "PL", "CZ", "SK", "HU", "RO", "BG",
                                        "RS", "HR", "SI", "DE", "FR", "GB", "US", "NL", "FI", "SE"};
#define NCOUNTRIES (sizeof(countries) / sizeof(*countries))

static const char *const institutions[] = {
    "the Higher School of Economics", "a national school of public administration",
    "a regional university",          "a policy research institute",
    "the Academy of Sciences",        "a school of government"};

/* Given and family names, each in Cyrillic and in a Latin spelling people use. */
static const char *const given_names[][2] = {
    {"Дмитрий", "Dmitry"},  {"Юлия", "Yulia"},      {"Евгений", "Yevgeny"},   {"Алексей", "Alexey"},
    {"Анна", "Anna"},       {"Сергей", "Sergei"},   {"Мария", "Maria"},       {"Ольга", "Olga"},
    {"Игорь", "Igor"},      {"Наталья", "Natalia"}, {"Асель", "Asel"},        {"Ерлан", "Yerlan"},
    {"Айгерим", "Aigerim"}, {"Нурлан", "Nurlan"},   {"Татьяна", "Tatiana"},   {"Павел", "Pavel"},
    {"Ирина", "Irina"},     {"Фёдор", "Fyodor"},    {"Ксения", "Ksenia"},     {"Михаил", "Mikhail"},
    {"Ji-ho", "Ji-ho"},     {"Min-jun", "Min-jun"}, {"Seo-yeon", "Seo-yeon"}, {"Елена", "Elena"}};
static const char *const family_names[][2] = {{"Соколов", "Sokolov"},
                                              {"Гумилёв", "Gumilyov"},
                                              {"Иванов", "Ivanov"},
                                              {"Смирнов", "Smirnov"},
                                              {"Кузнецов", "Kuznetsov"},
                                              {"Попов", "Popov"},
                                              {"Васильев", "Vasiliev"},
                                              {"Петров", "Petrov"},
                                              {"Новиков", "Novikov"},
                                              {"Фёдоров", "Fedorov"},
                                              {"Морозов", "Morozov"},
                                              {"Волков", "Volkov"},
                                              {"Алексеев", "Alekseev"},
                                              {"Лебедев", "Lebedev"},
                                              {"Семёнов", "Semyonov"},
                                              {"Егоров", "Yegorov"},
                                              {"Павлов", "Pavlov"},
                                              {"Козлов", "Kozlov"},
                                              {"Степанов", "Stepanov"},
                                              {"Николаев", "Nikolaev"},
                                              {"Орлов", "Orlov"},
                                              {"Андреев", "Andreyev"},
                                              {"Макаров", "Makarov"},
                                              {"Никитин", "Nikitin"},
                                              {"Захаров", "Zakharov"},
                                              {"Зайцев", "Zaitsev"},
                                              {"Соловьёв", "Solovyov"},
                                              {"Борисов", "Borisov"},
                                              {"Яковлев", "Yakovlev"},
                                              {"Григорьев", "Grigoriev"},
                                              {"Романов", "Romanov"},
                                              {"Воробьёв", "Vorobyov"},
                                              {"Сергеев", "Sergeev"},
                                              {"Кудрявцев", "Kudryavtsev"},
                                              {"Жуков", "Zhukov"},
                                              {"Беков", "Bekov"},
                                              {"Искаков", "Iskakov"},
                                              {"Нуриев", "Nuriev"},
                                              {"Темирханов", "Temirkhanov"},
                                              {"Ахметов", "Akhmetov"},
                                              {"Пак", "Park"},
                                              {"Ким", "Kim"},
                                              {"Ли", "Lee"},
                                              {"Цой", "Tsoy"},
                                              {"Хабаров", "Khabarov"},
                                              {"Щукин", "Shchukin"},
                                              {"Юсупов", "Yusupov"},
                                              {"Черных", "Chernykh"}};
/* Korean and Chinese names in Hangul or Han characters, with the Latin spelling their people
   sign with (model/namematch.c compares these by loose keys). */
static const char *const cjk_names[][3] = {
    {"박지호", "Ji-ho", "Park"},    {"김민준", "Min-jun", "Kim"},   {"이서연", "Seo-yeon", "Lee"},
    {"최현우", "Hyun-woo", "Choi"}, {"정은지", "Eun-ji", "Jung"},   {"박지후", "Ji-hoo", "Park"},
    {"김민지", "Min-ji", "Kim"},    {"강도윤", "Do-yoon", "Kang"},  {"张伟", "Wei", "Zhang"},
    {"張偉", "Wei", "Chang"},       {"王小明", "Xiaoming", "Wang"}, {"陈静", "Jing", "Chan"},
    {"刘洋", "Yang", "Liu"},        {"李娜", "Na", "Li"},           {"黄磊", "Lei", "Huang"},
    {"周杰", "Jie", "Chou"}};
#define NCJK (sizeof(cjk_names) / sizeof(*cjk_names))
/* Institutions, in English and in Russian. */
static const char *const institution_names[][2] = {
    {"L.N. Gumilyov Eurasian National University",
     "Евразийский национальный университет имени Л. Н. Гумилёва"},
    {"Lomonosov Moscow State University",
     "Московский государственный университет имени М. В. Ломоносова"},
    {"Saint Petersburg State University", "Санкт-Петербургский государственный университет"},
    {"Kazan Federal University", "Казанский федеральный университет"},
    {"Ural Federal University", "Уральский федеральный университет"},
    {"Tomsk State University", "Томский государственный университет"},
    {"Novosibirsk State University", "Новосибирский государственный университет"},
    {"Al-Farabi Kazakh National University", "Казахский национальный университет имени аль-Фараби"},
    {"Nazarbayev University", "Назарбаев Университет"},
    {"HSE University", "Высшая школа экономики"},
    {"Russian Presidential Academy of National Economy and Public Administration",
     "Российская академия народного хозяйства и государственной службы"},
    {"Kyrgyz National University", "Киргизский национальный университет"},
    {"Belarusian State University", "Белорусский государственный университет"},
    {"Taras Shevchenko National University of Kyiv",
     "Киевский национальный университет имени Тараса Шевченко"},
    {"Yerevan State University", "Ереванский государственный университет"},
    {"Tbilisi State University", "Тбилисский государственный университет"},
    {"National University of Uzbekistan", "Национальный университет Узбекистана"},
    {"Seoul National University", "Сеульский национальный университет"},
    {"Korea University", "Университет Корё"},
    {"Institute of Economics of the Russian Academy of Sciences",
     "Институт экономики Российской академии наук"}};
#define NGIVEN        (sizeof(given_names) / sizeof(*given_names))
#define NFAMILY       (sizeof(family_names) / sizeof(*family_names))
#define NINSTITUTIONS (sizeof(institution_names) / sizeof(*institution_names))

static uint64_t rng_state = 88172645463325252ULL;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static uint32_t pick(uint32_t n)
{
    return rng() % n;
}

/* Wall time; with CPU=1 in the environment, the process's CPU time (the same on a quiet
   machine, and steadier on a busy one: the benchmark runs on one thread). */
static double now(void)
{
    static int cpu = -1;
    if (cpu < 0)
        cpu = getenv("CPU") && !strcmp(getenv("CPU"), "1");
    struct timespec ts;
    clock_gettime(cpu ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* An English keyword of topic t: a head, or a modified head. */
static void english_keyword(struct strbuf *sb, const struct topic *t)
{
    const char *head = t->heads[pick(5)];
    if (pick(2))
        strbuf_addf(sb, "%s %s", t->mods[pick(3)], head);
    else
        strbuf_addstr(sb, head);
}

static void keyword(struct strbuf *sb, const struct topic *t, bool russian)
{
    if (russian)
        strbuf_addstr(sb, t->ru[pick(6)]);
    else
        english_keyword(sb, t);
}

/* Mostly the main topic, sometimes a neighbouring one: topics cluster. */
static const struct topic *near_topic(uint32_t main_topic)
{
    uint32_t r = pick(10);
    if (r < 7)
        return &topics[main_topic];
    if (r < 9)
        return &topics[(main_topic + 1 + pick(2)) % NTOPICS];
    return &topics[pick(NTOPICS)];
}

struct person {
    uint32_t country;
    bool en, ru;
};

/* One person's name and institution as the conflict rules read them. */
struct person_forms {
    struct name_form name, declared;
    struct institution_form institution;
};

/* A name in Cyrillic or Latin letters, in either order, sometimes with an initial; one in
   eight a Korean or Chinese name in Hangul, Han characters or Latin letters. */
static void person_name(struct strbuf *sb)
{
    uint32_t g = pick(NGIVEN), f = pick(NFAMILY), script = pick(2), form = pick(10);
    const char *given = given_names[g][script], *family = family_names[f][script];
    strbuf_reset(sb);
    if (pick(8) == 0) {
        const char *const *cjk = cjk_names[pick(NCJK)];
        if (script == 0)
            strbuf_addstr(sb, cjk[0]);
        else if (form < 5)
            strbuf_addf(sb, "%s %s", cjk[1], cjk[2]);
        else
            strbuf_addf(sb, "%s %s", cjk[2], cjk[1]);
    } else if (form < 6)
        strbuf_addf(sb, "%s %s", given, family);
    else if (form < 9)
        strbuf_addf(sb, "%s %s", family, given);
    else
        strbuf_addf(sb, "%.*s. %s", given[0] & 0x80 ? 2 : 1, given, family);
}

static int person_forms_init(struct person_forms *p, struct strbuf *sb,
                             struct institution_memo *memo)
{
    person_name(sb);
    int rc = name_form_init(&p->name, sb->buf);
    person_name(sb);
    if (!rc)
        rc = name_form_init(&p->declared, sb->buf);
    if (!rc)
        rc = institution_form_init(&p->institution, institution_names[pick(NINSTITUTIONS)][pick(2)],
                                   NULL);
    if (!rc)
        institution_memo_add(memo, &p->institution);
    return rc;
}

/* The gates of a reviewer (name and declared person) or of a submission's authors, kept
   apart from the forms, in one array, as eligibility.c keeps them at the front of its forms. */
struct group_gate {
    struct name_gate names;
    uint64_t institutions;
};

static void group_gate_add(struct group_gate *g, const struct person_forms *p, bool declared)
{
    name_gate_add(&g->names, &p->name);
    if (declared)
        name_gate_add(&g->names, &p->declared);
    g->institutions |= p->institution.gate;
}

static void person_forms_free(struct person_forms *p)
{
    name_form_free(&p->name);
    name_form_free(&p->declared);
    institution_form_free(&p->institution);
}

/* Whether the reviewer's institution is one of the authors', by the memo, as
   workflow/eligibility.c asks before the rules. */
static bool institutions_meet(struct institution_memo *memo, const struct person_forms *rev,
                              const struct person_forms *authors, uint32_t nauthors)
{
    for (uint32_t a = 0; a < nauthors; a++)
        if (institution_memo_same(memo, rev->institution.id, authors[a].institution.id))
            return true;
    return false;
}

/* The author, declared-person and institution rules of workflow/eligibility.c, in its order,
   each skipped where the gates (and for institutions the memo) say it cannot hold. */
static bool names_conflict(struct institution_memo *memo, const struct person_forms *rev,
                           const struct person_forms *authors, uint32_t nauthors,
                           bool names_may_meet, bool institutions_may_meet)
{
    for (uint32_t a = 0; a < nauthors; a++) {
        if (names_may_meet && (name_form_same_person(&rev->name, &authors[a].name) ||
                               name_form_same_person(&rev->declared, &authors[a].name)))
            return true;
        if (institutions_may_meet &&
            institution_memo_same(memo, rev->institution.id, authors[a].institution.id))
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    uint32_t nrevs = argc > 1 ? (uint32_t)atoi(argv[1]) : 5000;
    uint32_t nsubs = argc > 2 ? (uint32_t)atoi(argv[2]) : 2000;
    uint32_t k = argc > 3 ? (uint32_t)atoi(argv[3]) : 3;
    uint32_t capacity = argc > 4 ? (uint32_t)atoi(argv[4]) : 3;
    if (argc > 5)
        rng_state ^= (uint64_t)atoll(argv[5]) * 0x9E3779B97F4A7C15ULL;

    struct person *revs = xmalloc(nrevs * sizeof(*revs)), *subs = xmalloc(nsubs * sizeof(*subs));
    struct affinity_corpus *corpus;
    if (affinity_corpus_new(&corpus)) {
        fprintf(stderr, "%s\n", error_message());
        return 1;
    }
    struct affinity_doc **rev_docs = xmalloc(nrevs * sizeof(*rev_docs));
    struct affinity_doc **sub_docs = xmalloc(nsubs * sizeof(*sub_docs));
    struct strbuf kw = STRBUF_INIT, text = STRBUF_INIT, title = STRBUF_INIT;
    double t0 = now();

    for (uint32_t j = 0; j < nrevs; j++) {
        struct person *r = &revs[j];
        r->country = pick(NCOUNTRIES);
        if (pick(10) < 4) {
            r->en = r->ru = true;
        } else {
            r->en = pick(10) < 7;
            r->ru = !r->en;
        }
        uint32_t main_topic = pick(NTOPICS), nkw = 5 + pick(6);
        strbuf_reset(&kw);
        strbuf_reset(&text);
        for (uint32_t x = 0; x < nkw; x++) {
            if (x)
                strbuf_addstr(&kw, "; ");
            keyword(&kw, near_topic(main_topic), r->ru && (!r->en || pick(2)));
        }
        const struct topic *t = &topics[main_topic];
        if (r->en || pick(2)) {
            strbuf_addf(&text, "Researcher at %s. Works on %s and %s, with a focus on ",
                        institutions[pick(6)], t->name_en, near_topic(main_topic)->name_en);
            english_keyword(&text, near_topic(main_topic));
            strbuf_addstr(&text, ". Has published comparative studies of ");
            english_keyword(&text, t);
            strbuf_addstr(&text, " in transition countries.");
        } else {
            strbuf_addf(&text, "Исследователь. Занимается темами: %s, %s; автор работ о ",
                        t->name_ru, near_topic(main_topic)->name_ru);
            strbuf_addstr(&text, t->ru[pick(6)]);
            strbuf_addstr(&text, " в регионах России.");
        }
        struct affinity_field fields[] = {{kw.buf, 2, true}, {text.buf, 1, false}};
        if (affinity_doc_add(corpus, fields, 2, &rev_docs[j]))
            return 1;
    }
    for (uint32_t i = 0; i < nsubs; i++) {
        struct person *s = &subs[i];
        s->country = pick(NCOUNTRIES);
        s->ru = pick(10) < 3;
        s->en = !s->ru;
        uint32_t main_topic = pick(NTOPICS);
        const struct topic *t = &topics[main_topic];
        strbuf_reset(&kw);
        strbuf_reset(&text);
        strbuf_reset(&title);
        for (uint32_t x = 0; x < 5; x++) {
            if (x)
                strbuf_addstr(&kw, ", ");
            keyword(&kw, near_topic(main_topic), s->ru);
        }
        if (s->en) {
            english_keyword(&title, t);
            strbuf_addstr(&title, " and ");
            english_keyword(&title, near_topic(main_topic));
            strbuf_addf(&title, ": evidence from %s", countries[s->country]);
            strbuf_addf(&text,
                        "This article examines %s in %s. Drawing on interviews and "
                        "administrative data, we analyse how ",
                        t->name_en, countries[s->country]);
            english_keyword(&text, t);
            strbuf_addstr(&text, " shapes ");
            english_keyword(&text, near_topic(main_topic));
            strbuf_addstr(&text, ". The findings show that reforms of ");
            english_keyword(&text, near_topic(main_topic));
            strbuf_addstr(&text, " depend on political support and capacity. We discuss "
                                 "implications for ");
            english_keyword(&text, near_topic(main_topic));
            strbuf_addstr(&text, ".");
        } else {
            strbuf_addf(&title, "%s: опыт регионов", t->ru[pick(6)]);
            strbuf_addf(&text,
                        "В статье рассматривается %s. На основе интервью и данных "
                        "мониторинга анализируется, как %s влияет на %s. Показано, что "
                        "реформы зависят от политической поддержки. Обсуждаются выводы для "
                        "темы: %s.",
                        t->name_ru, t->ru[pick(6)], near_topic(main_topic)->ru[pick(6)],
                        near_topic(main_topic)->ru[pick(6)]);
        }
        struct affinity_field fields[] = {
            {title.buf, 1, false}, {text.buf, 1, false}, {kw.buf, 2, true}};
        if (affinity_doc_add(corpus, fields, 3, &sub_docs[i]))
            return 1;
    }
    strbuf_release(&kw);
    strbuf_release(&text);
    strbuf_release(&title);
    affinity_corpus_finish(corpus);
    double t_corpus = now() - t0;

    /* Conflicts of interest: each reviewer with a handful of random submissions. */
    size_t nconflicts = (size_t)nrevs * 2;
    uint64_t *conflicts = xmalloc(nconflicts * sizeof(*conflicts));
    for (size_t x = 0; x < nconflicts; x++)
        conflicts[x] = (uint64_t)pick(nsubs) * nrevs + (x % nrevs);
    uint8_t *conflicted = xcalloc((size_t)nsubs * nrevs, 1);
    for (size_t x = 0; x < nconflicts; x++)
        conflicted[conflicts[x]] = 1;
    free(conflicts);

    /* Names and institutions, read once per person. */
    const char *match_env = getenv("MATCH");
    bool match = !match_env || strcmp(match_env, "0");
    uint32_t authors_per_sub = 3;
    struct person_forms *rev_forms = xcalloc(nrevs + 1, sizeof(*rev_forms));
    struct person_forms *sub_forms =
        xcalloc((size_t)nsubs * authors_per_sub + 1, sizeof(*sub_forms));
    struct strbuf name = STRBUF_INIT;
    struct institution_memo memo;
    institution_memo_init(&memo);
    t0 = now();
    for (uint32_t j = 0; match && j < nrevs; j++)
        if (person_forms_init(&rev_forms[j], &name, &memo))
            return 1;
    for (size_t x = 0; match && x < (size_t)nsubs * authors_per_sub; x++)
        if (person_forms_init(&sub_forms[x], &name, &memo))
            return 1;
    strbuf_release(&name);
    struct group_gate *rev_gates = xcalloc(nrevs + 1, sizeof(*rev_gates));
    struct group_gate *sub_gates = xcalloc(nsubs + 1, sizeof(*sub_gates));
    for (uint32_t j = 0; match && j < nrevs; j++)
        group_gate_add(&rev_gates[j], &rev_forms[j], true);
    for (size_t x = 0; match && x < (size_t)nsubs * authors_per_sub; x++)
        group_gate_add(&sub_gates[x / authors_per_sub], &sub_forms[x], false);
    double t_forms = now() - t0;
    size_t name_conflicts = 0;

    t0 = now();
    struct affinity_index *index;
    if (affinity_index_new(corpus, (const struct affinity_doc *const *)rev_docs, nrevs, &index))
        return 1;
    double *scores = xmalloc(nrevs * sizeof(*scores));
    size_t edges_alloc = (size_t)nsubs * nrevs;
    struct assign_edge *edges = xmalloc(edges_alloc * sizeof(*edges));
    size_t nedges = 0, nonzero_pairs = 0, nonzero_allowed = 0;
    double t_score = 0, t_pairs = 0;
    for (uint32_t i = 0; i < nsubs; i++) {
        double a = now();
        nonzero_pairs += affinity_index_score(index, sub_docs[i], scores, NULL);
        double b = now();
        const struct person *s = &subs[i];
        for (uint32_t j = 0; j < nrevs; j++) {
            const struct person *r = &revs[j];
            if ((s->en ? r->en : r->ru) && s->country != r->country &&
                !conflicted[(size_t)i * nrevs + j]) {
                const struct person_forms *authors = &sub_forms[(size_t)i * authors_per_sub];
                bool names_may_meet =
                    match && name_gates_meet(&rev_gates[j].names, &sub_gates[i].names);
                bool institutions_may_meet =
                    match && (rev_gates[j].institutions & sub_gates[i].institutions) &&
                    institutions_meet(&memo, &rev_forms[j], authors, authors_per_sub);
                if ((names_may_meet || institutions_may_meet) &&
                    names_conflict(&memo, &rev_forms[j], authors, authors_per_sub, names_may_meet,
                                   institutions_may_meet)) {
                    name_conflicts++;
                    continue;
                }
                edges[nedges++] = (struct assign_edge){i, j, scores[j]};
                nonzero_allowed += scores[j] > 0;
            }
        }
        t_score += b - a;
        t_pairs += now() - b;
    }
    double t_index_total = now() - t0;
    free(conflicted);
    free(scores);
    affinity_index_free(index);

    uint32_t *need = xmalloc(nsubs * sizeof(*need)), *cap = xmalloc(nrevs * sizeof(*cap));
    for (uint32_t i = 0; i < nsubs; i++)
        need[i] = k;
    for (uint32_t j = 0; j < nrevs; j++)
        cap[j] = capacity;
    struct assign_problem problem = {nsubs, nrevs, need, cap, edges, nedges};
    struct assign_result result;
    t0 = now();
    int ret = assign_solve(&problem, &result);
    double t_solve = now() - t0;
    if (ret) {
        fprintf(stderr, "assign: %s\n", error_message());
        return 1;
    }
    size_t short_total = 0;
    for (size_t x = 0; x < result.nshort; x++)
        short_total += result.short_by[x];
    double min_w = 1e300;
    for (size_t x = 0; x < result.nchosen; x++)
        if (edges[result.edge_chosen[x]].weight < min_w)
            min_w = edges[result.edge_chosen[x]].weight;

    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("instance:              %u reviewers, %u submissions, k = %u, capacity %u\n", nrevs,
           nsubs, k, capacity);
    printf("pairs:                 %zu total, %zu allowed (%.1f%%), %zu with affinity > 0 "
           "(%zu of them allowed)\n",
           (size_t)nsubs * nrevs, nedges, 100.0 * nedges / ((double)nsubs * nrevs), nonzero_pairs,
           nonzero_allowed);
    printf("corpus (tokenise, stem, IDF): %.3f s for %u documents\n", t_corpus, nrevs + nsubs);
    printf("score all pairs:       %.3f s (inverted index)\n", t_score);
    if (match) {
        printf("names and institutions: %.3f s to read %u people once (transliterate, fold)\n",
               t_forms, nrevs + nsubs * authors_per_sub);
        printf("name conflicts:        %zu pairs excluded (author, declared, institution)\n",
               name_conflicts);
    } else {
        printf("names and institutions: not compared (MATCH=0)\n");
    }
    printf("build allowed pairs:   %.3f s (eligibility loop, not part of scoring)\n", t_pairs);
    printf("index + score + pairs: %.3f s\n", t_index_total);
    printf("solve:                 %.3f s\n", t_solve);
    printf("pricing rounds:        %u\n", result.rounds);
    printf("pairs assigned:        %zu of %zu needed\n", result.nchosen, (size_t)nsubs * k);
    printf("short submissions:     %zu (%zu reviewers missing)\n", result.nshort, short_total);
    printf("total affinity:        %.6f (mean %.4f per pair, lowest chosen %.4f)\n", result.total,
           result.nchosen ? result.total / result.nchosen : 0, result.nchosen ? min_w : 0);
    printf("peak memory (maxrss):  %.1f MiB\n", ru.ru_maxrss / 1024.0);

    assign_result_free(&result);
    free(need);
    free(cap);
    free(edges);
    free(rev_docs);
    free(sub_docs);
    for (uint32_t j = 0; match && j < nrevs; j++)
        person_forms_free(&rev_forms[j]);
    for (size_t x = 0; match && x < (size_t)nsubs * authors_per_sub; x++)
        person_forms_free(&sub_forms[x]);
    institution_memo_free(&memo);
    free(rev_forms);
    free(sub_forms);
    free(rev_gates);
    free(sub_gates);
    free(revs);
    free(subs);
    affinity_corpus_free(corpus);
    return 0;
}
