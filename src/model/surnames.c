#include "model/surnames.h"

#include <stddef.h>
#include <string.h>

struct surname {
    const char *key;       /* Hangul, or pinyin */
    const char *spellings; /* separated by spaces */
};

/*
 * Korean family names, roughly most common first, with the spellings seen in passports and
 * bylines beside the Revised Romanisation. Source: the list in issue #16, which takes them from
 * the National Institute of Korean Language's surname romanisations and common passport
 * spellings, with a few frequent variants added (Bahk, Hahn, Uhm); not checked here row by row
 * against the Institute's own tables. McCune-Reischauer forms (Pak, Chŏng, Ch'oe) need no
 * spelling of their own: the loose key of namematch.c folds them into the Revised
 * Romanisation's.
 */
static const struct surname korean[] = {
    {"김", "Kim Gim"},
    {"이", "Lee Yi Rhee I Rhie Ri Li Ree"},
    {"박", "Park Bak Pak Bahk"},
    {"최", "Choi Choe Chey"},
    {"정", "Jung Jeong Chung Cheong Joung"},
    {"강", "Kang Gang"},
    {"조", "Cho Jo Joe Choh"},
    {"윤", "Yoon Yun Youn"},
    {"장", "Jang Chang Jhang"},
    {"임", "Lim Im Rim Yim"},
    {"한", "Han Hahn"},
    {"오", "Oh O"},
    {"서", "Seo Suh Sur"},
    {"신", "Shin Sin Shinn"},
    {"권", "Kwon Gwon Kwun"},
    {"황", "Hwang Whang"},
    {"안", "Ahn An"},
    {"송", "Song"},
    {"류", "Ryu Yoo Yu Rhyu Ryoo Lyu"},
    {"유", "Yoo Yu Ryu Rhyu You"},
    {"전", "Jeon Jun Chun Chon"},
    {"홍", "Hong"},
    {"고", "Ko Go Koh"},
    {"문", "Moon Mun"},
    {"양", "Yang Ryang"},
    {"손", "Son Sohn"},
    {"배", "Bae Pae Bai"},
    {"백", "Baek Paik Baik Paek"},
    {"허", "Heo Huh Hur"},
    {"노", "Noh Roh No"},
    {"남", "Nam"},
    {"심", "Shim Sim"},
    {"하", "Ha"},
    {"곽", "Kwak Gwak"},
    {"성", "Sung Seong"},
    {"차", "Cha"},
    {"주", "Joo Ju Chu"},
    {"우", "Woo U"},
    {"구", "Koo Gu Ku"},
    {"민", "Min"},
    {"나", "Na Ra"},
    {"진", "Jin Chin"},
    {"지", "Ji Chi"},
    {"엄", "Um Eom Uhm"},
    {"채", "Chae"},
    {"원", "Won Weon"},
    {"천", "Cheon Chun Chon"},
    {"방", "Bang Pang"},
    {"공", "Kong Gong"},
    {"현", "Hyun Hyeon"},
    {"함", "Ham Hahm"},
    {"변", "Byun Byeon Pyun"},
    {"염", "Yeom Yum Yeum"},
    {"여", "Yeo Yuh"},
    {"추", "Choo Chu"},
    {"도", "Do Doh"},
    {"소", "So"},
    {"석", "Seok Suk"},
    {"선", "Sun Seon"},
    {"설", "Seol Sul"},
    {"마", "Ma"},
    {"길", "Gil Kil"},
    {"연", "Yeon Youn"},
    {"위", "Wi Wee"},
    {"표", "Pyo"},
    {"명", "Myung Myeong"},
    {"기", "Ki Gi"},
    {"반", "Ban Bahn"},
    {"왕", "Wang"},
    {"금", "Keum Geum Kum"},
    {"옥", "Ok"},
    {"육", "Yook Yuk"},
    {"인", "In"},
    {"맹", "Maeng"},
    {"제", "Je Jeh"},
    {"모", "Mo"},
    {"탁", "Tak"},
    {"국", "Kook Guk"},
    {"어", "Eo Uh"},
    {"은", "Eun"},
    {"편", "Pyun Pyeon"},
    {"용", "Yong"},
    {"예", "Ye Yeh"},
    {"경", "Kyung Gyeong"},
    {"봉", "Bong"},
    {"사", "Sa"},
    {"부", "Boo Bu"},
    {"황보", "Hwangbo"},
    {"남궁", "Namgung Namkung"},
    {"제갈", "Jegal"},
    {"선우", "Sunwoo Seonu"},
    {"독고", "Dokgo"},
    {NULL, NULL},
};

/*
 * Chinese family names by their pinyin, with the spellings the pinyin/Wade-Giles folds of
 * namematch.c do not reach: Cantonese (Hong Kong: Chan, Wong, Ng), Hokkien and Teochew
 * (Singapore, Malaysia: Tan, Lim, Goh) and older conventions (Soong). Source: the list in
 * issue #16 and the romanisations commonly given for each name (Wikipedia's article on each
 * surname lists them); not checked row by row against one authority. A pinyin stands for
 * every character read so (吕 and 卢 are both "lu"), which errs toward a match, as the
 * conflict checks want.
 */
