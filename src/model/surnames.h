#ifndef JOURNAL_MODEL_SURNAMES_H
#define JOURNAL_MODEL_SURNAMES_H

#include <stdbool.h>

/*
 * The Latin spellings Korean and Chinese family names are conventionally written in, which no
 * romanisation rule gives: 박 is "bag" by ICU's Hangul-Latin and "Park" in passports, 李 "li" in
 * pinyin and "Lee" in Hong Kong. Data only: model/namematch.c folds each spelling into the
 * loose key it compares names by.
 */

/*
 * The spellings of the Korean family name hangul (UTF-8, one or two syllables), separated
 * by spaces ("Park Bak Pak"), or NULL when the table does not have it.
 */
const char *korean_surname_spellings(const char *hangul);

/*
 * The spellings of the Chinese family name whose pinyin (Latin ASCII, lower case, no tones:
 * "zhang", or "ouyang" for a family name of two characters) is given, separated by spaces
 * ("Chang Cheung Cheong"), or NULL.
 */
const char *chinese_surname_spellings(const char *pinyin);

/*
 * The pinyin of a Han character (UTF-8) read as a family name where ICU's Han-Latin gives
 * another reading (曾 is Zeng as a family name, ceng by ICU), or NULL.
 */
const char *chinese_surname_reading(const char *han);

#endif
