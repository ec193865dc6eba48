/*
 * The page count of a PDF galley from its page tree (util/pdfpages.h): a flat tree, a tree of
 * nodes (the root's count, not a node's), /Count before /Type, an outline's /Count and
 * /Type /Page left alone, and what is not a page tree refused. tests/cli/test_pdf.sh holds it
 * equal to pdfinfo's count on every galley of the sample.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "util/error.h"
#include "util/pdfpages.h"

#include <string.h>

static unsigned long count(const char *pdf, int *rc)
{
    unsigned long pages = 0;
    *rc = pdf_page_count(pdf, strlen(pdf), &pages);
    if (*rc)
        error_clear();
    return pages;
}

static void test_flat_tree(void **state)
{
    (void)state;
    int rc;
    const char *pdf = "%PDF-1.7\n1 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\n"
                      "2 0 obj\n<<\n/Type /Pages\n/Kids [ 3 0 R 4 0 R 5 0 R ]\n/Count 3\n>>\n"
                      "endobj\n3 0 obj\n<<\n/Type /Page\n/Parent 2 0 R\n>>\nendobj\n"
                      "6 0 obj\n<<\n/Type /Outlines\n/Count 13\n>>\nendobj\n%%EOF\n";
    assert_int_equal(count(pdf, &rc), 3);
    assert_int_equal(rc, 0);
}

static void test_nested_tree_and_order(void **state)
{
    (void)state;
    int rc;
    const char *pdf = "%PDF-1.4\n2 0 obj <</Count 12/Kids[7 0 R 8 0 R]/Type/Pages>> endobj\n"
                      "7 0 obj <</Type /Pages /Parent 2 0 R /Kids [9 0 R] /Count 5>> endobj\n"
                      "8 0 obj <</Type /Pages /Parent 2 0 R /Kids [10 0 R] /Count 7>> endobj\n";
    assert_int_equal(count(pdf, &rc), 12);
    assert_int_equal(rc, 0);
}

static void test_not_a_page_tree(void **state)
{
    (void)state;
    int rc;
    count("%PDF-1.7\n<< /Type /Page /Count 4 >>\n<< /Type /Outlines /Count 2 >>\n", &rc);
    assert_int_equal(rc, JOURNAL_EINPUT);
    count("", &rc);
    assert_int_equal(rc, JOURNAL_EINPUT);
    count("<< /Type /Pages /Kids [] /Count 0 >>", &rc);
    assert_int_equal(rc, JOURNAL_EINPUT);
    count("<< /Type /PagesX /Count 9 >> /Type /Pages", &rc);
    assert_int_equal(rc, JOURNAL_EINPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flat_tree),
        cmocka_unit_test(test_nested_tree_and_order),
        cmocka_unit_test(test_not_a_page_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