static const struct surname chinese[] = {
    {"wang", "Wong Ong Heng"},
    {"li", "Lee Lei Lie Ly"},
    {"zhang", "Chang Cheung Cheong Teo Chong"},
    {"liu", "Lau Lao Low Liew Lew Lieu"},
    {"chen", "Chan Tan Chin Chun"},
    {"yang", "Yeung Young Yeo Ieong"},
    {"huang", "Hwang Wong Ng Oei Wee"},
    {"zhao", "Chiu Chew Chio"},
    {"wu", "Ng Goh Woo Ngo Eng"},
    {"zhou", "Chow Chau Chew Chiew"},
    {"xu", "Hsu Hui Tsui Chui Koh Khoo Hee"},
    {"sun", "Suen Soon Sng"},
    {"ma", "Mah Beh"},
    {"zhu", "Chu Chue Choo"},
    {"hu", "Woo Foo Hoo Oh"},
    {"guo", "Kwok Kok Quek Kwek"},
    {"he", "Ho Hoh Hor"},
    {"gao", "Ko Kou Koh Kho"},
    {"lin", "Lam Lim Lum"},
    {"luo", "Lo Law Loh Lor"},
    {"zheng", "Cheang Tay Teh"},
    {"liang", "Leung Leong Neo"},
    {"xie", "Tse Chia Cheah Sia"},
    {"song", "Soong"},
    {"tang", "Tong Thng"},
    {"han", "Hon"},
    {"feng", "Fung Pang"},
    {"deng", "Tang Dang"},
    {"cao", "Tso Cho Chau"},
    {"peng", "Pang Phang"},
    {"zeng", "Tsang Chang"},
    {"xiao", "Siu Seow Siow"},
    {"tian", "Tin Thian"},
    {"dong", "Tong"},
    {"pan", "Poon Pun Phua"},
    {"yuan", "Yuen Woon"},
    {"cai", "Choi Choy Chua Tsoi"},
    {"jiang", "Kong Keung Cheung Kang"},
    {"yu", "Yue Yee Ee Jue"},
    {"du", "To Toh"},
    {"ye", "Ip Yip Yap Yeap"},
    {"cheng", "Ching"},
    {"wei", "Ngai Wai Gwee"},
    {"su", "So Soo Sou"},
    {"lu", "Lui Loo Lo Lou Luk Looi"},
    {"ding", "Teng"},
    {"ren", "Yam Yum"},
    {"shen", "Sham Shum Sim"},
    {"yao", "Yiu Yau Yew"},
    {"cui", "Choi Chui"},
    {"zhong", "Cheong Chung"},
    {"tan", "Tam"},
    {"fan", "Faan Huan"},
    {"liao", "Liu Leow Liew"},
    {"qiu", "Yau Khoo Khu Kow"},
    {"qian", "Chin"},
    {"kong", "Hung Khong"},
    {"zou", "Chau Chow"},
    {"xiong", "Hung"},
    {"gu", "Koo"},
    {"mao", "Mo Mau"},
    {"hao", "Hou"},
    {"shi", "Sze Shek Sek See"},
    {"duan", "Tuen"},
    {"lei", "Lui Louie"},
    {"long", "Loong"},
    {"mo", "Mok Moh"},
    {"fu", "Foo Poh"},
    {"ou", "Au Ow"},
    {"xia", "Ha Hsia"},
    {"jin", "Kam Kim"},
    {"fang", "Fong Hong"},
    {"lai", "Lye"},
    {"meng", "Mang"},
    {"tao", "To"},
    {"ge", "Ko Kot"},
    {"jia", "Ka"},
    {"bai", "Pak Peh"},
    {"wen", "Man Boon"},
    {"shao", "Siu"},
    {"ouyang", "Au-Yeung Auyeung Owyang"},
    {"sima", "Szema Sze-ma Seema"},
    {"situ", "Szeto Sze-to Seto Sitoh"},
    {"zhuge", "Chu-ko"},
    {"shangguan", "Sheung-kwun"},
    {"huangfu", "Wong-foo"},
    {"dongfang", "Tung-fang"},
    {"xiahou", "Hsia-hou"},
    {"murong", "Mu-jung"},
    {"gongsun", "Kung-sun"},
    {"linghu", "Ling-hu"},
    {"zhangsun", "Chang-sun"},
    {"yuwen", "Yu-wen"},
    {"duanmu", "Tuan-mu"},
    {NULL, NULL},
};

/* Han characters whose reading as a family name ICU's Han-Latin does not give. */
static const struct surname readings[] = {
    {"曾", "zeng"}, {"单", "shan"}, {"單", "shan"}, {"仇", "qiu"}, {"解", "xie"},  {"区", "ou"},
    {"區", "ou"},   {"查", "zha"},  {"朴", "piao"}, {"覃", "qin"}, {"缪", "miao"}, {"繆", "miao"},
    {"尉", "yu"},   {"盖", "ge"},   {"蓋", "ge"},   {NULL, NULL},
};

static const char *look_up(const struct surname *table, const char *key)
{
    for (size_t i = 0; table[i].key; i++)
        if (!strcmp(table[i].key, key))
            return table[i].spellings;
    return NULL;
}

const char *korean_surname_spellings(const char *hangul)
{
    return look_up(korean, hangul);
}

const char *chinese_surname_spellings(const char *pinyin)
{
    return look_up(chinese, pinyin);
}

const char *chinese_surname_reading(const char *han)
{
    return look_up(readings, han);
}
